// <create-subscription> (RFC 5277 §2.1.1): the NETCONF stream, no replay. The subscription starts
// once the <ok/> is written, so no notification can overtake the reply. Errors:
// - stopTime without startTime → missing-element (protocol), bad-element startTime (RFC 5277);
// - startTime → operation-failed (protocol): "the stream does not support replay" (RFC 5277);
// - a stream other than NETCONF → invalid-value, bad-element stream;
// - a second subscription on the session → in-use (one subscription per session, RFC 5277 §6,
//   the answer Netopeer2 gives);
// - <filter> → operation-not-supported for now: notification filtering arrives with the filter
//   engine (src/netconf/filters), and silently ignoring a filter would flood the client.
import { textOf } from '../xml/element.js';
import { NOTIFICATION_NS } from '../xml/namespaces.js';
import { NETCONF_STREAM } from '../notifications.js';
import { fail, invalidValue, ok, type OperationDefinition } from './registry.js';

export const createSubscription: OperationDefinition = {
  namespace: NOTIFICATION_NS,
  name: 'create-subscription',
  handler: (request, ctx) => {
    const op = request.operation;
    const stream = textOf(op.child(NOTIFICATION_NS, 'stream')) ?? NETCONF_STREAM;
    const startTime = op.child(NOTIFICATION_NS, 'startTime');
    const stopTime = op.child(NOTIFICATION_NS, 'stopTime');
    if (stream !== NETCONF_STREAM) {
      return Promise.resolve(fail(invalidValue('stream', `there is no stream ${JSON.stringify(stream)}: this server has the ${NETCONF_STREAM} stream only`)));
    }
    if (stopTime !== undefined && startTime === undefined) {
      return Promise.resolve(fail({ type: 'protocol', tag: 'missing-element', info: { badElement: 'startTime' }, message: 'stopTime is given without startTime' }));
    }
    if (startTime !== undefined) {
      return Promise.resolve(fail({ type: 'protocol', tag: 'operation-failed', message: `the ${NETCONF_STREAM} stream does not support replay: omit startTime and stopTime` }));
    }
    if (op.child(NOTIFICATION_NS, 'filter') !== undefined) {
      return Promise.resolve(fail({ type: 'protocol', tag: 'operation-not-supported', message: 'notification filters are not supported yet: subscribe without <filter>' }));
    }
    const bus = ctx.server.notifications;
    if (bus.isSubscribed(ctx.session.id)) {
      return Promise.resolve(fail({ type: 'protocol', tag: 'in-use', message: 'this session already has a subscription (one per session)' }));
    }
    return Promise.resolve(ok(() => {
      if (!bus.isSubscribed(ctx.session.id)) bus.subscribe(ctx.session);
      ctx.log.info({ stream }, 'notification subscription started');
    }));
  },
};
