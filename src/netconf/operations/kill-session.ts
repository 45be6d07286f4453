// <kill-session> (RFC 6241 §7.9): end another session at once. Its operations in progress are
// abandoned, its locks released (through the session end hooks) before the <ok/> goes out, and
// its transport closed. Killing oneself is invalid-value (use close-session), as is an id that
// names no session.
import { textOf } from '../xml/element.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { fail, invalidValue, missingElement, ok, type OperationDefinition } from './registry.js';

export const killSession: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'kill-session',
  handler: async (request, ctx) => {
    const text = textOf(request.operation.child(NETCONF_BASE_NS, 'session-id'));
    if (text === undefined) return fail(missingElement('session-id', 'kill-session needs a <session-id>'));
    // session-id-type: uint32, 1..max.
    const id = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > 4294967295) {
      return fail(invalidValue('session-id', `session-id ${JSON.stringify(text)} is not a number in 1..4294967295`));
    }
    if (id === ctx.session.id) {
      return fail(invalidValue('session-id', `session ${id} is the current session: use <close-session> to end it`));
    }
    if (ctx.server.sessions.get(id) === undefined) {
      return fail(invalidValue('session-id', `there is no session ${id}`));
    }
    ctx.log.info({ target: id }, 'kill-session');
    await ctx.server.sessions.kill(id, ctx.session.id);
    return ok();
  },
};
