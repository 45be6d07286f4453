// Integration-style: render a batch, apply it with `ip -n NS -batch -` inside namespaces this test
// creates, read back with `ip -json`, and check that the diff is then empty. Needs root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import {
  renderBatch, renderForwarding, renderNamespaceCreate, renderNamespaceDelete,
} from '../../../../src/backends/linux/batch-render.js';
import { diffNamespace, type CurrentState, type DesiredState } from '../../../../src/backends/linux/diff.js';
import { parseAddresses, parseLinks, parseRoutes } from '../../../../src/backends/linux/json-parse.js';
import { addressKey, linkKey, routeKey } from '../../../../src/backends/linux/link-spec.js';
import { requireCommand, requireRoot } from '../../../support/prerequisites.js';

const NS1 = `vrt-lxu1-${process.pid}`;
const NS2 = `vrt-lxu2-${process.pid}`;

function run(argv: readonly string[], input?: string): string {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('empty command');
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: input ?? '', timeout: 15000 });
  if (r.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}\n${input ?? ''}`);
  }
  return r.stdout;
}

function read(ns: string): CurrentState {
  const links = parseLinks(run(['ip', '-n', ns, '-json', '-d', 'link', 'show']));
  const addresses = parseAddresses(run(['ip', '-n', ns, '-json', 'addr', 'show']));
  const routes = parseRoutes(run(['ip', '-n', ns, '-json', 'route', 'show', 'table', 'all']));
  if (!links.ok) assert.fail(links.error.message);
  if (!addresses.ok) assert.fail(addresses.error.message);
  if (!routes.ok) assert.fail(routes.error.message);
  return { links: links.value, addresses: addresses.value, routes: routes.value.routes };
}

function keys(d: DesiredState): Set<string> {
  return new Set([...d.links.map((l) => linkKey(l.name)), ...d.addresses.map(addressKey), ...d.routes.map(routeKey)]);
}

function apply(ns: string, desired: DesiredState, owned: ReadonlySet<string>): string[] {
  const diff = diffNamespace({ namespace: ns, desired, current: read(ns), owned });
  assert.deepEqual(diff.conflicts, []);
  const batch = renderBatch(diff.ops);
  if (!batch.ok) assert.fail(batch.error.message);
  if (batch.lines.length > 0) run(['ip', '-n', ns, '-batch', '-'], batch.script);
  return batch.lines;
}

function router(): DesiredState {
  return {
    links: [
      { kind: 'veth', name: 'to-host', peer: 'to-router', peerNamespace: NS2, up: true, mtu: 1400 },
      { kind: 'bridge', name: 'br0', up: true, mac: '02:00:00:00:00:01' },
      { kind: 'veth', name: 'p1', peer: 'p2', master: 'br0', up: true },
      { kind: 'veth', name: 'p2', peer: 'p1', up: true },
      { kind: 'macvlan', name: 'mv0', parent: 'p2', mode: 'bridge', up: true },
      { kind: 'vxlan', name: 'vx10', vni: 10, local: '192.0.2.1', dstPort: 4789, learning: false },
      { kind: 'ifb', name: 'lo1', up: true },
    ],
    addresses: [
      { dev: 'to-host', address: '192.0.2.1', prefixLength: 30 },
      { dev: 'to-host', address: '2001:db8::1', prefixLength: 64 },
      { dev: 'br0', address: '198.51.100.1', prefixLength: 24, broadcast: '198.51.100.255' },
      { dev: 'lo1', address: '10.9.9.1', peer: '10.9.9.2', prefixLength: 32 },
    ],
    routes: [
      { family: 4, destination: 'default', type: 'unicast', gateway: '192.0.2.2', dev: 'to-host' },
      { family: 4, destination: '198.18.0.0/24', type: 'unicast', gateway: '192.0.2.2', metric: 100 },
      { family: 4, destination: '198.18.1.0/24', type: 'unicast', gateway: '192.0.2.2', dev: 'to-host', table: 100 },
      { family: 4, destination: '198.18.2.0/24', type: 'unicast', nexthops: [
        { gateway: '192.0.2.2', dev: 'to-host', weight: 1 }, { gateway: '198.51.100.2', dev: 'br0', weight: 3 }] },
      { family: 4, destination: '198.18.3.0/24', type: 'blackhole' },
      { family: 4, destination: '198.18.4.4', type: 'unreachable', metric: 5 },
      { family: 4, destination: '198.18.5.0/24', type: 'prohibit', table: 200 },
      { family: 4, destination: '198.18.6.0/24', type: 'unicast', gateway: '203.0.113.1', dev: 'to-host', onlink: true },
      { family: 6, destination: '2001:db8:1::/48', type: 'unicast', gateway: '2001:db8::2', dev: 'to-host' },
      { family: 6, destination: '2001:db8:2::/48', type: 'blackhole', table: 100 },
    ],
  };
}

function host(): DesiredState {
  return {
    links: [{ kind: 'veth', name: 'to-router', peer: 'to-host', peerNamespace: NS1, up: true }],
    addresses: [{ dev: 'to-router', address: '192.0.2.2', prefixLength: 30 }],
    routes: [{ family: 4, destination: 'default', type: 'unicast', gateway: '192.0.2.1' }],
  };
}

describe('linux backend core applied in a namespace (root)', function () {
  this.timeout(60000);

  before(() => {
    requireRoot('creates network namespaces');
    requireCommand('ip', 'iproute2');
    for (const ns of [NS1, NS2]) for (const argv of renderNamespaceCreate({ name: ns })) run(argv);
  });

  after(() => {
    for (const ns of [NS1, NS2]) {
      for (const argv of renderNamespaceDelete({ name: ns })) {
        const [cmd, ...args] = argv;
        if (cmd !== undefined) spawnSync(cmd, args, { encoding: 'utf8', timeout: 15000 });
      }
    }
  });

  it('applies every supported kind, reads it back, and the diff is empty', () => {
    const r = router();
    const h = host();
    assert.ok(apply(NS1, r, new Set()).length > 10);
    apply(NS2, h, new Set());
    for (const argv of renderForwarding({ namespace: NS1, ipv4: true, ipv6: true })) run(argv);
    assert.equal(run(['ip', 'netns', 'exec', NS1, 'sysctl', '-n', 'net.ipv4.ip_forward']).trim(), '1');

    const again1 = diffNamespace({ namespace: NS1, desired: r, current: read(NS1), owned: keys(r) });
    assert.deepEqual(again1, { ops: [], unmanaged: [], conflicts: [], createdElsewhere: [] });
    const again2 = diffNamespace({ namespace: NS2, desired: h, current: read(NS2), owned: keys(h) });
    assert.deepEqual(again2.ops, []);
    // both ends up: the pair crosses the namespaces (no ping binary on this machine)
    assert.equal(read(NS1).links.find((l) => l.spec.name === 'to-host')?.operState, 'UP');
  });

  it('applies changes (mtu, master, recreate, route removal) and converges again', () => {
    const before = router();
    const r = router();
    r.links = r.links.map((l) => {
      if (l.name === 'to-host') return { ...l, mtu: 1300 };
      if (l.name === 'p1') return { ...l, master: undefined };
      if (l.kind === 'macvlan') return { ...l, mode: 'private' as const };
      return l;
    });
    r.routes = [
      ...r.routes.filter((x) => x.type !== 'blackhole'),
      { family: 4, destination: '198.18.9.0/24', type: 'unicast', dev: 'mv0' },
    ];
    const lines = apply(NS1, r, keys(before));
    assert.ok(lines.includes('link set dev p1 nomaster'), lines.join('\n'));
    assert.ok(lines.includes('link del dev mv0'), lines.join('\n'));
    const again = diffNamespace({ namespace: NS1, desired: r, current: read(NS1), owned: keys(r) });
    assert.deepEqual(again.ops, []);
  });

  it('removes everything vrouterd created and leaves the loopback', () => {
    const r = router();
    apply(NS1, { links: [], addresses: [], routes: [] }, new Set([...keys(r), routeKey({ family: 4, destination: '198.18.9.0/24', type: 'unicast' })]));
    const left = read(NS1);
    assert.deepEqual(left.links.map((l) => l.spec.name), ['lo']);
    assert.deepEqual(left.routes, []);
    assert.ok(left.addresses.every((a) => a.kernelCreated));
  });
});
