import assert from 'node:assert/strict';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { DataTreeAdapter, selectNodes } from '../../../../src/datastore/xpath-adapter.js';
import { xpathFilter, type XPathFilterResult } from '../../../../src/netconf/filters/xpath-filter.js';
import type { Schema } from '../../../../src/validation/schema.js';
import type { ContainerNode, LeafNode, ListNode } from '../../../../src/validation/schema-model.js';
import { compileXPath, isXPathError } from '../../../../src/validation/xpath/index.js';
import { compact, decode, NS, testSchema, xml } from './test-schema.js';

const DATA = `<interfaces xmlns="${NS.if}" xmlns:ianaift="${NS.ianaift}">
  <interface><name>eth0</name><description>uplink</description><type>ianaift:ethernetCsmacd</type>
    <ipv4 xmlns="${NS.ip}"><mtu>1500</mtu><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4></interface>
  <interface><name>eth1</name><type>ianaift:ethernetCsmacd</type><enabled>false</enabled></interface>
  <interface><name>lo</name><type>ianaift:softwareLoopback</type><oper-status>up</oper-status>
    <ipv4 xmlns="${NS.ip}"><mtu>9000</mtu></ipv4></interface>
</interfaces>
<routing xmlns="${NS.rt}" xmlns:rt="${NS.rt}">
  <control-plane-protocols><control-plane-protocol><type>rt:static</type><name>st0</name>
    <static-routes><ipv4 xmlns="${NS.v4ur}"><route><destination-prefix>0.0.0.0/0</destination-prefix>
      <next-hop><outgoing-interface>eth0</outgoing-interface></next-hop></route></ipv4></static-routes>
  </control-plane-protocol></control-plane-protocols>
</routing>
<top xmlns="${NS.ft}">
  <users><user><name>fred</name><type>admin</type></user><user><name>barney</name><type>admin</type></user></users>
  <pair><a>x</a><b>1</b><note>x1</note></pair>
  <pair><a>x</a><b>2</b><note>x2</note></pair>
  <name>ft-name</name>
</top>`;

const DECLARED: Record<string, string> = { if: NS.if, ip: NS.ip, ianaift: NS.ianaift, ft: NS.ft, rt: NS.rt };
const scope = (bindings: Record<string, string>) => (p: string): string | undefined => (Object.hasOwn(bindings, p) ? bindings[p] : undefined);

describe('XPath filter (RFC 6241 §8.9)', () => {
  let schema: Schema;
  let data: DataTree;

  before(async () => {
    schema = await testSchema();
    data = decode(schema, DATA);
  });

  function run(select: string, bindings: Record<string, string> = DECLARED): string {
    const r = xpathFilter(data, select, scope(bindings));
    if (!r.ok) assert.fail(r.error.message);
    return xml(schema, r.tree);
  }

  const ifs = (inner: string): string => compact(`<interfaces xmlns="${NS.if}">${inner}</interfaces>`);
  const ETH0 = `<interface><name>eth0</name><description>uplink</description><type xmlns:ianaift="${NS.ianaift}">ianaift:ethernetCsmacd</type>
    <ipv4 xmlns="${NS.ip}"><mtu>1500</mtu><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4></interface>`;

  describe('selection', () => {
    it('selects a list entry by key with its whole subtree', () => {
      assert.equal(run("/if:interfaces/if:interface[if:name='eth0']"), ifs(ETH0));
    });

    it('selects leaves with their ancestors (list entries with their keys)', () => {
      assert.equal(run('//ip:mtu'), ifs(`<interface><name>eth0</name><ipv4 xmlns="${NS.ip}"><mtu>1500</mtu></ipv4></interface>
        <interface><name>lo</name><ipv4 xmlns="${NS.ip}"><mtu>9000</mtu></ipv4></interface>`));
    });

    it('filters with predicates on non-key leaves, compared canonically', () => {
      assert.equal(run("/if:interfaces/if:interface[if:enabled='false']/if:name"), ifs('<interface><name>eth1</name></interface>'));
      assert.equal(run("/if:interfaces/if:interface[ip:ipv4/ip:mtu = '09000']/if:name"), ifs('<interface><name>lo</name></interface>'));
      assert.equal(run("/if:interfaces/if:interface[if:type = 'ianaift:softwareLoopback']/if:name"), ifs('<interface><name>lo</name></interface>'));
      assert.equal(run("/if:interfaces/if:interface[derived-from-or-self(if:type, 'ianaift:ethernetCsmacd')][not(if:enabled = 'false')]/if:description"),
        ifs('<interface><name>eth0</name><description>uplink</description></interface>'));
      assert.equal(run("/if:interfaces/if:interface[ip:ipv4/ip:mtu > 2000]/if:oper-status"), ifs('<interface><name>lo</name><oper-status>up</oper-status></interface>'));
    });

    it('merges unions, across modules, in document order', () => {
      assert.equal(run("/ft:top/ft:name | /if:interfaces/if:interface[if:name='lo']/if:name | /if:interfaces/if:interface[if:name='eth1']/if:name"),
        ifs('<interface><name>eth1</name></interface><interface><name>lo</name></interface>') + compact(`<top xmlns="${NS.ft}"><name>ft-name</name></top>`));
    });

    it('a selected node and a selected descendant of it give the node once, whole', () => {
      assert.equal(run("//if:interface[if:name='eth0']/ip:ipv4/ip:address/ip:ip | /if:interfaces/if:interface[if:name='eth0']"), ifs(ETH0));
      assert.equal(run("/if:interfaces/if:interface[if:name='eth0'] | //if:interface[if:name='eth0']/ip:ipv4/ip:address/ip:ip"), ifs(ETH0));
    });

    it('multi-key predicates, canonicalized', () => {
      assert.equal(run("/ft:top/ft:pair[ft:a='x' and ft:b='02']/ft:note"), compact(`<top xmlns="${NS.ft}"><pair><a>x</a><b>2</b><note>x2</note></pair></top>`));
    });

    it('`/` selects the whole datastore', () => {
      assert.equal(run('/'), xml(schema, data));
    });

    it('selects nothing without error', () => {
      assert.equal(run("/if:interfaces/if:interface[if:name='nope']"), '');
      assert.equal(run('/if:interfaces/ft:name'), '');
    });

    it('shares selected subtrees with the input', () => {
      const r = xpathFilter(data, "/if:interfaces/if:interface[if:name='eth0']/ip:ipv4", scope(DECLARED));
      assert.ok(r.ok);
      const path = ['/ietf-interfaces:interfaces', '/ietf-interfaces:interfaces/interface', '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4'];
      const [c, l, v4] = path.map((p) => schema.nodeByPath(p)) as [ContainerNode, ListNode, ContainerNode];
      const inIpv4 = data.root.container(c)?.entries(l)?.get('eth0')?.container(v4);
      assert.ok(inIpv4 !== undefined);
      assert.equal(r.tree.root.container(c)?.entries(l)?.get('eth0')?.container(v4), inIpv4);
    });
  });

  describe('prefixes', () => {
    it('module names work as prefixes; unprefixed names inherit the previous step\'s module', () => {
      assert.equal(run("/ietf-interfaces:interfaces/interface[name='eth1']/enabled", {}), ifs('<interface><name>eth1</name><enabled>false</enabled></interface>'));
      assert.equal(run("/ietf-interfaces:interfaces/interface[name='lo']/ietf-ip:ipv4/mtu", {}),
        ifs(`<interface><name>lo</name><ipv4 xmlns="${NS.ip}"><mtu>9000</mtu></ipv4></interface>`));
    });

    it('declared prefixes win over module names', () => {
      assert.equal(run('/filter-test:interfaces/filter-test:interface/filter-test:enabled', { 'filter-test': NS.if }),
        ifs('<interface><name>eth1</name><enabled>false</enabled></interface>'));
    });

    it('resolves identity prefixes in literals with the same prefixes', () => {
      assert.equal(run("/ietf-routing:routing/control-plane-protocols/control-plane-protocol[type='ietf-routing:static']/name", {}),
        compact(`<routing xmlns="${NS.rt}"><control-plane-protocols><control-plane-protocol><type xmlns:rt="${NS.rt}">rt:static</type><name>st0</name></control-plane-protocol></control-plane-protocols></routing>`));
    });
  });

  describe('errors (rpc-error values, never thrown)', () => {
    function error(select: string, bindings: Record<string, string> = DECLARED): Extract<XPathFilterResult, { ok: false }>['error'] {
      const r = xpathFilter(data, select, scope(bindings));
      assert.ok(!r.ok, 'expected an error');
      return r.error;
    }

    it('a result that is not a node-set is invalid-value', () => {
      const e = error('count(/if:interfaces/if:interface)');
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.type, 'protocol');
      assert.match(e.message, /must give a node-set.*number/);
      assert.match(error("string(/ft:top/ft:name)").message, /string/);
      assert.match(error('1 = 1').message, /boolean/);
    });

    it('a parse error is invalid-value with the column', () => {
      const e = error('/if:interfaces/if:interface[');
      assert.equal(e.tag, 'invalid-value');
      assert.match(e.message, /column \d+/);
    });

    it('an unknown prefix or function is invalid-value', () => {
      assert.match(error('/nope:interfaces').message, /unknown prefix 'nope'.*column 2/);
      assert.match(error('/if:interfaces[frobnicate()]').message, /unknown function/);
    });

    it('an empty select is missing-attribute', () => {
      assert.equal(error('  ').tag, 'missing-attribute');
    });
  });

  describe('DataTreeAdapter', () => {
    it('answers a key predicate from the list index: one interface of 100k makes a handful of handles', () => {
      const COUNT = 100_000;
      const c = schema.nodeByPath('/ietf-interfaces:interfaces') as ContainerNode;
      const list = schema.nodeByPath('/ietf-interfaces:interfaces/interface') as ListNode;
      const desc = schema.nodeByPath('/ietf-interfaces:interfaces/interface/description') as LeafNode;
      const big = decode(schema, '');
      const parent = big.container(big.writableRoot(), c);
      for (let i = 0; i < COUNT; i++) {
        const e = big.entry(parent, list, [{ canonical: `eth${i}`, base: 'string' }]);
        big.setLeaf(e, desc, { canonical: `port ${i}`, base: 'string' });
      }
      const adapter = DataTreeAdapter.of(big);
      const r = xpathFilter(big, "/if:interfaces/if:interface[if:name='eth65432']/if:description", scope(DECLARED), { adapter });
      assert.ok(r.ok);
      assert.equal(xml(schema, r.tree), ifs('<interface><name>eth65432</name><description>port 65432</description></interface>'));
      assert.ok(adapter.created < 10, `made ${adapter.created} handles`);
      const union = DataTreeAdapter.of(big);
      const u = xpathFilter(big, "/if:interfaces/if:interface[if:name='eth9'] | /if:interfaces/if:interface[if:name='eth3']", scope(DECLARED), { adapter: union });
      assert.ok(u.ok);
      assert.equal(xml(schema, u.tree), ifs('<interface><name>eth3</name><description>port 3</description></interface><interface><name>eth9</name><description>port 9</description></interface>'));
    });

    it('gives each node one handle, whichever way it is reached', () => {
      const adapter = DataTreeAdapter.of(data);
      const [interfaces] = adapter.childrenNamed(adapter.root, 'ietf-interfaces', 'interfaces');
      assert.ok(interfaces !== undefined);
      const byName = adapter.childrenNamed(interfaces, 'ietf-interfaces', 'interface');
      const all = adapter.children(interfaces);
      assert.equal(byName.length, 3);
      assert.deepEqual(all, byName);
      const keyed = adapter.findListEntries(interfaces, 'ietf-interfaces', 'interface', new Map([['name', 'lo']]), { resolvePrefix: () => undefined, defaultModule: undefined });
      assert.equal(keyed?.[0], byName[2]);
      assert.equal(adapter.parent(byName[0] as never), interfaces);
    });

    it('supports enum-value(), deref() and namespace-uri() through the schema', () => {
      const c = compileXPath("enum-value(/if:interfaces/if:interface[if:name='lo']/if:oper-status)", DECLARED_MODULES);
      assert.ok(!isXPathError(c));
      const r = selectNodes(data, c);
      assert.ok(r.kind === 'value' && r.value.type === 'number' && r.value.value === 1);
      const d = compileXPath('deref(//v4ur:outgoing-interface)/../if:description', { ...DECLARED_MODULES, v4ur: 'ietf-ipv4-unicast-routing' });
      assert.ok(!isXPathError(d));
      const s = selectNodes(data, d);
      assert.ok(s.kind === 'nodes');
      assert.deepEqual(s.nodes.map((n) => (n.node.kind === 'leaf' ? n.node.value.canonical : '?')), ['uplink']);
      assert.equal(s.nodes[0]?.ancestors.length, 3); // root, interfaces, interface[eth0]
      const ns = compileXPath('namespace-uri(/ft:top/ft:name)', DECLARED_MODULES);
      assert.ok(!isXPathError(ns));
      const n = selectNodes(data, ns);
      assert.ok(n.kind === 'value' && n.value.value === NS.ft);
    });
  });
});

const DECLARED_MODULES: Record<string, string> = { if: 'ietf-interfaces', ip: 'ietf-ip', ianaift: 'iana-if-type', ft: 'filter-test', rt: 'ietf-routing' };
