// The notification bus, <create-subscription>, and the RFC 6470 session events as another
// session sees them.
import assert from 'node:assert/strict';
import { decodeJson } from '../../../src/datastore/json-decoder.js';
import {
  NotificationBus, formatEventTime, renderNotification, sessionEndEvent, type NotificationTarget,
} from '../../../src/netconf/notifications.js';
import { OPERATIONS } from '../../../src/netconf/operations/index.js';
import { ok, type OperationDefinition } from '../../../src/netconf/operations/registry.js';
import type { NetconfCore } from '../../../src/netconf/server.js';
import { NETCONF_NOTIFICATIONS_NS as NCN, NOTIFICATION_NS } from '../../../src/netconf/xml/namespaces.js';
import { connect, established, isOk, makeCore, parseXml, rpcErrors, type RawClient } from './session/harness.js';

const T = 'urn:test:notify';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function target(id: number, got: string[]): NotificationTarget {
  return { id, deliverNotification: (m) => void got.push(m) };
}

const event = (n: number): { namespace: string; name: string; xml: string } => ({ namespace: T, name: 'tick', xml: `<tick xmlns="${T}">${n}</tick>` });

/** The notifications a client received, as [content element name, element]. */
function notifications(c: RawClient): ReturnType<typeof parseXml>[] {
  return c.parsed().filter((m) => m.name === 'notification');
}

describe('netconf/notifications', () => {
  describe('the bus', () => {
    it('delivers to every subscriber in publication order, through its filter', () => {
      const bus = new NotificationBus();
      const a: string[] = [];
      const b: string[] = [];
      bus.subscribe(target(1, a));
      bus.subscribe(target(2, b), { filter: (e) => e.xml.includes('>2<') });
      for (const n of [1, 2, 3]) bus.publish(event(n));
      assert.equal(a.length, 3);
      assert.deepEqual(a.map((m) => /<tick[^>]*>(\d)/.exec(m)?.[1]), ['1', '2', '3']);
      assert.equal(b.length, 1);
      assert.ok(bus.isSubscribed(2));
      assert.ok(bus.unsubscribe(2));
      assert.ok(!bus.unsubscribe(2));
      bus.publish(event(4));
      assert.equal(b.length, 1);
      assert.equal(bus.publishedCount, 4);
      assert.throws(() => bus.subscribe(target(1, a)), /already subscribed/);
    });

    it('a failing subscriber does not stop the others', () => {
      const errors: number[] = [];
      const bus = new NotificationBus((_err, id) => void errors.push(id));
      const got: string[] = [];
      bus.subscribe({ id: 7, deliverNotification: () => { throw new Error('gone'); } });
      bus.subscribe(target(8, got));
      bus.publish(event(1));
      assert.deepEqual(errors, [7]);
      assert.equal(got.length, 1);
    });

    it('wraps events in <notification> with an RFC 3339 eventTime', () => {
      const t = new Date(Date.UTC(2026, 10, 22, 10, 30, 0, 5));
      assert.equal(formatEventTime(t), '2026-11-22T10:30:00.005Z');
      const el = parseXml(renderNotification({ ...event(1), eventTime: t }));
      assert.equal(el.namespace, NOTIFICATION_NS);
      assert.equal(el.child(NOTIFICATION_NS, 'eventTime')?.text, '2026-11-22T10:30:00.005Z');
      assert.equal(el.child(T, 'tick')?.text, '1');
    });

    it('publishes a YANG notification given as a data tree (netconf-config-change)', async () => {
      const core = await makeCore();
      const schema = core.schema;
      const n = schema.notification('ietf-netconf-notifications', 'netconf-config-change');
      assert.ok(n);
      const decoded = decodeJson(schema, {
        'ietf-netconf-notifications:datastore': 'running',
        'ietf-netconf-notifications:edit': [{ target: "/ietf-interfaces:interfaces/interface[name='eth0']", operation: 'create' }],
      }, { root: { schema: n } });
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.errors[0].message);
      const bus = new NotificationBus();
      const got: string[] = [];
      bus.subscribe(target(1, got));
      bus.publishTree(schema, decoded.tree);
      const el = parseXml(got[0] ?? '').child(NCN, 'netconf-config-change');
      assert.ok(el);
      assert.equal(el.child(NCN, 'datastore')?.text, 'running');
      const t = el.child(NCN, 'edit')?.child(NCN, 'target');
      assert.equal(t?.text, "/if:interfaces/if:interface[if:name='eth0']");
      assert.equal(t?.resolvePrefix('if'), 'urn:ietf:params:xml:ns:yang:ietf-interfaces');
    });

    it('session-end carries killed-by only for killed sessions', () => {
      const s = { id: 3, username: 'bob', sourceHost: '', transport: 'netconf-ssh', loginTime: new Date(), baseVersion: '1.1' as const, clientCapabilities: [], counters: { inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 } };
      const killed = parseXml(sessionEndEvent(s, 'killed', 9).xml);
      assert.deepEqual(killed.children.map((c) => `${c.name}=${c.text}`), ['username=bob', 'session-id=3', 'killed-by=9', 'termination-reason=killed']);
      const closed = parseXml(sessionEndEvent(s, 'closed', 9).xml);
      assert.equal(closed.child(NCN, 'killed-by'), undefined);
    });
  });

  describe('sessions', () => {
    let core: NetconfCore;
    const clients: RawClient[] = [];
    let publish: (n: number) => void = () => undefined;
    const publisher: OperationDefinition = {
      namespace: T, name: 'publish',
      handler: async () => {
        publish(1);
        await sleep(20); // the notification is written while the request is in progress
        return ok();
      },
    };

    async function open(info: { username?: string; idleTimeoutMs?: number } = {}): Promise<RawClient> {
      const c = await established(core, '1.1', info);
      clients.push(c);
      return c;
    }

    beforeEach(async () => {
      core = await makeCore({ operations: [...OPERATIONS, publisher] });
      publish = (n) => void core.notifications.publish(event(n));
    });
    afterEach(async () => {
      for (const c of clients.splice(0)) c.stream.destroy();
      await core.closeAll();
    });

    const subscribe = `<create-subscription xmlns="${NOTIFICATION_NS}"/>`;

    it('another session\'s start, close and kill reach a subscriber as RFC 6470 events', async () => {
      const a = await open();
      assert.ok(isOk(await a.rpc('s', subscribe)));
      const b = await open({ username: 'bob' });
      await a.until('session-start', () => notifications(a).length === 1);
      const start = notifications(a)[0]?.child(NCN, 'netconf-session-start');
      assert.deepEqual(start?.children.map((c) => `${c.name}=${c.text}`), ['username=bob', `session-id=${b.session.id}`, 'source-host=192.0.2.10']);
      assert.ok(isOk(await b.rpc('c', '<close-session/>')));
      await a.until('session-end', () => notifications(a).length === 2);
      assert.equal(notifications(a)[1]?.child(NCN, 'netconf-session-end')?.child(NCN, 'termination-reason')?.text, 'closed');

      const c = await open();
      assert.ok(isOk(await a.rpc('k', `<kill-session><session-id>${c.session.id}</session-id></kill-session>`)));
      await a.until('session-end (killed)', () => notifications(a).length === 4);
      const end = notifications(a)[3]?.child(NCN, 'netconf-session-end');
      assert.equal(end?.child(NCN, 'killed-by')?.text, String(a.session.id));
      assert.equal(end?.child(NCN, 'termination-reason')?.text, 'killed');
      assert.equal(a.session.counters.outNotifications, 4);
      assert.equal(b.session.counters.outNotifications, 0, 'sessions without a subscription get nothing');
    });

    it('the subscription starts after its reply; notifications interleave with a request in progress', async () => {
      const a = await open();
      a.write(Buffer.concat([
        a.frame(`<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><publish xmlns="${T}"/></rpc>`),
        a.frame(`<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="2">${subscribe}</rpc>`),
        a.frame(`<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="3"><publish xmlns="${T}"/></rpc>`),
      ]));
      await a.reply('3');
      const order = a.parsed().map((m) => (m.name === 'notification' ? 'notification' : `reply ${m.attribute('message-id') ?? ''}`));
      assert.deepEqual(order, ['reply 1', 'reply 2', 'notification', 'reply 3']);
    });

    it('refuses replay, stopTime alone, unknown streams, filters and a second subscription', async () => {
      const a = await open();
      const err = async (body: string): Promise<string> => {
        const [e] = rpcErrors(await a.rpc(String(Math.random()), `<create-subscription xmlns="${NOTIFICATION_NS}">${body}</create-subscription>`));
        return `${e?.tag ?? 'ok'}/${e?.type ?? ''}/${e?.info['bad-element'] ?? ''}`;
      };
      assert.equal(await err('<startTime>2026-01-01T00:00:00Z</startTime>'), 'operation-failed/protocol/');
      assert.equal(await err('<stopTime>2026-01-01T00:00:00Z</stopTime>'), 'missing-element/protocol/startTime');
      assert.equal(await err('<stream>SYSLOG</stream>'), 'invalid-value/protocol/stream');
      assert.equal(await err('<filter type="subtree"><x xmlns="urn:x"/></filter>'), 'operation-not-supported/protocol/');
      assert.equal(await err('<stream>NETCONF</stream>'), 'ok//');
      assert.equal(await err(''), 'in-use/protocol/');
    });

    it('a subscribed session is not ended by the idle timeout', async () => {
      const a = await open({ idleTimeoutMs: 60 });
      assert.ok(isOk(await a.rpc('s', subscribe)));
      await sleep(200);
      assert.equal(a.session.phase, 'established');
      const b = connect(core, { idleTimeoutMs: 60 });
      clients.push(b);
      await b.serverHello();
      b.sendHello('1.1');
      await b.until('the idle session to close', () => b.ended, 2000);
    });
  });
});
