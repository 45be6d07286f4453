// <close-session> (RFC 6241 §7.8): reply <ok/>, then end the session gracefully. Requests that
// arrived behind it are ignored; the end path releases the session's locks.
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { ok, type OperationDefinition } from './registry.js';

export const closeSession: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'close-session',
  handler: (_request, ctx) => Promise.resolve(ok(() => ctx.session.close())),
};
