// ietf-netconf-monitoring state built from live objects: it fits the schema (decoded into a state
// tree), and its sessions, counters, statistics, schemas and datastores follow what happened.
import assert from 'node:assert/strict';
import { encodeXml } from '../../../src/datastore/xml-encoder.js';
import { netconfStateJson, newStatistics, type MonitoringSources } from '../../../src/netconf/monitoring.js';
import type { NetconfCore } from '../../../src/netconf/server.js';
import { MONITORING_NS } from '../../../src/netconf/xml/namespaces.js';
import { connect, established, isOk, makeCore, parseXml, type RawClient } from './session/harness.js';

type Json = Record<string, unknown>;

function state(core: NetconfCore): Json {
  return netconfStateJson(core.monitoringSources())['ietf-netconf-monitoring:netconf-state'] as Json;
}

describe('netconf/monitoring', () => {
  let core: NetconfCore;
  const clients: RawClient[] = [];
  beforeEach(async () => {
    core = await makeCore();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stream.destroy();
    await core.closeAll();
  });

  it('sessions and statistics follow the traffic', async () => {
    const a = await established(core, '1.1', { username: 'alice' });
    clients.push(a);
    assert.ok(isOk(await a.rpc('1', '<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>')));
    await a.rpc('2', '<get/>'); // operation-not-supported: an error reply
    a.write(a.frame('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="3"><get></rpc>'));
    await a.reply('3');
    const b = await established(core, '1.0', { username: 'bob' }); // a session-start for a
    clients.push(b);
    const bad = connect(core);
    clients.push(bad);
    await bad.serverHello();
    bad.write(Buffer.from(']]>]]>'));
    await bad.until('the bad hello to be refused', () => bad.ended);
    await a.until('two notifications', () => a.session.counters.outNotifications === 2);

    const st = state(core);
    const sessions = (st['sessions'] as { session: Json[] }).session;
    assert.deepEqual(sessions.map((s) => [s['session-id'], s['username'], s['transport']]),
      [[a.session.id, 'alice', 'ietf-netconf-monitoring:netconf-ssh'], [b.session.id, 'bob', 'ietf-netconf-monitoring:netconf-ssh']]);
    const sa = sessions[0] as Json;
    assert.deepEqual([sa['in-rpcs'], sa['in-bad-rpcs'], sa['out-rpc-errors'], sa['out-notifications']], [2, 1, 2, 2]);
    assert.equal(sa['source-host'], '192.0.2.10');
    assert.match(String(sa['login-time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const stats = st['statistics'] as Json;
    assert.deepEqual(
      ['in-sessions', 'in-bad-hellos', 'dropped-sessions', 'in-rpcs', 'in-bad-rpcs', 'out-rpc-errors', 'out-notifications'].map((k) => stats[k]),
      [3, 1, 0, 2, 1, 2, 2]);

    // The same data as a state tree, i.e. it fits ietf-netconf-monitoring.
    const xml = encodeXml(core.schema, core.netconfState());
    const el = parseXml(xml);
    assert.equal(el.namespace, MONITORING_NS);
    assert.equal(el.child(MONITORING_NS, 'sessions')?.childrenNamed(MONITORING_NS, 'session').length, 2);
  });

  it('lists the hello capabilities and every schema get-schema serves, in yang and yin', () => {
    const st = state(core);
    assert.deepEqual((st['capabilities'] as { capability: string[] }).capability, [...core.capabilities]);
    const schemas = (st['schemas'] as { schema: Json[] }).schema;
    const ifs = schemas.filter((s) => s['identifier'] === 'ietf-interfaces');
    assert.deepEqual(ifs.map((s) => [s['version'], s['format'], s['namespace'], s['location']]), [
      ['2018-02-20', 'ietf-netconf-monitoring:yang', 'urn:ietf:params:xml:ns:yang:ietf-interfaces', ['NETCONF']],
      ['2018-02-20', 'ietf-netconf-monitoring:yin', 'urn:ietf:params:xml:ns:yang:ietf-interfaces', ['NETCONF']],
    ]);
    const sub = schemas.find((s) => s['identifier'] === 'ietf-ipv6-router-advertisements');
    assert.equal(sub?.['namespace'], 'urn:ietf:params:xml:ns:yang:ietf-ipv6-unicast-routing', 'a submodule has its module\'s namespace');
    assert.ok(schemas.some((s) => s['identifier'] === 'ietf-yang-types'), 'import-only modules are served too');
    assert.equal(st['sessions'], undefined, 'no sessions, no list');
  });

  it('datastores come from the locks provider when one is plugged in', () => {
    const plain = (state(core)['datastores'] as { datastore: Json[] }).datastore;
    assert.deepEqual(plain, [{ name: 'running' }, { name: 'candidate' }, { name: 'startup' }]);
    const t = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    core.setDatastoreStateProvider(() => [{ name: 'running', globalLock: { lockedBySession: 4, lockedTime: t } }, { name: 'candidate' }]);
    const locked = (state(core)['datastores'] as { datastore: Json[] }).datastore;
    assert.deepEqual(locked[0], { name: 'running', locks: { 'global-lock': { 'locked-by-session': 4, 'locked-time': '2026-01-02T03:04:05.000Z' } } });
    const xml = encodeXml(core.schema, core.netconfState());
    assert.match(xml, /<locked-by-session>4<\/locked-by-session>/);
  });

  it('counters wrap at 2^32 (zero-based-counter32)', () => {
    const statistics = { ...newStatistics(), inRpcs: 4294967296 + 5 };
    const src: MonitoringSources = { capabilities: [], modules: [], sessions: () => [], statistics };
    const st = netconfStateJson(src)['ietf-netconf-monitoring:netconf-state'] as Json;
    assert.equal((st['statistics'] as Json)['in-rpcs'], 5);
  });
});
