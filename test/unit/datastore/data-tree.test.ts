import assert from 'node:assert/strict';
import { DataTree, keyString, type ContainerData, type ListEntry } from '../../../src/datastore/data-tree.js';
import { countNodes, nodesEqual, treesEqual } from '../../../src/datastore/tree-equality.js';
import { jsonPath, xmlPath, xpathLiteral } from '../../../src/datastore/instance-path.js';
import type { TypedValue } from '../../../src/validation/types/value.js';
import { node, routerSchema } from '../../support/schema-fixtures.js';

const str = (canonical: string): TypedValue => ({ canonical, base: 'string' });
const u = (canonical: string): TypedValue => ({ canonical, base: 'uint16' });
const idref = (canonical: string): TypedValue => ({ canonical, base: 'identityref' });

describe('DataTree', () => {
  const schema = routerSchema();
  const interfaces = node(schema, '/ietf-interfaces:interfaces', 'container');
  const iface = node(schema, '/ietf-interfaces:interfaces/interface', 'list');
  const ifName = node(schema, '/ietf-interfaces:interfaces/interface/name', 'leaf');
  const ifDescr = node(schema, '/ietf-interfaces:interfaces/interface/description', 'leaf');
  const ipv4 = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4', 'container');
  const mtu = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/mtu', 'leaf');
  const top = node(schema, '/vr-test:top', 'container');
  const rule = node(schema, '/vr-test:top/rule', 'list');
  const tags = node(schema, '/vr-test:top/tags', 'leaf-list');
  const sysTags = node(schema, '/vr-test:top/sys-tags', 'leaf-list');
  const pair = node(schema, '/vr-test:top/pair', 'list');
  const state = node(schema, '/vr-test:top/state', 'container');
  const session = node(schema, '/vr-test:top/state/session', 'list');
  const seen = node(schema, '/vr-test:top/state/seen', 'leaf-list');

  /** interfaces with eth0..eth(n-1), each with a description. */
  function withInterfaces(n: number): DataTree {
    const t = new DataTree(schema);
    const c = t.container(t.writableRoot(), interfaces);
    for (let i = 0; i < n; i++) {
      const e = t.entry(c, iface, [str(`eth${i}`)]);
      t.setLeaf(e, ifDescr, str(`port ${i}`));
    }
    return t;
  }

  describe('lists', () => {
    it('finds an entry by its key (a Map lookup, not a scan)', () => {
      const t = withInterfaces(1000);
      const set = t.root.container(interfaces)?.entries(iface);
      assert.equal(set?.size, 1000);
      const e = set?.get('eth777');
      assert.equal(e?.leaf(ifDescr)?.value.canonical, 'port 777');
      assert.equal(e?.leaf(ifName)?.value.canonical, 'eth777', 'entry() creates the key leaves');
      assert.equal(set?.get('eth1000'), undefined);
    });

    it('returns the existing entry for the same keys', () => {
      const t = withInterfaces(2);
      const c = t.container(t.writableRoot(), interfaces);
      const again = t.entry(c, iface, [str('eth1')]);
      assert.equal(again.leaf(ifDescr)?.value.canonical, 'port 1');
      assert.equal(c.entries(iface)?.size, 2);
    });

    it('builds a canonical key from several key leaves', () => {
      const t = new DataTree(schema);
      const c = t.container(t.writableRoot(), top);
      t.entry(c, pair, [str('x'), u('1')]);
      t.entry(c, pair, [str('x'), u('2')]);
      const set = c.entries(pair);
      assert.equal(set?.size, 2);
      assert.ok(set?.has(keyString([str('x'), u('2')])));
      assert.notEqual(keyString([str('a'), str('b')]), keyString([str('ab')]));
    });

    it('keeps ordered-by-user order and inserts first / last / before / after', () => {
      const t = new DataTree(schema);
      const c = t.container(t.writableRoot(), top);
      t.entry(c, rule, [str('b')]);
      t.entry(c, rule, [str('d')]);
      t.entry(c, rule, [str('a')], { where: 'first' });
      t.entry(c, rule, [str('c')], { where: 'before', anchor: 'd' });
      t.entry(c, rule, [str('e')], { where: 'after', anchor: 'd' });
      t.entry(c, rule, [str('f')], { where: 'last' });
      assert.deepEqual([...(c.entries(rule)?.keys() ?? [])], ['a', 'b', 'c', 'd', 'e', 'f']);
      const a = c.entries(rule)?.get('a') as ListEntry;
      t.move(c, a, { where: 'after', anchor: 'f' });
      assert.deepEqual([...(c.entries(rule)?.keys() ?? [])], ['b', 'c', 'd', 'e', 'f', 'a']);
      assert.throws(() => t.entry(c, rule, [str('z')], { where: 'before', anchor: 'nope' }), RangeError);
    });

    it('appends ordered-by-system entries whatever position is asked', () => {
      const t = new DataTree(schema);
      const c = t.container(t.writableRoot(), interfaces);
      t.entry(c, iface, [str('b')]);
      t.entry(c, iface, [str('a')], { where: 'first' });
      assert.deepEqual([...(c.entries(iface)?.keys() ?? [])], ['b', 'a']);
    });

    it('refuses an entry with the wrong number of keys (a programming error)', () => {
      const t = new DataTree(schema);
      const c = t.container(t.writableRoot(), top);
      assert.throws(() => t.entry(c, pair, [str('x')]), /2 key\(s\), 1 given/);
    });

    it('gives keyless (state) list entries their own keys', () => {
      const t = new DataTree(schema);
      const s = t.container(t.container(t.writableRoot(), top), state);
      t.entry(s, session, []);
      t.entry(s, session, []);
      assert.equal(s.entries(session)?.size, 2);
    });

    it('removes entries and drops an emptied list', () => {
      const t = withInterfaces(2);
      const c = t.container(t.writableRoot(), interfaces);
      for (const e of [...(c.entries(iface) ?? [])]) assert.ok(t.remove(c, e));
      assert.equal(c.entries(iface), undefined);
      assert.equal(c.slotCount, 0);
      const leaf = t.setLeaf(t.writableRoot(), node(schema, '/vr-test:top-leaf', 'leaf'), str('x'));
      assert.ok(t.remove(t.writableRoot(), leaf));
      assert.ok(!t.remove(t.writableRoot(), leaf));
    });
  });

  describe('leaf-lists', () => {
    it('keeps user order, refuses nothing, moves on a repeated value with a position', () => {
      const t = new DataTree(schema);
      const c = t.container(t.writableRoot(), top);
      t.leafListEntry(c, tags, str('x'));
      t.leafListEntry(c, tags, str('y'));
      t.leafListEntry(c, tags, str('w'), { position: { where: 'first' } });
      t.leafListEntry(c, tags, str('x'));
      assert.deepEqual([...(c.entries(tags) ?? [])].map((e) => e.value.canonical), ['w', 'x', 'y']);
      t.leafListEntry(c, tags, str('x'), { position: { where: 'last' } });
      assert.deepEqual([...(c.entries(tags) ?? [])].map((e) => e.value.canonical), ['w', 'y', 'x']);
    });

    it('may repeat a value in state data', () => {
      const t = new DataTree(schema);
      const s = t.container(t.container(t.writableRoot(), top), state);
      t.leafListEntry(s, seen, str('a'));
      t.leafListEntry(s, seen, str('a'), { duplicate: true });
      assert.deepEqual([...(s.entries(seen) ?? [])].map((e) => e.value.canonical), ['a', 'a']);
    });
  });

  describe('copy-on-write clone', () => {
    it('clones in O(1), sharing everything until a write', () => {
      const a = withInterfaces(3);
      const b = a.clone();
      assert.equal(a.root, b.root);
      assert.ok(!a.isWritable(a.root), 'the original gave up in-place writes too');
      assert.ok(treesEqual(a, b));
    });

    it('copies only the path to a change', () => {
      const a = withInterfaces(3);
      const b = a.clone();
      const root = b.writableRoot();
      const c = b.writable(root, root.container(interfaces) as ContainerData);
      const e0 = c.entries(iface)?.get('eth0') as ListEntry;
      const e1before = c.entries(iface)?.get('eth1');
      const e0w = b.writable(c, e0);
      b.setLeaf(e0w, ifDescr, str('changed'));
      const v4 = b.container(e0w, ipv4);
      b.setLeaf(v4, mtu, u('1400'));
      // the original is untouched
      assert.equal(a.root.container(interfaces)?.entries(iface)?.get('eth0')?.leaf(ifDescr)?.value.canonical, 'port 0');
      assert.equal(a.root.container(interfaces)?.entries(iface)?.get('eth0')?.container(ipv4), undefined);
      // the clone changed, and unchanged entries are still the same objects
      assert.equal(b.root.container(interfaces)?.entries(iface)?.get('eth0')?.leaf(ifDescr)?.value.canonical, 'changed');
      assert.equal(b.root.container(interfaces)?.entries(iface)?.get('eth1'), e1before);
      assert.equal(b.root.container(interfaces)?.entries(iface)?.get('eth1'), a.root.container(interfaces)?.entries(iface)?.get('eth1'));
      assert.ok(!treesEqual(a, b));
      assert.equal(countNodes(a), 1 + 3 * 3);
      assert.equal(countNodes(b), 1 + 3 * 3 + 2);
    });

    it('lets the original change without touching the clone', () => {
      const a = withInterfaces(2);
      const b = a.clone();
      const c = a.container(a.writableRoot(), interfaces);
      a.entry(c, iface, [str('eth9')]);
      assert.equal(a.root.container(interfaces)?.entries(iface)?.size, 3);
      assert.equal(b.root.container(interfaces)?.entries(iface)?.size, 2);
    });

    it('refuses a write through a node the tree does not own', () => {
      const a = withInterfaces(1);
      const b = a.clone();
      const shared = b.root.container(interfaces) as ContainerData;
      assert.throws(() => b.setLeaf(shared, ifDescr, str('x')), /not writable/);
      assert.throws(() => b.writable(b.root, shared), /not writable/);
    });

    it('grafts a subtree from another tree and seals that tree', () => {
      const src = withInterfaces(2);
      const dst = new DataTree(schema);
      const subtree = src.root.container(interfaces) as ContainerData;
      dst.graft(dst.writableRoot(), subtree, src);
      assert.equal(dst.root.container(interfaces), subtree);
      assert.ok(!src.isWritable(subtree));
      assert.ok(!dst.isWritable(subtree));
      const c = dst.container(dst.writableRoot(), interfaces);
      assert.notEqual(c, subtree, 'the first write copies');
      dst.entry(c, iface, [str('new')]);
      assert.equal(subtree.entries(iface)?.size, 2);
    });
  });

  describe('equality and size', () => {
    it('ignores the order of ordered-by-system entries but not of ordered-by-user ones', () => {
      const build = (order: string[], list: typeof iface): DataTree => {
        const t = new DataTree(schema);
        const c = list === iface ? t.container(t.writableRoot(), interfaces) : t.container(t.writableRoot(), top);
        for (const k of order) t.entry(c, list, [str(k)]);
        return t;
      };
      assert.ok(treesEqual(build(['a', 'b'], iface), build(['b', 'a'], iface)));
      assert.ok(!treesEqual(build(['a', 'b'], rule), build(['b', 'a'], rule)));
      assert.ok(treesEqual(build(['a', 'b'], rule), build(['a', 'b'], rule)));
    });

    it('compares leaves by canonical value and leaf-lists by content', () => {
      const mk = (vals: string[]): DataTree => {
        const t = new DataTree(schema);
        const c = t.container(t.writableRoot(), top);
        for (const v of vals) t.leafListEntry(c, sysTags, str(v));
        return t;
      };
      assert.ok(treesEqual(mk(['a', 'b']), mk(['b', 'a'])));
      assert.ok(!treesEqual(mk(['a', 'b']), mk(['a'])));
      const x = mk(['a']).root.container(top) as ContainerData;
      const y = mk(['a']).root.container(top) as ContainerData;
      assert.ok(nodesEqual(x, y));
    });

    it('counts every data node', () => {
      assert.equal(countNodes(new DataTree(schema)), 0);
      const t = withInterfaces(2);
      assert.equal(countNodes(t), 1 + 2 * 3);
      assert.equal(countNodes(t.root.container(interfaces) as ContainerData), 7);
    });
  });

  describe('instance paths', () => {
    it('writes RFC 7951 and prefixed XML forms', () => {
      const t = new DataTree(schema);
      const c = t.container(t.writableRoot(), interfaces);
      const e = t.entry(c, iface, [str('eth0')]);
      const leaf = t.setLeaf(t.container(e, ipv4), mtu, u('1500'));
      assert.equal(jsonPath(leaf), "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu");
      const x = xmlPath(leaf, schema);
      assert.equal(x.path, "/if:interfaces/if:interface[if:name='eth0']/ip:ipv4/ip:mtu");
      assert.deepEqual(x.namespaces, { if: schema.namespaceOf('ietf-interfaces'), ip: schema.namespaceOf('ietf-ip') });
      assert.equal(jsonPath(null), '/');
    });

    it('writes identityref keys with prefixes in the XML form', () => {
      const cpps = node(schema, '/ietf-routing:routing/control-plane-protocols', 'container');
      const cpp = node(schema, '/ietf-routing:routing/control-plane-protocols/control-plane-protocol', 'list');
      const routing = node(schema, '/ietf-routing:routing', 'container');
      const t = new DataTree(schema);
      const e = t.entry(t.container(t.container(t.writableRoot(), routing), cpps), cpp, [idref('ietf-routing:static'), str("it's")]);
      assert.equal(jsonPath(e), `/ietf-routing:routing/control-plane-protocols/control-plane-protocol[type='ietf-routing:static'][name="it's"]`);
      assert.equal(xmlPath(e, schema).path, `/rt:routing/rt:control-plane-protocols/rt:control-plane-protocol[rt:type='rt:static'][rt:name="it's"]`);
    });

    it('writes leaf-list entries with [.=value]', () => {
      const t = new DataTree(schema);
      const e = t.leafListEntry(t.container(t.writableRoot(), top), tags, str('x'));
      assert.equal(jsonPath(e), "/vr-test:top/tags[.='x']");
    });

    it('quotes XPath literals whatever they hold', () => {
      assert.equal(xpathLiteral('a'), "'a'");
      assert.equal(xpathLiteral("a'b"), `"a'b"`);
      assert.equal(xpathLiteral(`a'b"c`), `concat('a', "'", 'b"c')`);
    });
  });
});
