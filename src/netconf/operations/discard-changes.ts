// <discard-changes> (RFC 6241 §8.3.4.2): the candidate becomes running again, whoever made the
// changes. Refused with in-use (and the holder's session-id) while another session holds the
// candidate lock.
import { requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { checkParameters, checkWritable } from './params.js';
import { ok, type OperationDefinition } from './registry.js';

export const discardChanges: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'discard-changes',
  handler: (request, ctx) => {
    checkParameters(request.operation, []);
    const ds = requireDatastore(ctx.server);
    checkWritable(ctx.server, 'candidate', ctx.session.id);
    const discarded = ds.datastores.candidateModified;
    ds.datastores.discardChanges();
    ctx.log.info({ discarded }, 'candidate changes discarded');
    return Promise.resolve(ok());
  },
};
