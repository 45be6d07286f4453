import assert from 'node:assert/strict';

import {
  quoteWord, renderBatch, renderForwarding, renderNamespaceCreate, renderNamespaceDelete, type LinuxOp,
} from '../../../../src/backends/linux/batch-render.js';
import type { LinkSpec, RouteSpec } from '../../../../src/backends/linux/link-spec.js';

function lines(ops: LinuxOp[]): string[] {
  const r = renderBatch(ops);
  if (!r.ok) assert.fail(r.error.message);
  return r.lines;
}

function createLink(spec: LinkSpec): string[] {
  return lines([{ op: 'create', object: { type: 'link', spec } }]);
}

function createRoute(spec: RouteSpec): string {
  const l = lines([{ op: 'create', object: { type: 'route', spec } }]);
  assert.equal(l.length, 1);
  return l[0] ?? '';
}

describe('linux batch-render', () => {
  describe('links of every kind', () => {
    it('veth in the same namespace', () => {
      assert.deepEqual(createLink({ kind: 'veth', name: 'a', peer: 'b' }), ['link add name a type veth peer name b']);
    });

    it('veth whose peer goes to another namespace', () => {
      assert.deepEqual(createLink({ kind: 'veth', name: 'eth-r2', peer: 'eth-r1', peerNamespace: 'r2', up: true }), [
        'link add name eth-r2 type veth peer name eth-r1 netns r2',
        'link set dev eth-r2 up',
      ]);
    });

    it('bridge with mtu, mac and admin state, and a port', () => {
      assert.deepEqual(createLink({ kind: 'bridge', name: 'br0', mtu: 9000, mac: '02:00:00:00:00:01', up: false }), [
        'link add name br0 mtu 9000 address 02:00:00:00:00:01 type bridge',
        'link set dev br0 down',
      ]);
      assert.deepEqual(createLink({ kind: 'veth', name: 'p1', peer: 'p2', master: 'br0', up: true }), [
        'link add name p1 type veth peer name p2',
        'link set dev p1 master br0',
        'link set dev p1 up',
      ]);
    });

    it('macvlan, ipvlan, vlan', () => {
      assert.deepEqual(createLink({ kind: 'macvlan', name: 'mv0', parent: 'eth0', mode: 'bridge' }),
        ['link add link eth0 name mv0 type macvlan mode bridge']);
      assert.deepEqual(createLink({ kind: 'ipvlan', name: 'ipv0', parent: 'eth0', mode: 'l3s' }),
        ['link add link eth0 name ipv0 type ipvlan mode l3s']);
      assert.deepEqual(createLink({ kind: 'vlan', name: 'eth0.10', parent: 'eth0', id: 10 }),
        ['link add link eth0 name eth0.10 type vlan id 10']);
      assert.deepEqual(createLink({ kind: 'vlan', name: 'qinq', parent: 'eth0', id: 100, protocol: '802.1ad' }),
        ['link add link eth0 name qinq type vlan protocol 802.1ad id 100']);
    });

    it('vxlan unicast and multicast', () => {
      assert.deepEqual(
        createLink({ kind: 'vxlan', name: 'vx10', vni: 10, local: '192.0.2.1', remote: '192.0.2.2', dstPort: 4789, learning: false }),
        ['link add name vx10 type vxlan id 10 local 192.0.2.1 remote 192.0.2.2 dstport 4789 nolearning']);
      assert.deepEqual(createLink({ kind: 'vxlan', name: 'vx20', vni: 20, group: '239.1.1.1', dev: 'eth0' }),
        ['link add name vx20 type vxlan id 20 group 239.1.1.1 dev eth0']);
    });

    it('ifb, dummy, vrf', () => {
      assert.deepEqual(createLink({ kind: 'ifb', name: 'lo1' }), ['link add name lo1 type ifb']);
      assert.deepEqual(createLink({ kind: 'dummy', name: 'd0', up: true }), ['link add name d0 type dummy', 'link set dev d0 up']);
      assert.deepEqual(createLink({ kind: 'vrf', name: 'red', table: 1001 }), ['link add name red type vrf table 1001']);
    });

    it('link attribute changes and delete', () => {
      assert.deepEqual(lines([
        { op: 'set-link', name: 'p1', change: { mtu: 1400, mac: '02:00:00:00:00:02', master: null, up: true } },
        { op: 'set-link', name: 'p2', change: { master: 'red' } },
        { op: 'delete', object: { type: 'link', spec: { kind: 'ifb', name: 'lo1' } } },
      ]), [
        'link set dev p1 mtu 1400',
        'link set dev p1 address 02:00:00:00:00:02',
        'link set dev p1 nomaster',
        'link set dev p1 up',
        'link set dev p2 master red',
        'link del dev lo1',
      ]);
    });
  });

  describe('addresses', () => {
    it('IPv4, IPv6 (canonical), peer and broadcast', () => {
      assert.deepEqual(lines([
        { op: 'create', object: { type: 'address', spec: { dev: 'a', address: '192.0.2.1', prefixLength: 30 } } },
        { op: 'create', object: { type: 'address', spec: { dev: 'a', address: '2001:DB8:0:0::1', prefixLength: 64 } } },
        { op: 'create', object: { type: 'address', spec: { dev: 'lo1', address: '10.9.9.1', peer: '10.9.9.2', prefixLength: 32 } } },
        { op: 'replace', object: { type: 'address', spec: { dev: 'br0', address: '198.51.100.1', prefixLength: 24, broadcast: '198.51.100.255' } } },
        { op: 'delete', object: { type: 'address', spec: { dev: 'a', address: '192.0.2.1', prefixLength: 30 } } },
      ]), [
        'address replace 192.0.2.1/30 dev a',
        'address replace 2001:db8::1/64 dev a',
        'address replace 10.9.9.1 peer 10.9.9.2/32 dev lo1',
        'address replace 198.51.100.1/24 broadcast 198.51.100.255 dev br0',
        'address del 192.0.2.1/30 dev a',
      ]);
    });
  });

  describe('routes', () => {
    it('via a gateway, with table and metric defaults made explicit', () => {
      assert.equal(createRoute({ family: 4, destination: 'default', type: 'unicast', gateway: '192.0.2.2' }),
        'route replace 0.0.0.0/0 table 254 metric 0 via 192.0.2.2');
      assert.equal(createRoute({ family: 6, destination: '2001:db8:1::/48', type: 'unicast', gateway: '2001:db8::2', dev: 'a' }),
        'route replace 2001:db8:1::/48 table 254 metric 1024 via 2001:db8::2 dev a');
      assert.equal(createRoute({ family: 4, destination: '198.18.1.0/24', type: 'unicast', gateway: '192.0.2.2', table: 100, metric: 20, protocol: 'static' }),
        'route replace 198.18.1.0/24 table 100 metric 20 proto static via 192.0.2.2');
    });

    it('on a device only, onlink, host route', () => {
      assert.equal(createRoute({ family: 4, destination: '198.18.6.0/24', type: 'unicast', gateway: '203.0.113.1', dev: 'a', onlink: true }),
        'route replace 198.18.6.0/24 table 254 metric 0 via 203.0.113.1 dev a onlink');
      assert.equal(createRoute({ family: 4, destination: '198.18.0.5', type: 'unicast', dev: 'a' }),
        'route replace 198.18.0.5/32 table 254 metric 0 dev a');
    });

    it('multipath with weights', () => {
      assert.equal(createRoute({
        family: 4, destination: '198.18.2.0/24', type: 'unicast',
        nexthops: [{ gateway: '192.0.2.2', weight: 1 }, { gateway: '192.0.2.6', dev: 'b', weight: 2, onlink: true }],
      }), 'route replace 198.18.2.0/24 table 254 metric 0 nexthop via 192.0.2.2 weight 1 nexthop via 192.0.2.6 dev b onlink weight 2');
    });

    it('a single-entry next-hop list is an ordinary route', () => {
      assert.equal(createRoute({ family: 4, destination: '198.18.2.0/24', type: 'unicast', nexthops: [{ gateway: '192.0.2.2' }] }),
        'route replace 198.18.2.0/24 table 254 metric 0 via 192.0.2.2');
    });

    it('blackhole, unreachable, prohibit', () => {
      assert.equal(createRoute({ family: 4, destination: '198.18.3.0/24', type: 'blackhole' }),
        'route replace blackhole 198.18.3.0/24 table 254 metric 0');
      assert.equal(createRoute({ family: 6, destination: '2001:db8:2::/48', type: 'unreachable', metric: 5 }),
        'route replace unreachable 2001:db8:2::/48 table 254 metric 5');
      assert.equal(createRoute({ family: 4, destination: '198.18.5.5/32', type: 'prohibit', table: 200 }),
        'route replace prohibit 198.18.5.5/32 table 200 metric 0');
    });

    it('delete names the identity only', () => {
      assert.deepEqual(lines([{ op: 'delete', object: { type: 'route', spec: {
        family: 6, destination: 'default', type: 'unicast', gateway: 'fe80::1', dev: 'a', table: 7,
      } } }]), ['route del ::/0 table 7 metric 1024']);
    });

    it('refuses a unicast route without next hop', () => {
      const r = renderBatch([
        { op: 'create', object: { type: 'link', spec: { kind: 'ifb', name: 'x' } } },
        { op: 'create', object: { type: 'route', spec: { family: 4, destination: '10.0.0.0/8', type: 'unicast' } } },
      ]);
      assert.ok(!r.ok);
      assert.equal(r.error.index, 1);
      assert.match(r.error.message, /gateway or a device/u);
    });
  });

  describe('quoting', () => {
    it('leaves ordinary words bare and quotes the rest', () => {
      assert.equal(quoteWord('eth0'), 'eth0');
      assert.equal(quoteWord("it's"), "it's");
      assert.equal(quoteWord('"x'), `'"x'`);
      assert.equal(quoteWord("'x"), `"'x"`);
      assert.equal(quoteWord('my ns'), '"my ns"');
      assert.throws(() => quoteWord('a#b'), /'#'/u);
      assert.throws(() => quoteWord('a\nb'), /newline/u);
      assert.throws(() => quoteWord(`'a "b`), /both quote/u);
      assert.throws(() => quoteWord(''), /empty/u);
    });

    it('quotes a namespace name with a space and refuses invalid interface names', () => {
      assert.deepEqual(createLink({ kind: 'veth', name: 'v1', peer: 'v2', peerNamespace: 'lab ns' }),
        ['link add name v1 type veth peer name v2 netns "lab ns"']);
      assert.deepEqual(createLink({ kind: 'ifb', name: "'q" }), [`link add name "'q" type ifb`]);
      for (const bad of ['a/b', 'a:b', 'a b', 'waytoolongname16', '', '..', 'x#y']) {
        const r = renderBatch([{ op: 'create', object: { type: 'link', spec: { kind: 'ifb', name: bad } } }]);
        assert.ok(!r.ok, `expected "${bad}" to be refused`);
        assert.equal(r.error.index, 0);
      }
    });

    it('script ends with a newline, empty when there is nothing to do', () => {
      const r = renderBatch([{ op: 'create', object: { type: 'link', spec: { kind: 'ifb', name: 'x' } } }]);
      assert.ok(r.ok);
      assert.equal(r.script, 'link add name x type ifb\n');
      const empty = renderBatch([]);
      assert.ok(empty.ok);
      assert.equal(empty.script, '');
    });
  });

  describe('host commands outside the batch', () => {
    it('namespace add/delete and forwarding sysctls', () => {
      assert.deepEqual(renderNamespaceCreate({ name: 'r1' }), [
        ['ip', 'netns', 'add', 'r1'], ['ip', '-n', 'r1', 'link', 'set', 'dev', 'lo', 'up'],
      ]);
      assert.deepEqual(renderNamespaceDelete({ name: 'r1' }), [['ip', 'netns', 'del', 'r1']]);
      assert.deepEqual(renderForwarding({ namespace: 'r1', ipv4: true, ipv6: false }), [
        ['ip', 'netns', 'exec', 'r1', 'sysctl', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=0'],
      ]);
      assert.deepEqual(renderForwarding({ namespace: 'r1' }), []);
    });
  });
});
