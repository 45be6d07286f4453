// <cancel-commit> (RFC 6241 §8.4.4.1, :confirmed-commit:1.1): the pending confirmed commit is
// reverted now — running becomes what it was before the first confirmed commit, through the
// commit pipeline (a new commit, recorded in the history), and the <ok/> is sent once that is
// durable. Who may cancel (ConfirmedCommit decides):
// - without <persist-id>: only the session that issued the confirmed commit, and only when that
//   commit was not given <persist> (another session → operation-failed naming the issuer);
// - with <persist-id>: any session, when it matches the pending commit's <persist>
//   (a mismatch, or a persist-id for a non-persistent commit → invalid-value, bad-element persist-id).
// Nothing pending → operation-failed. Running locked by another session → in-use.
import { datastoreRpcErrors, requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { parseCancelCommitParameters, sessionRef } from './commit-params.js';
import { fail, ok, type OperationDefinition } from './registry.js';

export const cancelCommit: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'cancel-commit',
  handler: async (request, ctx) => {
    const ds = requireDatastore(ctx.server);
    const schema = ctx.server.schema;
    const { persistId } = parseCancelCommitParameters(request.operation);
    const session = sessionRef(ctx.session);
    const locked = ds.locks.checkWrite('running', session.sessionId);
    if (locked !== undefined) return fail(...datastoreRpcErrors([locked], schema));
    const result = await ds.confirmed.cancel(persistId, session);
    if (!result.ok) {
      ctx.log.info({ error: result.errors[0].message, tag: result.errors[0].tag }, 'cancel-commit refused');
      return fail(...datastoreRpcErrors(result.errors, schema));
    }
    ctx.log.info('confirmed commit cancelled: running reverted');
    return ok();
  },
};
