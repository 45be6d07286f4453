// <unlock> (RFC 6241 §7.6): only the session holding the lock may release it; otherwise
// operation-failed (with the holder's session-id when another session holds it). Releasing the
// candidate lock discards the candidate changes made under it (locks.ts).
import { requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { baseParams, checkParameters, datastoreChoice, rejectDatastore } from './params.js';
import { ok, type OperationDefinition } from './registry.js';

export const unlock: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'unlock',
  handler: (request, ctx) => {
    const op = request.operation;
    checkParameters(op, baseParams('target'));
    const ds = requireDatastore(ctx.server);
    const target = datastoreChoice(op, 'target', { datastores: ['running', 'candidate', 'startup'] });
    if (target.kind !== 'datastore') throw new Error('unlock: unexpected target');
    const result = ds.locks.unlock(target.name, ctx.session.id);
    if (!result.ok) rejectDatastore(result.errors, ctx.server);
    ctx.log.info({ datastore: target.name }, 'datastore unlocked');
    return Promise.resolve(ok());
  },
};
