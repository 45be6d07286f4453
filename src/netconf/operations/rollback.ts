// vrouter-agent <rollback>: a datastore returns to the configuration as it was right after a
// recorded commit (list-commits). The configuration is rebuilt from running by undoing the newer
// commits (CommitHistory.configurationAt).
// - target candidate (the default): the candidate is replaced by it, to be reviewed, edited and
//   committed; the candidate's lock rules apply (locked by another session → in-use). <comment>
//   has no use there and is ignored.
// - target running: committed at once through the commit pipeline — validated, applied, durable,
//   recorded as a new commit (operation "rollback", with <comment> or "rollback to commit N"),
//   announced by netconf-config-change; the output names the new commit (<ok/> when running
//   already was that configuration). Running locked by another session → in-use. While a
//   confirmed commit is pending it is refused (operation-failed): its timeout would revert the
//   rollback too, or the rollback would overwrite the commit awaiting confirmation — confirm it
//   or cancel-commit first.
// An id the history does not hold → invalid-value (bad-element id) naming the ids it holds.
import { datastoreRpcErrors, requireDatastore, type DatastoreServices } from '../datastore-services.js';
import { decodeRpcInput, rpcOutput, yangRpcInput } from './content.js';
import { inputLeaves, sessionRef, sourceHostOf, VROUTER_AGENT_MODULE, VROUTER_AGENT_NS } from './commit-params.js';
import { fail, invalidValue, missingElement, ok, type OperationDefinition } from './registry.js';
import type { RpcError } from '../rpc-error.js';

/** The invalid-value for a commit id the history does not hold. */
function unknownCommit(ds: DatastoreServices, idText: string): RpcError {
  const ids = ds.history.list().map((c) => c.id);
  const newest = ids[0];
  const oldest = ids[ids.length - 1];
  const holds = newest === undefined || oldest === undefined
    ? 'the commit history is empty'
    : newest === oldest ? `the history holds commit ${newest} only` : `the history holds commits ${oldest}..${newest}`;
  return invalidValue('id', `there is no commit ${idText} to roll back to: ${holds} (see list-commits)`, 'application');
}

export const rollback: OperationDefinition = {
  namespace: VROUTER_AGENT_NS,
  name: 'rollback',
  streamed: [yangRpcInput(VROUTER_AGENT_MODULE, 'rollback')],
  handler: async (request, ctx) => {
    const ds = requireDatastore(ctx.server);
    const schema = ctx.server.schema;
    const input = inputLeaves(decodeRpcInput(request, schema, VROUTER_AGENT_MODULE).tree);
    const idText = input.get('id');
    if (idText === undefined) return fail(missingElement('id', 'rollback needs the <id> of the commit to return to (see list-commits)'));
    const id = Number(idText);
    if (!Number.isSafeInteger(id) || ds.history.get(id) === undefined) return fail(unknownCommit(ds, idText));
    const target = input.get('target') ?? 'candidate';
    const session = sessionRef(ctx.session);

    const locked = ds.locks.checkWrite(target === 'running' ? 'running' : 'candidate', session.sessionId);
    if (locked !== undefined) return fail(...datastoreRpcErrors([locked], schema));

    if (target !== 'running') {
      const at = ds.pipeline.configurationAt(id);
      if (!at.ok) return fail(...datastoreRpcErrors(at.errors, schema));
      const copied = await ds.datastores.copy({ tree: at.tree }, 'candidate', session);
      if (!copied.ok) return fail(...datastoreRpcErrors(copied.errors, schema));
      ctx.log.info({ commit: id }, 'candidate rolled back');
      return ok();
    }

    const pending = ds.confirmed.pending;
    if (pending !== undefined) {
      return fail({
        type: 'application', tag: 'operation-failed',
        message: `a confirmed commit of session ${pending.sessionId} is pending: confirm it or cancel-commit before rolling running back`,
      });
    }
    const comment = input.get('comment');
    const outcome = await ds.pipeline.rollbackRunning(id, {
      by: { user: session.user, sessionId: session.sessionId, ...sourceHostOf(ctx.session) },
      operation: 'rollback',
      ...(comment === undefined || comment === '' ? {} : { comment }),
    });
    if (!outcome.ok) return fail(...datastoreRpcErrors(outcome.errors, schema));
    ctx.log.info({ commit: id, tx: outcome.commitId, changes: outcome.changes.changes.length }, 'running rolled back');
    if (outcome.commitId === null) return ok();
    return rpcOutput(schema, VROUTER_AGENT_MODULE, 'rollback', { [`${VROUTER_AGENT_MODULE}:new-commit-id`]: String(outcome.commitId) });
  },
};
