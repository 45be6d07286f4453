// translateLinux: the valid vrouter-linux example documents → Linux backend items (keys, values,
// dependencies, YANG paths), and the problems it reports for what validation cannot catch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { splitKey } from '../../../../src/commit/item.js';
import {
  itemPath, namespaceOfPart, namespacePart, translatedDependencies, translateLinux, netmaskLength,
  type TranslateResult, type TranslatedItem,
} from '../../../../src/backends/linux/translate.js';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { openLinuxSchema, type LinuxSchema } from '../../../support/linux-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'vrouter-linux');
const IFS = 'xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:vl="urn:vrouterd:params:xml:ns:yang:vrouter-linux"'
  + ' xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type"';
const VL = 'xmlns="urn:vrouterd:params:xml:ns:yang:vrouter-linux"';
const IP = 'xmlns="urn:ietf:params:xml:ns:yang:ietf-ip"';

describe('linux translate (YANG configuration → backend items)', function () {
  this.timeout(60_000);
  let linux: LinuxSchema | undefined;

  before(async () => {
    linux = await openLinuxSchema();
  });
  after(() => linux?.close());

  function tree(xml: string): DataTree {
    if (linux === undefined) throw new Error('the schema is not loaded');
    return linux.tree(xml);
  }
  function fixture(file: string): TranslateResult {
    return translateLinux(tree(readFileSync(join(FIXTURES, file), 'utf8')));
  }
  function item(r: TranslateResult, key: string): TranslatedItem {
    const found = r.items.find((i) => i.key === key);
    assert.ok(found, `no item ${key}; items: ${r.items.map((i) => i.key).join(', ')}`);
    return found;
  }
  const ifPath = (name: string): string => `/ietf-interfaces:interfaces/interface[name='${name}']`;

  describe('router and two hosts (valid-router-hosts.xml)', () => {
    let r: TranslateResult;
    before(() => { r = fixture('valid-router-hosts.xml'); });

    it('produces exactly these items, sorted by key, without problems', () => {
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.items.map((i) => i.key), [
        'linux/host1/address/eth0/192.0.2.2/30',
        'linux/host1/address/eth0/2001:db8:1::2/64',
        'linux/host1/link/eth0',
        'linux/host1/route/254/0.0.0.0%2F0/0',
        'linux/host1/route/254/::%2F0/1024',
        'linux/host2/address/eth0/192.0.2.6/30',
        'linux/host2/link/eth0',
        'linux/host2/route/254/0.0.0.0%2F0/0',
        'linux/netns/host1',
        'linux/netns/router',
        'linux/router/address/eth-h1/192.0.2.1/30',
        'linux/router/address/eth-h1/2001:db8:1::1/64',
        'linux/router/address/eth-h2/192.0.2.5/30',
        'linux/router/forwarding',
        'linux/router/link/eth-h1',
        'linux/router/link/eth-h2',
        'linux/router/route/100/203.0.113.0%2F24/0',
        'linux/router/route/254/10.0.0.0%2F8/0',
        'linux/router/route/254/198.51.100.0%2F24/20',
      ]);
      for (const i of r.items) assert.equal(i.backend, 'linux');
    });

    it('namespaces: created ones are items, an existing one is only a dependency', () => {
      assert.deepEqual(item(r, 'linux/netns/router').value, { name: 'router' });
      assert.ok(!r.items.some((i) => i.key === 'linux/netns/host2'));
      assert.deepEqual(item(r, 'linux/host2/link/eth0').dependencies, ['linux/netns/host2', 'linux/netns/router']);
      assert.deepEqual(item(r, 'linux/router/forwarding').value, { namespace: 'router', ipv4: true, ipv6: true });
      assert.deepEqual(item(r, 'linux/router/forwarding').dependencies, ['linux/netns/router']);
    });

    it('a veth pair: its owner creates both ends, the other end only configures and needs the owner', () => {
      const owner = item(r, 'linux/host1/link/eth0');
      assert.deepEqual(owner.value, {
        kind: 'veth', name: 'eth0', up: true, mtu: 1400, mac: '02:00:00:00:01:02', peer: 'eth-h1', peerNamespace: 'router',
      });
      assert.deepEqual(owner.dependencies, ['linux/netns/host1', 'linux/netns/router']);
      const other = item(r, 'linux/router/link/eth-h1');
      assert.deepEqual(other.value, { kind: 'other', infoKind: 'veth', name: 'eth-h1', up: true });
      assert.deepEqual(other.dependencies, ['linux/host1/link/eth0', 'linux/netns/router']);
      assert.deepEqual(translatedDependencies(other), other.dependencies);
    });

    it('addresses need their link', () => {
      const a = item(r, 'linux/router/address/eth-h1/2001:db8:1::1/64');
      assert.deepEqual(a.value, { dev: 'eth-h1', address: '2001:db8:1::1', prefixLength: 64 });
      assert.deepEqual(a.dependencies, ['linux/router/link/eth-h1']);
    });

    it('routes: multipath with weights and metric, blackhole in a table, unreachable, IPv6 default', () => {
      const multi = item(r, 'linux/router/route/254/198.51.100.0%2F24/20');
      assert.deepEqual(multi.value, {
        family: 4, destination: '198.51.100.0/24', type: 'unicast', table: 254, metric: 20,
        nexthops: [{ gateway: '192.0.2.2', dev: 'eth-h1', weight: 3 }, { gateway: '192.0.2.6', dev: 'eth-h2', weight: 1 }],
      });
      assert.deepEqual(multi.dependencies, ['linux/netns/router', 'linux/router/link/eth-h1', 'linux/router/link/eth-h2']);
      assert.deepEqual(splitKey(multi.key), ['linux', 'router', 'route', '254', '198.51.100.0/24', '20']);
      const bh = item(r, 'linux/router/route/100/203.0.113.0%2F24/0');
      assert.deepEqual(bh.value, { family: 4, destination: '203.0.113.0/24', type: 'blackhole', table: 100, metric: 0 });
      assert.deepEqual(bh.dependencies, ['linux/netns/router']);
      assert.equal((item(r, 'linux/router/route/254/10.0.0.0%2F8/0').value as { type: string }).type, 'unreachable');
      const v6 = item(r, 'linux/host1/route/254/::%2F0/1024');
      assert.deepEqual(v6.value, { family: 6, destination: '::/0', type: 'unicast', table: 254, metric: 1024, gateway: '2001:db8:1::1', dev: 'eth0' });
      assert.deepEqual(v6.dependencies, ['linux/host1/link/eth0', 'linux/netns/host1']);
    });

    it('maps every item key back to its YANG node', () => {
      assert.equal(r.paths.size, r.items.length);
      assert.equal(itemPath(r, 'linux/router/link/eth-h1'), ifPath('r-h1'));
      assert.equal(itemPath(r, 'linux/host1/address/eth0/192.0.2.2/30'), `${ifPath('h1-r')}/ietf-ip:ipv4/address[ip='192.0.2.2']`);
      assert.equal(itemPath(r, 'linux/netns/router'), "/vrouter-linux:namespaces/namespace[name='router']");
      assert.equal(itemPath(r, 'linux/router/route/100/203.0.113.0%2F24/0'),
        "/ietf-routing:routing/control-plane-protocols/control-plane-protocol[type='ietf-routing:static'][name='router']"
        + "/static-routes/ietf-ipv4-unicast-routing:ipv4/route[destination-prefix='203.0.113.0/24']");
      assert.equal(itemPath(r, 'linux/nowhere'), undefined);
    });

    it('is deterministic', () => {
      const again = fixture('valid-router-hosts.xml');
      assert.deepEqual(again.items, r.items);
      assert.deepEqual([...again.paths], [...r.paths]);
      const keys = r.items.map((i) => i.key);
      assert.deepEqual(keys, [...keys].sort());
      // The same configuration written with the interfaces in reverse order: the same result.
      const xml = readFileSync(join(FIXTURES, 'valid-router-hosts.xml'), 'utf8');
      const blocks = [...xml.matchAll(/<interface>[\s\S]*?<\/interface>/g)].map((m) => m[0]);
      assert.equal(blocks.length, 4);
      let i = 0;
      const reversed = xml.replace(/<interface>[\s\S]*?<\/interface>/g, () => blocks[blocks.length - 1 - i++]!);
      assert.notEqual(reversed, xml);
      const permuted = translateLinux(tree(reversed));
      assert.deepEqual(permuted.items, r.items);
      assert.deepEqual([...permuted.paths], [...r.paths]);
    });
  });

  it('a bridge with a veth port and an existing NIC as ports (valid-bridge.xml)', () => {
    const r = fixture('valid-bridge.xml');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(item(r, 'linux/router/link/br0').value, { kind: 'bridge', name: 'br0', up: true, stp: true });
    const port = item(r, 'linux/router/link/br0-p1');
    assert.deepEqual(port.value, { kind: 'veth', name: 'br0-p1', up: true, master: 'br0', peer: 'eth0', peerNamespace: 'host1' });
    assert.deepEqual(port.dependencies, ['linux/netns/host1', 'linux/netns/router', 'linux/router/link/br0']);
    assert.deepEqual(item(r, 'linux/host1/link/eth0').dependencies, ['linux/netns/host1', 'linux/router/link/br0-p1']);
    const nic = item(r, 'linux/router/link/eth1');
    assert.deepEqual(nic.value, { kind: 'other', name: 'eth1', up: true, master: 'br0' });
    assert.deepEqual(nic.dependencies, ['linux/netns/router', 'linux/router/device/eth1', 'linux/router/link/br0']);
    assert.equal(itemPath(r, 'linux/router/link/eth1'), ifPath('router-eth1'));
  });

  it('macvlan moved to another namespace and ipvlan on an existing NIC (valid-macvlan.xml)', () => {
    const r = fixture('valid-macvlan.xml');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(item(r, 'linux/default/link/eth0').dependencies, ['linux/default/device/eth0']);
    const mv = item(r, 'linux/host1/link/mv0');
    assert.deepEqual(mv.value, {
      kind: 'macvlan', name: 'mv0', up: true, mac: '02:42:ac:11:00:02', parent: 'eth0', mode: 'bridge', parentNamespace: '',
    });
    assert.deepEqual(mv.dependencies, ['linux/default/link/eth0', 'linux/netns/host1']);
    const ipv = item(r, 'linux/default/link/ipv0');
    assert.deepEqual(ipv.value, { kind: 'ipvlan', name: 'ipv0', up: true, parent: 'eth0', mode: 'l2' });
    assert.deepEqual(ipv.dependencies, ['linux/default/link/eth0']);
    assert.deepEqual(item(r, 'linux/host1/address/mv0/192.0.2.10/24').dependencies, ['linux/host1/link/mv0']);
  });

  it('vxlan: unicast bridged, multicast with its own port, both on an underlay (valid-vxlan.xml)', () => {
    const r = fixture('valid-vxlan.xml');
    assert.deepEqual(r.problems, []);
    const vx100 = item(r, 'linux/router/link/vx100');
    assert.deepEqual(vx100.value, {
      kind: 'vxlan', name: 'vx100', up: true, master: 'br-vx', vni: 100, dstPort: 4789, local: '10.1.0.1', remote: '10.1.0.2', dev: 'eth1',
    });
    assert.deepEqual(vx100.dependencies, ['linux/netns/router', 'linux/router/link/br-vx', 'linux/router/link/eth1']);
    assert.deepEqual(item(r, 'linux/router/link/vx200').value, {
      kind: 'vxlan', name: 'vx200', up: true, vni: 16777215, dstPort: 8472, group: '239.1.1.1', dev: 'eth1',
    });
    assert.deepEqual(item(r, 'linux/router/link/eth1').dependencies, ['linux/netns/router', 'linux/router/device/eth1']);
  });

  it('a container attachment creates the veth; the router end needs it (valid-container.xml)', () => {
    const r = fixture('valid-container.xml');
    assert.deepEqual(r.problems, []);
    const c = item(r, 'linux/container/web');
    assert.deepEqual(c.value, {
      container: 'web', hostName: 'veth-web', hostNamespace: 'router', name: 'eth0',
      addresses: [{ address: '172.30.0.2', prefixLength: 24 }, { address: '2001:db8:30::2', prefixLength: 64 }],
      routes: [{ family: 4, destination: '0.0.0.0/0', gateway: '172.30.0.1' }, { family: 6, destination: '::/0', gateway: '2001:db8:30::1' }],
    });
    assert.deepEqual(c.dependencies, ['docker/container/web', 'linux/netns/router']);
    assert.equal(itemPath(r, c.key), "/vrouter-linux:containers/container[name='web']");
    const end = item(r, 'linux/router/link/veth-web');
    assert.deepEqual(end.value, { kind: 'other', infoKind: 'veth', name: 'veth-web', up: true });
    assert.deepEqual(end.dependencies, ['linux/container/web', 'linux/netns/router']);
    assert.deepEqual(item(r, 'linux/router/address/veth-web/2001:db8:30::1/64').dependencies, ['linux/router/link/veth-web']);
  });

  it('the same kernel name in three namespaces gives three keys; VLAN, VRF and default forwarding (valid-same-kernel-name.xml)', () => {
    const r = fixture('valid-same-kernel-name.xml');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.items.filter((i) => i.key.endsWith('/link/uplink0')).map((i) => [i.key, itemPath(r, i.key)]), [
      ['linux/default/link/uplink0', ifPath('uplink0')],
      ['linux/ns1/link/uplink0', ifPath('ns1-uplink0')],
      ['linux/ns2/link/uplink0', ifPath('ns2-uplink0')],
    ]);
    assert.deepEqual(item(r, 'linux/default/link/uplink0').dependencies, []);
    const member = item(r, 'linux/ns2/link/uplink0');
    assert.deepEqual(member.value, { kind: 'dummy', name: 'uplink0', up: true, master: 'blue' });
    assert.deepEqual(member.dependencies, ['linux/netns/ns2', 'linux/ns2/link/blue']);
    assert.deepEqual(item(r, 'linux/ns2/link/blue').value, { kind: 'vrf', name: 'blue', up: true, table: 10 });
    assert.deepEqual(item(r, 'linux/default/link/eth0.s100').value,
      { kind: 'vlan', name: 'eth0.s100', up: true, parent: 'eth0', id: 100, protocol: '802.1ad' });
    assert.deepEqual(item(r, 'linux/default/link/eth0.100').dependencies, ['linux/default/link/eth0']);
    const fwd = item(r, 'linux/default/forwarding');
    assert.deepEqual(fwd.value, { namespace: '', ipv4: true });
    assert.deepEqual(fwd.dependencies, []);
    assert.equal(itemPath(r, fwd.key), '/vrouter-linux:namespaces/default-namespace');
  });

  it('namespace names that are key words get their own key part', () => {
    assert.equal(namespacePart(undefined), 'default');
    assert.equal(namespacePart('default'), '-default');
    assert.equal(namespacePart('netns'), '-netns');
    assert.equal(namespacePart('ns1'), 'ns1');
    for (const n of [undefined, 'default', 'netns', 'container', 'ns1']) assert.equal(namespaceOfPart(namespacePart(n)), n);
    const r = translateLinux(tree(`<namespaces ${VL}><namespace><name>default</name></namespace></namespaces>
      <interfaces ${IFS}>
        <interface><name>a</name><type>vl:ifb</type><linux ${VL}/></interface>
        <interface><name>b</name><type>vl:ifb</type><linux ${VL}><namespace>default</namespace><kernel-name>a</kernel-name></linux></interface>
      </interfaces>`));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.items.map((i) => [i.key, i.dependencies]), [
      ['linux/-default/link/a', ['linux/netns/default']],
      ['linux/default/link/a', []],
      ['linux/netns/default', []],
    ]);
  });

  it('per-interface forwarding, disabled interfaces, and netmask lengths', () => {
    const r = translateLinux(tree(`<interfaces ${IFS}>
      <interface><name>d0</name><type>vl:ifb</type><enabled>false</enabled><linux ${VL}/>
        <ipv4 ${IP}><forwarding>true</forwarding><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4>
        <ipv6 ${IP}><enabled>false</enabled><address><ip>2001:db8::1</ip><prefix-length>64</prefix-length></address></ipv6>
      </interface></interfaces>`));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.items.map((i) => i.key), ['linux/default/address/d0/192.0.2.1/24', 'linux/default/link-forwarding/d0', 'linux/default/link/d0']);
    assert.deepEqual(item(r, 'linux/default/link/d0').value, { kind: 'ifb', name: 'd0', up: false });
    assert.deepEqual(item(r, 'linux/default/link-forwarding/d0').value, { dev: 'd0', ipv4: true });
    assert.deepEqual(item(r, 'linux/default/link-forwarding/d0').dependencies, ['linux/default/link/d0']);
    assert.equal(netmaskLength('255.255.255.0'), 24);
    assert.equal(netmaskLength('255.255.255.255'), 32);
    assert.equal(netmaskLength('0.0.0.0'), 0);
    assert.equal(netmaskLength('255.0.255.0'), undefined);
  });

  it('reports what validation cannot catch, with the YANG path, and translates the rest', () => {
    const r = translateLinux(tree(`<interfaces ${IFS}>
      <interface><name>nolinux</name><type>vl:dummy</type></interface>
      <interface><name>vpp0</name><type>ianaift:ethernetCsmacd</type></interface>
      <interface><name>m0</name><type>vl:dummy</type><linux ${VL}/>
        <ipv4 ${IP}><mtu>1400</mtu></ipv4><ipv6 ${IP}><mtu>1500</mtu></ipv6></interface>
      </interfaces>
      <routing xmlns="urn:ietf:params:xml:ns:yang:ietf-routing" xmlns:rt="urn:ietf:params:xml:ns:yang:ietf-routing">
        <control-plane-protocols><control-plane-protocol><type>rt:static</type><name>s</name><linux ${VL}/>
          <static-routes><ipv4 xmlns="urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing">
            <route><destination-prefix>192.0.2.0/24</destination-prefix><next-hop><special-next-hop>receive</special-next-hop></next-hop></route>
            <route><destination-prefix>198.51.100.0/24</destination-prefix><next-hop><outgoing-interface>m0</outgoing-interface></next-hop></route>
          </ipv4></static-routes>
        </control-plane-protocol></control-plane-protocols>
      </routing>`));
    const route = "/ietf-routing:routing/control-plane-protocols/control-plane-protocol[type='ietf-routing:static'][name='s']"
      + '/static-routes/ietf-ipv4-unicast-routing:ipv4/route';
    assert.deepEqual(r.problems.map((p) => p.path), [
      `${ifPath('m0')}/ietf-ip:ipv6/mtu`,
      ifPath('nolinux'),
      `${route}[destination-prefix='192.0.2.0/24']/next-hop/special-next-hop`,
    ]);
    assert.match(r.problems[0]!.message, /one MTU per link/);
    assert.match(r.problems[1]!.message, /Linux link type \(dummy\) but no linux container/);
    assert.match(r.problems[2]!.message, /receive .* not supported/);
    assert.deepEqual(r.items.map((i) => i.key), ['linux/default/link/m0', 'linux/default/route/254/198.51.100.0%2F24/0']);
    assert.deepEqual(item(r, 'linux/default/link/m0').value, { kind: 'dummy', name: 'm0', up: true, mtu: 1400 });
    assert.deepEqual(item(r, 'linux/default/route/254/198.51.100.0%2F24/0').dependencies, ['linux/default/link/m0']);
  });

  it('refuses a second item with a key already taken (same kernel name twice in a namespace)', () => {
    const r = translateLinux(tree(`<interfaces ${IFS}>
      <interface><name>x1</name><type>vl:ifb</type><linux ${VL}><kernel-name>x</kernel-name></linux></interface>
      <interface><name>x2</name><type>vl:ifb</type><linux ${VL}><kernel-name>x</kernel-name></linux></interface>
      </interfaces>`));
    assert.deepEqual(r.items.map((i) => i.key), ['linux/default/link/x']);
    assert.equal(itemPath(r, 'linux/default/link/x'), ifPath('x1'));
    assert.deepEqual(r.problems, [{ path: ifPath('x2'), message: `the Linux object linux/default/link/x is already configured by ${ifPath('x1')}` }]);
  });
});
