// vrouter-agent <list-commits>: the recorded commits, newest first — the checkpoints <rollback>
// can return to. Each entry: id, time, user, session-id (0 for the agent itself, e.g. the revert
// of a confirmed commit), comment (when given), confirmed, changes (changed nodes). <max-entries>
// limits the answer to the newest N; an empty history answers <ok/>. The answer is the rpc's YANG output, encoded from a data
// tree decoded against the schema's output node (so every value is checked against its type).
import { requireDatastore } from '../datastore-services.js';
import { decodeRpcInput, rpcOutput, yangRpcInput } from './content.js';
import { inputLeaves, VROUTER_AGENT_MODULE, VROUTER_AGENT_NS } from './commit-params.js';
import { ok, type OperationDefinition } from './registry.js';

export const listCommits: OperationDefinition = {
  namespace: VROUTER_AGENT_NS,
  name: 'list-commits',
  streamed: [yangRpcInput(VROUTER_AGENT_MODULE, 'list-commits')],
  handler: (request, ctx) => {
    const ds = requireDatastore(ctx.server);
    const schema = ctx.server.schema;
    const input = inputLeaves(decodeRpcInput(request, schema, VROUTER_AGENT_MODULE).tree);
    const max = input.get('max-entries');
    const commits = ds.history.list().slice(0, max === undefined ? undefined : Number(max));
    // RFC 7950 §7.14.4: no output parameters → <ok/>.
    if (commits.length === 0) return Promise.resolve(ok());
    const doc = {
      [`${VROUTER_AGENT_MODULE}:commit`]: commits.map((c) => ({
        id: String(c.id),
        time: c.time,
        user: c.user,
        'session-id': c.sessionId ?? 0,
        ...(c.comment === undefined ? {} : { comment: c.comment }),
        confirmed: c.confirmed,
        changes: c.changeCount,
      })),
    };
    return Promise.resolve(rpcOutput(schema, VROUTER_AGENT_MODULE, 'list-commits', doc));
  },
};
