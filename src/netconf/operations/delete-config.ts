// <delete-config> (RFC 6241 §7.4): only startup can be deleted (it then reads as empty); running
// and candidate → operation-not-supported (DatastoreSet.delete); <url> → operation-not-supported.
// Startup locked by another session → in-use with its session-id.
import { requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { baseParams, checkParameters, checkWritable, datastoreChoice, rejectDatastore } from './params.js';
import { ok, type OperationDefinition } from './registry.js';

export const deleteConfig: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'delete-config',
  handler: async (request, ctx) => {
    const op = request.operation;
    checkParameters(op, baseParams('target'));
    const ds = requireDatastore(ctx.server);
    // Every datastore name is read here; DatastoreSet decides which can be deleted.
    const target = datastoreChoice(op, 'target', { datastores: ['startup', 'running', 'candidate'] });
    if (target.kind !== 'datastore') throw new Error('delete-config: unexpected target');
    if (target.name === 'startup') checkWritable(ctx.server, 'startup', ctx.session.id);
    const result = await ds.datastores.delete(target.name);
    if (!result.ok) rejectDatastore(result.errors, ctx.server);
    ctx.log.info('startup deleted');
    return ok();
  },
};
