// The Linux descriptors driving the real kernel through the transaction engine (needs root):
// the router-and-two-hosts configuration is committed into namespaces this test creates, checked
// with `ip -json`, re-read by retrieve (no drift), a failing commit is reverted completely, an
// empty commit removes everything vrouterd made, and a route waits for its device.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { linuxDescriptors } from '../../../../src/backends/linux/descriptors.js';
import { linksEquivalent } from '../../../../src/backends/linux/descriptors-link.js';
import { forwardingEquivalent } from '../../../../src/backends/linux/forwarding-sysctls.js';
import { routesEquivalent } from '../../../../src/backends/linux/descriptors-ip.js';
import { IpRunner } from '../../../../src/backends/linux/ip-runner.js';
import {
  addressItemKey, deviceKey, forwardingItemKey, linkForwardingKey, linkItemKey, netnsKey, routeItemKey, translateLinux, type TranslatedItem,
} from '../../../../src/backends/linux/translate.js';
import { TransactionEngine } from '../../../../src/commit/engine.js';
import { DescriptorRegistry } from '../../../../src/commit/registry.js';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import { YangContext } from '../../../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../../../src/validation/module-search-path.js';
import { Schema } from '../../../../src/validation/schema.js';
import { requireCommand, requireRoot } from '../../../support/prerequisites.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'vrouter-linux');
const PREFIX = `vrt-desc-${process.pid}-`;
const ROUTER = `${PREFIX}router`;
const HOST1 = `${PREFIX}host1`;
const HOST2 = `${PREFIX}host2`;
const LATE = `${PREFIX}late`;

function sh(argv: readonly string[], check = true): { status: number | null; stdout: string; stderr: string } {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('empty command');
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  if (check && r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ipJson(ns: string, ...args: string[]): Record<string, unknown>[] {
  return JSON.parse(sh(['ip', '-n', ns, '-json', ...args]).stdout || '[]') as Record<string, unknown>[];
}

function myNamespaces(): string[] {
  const list = JSON.parse(sh(['ip', '-json', 'netns', 'list']).stdout || '[]') as { name: string }[];
  return list.map((n) => n.name).filter((n) => n.startsWith(PREFIX)).sort();
}

function addressesOf(ns: string, dev: string): string[] {
  const entry = ipJson(ns, 'addr', 'show', 'dev', dev)[0];
  const infos = (entry?.['addr_info'] ?? []) as { local: string; prefixlen: number; scope: string }[];
  return infos.filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`).sort();
}

function routeDsts(ns: string, ...extra: string[]): string[] {
  return ipJson(ns, 'route', 'show', ...extra).filter((r) => r['protocol'] !== 'kernel').map((r) => String(r['dst'])).sort();
}

function makeEngine(runner: IpRunner): TransactionEngine {
  const registry = new DescriptorRegistry();
  for (const d of linuxDescriptors(runner, { namespaceFilter: (n) => n.startsWith(PREFIX), includeDefaultNamespace: false })) {
    registry.register(d);
  }
  return new TransactionEngine({ registry });
}

describe('linux descriptors: value comparison', () => {
  it('a configured attribute must match, an absent one is the kernel\'s; master is authoritative', () => {
    const kernel = { kind: 'veth' as const, name: 'e0', up: true, mtu: 1500, mac: '02:00:00:00:00:01', peer: '' };
    assert.ok(linksEquivalent(kernel, { kind: 'veth', name: 'e0', up: true, peer: 'x', peerNamespace: 'n' }));
    assert.ok(linksEquivalent(kernel, { kind: 'other', infoKind: 'veth', name: 'e0', up: true }));
    assert.ok(!linksEquivalent(kernel, { kind: 'other', name: 'e0', mtu: 1400 }));
    assert.ok(!linksEquivalent(kernel, { kind: 'other', name: 'e0', master: 'br0' }));
    assert.ok(!linksEquivalent(kernel, { kind: 'bridge', name: 'e0' }));
    assert.ok(forwardingEquivalent({ ipv4: true, ipv6: false }, { ipv4: true }));
    assert.ok(!forwardingEquivalent({ ipv4: true, ipv6: false }, { ipv6: true }));
    const route = { family: 4 as const, destination: '0.0.0.0/0', type: 'unicast' as const, table: 254, metric: 0, gateway: '192.0.2.1' };
    assert.ok(routesEquivalent({ ...route, dev: 'eth0' }, route));
    assert.ok(!routesEquivalent({ ...route, gateway: '192.0.2.2' }, route));
    assert.ok(!routesEquivalent({ ...route, protocol: 'static' }, route));
  });
});

describe('linux descriptors driving the kernel through the engine (root)', function () {
  this.timeout(60_000);
  let yang: YangContext | undefined;
  let schema: Schema;
  let items: TranslatedItem[] = [];
  const runner = new IpRunner();
  let engine: TransactionEngine;

  before(async () => {
    requireRoot('creates network namespaces, veth pairs, addresses and routes');
    requireCommand('ip', 'iproute2');
    requireCommand('sysctl', 'procps');
    yang = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: [...STANDARD_MODULES, { name: 'vrouter-linux' }] });
    schema = new Schema(yang.exportSchema());
    let xml = readFileSync(join(FIXTURES, 'valid-router-hosts.xml'), 'utf8');
    for (const ns of ['router', 'host1', 'host2']) {
      xml = xml.replaceAll(`<name>${ns}</name>`, `<name>${PREFIX}${ns}</name>`)
        .replaceAll(`<namespace>${ns}</namespace>`, `<namespace>${PREFIX}${ns}</namespace>`);
    }
    const decoded = decodeXml(schema, xml, { datastore: 'config' });
    if (!decoded.ok) throw new Error(decoded.errors.map((e) => e.message).join('; '));
    const translated = translateLinux(decoded.tree);
    assert.deepEqual(translated.problems, []);
    items = translated.items;
    // host2 has provisioning "existing": somebody else made it.
    sh(['ip', 'netns', 'add', HOST2]);
    engine = makeEngine(runner);
  });

  after(() => {
    yang?.close();
    for (const ns of myNamespaces()) sh(['ip', 'netns', 'del', ns], false);
    assert.deepEqual(myNamespaces(), []);
  });

  it('commits the router and two hosts; the kernel has the links, addresses, routes and forwarding', async () => {
    const seen = await engine.retrieve(['linux']);
    const keys = (seen.get('linux') ?? []).map((r) => r.item.key);
    assert.ok(keys.includes(netnsKey(HOST2)), keys.join(', '));
    assert.ok(keys.includes(deviceKey(HOST2, 'lo')));
    assert.equal((await engine.resync(seen)).ok, true);

    const out = await engine.commit(items);
    assert.ok(out.ok, JSON.stringify(out.error));
    assert.deepEqual(out.plan?.pending, []);
    assert.equal(out.plan?.ops.length, items.length);

    assert.deepEqual(addressesOf(ROUTER, 'eth-h1'), ['192.0.2.1/30', '2001:db8:1::1/64']);
    assert.deepEqual(addressesOf(ROUTER, 'eth-h2'), ['192.0.2.5/30']);
    assert.deepEqual(addressesOf(HOST1, 'eth0'), ['192.0.2.2/30', '2001:db8:1::2/64']);
    assert.deepEqual(addressesOf(HOST2, 'eth0'), ['192.0.2.6/30']);
    const h1 = ipJson(HOST1, 'link', 'show', 'dev', 'eth0')[0]!;
    assert.equal(h1['mtu'], 1400);
    assert.equal(h1['address'], '02:00:00:00:01:02');
    for (const [ns, dev] of [[ROUTER, 'eth-h1'], [ROUTER, 'eth-h2'], [HOST1, 'eth0'], [HOST2, 'eth0']] as const) {
      assert.ok((ipJson(ns, 'link', 'show', 'dev', dev)[0]!['flags'] as string[]).includes('UP'), `${ns} ${dev} is up`);
    }
    assert.deepEqual(routeDsts(ROUTER), ['10.0.0.0/8', '198.51.100.0/24']);
    assert.deepEqual(routeDsts(ROUTER, 'table', '100'), ['203.0.113.0/24']);
    assert.deepEqual(routeDsts(HOST1), ['default']);
    assert.deepEqual(ipJson(HOST1, '-6', 'route', 'show', 'default').map((r) => r['gateway']), ['2001:db8:1::1']);
    assert.deepEqual(routeDsts(HOST2), ['default']);
    assert.equal(sh(['ip', 'netns', 'exec', ROUTER, 'sysctl', '-n', 'net.ipv4.ip_forward']).stdout.trim(), '1');
    assert.equal(sh(['ip', 'netns', 'exec', ROUTER, 'sysctl', '-n', 'net.ipv6.conf.all.forwarding']).stdout.trim(), '1');

    if (sh(['sh', '-c', 'command -v ping'], false).status === 0) {
      sh(['ip', 'netns', 'exec', HOST1, 'ping', '-c', '1', '-W', '5', '192.0.2.6']);
    } else {
      // No ping here: the path host1 → router → host2 as the kernels would route it.
      assert.match(sh(['ip', '-n', HOST1, 'route', 'get', '192.0.2.6']).stdout, /via 192\.0\.2\.1 dev eth0/u);
      assert.match(sh(['ip', '-n', ROUTER, 'route', 'get', '192.0.2.6']).stdout, /192\.0\.2\.6 dev eth-h2/u);
      assert.match(sh(['ip', '-n', HOST2, 'route', 'get', '192.0.2.2']).stdout, /via 192\.0\.2\.5 dev eth0/u);
    }
  });

  it('retrieve reads back what translate produced: a resync finds no drift', async () => {
    const seen = await engine.retrieve(['linux']);
    const mine = (seen.get('linux') ?? []).filter((r) => r.createdByVrouterd).map((r) => r.item.key).sort();
    const created = items.filter((i) => (i.value as { kind?: string }).kind !== 'other').map((i) => i.key).sort();
    for (const key of created) assert.ok(mine.includes(key), `${key} is reported as vrouterd's`);
    const out = await engine.resync(seen);
    assert.ok(out.ok, JSON.stringify(out.error));
    assert.deepEqual(out.plan?.ops.map((o) => `${o.op} ${o.key}`), []);
    assert.ok(engine.snapshot().items.every((s) => s.state === 'applied'));
  });

  it('an mtu change is an update in place (ip link set), and back', async () => {
    const owner = linkItemKey(HOST1, 'eth0');
    const changed = items.map((i) => (i.key === owner ? { ...i, value: { ...i.value, mtu: 1300 } } : i));
    const ifindex = ipJson(HOST1, 'link', 'show', 'dev', 'eth0')[0]!['ifindex'];
    const out = await engine.commit(changed);
    assert.ok(out.ok, JSON.stringify(out.error));
    assert.deepEqual(out.plan?.ops.map((o) => `${o.op} ${o.key}`), [`update ${owner}`]);
    const link = ipJson(HOST1, 'link', 'show', 'dev', 'eth0')[0]!;
    assert.equal(link['mtu'], 1300);
    assert.equal(link['ifindex'], ifindex);
    assert.ok((await engine.commit(items)).ok);
    assert.equal(ipJson(HOST1, 'link', 'show', 'dev', 'eth0')[0]!['mtu'], 1400);
  });

  it('a commit whose third operation fails in the kernel is reverted completely', async () => {
    const state = async (): Promise<unknown> => {
      const out: Record<string, unknown> = { namespaces: myNamespaces() };
      for (const ns of [ROUTER, HOST1, HOST2]) {
        const s = await runner.readState(ns);
        out[ns] = { ...s, links: s.links.map(({ operState: _o, ...rest }) => rest) };
      }
      return out;
    };
    const before = await state();
    const applied = [...engine.appliedItems().keys()].sort();
    const link = linkItemKey(ROUTER, 'vrt-ifb0');
    const address = { dev: 'vrt-ifb0', address: '192.0.2.9', prefixLength: 30 };
    const route = { family: 4 as const, destination: '198.18.0.0/24', type: 'unicast' as const, table: 254, metric: 0, gateway: '203.0.113.99', dev: 'vrt-ifb0' };
    const extra: TranslatedItem[] = [
      { key: link, backend: 'linux', value: { kind: 'ifb', name: 'vrt-ifb0', up: true }, dependencies: [netnsKey(ROUTER)] },
      { key: addressItemKey(ROUTER, address), backend: 'linux', value: address, dependencies: [link] },
      { key: routeItemKey(ROUTER, route), backend: 'linux', value: route, dependencies: [link, netnsKey(ROUTER)] },
    ];
    const out = await engine.commit([...items, ...extra]);
    assert.equal(out.ok, false);
    assert.deepEqual(out.execution?.ops.map((o) => o.result), ['ok', 'ok', 'failed']);
    assert.equal(out.error?.key, routeItemKey(ROUTER, route));
    assert.match(out.error?.message ?? '', /gateway|unreachable/iu);
    assert.match(out.error?.message ?? '', /route replace 198\.18\.0\.0\/24/u);
    assert.deepEqual(out.execution?.reverts.map((r) => r.result), ['ok', 'ok']);
    assert.deepEqual(await state(), before);
    assert.deepEqual([...engine.appliedItems().keys()].sort(), applied);
  });

  it('an empty commit removes everything vrouterd created and leaves what it did not', async () => {
    const out = await engine.commit([]);
    assert.ok(out.ok, JSON.stringify(out.error));
    assert.deepEqual(myNamespaces(), [HOST2]);
    assert.deepEqual(ipJson(HOST2, 'link', 'show').map((l) => l['ifname']), ['lo']);
    assert.deepEqual(routeDsts(HOST2), []);
    assert.equal(engine.appliedItems().size, 0);
  });

  it('forwarding is set and put back as it was; a macvlan is made next to its parent and moved', async () => {
    const other = makeEngine(runner);
    const sysctl = (name: string): string => sh(['ip', 'netns', 'exec', HOST2, 'sysctl', '-n', name]).stdout.trim();
    const fwd = forwardingItemKey(HOST2);
    const loFwd = linkForwardingKey(HOST2, 'lo');
    const owner = linkItemKey(HOST2, 'p0');
    const mv = linkItemKey(LATE, 'mv0');
    const desired: TranslatedItem[] = [
      { key: fwd, backend: 'linux', value: { namespace: HOST2, ipv4: true }, dependencies: [netnsKey(HOST2)] },
      { key: loFwd, backend: 'linux', value: { dev: 'lo', ipv6: true }, dependencies: [] },
      { key: owner, backend: 'linux', value: { kind: 'veth', name: 'p0', peer: 'p1', up: true }, dependencies: [netnsKey(HOST2)] },
      { key: linkItemKey(HOST2, 'p1'), backend: 'linux', value: { kind: 'other', infoKind: 'veth', name: 'p1', up: true }, dependencies: [owner] },
      { key: netnsKey(LATE), backend: 'linux', value: { name: LATE }, dependencies: [] },
      {
        key: mv, backend: 'linux', value: { kind: 'macvlan', name: 'mv0', parent: 'p1', mode: 'bridge', parentNamespace: HOST2, up: true },
        dependencies: [linkItemKey(HOST2, 'p1'), netnsKey(LATE)],
      },
    ];
    assert.ok((await other.keyAppeared(netnsKey(HOST2))).ok);
    const out = await other.commit(desired);
    assert.ok(out.ok, JSON.stringify(out.error));
    assert.equal(sysctl('net.ipv4.ip_forward'), '1');
    assert.equal(sysctl('net.ipv6.conf.lo.forwarding'), '1');
    assert.deepEqual(ipJson(LATE, 'link', 'show').map((l) => l['ifname']), ['lo', 'mv0']);
    assert.deepEqual(ipJson(HOST2, 'link', 'show').map((l) => l['ifname']).sort(), ['lo', 'p0', 'p1']);
    const again = await other.resync(await other.retrieve(['linux']));
    assert.deepEqual(again.plan?.ops.map((o) => `${o.op} ${o.key}`), []);

    assert.ok((await other.commit([])).ok);
    assert.equal(sysctl('net.ipv4.ip_forward'), '0');
    assert.equal(sysctl('net.ipv6.conf.lo.forwarding'), '0');
    assert.deepEqual(ipJson(HOST2, 'link', 'show').map((l) => l['ifname']), ['lo']);
    assert.ok(!myNamespaces().includes(LATE));
  });

  it('a route committed before its device exists is pending, and applied when the device appears', async () => {
    const late = makeEngine(runner);
    const link = linkItemKey(LATE, 'late0');
    const address = { dev: 'late0', address: '10.99.0.1', prefixLength: 24 };
    const route = { family: 4 as const, destination: '10.98.0.0/24', type: 'unicast' as const, table: 254, metric: 0, gateway: '10.99.0.2', dev: 'late0' };
    const routeKey = routeItemKey(LATE, route);
    const desired: TranslatedItem[] = [
      { key: netnsKey(LATE), backend: 'linux', value: { name: LATE }, dependencies: [] },
      { key: link, backend: 'linux', value: { kind: 'other', name: 'late0', up: true }, dependencies: [deviceKey(LATE, 'late0'), netnsKey(LATE)] },
      { key: addressItemKey(LATE, address), backend: 'linux', value: address, dependencies: [link] },
      { key: routeKey, backend: 'linux', value: route, dependencies: [link, netnsKey(LATE)] },
    ];
    const first = await late.commit(desired);
    assert.ok(first.ok, JSON.stringify(first.error));
    assert.deepEqual(first.plan?.pending.map((p) => p.key).sort(), [addressItemKey(LATE, address), link, routeKey].sort());
    assert.deepEqual(late.snapshot().items.find((s) => s.key === routeKey)?.state, 'pending');
    assert.deepEqual(routeDsts(LATE), []);

    sh(['ip', '-n', LATE, 'link', 'add', 'late0', 'type', 'veth', 'peer', 'name', 'late1']);
    const event = await late.keyAppeared(deviceKey(LATE, 'late0'));
    assert.ok(event.ok, JSON.stringify(event.error));
    assert.deepEqual(routeDsts(LATE), ['10.98.0.0/24']);
    assert.deepEqual(addressesOf(LATE, 'late0'), ['10.99.0.1/24']);
    assert.ok(late.snapshot().items.every((s) => s.state === 'applied'));

    assert.ok((await late.commit([])).ok);
    assert.ok(!myNamespaces().includes(LATE));
  });
});
