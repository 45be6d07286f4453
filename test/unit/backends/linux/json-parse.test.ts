// Fixtures recorded from iproute2 6.1 in a scratch namespace (see fixtures/README.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { parseAddresses, parseLinks, parseRoutes, type CurrentLink } from '../../../../src/backends/linux/json-parse.js';
import type { RouteSpec } from '../../../../src/backends/linux/link-spec.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function links(name: string): Map<string, CurrentLink> {
  const r = parseLinks(fixture(name));
  if (!r.ok) assert.fail(r.error.message);
  return new Map(r.value.map((l) => [l.spec.name, l]));
}

function routes(name: string, hint?: 4 | 6): { routes: RouteSpec[]; ignored: number; unparsed: number } {
  const r = parseRoutes(fixture(name), hint);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

describe('linux json-parse', () => {
  describe('ip -json -d link show', () => {
    it('reads kinds, attributes and masters', () => {
      const l = links('link-details.json');
      assert.deepEqual([...l.keys()], ['lo', 'lxb', 'lxa', 'br0', 'lo1', 'mv0', 'vx10']);
      const lo = l.get('lo');
      assert.equal(lo?.kernelCreated, true);
      assert.equal(lo?.spec.kind, 'other');
      assert.deepEqual(l.get('lxa')?.spec, { kind: 'veth', name: 'lxa', peer: 'lxb', up: true, mtu: 1400, mac: '4a:35:a2:7c:97:99' });
      assert.deepEqual(l.get('lxb')?.spec, { kind: 'veth', name: 'lxb', peer: 'lxa', up: true, mtu: 1500, mac: 'e6:da:8d:6c:8a:27', master: 'br0' });
      assert.deepEqual(l.get('br0')?.spec, { kind: 'bridge', name: 'br0', up: true, mtu: 1500, mac: '02:00:00:00:00:01' });
      assert.equal(l.get('br0')?.kernelCreated, false);
      assert.equal(l.get('br0')?.operState, 'UP');
      assert.deepEqual(l.get('lo1')?.spec, { kind: 'ifb', name: 'lo1', up: true, mtu: 1500, mac: 'fa:0a:36:12:d8:f4' });
      assert.deepEqual(l.get('mv0')?.spec, { kind: 'macvlan', name: 'mv0', parent: 'lxa', mode: 'bridge', up: false, mtu: 1400, mac: '06:a3:7e:48:4b:5f' });
      assert.deepEqual(l.get('vx10')?.spec, {
        kind: 'vxlan', name: 'vx10', vni: 10, local: '192.0.2.1', dstPort: 4789, learning: false,
        up: false, mtu: 1500, mac: 'fa:44:45:7d:ef:8b',
      });
    });

    it('a veth whose peer is in another namespace has no peer name, only a netnsid', () => {
      const xa = links('link-veth-other-netns.json').get('xa');
      assert.equal(xa?.spec.kind, 'veth');
      assert.equal(xa?.spec.kind === 'veth' ? xa.spec.peer : undefined, '');
      assert.equal(xa?.peerNetnsId, 0);
      assert.equal(xa?.spec.up, true);
      assert.equal(xa?.operState, 'DOWN');
    });

    it('without -d every link parses with kind other', () => {
      const l = links('link-brief.json');
      assert.equal(l.size, 7);
      for (const link of l.values()) assert.equal(link.spec.kind, 'other');
    });

    it('shapes of kinds this kernel lacks (vlan, vrf, ipvlan, dummy)', () => {
      const doc = JSON.stringify([
        { ifindex: 5, ifname: 'eth0.10', link: 'eth0', flags: ['UP'], mtu: 1500, linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } } },
        { ifindex: 6, ifname: 'red', flags: [], linkinfo: { info_kind: 'vrf', info_data: { table: 1001 } } },
        { ifindex: 7, ifname: 'ipv0', link: 'eth0', linkinfo: { info_kind: 'ipvlan', info_data: { mode: 'l2' } } },
        { ifindex: 8, ifname: 'd0', linkinfo: { info_kind: 'dummy' } },
        { ifindex: 9, ifname: 'tun0', linkinfo: { info_kind: 'tun' } },
      ]);
      const r = parseLinks(doc);
      assert.ok(r.ok);
      assert.deepEqual(r.value.map((l) => l.spec), [
        { kind: 'vlan', name: 'eth0.10', parent: 'eth0', id: 10, protocol: '802.1Q', up: true, mtu: 1500 },
        { kind: 'vrf', name: 'red', table: 1001, up: false },
        { kind: 'ipvlan', name: 'ipv0', parent: 'eth0', mode: 'l2', up: false },
        { kind: 'dummy', name: 'd0', up: false },
        { kind: 'other', name: 'tun0', infoKind: 'tun', up: false },
      ]);
    });
  });

  describe('ip -json addr show', () => {
    it('reads addresses, peers and broadcasts, and flags the kernel ones', () => {
      const r = parseAddresses(fixture('addr.json'));
      if (!r.ok) assert.fail(r.error.message);
      const ours = r.value.filter((a) => !a.kernelCreated).map((a) => a.spec);
      assert.deepEqual(ours, [
        { dev: 'lxa', address: '192.0.2.1', prefixLength: 30 },
        { dev: 'lxa', address: '2001:db8::1', prefixLength: 64 },
        { dev: 'br0', address: '198.51.100.1', prefixLength: 24, broadcast: '198.51.100.255' },
        { dev: 'lo1', address: '10.9.9.1', prefixLength: 32, peer: '10.9.9.2' },
      ]);
      const kernel = r.value.filter((a) => a.kernelCreated);
      assert.equal(kernel.length, 6); // 127.0.0.1, ::1 and four fe80:: link-locals
      assert.ok(kernel.every((a) => a.spec.dev === 'lo' || a.spec.address.startsWith('fe80:')));
      assert.equal(r.value.find((a) => a.spec.address === '192.0.2.1')?.family, 4);
      assert.equal(r.value.find((a) => a.spec.address === '2001:db8::1')?.scope, 'global');
    });
  });

  describe('ip -json route show table all', () => {
    it('keeps what vrouterd compares and drops kernel routes (both families mixed)', () => {
      const r = routes('route-table-all.json');
      assert.equal(r.unparsed, 0);
      const byDst = new Map(r.routes.map((x) => [`${x.table}/${x.destination}`, x]));
      assert.deepEqual(byDst.get('100/198.18.1.0/24'), {
        family: 4, destination: '198.18.1.0/24', type: 'unicast', table: 100, metric: 0, gateway: '192.0.2.2', dev: 'lxa',
      });
      assert.deepEqual(byDst.get('200/198.18.5.5/32'), { family: 4, destination: '198.18.5.5/32', type: 'prohibit', table: 200, metric: 0 });
      assert.deepEqual(byDst.get('254/0.0.0.0/0'), {
        family: 4, destination: '0.0.0.0/0', type: 'unicast', table: 254, metric: 0, gateway: '192.0.2.2', dev: 'lxa',
      });
      assert.equal(byDst.get('254/198.18.0.0/24')?.metric, 100);
      assert.deepEqual(byDst.get('254/198.18.2.0/24')?.nexthops, [
        { gateway: '192.0.2.2', dev: 'lxa', weight: 1 }, { gateway: '192.0.2.2', dev: 'lxa', weight: 2 },
      ]);
      assert.equal(byDst.get('254/198.18.3.0/24')?.type, 'blackhole');
      assert.deepEqual(byDst.get('254/198.18.4.0/24'), { family: 4, destination: '198.18.4.0/24', type: 'unreachable', table: 254, metric: 5 });
      assert.equal(byDst.get('254/198.18.6.0/24')?.onlink, true);
      // IPv6 routes came along without -6; the blackhole's "dev lo" is dropped
      assert.deepEqual(byDst.get('254/2001:db8:2::/48'), { family: 6, destination: '2001:db8:2::/48', type: 'blackhole', table: 254, metric: 1024 });
      assert.deepEqual(byDst.get('254/2001:db8:3::/48')?.nexthops, [
        { gateway: '2001:db8::2', dev: 'lxa', weight: 1 }, { gateway: '2001:db8::3', dev: 'lxa', weight: 3 },
      ]);
      assert.equal(r.routes.length, 11);
      assert.ok(r.routes.every((x) => x.table !== 255 && x.protocol !== 'kernel'));
      assert.ok(r.ignored > 0);
    });

    it('parses the -6 output the same way', () => {
      const r = routes('route6-table-all.json', 6);
      assert.deepEqual(r.routes.map((x) => x.destination), ['2001:db8:1::/48', '2001:db8:2::/48', '2001:db8:3::/48']);
      assert.equal(r.ignored, 11); // connected 2001:db8::/64, 4 × fe80::/64, 2 local, 4 × ff00::/8
    });

    it('numbers as strings (-N), via objects, named and unknown tables, missing fields', () => {
      const doc = JSON.stringify([
        { dst: 'default', via: { family: 'inet6', host: 'FE80::1' }, dev: 'a', protocol: '196', table: '7', metric: '9' },
        { dst: 'default', type: 'blackhole', pref: 'medium', metric: 1024 },
        { dst: '10.1.0.0/16', dev: 'a', table: 'default' },
        { dst: '10.2.0.0/16', dev: 'a', table: 'custom-name' },
        { dst: '10.3.0.0/16', type: 'throw' },
        { dev: 'a' },
      ]);
      const r = parseRoutes(doc);
      assert.ok(r.ok);
      assert.deepEqual(r.value.routes, [
        { family: 6, destination: '::/0', type: 'unicast', table: 7, metric: 9, protocol: '196', gateway: 'fe80::1', dev: 'a' },
        { family: 6, destination: '::/0', type: 'blackhole', table: 254, metric: 1024 },
        { family: 4, destination: '10.1.0.0/16', type: 'unicast', table: 253, metric: 0, dev: 'a' },
      ]);
      assert.equal(r.value.unparsed, 3);
    });
  });

  describe('malformed documents return an error object', () => {
    for (const [what, text] of [
      ['not JSON', '[{"ifname":'],
      ['not an array', '{"ifname":"x"}'],
      ['an entry that is not an object', '[1]'],
    ] as const) {
      it(what, () => {
        for (const parse of [parseLinks, parseAddresses, parseRoutes]) {
          const r = parse(text);
          assert.ok(!r.ok);
          assert.equal(typeof r.error.message, 'string');
        }
      });
    }

    it('a link without ifname or an address entry without ifname', () => {
      assert.ok(!parseLinks('[{"ifindex":1}]').ok);
      assert.ok(!parseAddresses('[{"ifindex":1,"addr_info":[]}]').ok);
    });

    it('empty output is an empty list', () => {
      const r = parseLinks('');
      assert.ok(r.ok);
      assert.deepEqual(r.value, []);
    });
  });
});
