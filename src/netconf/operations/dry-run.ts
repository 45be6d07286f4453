// vrouter-agent <dry-run>: the ordered plan a commit of the candidate would execute in the
// backends now, without executing anything. Each backend translates the candidate and its engine
// plans against what it has applied (TransactionEngine.dryRun, in the engine's queue, so the
// answer is never computed against a half-done transaction). The candidate is not validated as a
// whole first (that is <validate>'s job); a problem the translation or the planner finds (a
// route to an interface in another namespace, a dependency cycle) answers operation-failed with
// the error-path of the YANG node behind it.
// Without backends (vrouterd --no-linux) the plan is empty: <ok/>.
import type { JsonObject } from '../../datastore/json-encoder.js';
import { jsonPathToXml, type RpcError } from '../rpc-error.js';
import { requireDatastore } from '../datastore-services.js';
import { decodeRpcInput, rpcOutput, yangRpcInput } from './content.js';
import { VROUTER_AGENT_MODULE, VROUTER_AGENT_NS } from './commit-params.js';
import { backendIdentity, pendingJson, plannedOperationJson } from './engine-state.js';
import { fail, ok, type OperationDefinition } from './registry.js';

export const dryRun: OperationDefinition = {
  namespace: VROUTER_AGENT_NS,
  name: 'dry-run',
  streamed: [yangRpcInput(VROUTER_AGENT_MODULE, 'dry-run')],
  handler: async (request, ctx) => {
    const ds = requireDatastore(ctx.server);
    const schema = ctx.server.schema;
    decodeRpcInput(request, schema, VROUTER_AGENT_MODULE);
    const candidate = ds.datastores.candidate;
    const operation: JsonObject[] = [];
    const pending: JsonObject[] = [];
    const errors: RpcError[] = [];
    for (const backend of ctx.server.backends) {
      const r = await backend.dryRun(candidate);
      if (!r.ok) {
        const path = r.path === undefined ? undefined : jsonPathToXml(r.path, schema);
        errors.push({
          type: 'application', tag: 'operation-failed',
          message: `${backend.name}: ${r.message}${r.path !== undefined && !r.message.includes(r.path) ? ` (at ${r.path})` : ''}`,
          ...(path === undefined ? {} : { path }),
        });
        continue;
      }
      for (const op of r.plan.ops) {
        const path = r.itemPath(op.key);
        operation.push({ ...plannedOperationJson(operation.length, op, path), backend: backendIdentity(backend.name) });
      }
      pending.push(...r.plan.pending.map(pendingJson));
    }
    const [first, ...more] = errors;
    if (first !== undefined) return fail(first, ...more);
    ctx.log.info({ operations: operation.length, pending: pending.length }, 'dry-run planned');
    if (operation.length === 0 && pending.length === 0) return ok();
    const doc = { [`${VROUTER_AGENT_MODULE}:operation`]: operation, [`${VROUTER_AGENT_MODULE}:pending`]: pending };
    return rpcOutput(schema, VROUTER_AGENT_MODULE, 'dry-run', doc);
  },
};
