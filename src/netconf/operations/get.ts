// <get> (RFC 6241 §7.7): running's configuration and the state data (state-data.ts: netconf
// monitoring, YANG library in RFC 8525 and RFC 7895 form, the agent's own state), with-defaults
// applied to both (RFC 6243), then the optional subtree or XPath filter. State sources the filter
// cannot select from are not built.
import { requireDatastore } from '../datastore-services.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { readFilter } from './filter-param.js';
import { baseParams, checkParameters } from './params.js';
import type { OperationDefinition } from './registry.js';
import { retrievalReply } from './retrieval.js';
import { mergeTrees, stateTrees } from './state-data.js';
import { readWithDefaults, WITH_DEFAULTS_PARAM } from './with-defaults-param.js';

export const get: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'get',
  handler: (request, ctx) => {
    const op = request.operation;
    checkParameters(op, [...baseParams('filter'), WITH_DEFAULTS_PARAM]);
    const filter = readFilter(op);
    const mode = readWithDefaults(op);
    const running = requireDatastore(ctx.server).datastores.running;
    const all = mergeTrees(running, stateTrees(ctx.server, filter));
    return Promise.resolve(retrievalReply(all, mode, filter, 'all'));
  },
};
