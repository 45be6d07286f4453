// <commit> (RFC 6241 §8.3.4.1) with :confirmed-commit:1.1 (§8.4): the candidate becomes running.
//
// - Plain commit, confirmed commit (<confirmed/>, <confirm-timeout> default 600 s, <persist>),
//   follow-up confirmed commit and confirming commit (<persist-id> for a persistent one): all of
//   it is ConfirmedCommit's state machine (datastore/confirmed-commit.ts), which commits through
//   the CommitPipeline: validation (libyang, whole datastore), the appliers, then running and
//   its history record written durably — the <ok/> is sent only after that.
// - vrouterd extension: <comment xmlns="urn:vrouterd:params:xml:ns:yang:vrouter-agent">text</comment>
//   is recorded with the commit in the history (list-commits shows it), like Junos'
//   `commit comment`. A client that does not know it never sends it.
// - Locks (§7.5): running locked by another session → in-use with that session's id (LockManager).
//   The candidate locked by another session is refused the same way: its holder is editing it
//   under the lock, and a commit by someone else would publish that half-done work.
// - Errors come back as rpc-errors; validation errors carry libyang's path as an XML error-path
//   (datastoreRpcError). Running is untouched by a failed commit.
import { datastoreRpcErrors, requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { parseCommitParameters, sessionRef, sourceHostOf } from './commit-params.js';
import { fail, ok, type OperationDefinition } from './registry.js';

export const commit: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'commit',
  handler: async (request, ctx) => {
    const ds = requireDatastore(ctx.server);
    const schema = ctx.server.schema;
    const params = parseCommitParameters(request.operation);
    const session = sessionRef(ctx.session);
    const locked = ds.locks.checkWrite('running', session.sessionId) ?? ds.locks.checkWrite('candidate', session.sessionId);
    if (locked !== undefined) return fail(...datastoreRpcErrors([locked], schema));
    const outcome = await ds.confirmed.commit(params.confirmed, session, {
      ...(params.comment === undefined ? {} : { comment: params.comment }),
      ...sourceHostOf(ctx.session),
    });
    if (!outcome.ok) {
      ctx.log.info({ error: outcome.errors[0].message, tag: outcome.errors[0].tag }, 'commit refused');
      return fail(...datastoreRpcErrors(outcome.errors, schema));
    }
    const pending = ds.confirmed.pending;
    ctx.log.info({
      tx: outcome.commitId, changes: outcome.changes.changes.length,
      ...(pending === undefined ? {} : { confirmDeadline: pending.deadline.toISOString(), persistent: pending.persist !== undefined }),
    }, outcome.commitId === null ? 'commit: nothing to change' : 'committed');
    return ok();
  },
};
