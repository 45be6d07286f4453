import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { renderBatch } from '../../../../src/backends/linux/batch-render.js';
import { diffNamespace, type CurrentState, type DesiredState, type NamespaceDiff } from '../../../../src/backends/linux/diff.js';
import { parseAddresses, parseLinks, parseRoutes, type CurrentLink } from '../../../../src/backends/linux/json-parse.js';
import { addressKey, linkKey, routeKey, type LinkSpec } from '../../../../src/backends/linux/link-spec.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function recorded(): CurrentState {
  const l = parseLinks(fixture('link-details.json'));
  const a = parseAddresses(fixture('addr.json'));
  const r = parseRoutes(fixture('route-table-all.json'));
  if (!l.ok || !a.ok || !r.ok) assert.fail('fixtures do not parse');
  return { links: l.value, addresses: a.value, routes: r.value.routes };
}

/** The desired state that matches the recorded fixtures exactly. */
function recordedDesired(): DesiredState {
  return {
    links: [
      { kind: 'veth', name: 'lxa', peer: 'lxb', up: true, mtu: 1400 },
      { kind: 'veth', name: 'lxb', peer: 'lxa', up: true, master: 'br0' },
      { kind: 'bridge', name: 'br0', up: true, mac: '02:00:00:00:00:01' },
      { kind: 'ifb', name: 'lo1', up: true },
      { kind: 'macvlan', name: 'mv0', parent: 'lxa', mode: 'bridge' },
      { kind: 'vxlan', name: 'vx10', vni: 10, local: '192.0.2.1', dstPort: 4789, learning: false },
    ],
    addresses: [
      { dev: 'lxa', address: '192.0.2.1', prefixLength: 30 },
      { dev: 'lxa', address: '2001:db8:0::1', prefixLength: 64 },
      { dev: 'lo1', address: '10.9.9.1', peer: '10.9.9.2', prefixLength: 32 },
      { dev: 'br0', address: '198.51.100.1', prefixLength: 24, broadcast: '198.51.100.255' },
    ],
    routes: [
      { family: 4, destination: '198.18.0.0/24', type: 'unicast', gateway: '192.0.2.2', dev: 'lxa', metric: 100 },
      { family: 4, destination: '198.18.1.0/24', type: 'unicast', gateway: '192.0.2.2', dev: 'lxa', table: 100 },
      { family: 4, destination: '198.18.2.0/24', type: 'unicast', nexthops: [{ gateway: '192.0.2.2', dev: 'lxa', weight: 1 }, { gateway: '192.0.2.2', dev: 'lxa', weight: 2 }] },
      { family: 4, destination: '198.18.3.0/24', type: 'blackhole' },
      { family: 4, destination: '198.18.4.0/24', type: 'unreachable', metric: 5 },
      { family: 4, destination: '198.18.5.5/32', type: 'prohibit', table: 200 },
      { family: 4, destination: '198.18.6.0/24', type: 'unicast', gateway: '203.0.113.1', dev: 'lxa', onlink: true },
      { family: 4, destination: 'default', type: 'unicast', gateway: '192.0.2.2', dev: 'lxa' },
      { family: 6, destination: '2001:db8:1::/48', type: 'unicast', gateway: '2001:db8::2', dev: 'lxa' },
      { family: 6, destination: '2001:db8:2::/48', type: 'blackhole' },
      { family: 6, destination: '2001:db8:3::/48', type: 'unicast', nexthops: [{ gateway: '2001:db8::2', dev: 'lxa' }, { gateway: '2001:db8::3', dev: 'lxa', weight: 3 }] },
    ],
  };
}

function allKeys(d: DesiredState): Set<string> {
  return new Set([...d.links.map((l) => linkKey(l.name)), ...d.addresses.map(addressKey), ...d.routes.map(routeKey)]);
}

function script(d: NamespaceDiff): string[] {
  const r = renderBatch(d.ops);
  if (!r.ok) assert.fail(r.error.message);
  return r.lines;
}

const EMPTY: CurrentState = { links: [], addresses: [], routes: [] };

describe('linux diff', () => {
  it('the recorded namespace against its own description: nothing to do', () => {
    const desired = recordedDesired();
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned: allKeys(desired) });
    assert.deepEqual(d.ops, []);
    assert.deepEqual(d.unmanaged, []);
    assert.deepEqual(d.conflicts, []);
  });

  it('from empty: links dependencies-first, one veth pair, then addresses and routes', () => {
    const desired = recordedDesired();
    const d = diffNamespace({ namespace: 'ns', desired, current: EMPTY, owned: new Set() });
    const lines = script(d);
    const firstAddress = lines.findIndex((l) => l.startsWith('address'));
    const firstRoute = lines.findIndex((l) => l.startsWith('route'));
    assert.ok(firstAddress > 0 && firstRoute > firstAddress);
    assert.equal(lines.filter((l) => l.includes('type veth')).length, 1);
    assert.ok(lines.indexOf('link add name lxa mtu 1400 type veth peer name lxb') >= 0);
    assert.ok(lines.indexOf('link set dev lxb master br0') > lines.indexOf('link add name br0 address 02:00:00:00:00:01 type bridge'));
    assert.ok(lines.indexOf('link add link lxa name mv0 type macvlan mode bridge') > lines.indexOf('link add name lxa mtu 1400 type veth peer name lxb'));
    assert.equal(lines.filter((l) => l.startsWith('route replace')).length, 11);
  });

  it('mtu, admin state and master changes become ip link set', () => {
    const desired = recordedDesired();
    desired.links = desired.links.map((l): LinkSpec => {
      if (l.name === 'lxa') return { ...l, mtu: 1300, up: false };
      if (l.name === 'lxb') return { kind: 'veth', name: 'lxb', peer: 'lxa', up: true };
      return l;
    });
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned: allKeys(desired) });
    assert.deepEqual(script(d), ['link set dev lxa mtu 1300', 'link set dev lxa down', 'link set dev lxb nomaster']);
  });

  it('a kind-specific change recreates the link and what the kernel removes with it', () => {
    const desired = recordedDesired();
    desired.links = desired.links.map((l): LinkSpec => (l.name === 'lxa' ? { ...l, kind: 'veth', peer: 'lxc' } : l));
    desired.links = [...desired.links, { kind: 'veth', name: 'lxc', peer: 'lxa' }];
    // lxb stays desired with peer lxa: an inconsistent wish, but the diff must still not delete twice
    desired.links = desired.links.filter((l) => l.name !== 'lxb');
    const owned = allKeys(recordedDesired());
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned });
    const lines = script(d);
    // lxb (not desired) goes first and takes lxa (its peer) and mv0 (macvlan on lxa) along: one delete
    assert.deepEqual(lines.filter((l) => l.startsWith('link del')), ['link del dev lxb']);
    assert.ok(lines.includes('link add name lxa mtu 1400 type veth peer name lxc'));
    assert.ok(lines.includes('link add link lxa name mv0 type macvlan mode bridge'));
    // addresses and routes on lxa are re-created, not deleted
    assert.ok(lines.includes('address replace 192.0.2.1/30 dev lxa'));
    assert.ok(lines.includes('route replace 0.0.0.0/0 table 254 metric 0 via 192.0.2.2 dev lxa'));
    assert.ok(!lines.some((l) => l.startsWith('address del') || l.startsWith('route del')));
  });

  it('a macvlan mode change deletes and re-creates only that link', () => {
    const desired = recordedDesired();
    desired.links = desired.links.map((l): LinkSpec => (l.kind === 'macvlan' ? { ...l, mode: 'vepa', up: true } : l));
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned: allKeys(desired) });
    assert.deepEqual(script(d), ['link del dev mv0', 'link add link lxa name mv0 type macvlan mode vepa', 'link set dev mv0 up']);
  });

  it('objects not desired: deleted when vrouterd created them, else left alone', () => {
    const desired: DesiredState = { links: [], addresses: [], routes: [] };
    const owned = new Set([linkKey('vx10'), linkKey('mv0'), routeKey({ family: 4, destination: '198.18.3.0/24', type: 'blackhole' }),
      addressKey({ dev: 'br0', address: '198.51.100.1', prefixLength: 24 })]);
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned });
    assert.deepEqual(script(d), [
      'route del blackhole 198.18.3.0/24 table 254 metric 0',
      'address del 198.51.100.1/24 broadcast 198.51.100.255 dev br0',
      'link del dev vx10',
      'link del dev mv0',
    ]);
    assert.ok(d.unmanaged.includes('link/lxa'));
    assert.ok(d.unmanaged.includes('route/100/198.18.1.0/24/0'));
    assert.ok(!d.unmanaged.includes('link/lo'), 'the loopback is the kernel\'s');
    assert.ok(!d.unmanaged.some((k) => k.includes('fe80')), 'link-local addresses are the kernel\'s');
  });

  it('deletes dependents first and does not delete what a cascade removed', () => {
    const owned = new Set(['lxa', 'lxb', 'mv0', 'br0'].map(linkKey));
    const d = diffNamespace({ namespace: 'ns', desired: { links: [], addresses: [], routes: [] }, current: recorded(), owned });
    const dels = script(d).filter((l) => l.startsWith('link del'));
    assert.deepEqual(dels, ['link del dev mv0', 'link del dev lxb', 'link del dev br0']);
  });

  it('a route whose next hop changed is replaced; a metric change is delete + create', () => {
    const desired = recordedDesired();
    desired.routes = desired.routes.map((r) => (r.destination === 'default' ? { ...r, gateway: '192.0.2.3' } : r));
    desired.routes = desired.routes.map((r) => (r.destination === '198.18.0.0/24' ? { ...r, metric: 50 } : r));
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned: allKeys(recordedDesired()) });
    assert.deepEqual(script(d), [
      'route del 198.18.0.0/24 table 254 metric 100',
      'route replace 0.0.0.0/0 table 254 metric 0 via 192.0.2.3 dev lxa',
      'route replace 198.18.0.0/24 table 254 metric 50 via 192.0.2.2 dev lxa',
    ]);
  });

  it('a device the wish leaves out is not compared (the kernel fills it in)', () => {
    const desired = recordedDesired();
    desired.routes = desired.routes.map((r) => {
      if (r.destination === 'default') return { ...r, dev: undefined };
      if (r.nexthops !== undefined && r.family === 4) return { ...r, nexthops: r.nexthops.map((nh) => ({ ...nh, dev: undefined })) };
      return r;
    });
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned: allKeys(desired) });
    assert.deepEqual(d.ops, []);
  });

  it('a desired link of another shape that vrouterd did not create is a conflict, left alone', () => {
    const desired: DesiredState = { links: [{ kind: 'bridge', name: 'vx10' }], addresses: [], routes: [] };
    const d = diffNamespace({ namespace: 'ns', desired, current: recorded(), owned: new Set() });
    assert.deepEqual(d.conflicts, ['link/vx10']);
    assert.deepEqual(d.ops, []);
  });

  describe('veth across namespaces', () => {
    const r1: DesiredState = { links: [{ kind: 'veth', name: 'eth-r2', peer: 'eth-r1', peerNamespace: 'r2', up: true }], addresses: [], routes: [] };
    const r2: DesiredState = { links: [{ kind: 'veth', name: 'eth-r1', peer: 'eth-r2', peerNamespace: 'r1', up: true }], addresses: [], routes: [] };

    it('the end whose namespace sorts first creates the pair; the other only sets attributes', () => {
      const d1 = diffNamespace({ namespace: 'r1', desired: r1, current: EMPTY, owned: new Set() });
      assert.deepEqual(script(d1), ['link add name eth-r2 type veth peer name eth-r1 netns r2', 'link set dev eth-r2 up']);
      const d2 = diffNamespace({ namespace: 'r2', desired: r2, current: EMPTY, owned: new Set() });
      assert.deepEqual(script(d2), ['link set dev eth-r1 up']);
      assert.deepEqual(d2.createdElsewhere, ['eth-r1']);
    });

    it('an existing end whose peer is elsewhere matches (the peer name is not visible)', () => {
      const cur: CurrentLink = { ifindex: 8, spec: { kind: 'veth', name: 'eth-r2', peer: '', up: true }, kernelCreated: false, peerNetnsId: 0 };
      const d = diffNamespace({ namespace: 'r1', desired: r1, current: { links: [cur], addresses: [], routes: [] }, owned: new Set([linkKey('eth-r2')]) });
      assert.deepEqual(d.ops, []);
    });
  });
});
