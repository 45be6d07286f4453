// vrouter-agent <resync>: each backend (all, or those named in <backends>) reads what it holds,
// compares it with the running configuration and repairs drift — a route deleted behind
// vrouterd's back is put back, a link re-created. Objects vrouterd did not create are left alone.
// The answer lists, per backend, the engine transaction that repaired something (none when
// nothing had drifted), how many operations ran and whether all of them succeeded; a repair the
// backend refuses is reported there (result failed, error-message in the backend's words), not as
// an rpc-error: the resync itself ran, and the item's state in engine-state tells the rest.
// A backend name that is not running here → invalid-value.
import type { JsonObject } from '../../datastore/json-encoder.js';
import { decodeRpcInput, rpcOutput, yangRpcInput } from './content.js';
import { VROUTER_AGENT_MODULE, VROUTER_AGENT_NS } from './commit-params.js';
import { backendIdentity } from './engine-state.js';
import { fail, invalidValue, ok, type OperationDefinition } from './registry.js';

export const resync: OperationDefinition = {
  namespace: VROUTER_AGENT_NS,
  name: 'resync',
  streamed: [yangRpcInput(VROUTER_AGENT_MODULE, 'resync')],
  handler: async (request, ctx) => {
    const schema = ctx.server.schema;
    const input = decodeRpcInput(request, schema, VROUTER_AGENT_MODULE).tree;
    const asked: string[] = [];
    for (const node of input.root.childNodes()) {
      // identityref canonical text is module:identity; the backend name is the identity.
      if (node.kind === 'leaf-list-entry' && node.schema.name === 'backends') asked.push(node.value.canonical.replace(/^.*:/u, ''));
    }
    const available = ctx.server.backends;
    const unknown = asked.filter((name) => !available.some((b) => b.name === name));
    if (unknown.length > 0) {
      const running = available.length === 0 ? 'none runs here' : `running: ${available.map((b) => b.name).join(', ')}`;
      return fail(invalidValue('backends', `no backend ${unknown.join(', ')} to resync (${running})`, 'application'));
    }
    const chosen = asked.length === 0 ? available : available.filter((b) => asked.includes(b.name));
    if (chosen.length === 0) return ok();
    const backend: JsonObject[] = [];
    for (const b of chosen) {
      const outcome = await b.resync(`requested by session ${ctx.session.id}`);
      backend.push({
        name: backendIdentity(b.name),
        ...(outcome.transactionId === undefined ? {} : { 'transaction-id': outcome.transactionId }),
        operations: outcome.execution?.ops.length ?? 0,
        result: outcome.ok ? 'ok' : 'failed',
        ...(outcome.error === undefined ? {} : { 'error-message': `${outcome.error.key === undefined ? '' : `${outcome.error.key}: `}${outcome.error.message}` }),
      });
    }
    ctx.log.info({ backends: backend }, 'resync done');
    return rpcOutput(schema, VROUTER_AGENT_MODULE, 'resync', { [`${VROUTER_AGENT_MODULE}:backend`]: backend });
  },
};
