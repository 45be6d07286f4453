// <get-config> (RFC 6241 §7.1): a configuration datastore (running, candidate, or startup with
// :startup), with-defaults applied (RFC 6243), then the optional subtree or XPath filter.
// <source><url> → operation-not-supported (no :url).
import { requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { readFilter } from './filter-param.js';
import { baseParams, checkParameters, datastoreChoice, rejectDatastore } from './params.js';
import type { OperationDefinition } from './registry.js';
import { retrievalReply } from './retrieval.js';
import { readWithDefaults, WITH_DEFAULTS_PARAM } from './with-defaults-param.js';

export const getConfig: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'get-config',
  handler: (request, ctx) => {
    const op = request.operation;
    checkParameters(op, [...baseParams('source', 'filter'), WITH_DEFAULTS_PARAM]);
    const ds = requireDatastore(ctx.server);
    const source = datastoreChoice(op, 'source', { datastores: ['running', 'candidate', 'startup'] });
    if (source.kind !== 'datastore') throw new Error('get-config: unexpected source');
    const filter = readFilter(op);
    const mode = readWithDefaults(op);
    const read = ds.datastores.read(source.name);
    if (!read.ok) rejectDatastore(read.errors, ctx.server);
    return Promise.resolve(retrievalReply(read.tree, mode, filter, 'config'));
  },
};
