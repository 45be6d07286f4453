// <lock> (RFC 6241 §7.5): a global lock on running, candidate or startup, granted now or
// refused now with lock-denied and the holder's session-id in error-info (locks.ts has the
// rules: already locked, uncommitted candidate changes of another session, another session's
// pending confirmed commit). The lock ends with <unlock> or with the session.
import { requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { baseParams, checkParameters, datastoreChoice, rejectDatastore } from './params.js';
import { ok, type OperationDefinition } from './registry.js';

export const lock: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'lock',
  handler: (request, ctx) => {
    const op = request.operation;
    checkParameters(op, baseParams('target'));
    const ds = requireDatastore(ctx.server);
    const target = datastoreChoice(op, 'target', { datastores: ['running', 'candidate', 'startup'] });
    if (target.kind !== 'datastore') throw new Error('lock: unexpected target');
    const result = ds.locks.lock(target.name, ctx.session.id);
    if (!result.ok) rejectDatastore(result.errors, ctx.server);
    ctx.log.info({ datastore: target.name }, 'datastore locked');
    return Promise.resolve(ok());
  },
};
