import assert from 'node:assert/strict';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { applyWithDefaults } from '../../../../src/datastore/with-defaults.js';
import { parseFilterXml, type FilterElement } from '../../../../src/netconf/filters/filter-element.js';
import { subtreeFilter, type SubtreeFilterOptions } from '../../../../src/netconf/filters/subtree-filter.js';
import type { Schema } from '../../../../src/validation/schema.js';
import type { ContainerNode, LeafNode, ListNode } from '../../../../src/validation/schema-model.js';
import { compact, decode, NS, testSchema, xml } from './test-schema.js';

// The data of RFC 6241 §6.4's examples, in filter-test's namespace.
const USERS = `<top xmlns="${NS.ft}">
  <users>
    <user><name>root</name><type>superuser</type><full-name>Charlie Root</full-name>
      <company-info><dept>1</dept><id>1</id></company-info></user>
    <user><name>fred</name><type>admin</type><full-name>Fred Flintstone</full-name><groups>wheel</groups><groups>staff</groups>
      <company-info><dept>2</dept><id>2</id></company-info></user>
    <user><name>barney</name><type>admin</type><full-name>Barney Rubble</full-name><uid>1003</uid>
      <company-info><dept>2</dept><id>3</id></company-info></user>
  </users>
  <pair><a>x</a><b>1</b><note>x1</note></pair>
  <pair><a>x</a><b>2</b><note>x2</note></pair>
  <rule><name>r1</name><action>permit</action></rule>
  <rule><name>r2</name><action>deny</action></rule>
  <rule><name>r3</name><action>permit</action></rule>
  <name>ft-name</name>
  <name xmlns="${NS.fa}">fa-name</name>
  <users xmlns="${NS.fa}"><count>3</count></users>
</top>`;

const INTERFACES = `<interfaces xmlns="${NS.if}" xmlns:ianaift="${NS.ianaift}">
  <interface><name>eth0</name><description>uplink</description><type>ianaift:ethernetCsmacd</type>
    <ipv4 xmlns="${NS.ip}"><mtu>1500</mtu><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4></interface>
  <interface><name>eth1</name><type>ianaift:ethernetCsmacd</type><enabled>false</enabled></interface>
  <interface><name>lo</name><type>ianaift:softwareLoopback</type>
    <ipv4 xmlns="${NS.ip}"><mtu>9000</mtu></ipv4></interface>
</interfaces>`;

describe('subtree filter (RFC 6241 §6)', () => {
  let schema: Schema;
  let users: DataTree;
  let interfaces: DataTree;

  before(async () => {
    schema = await testSchema();
    users = decode(schema, USERS);
    interfaces = decode(schema, INTERFACES);
  });

  function filter(text: string, namespaces: Record<string, string> = {}): FilterElement[] {
    const r = parseFilterXml(text, namespaces);
    if (!r.ok) assert.fail(r.error.message);
    return r.elements;
  }

  function run(data: DataTree, text: string, options: SubtreeFilterOptions = {}): string {
    return xml(schema, subtreeFilter(data, filter(text), options));
  }

  const top = (inner: string): string => compact(`<top xmlns="${NS.ft}">${inner}</top>`);

  describe('the examples of §6.4', () => {
    it('§6.4.2: an empty filter selects nothing', () => {
      assert.equal(run(users, ''), '');
      assert.equal(run(users, '  \n '), '');
    });

    it('§6.4.3: selects the entire <users> subtree', () => {
      const out = run(users, `<top xmlns="${NS.ft}"><users/></top>`);
      assert.equal(out, xml(schema, decode(schema, compact(`<top xmlns="${NS.ft}">${USERS.slice(USERS.indexOf('<users>'), USERS.indexOf('</users>') + 8)}</top>`))));
    });

    it('§6.4.4: selects all <name> elements within <users>', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name/></user></users></top>`),
        top('<users><user><name>root</name></user><user><name>fred</name></user><user><name>barney</name></user></users>'));
    });

    it('§6.4.5: one specific user entry (content match only: the whole entry)', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name>fred</name></user></users></top>`),
        top(`<users><user><name>fred</name><type>admin</type><full-name>Fred Flintstone</full-name><groups>wheel</groups>
          <groups>staff</groups><company-info><dept>2</dept><id>2</id></company-info></user></users>`));
    });

    it('§6.4.6: specific elements from a specific entry', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name>fred</name><type/><full-name/></user></users></top>`),
        top('<users><user><name>fred</name><type>admin</type><full-name>Fred Flintstone</full-name></user></users>'));
    });

    it('§6.4.7: multiple subtrees (a failed content match drops its entry)', () => {
      const f = `<top xmlns="${NS.ft}"><users>
        <user><name>root</name><company-info><id/></company-info></user>
        <user><name>fred</name><company-info><id/></company-info></user>
        <user><name>barney</name><type>superuser</type><company-info><dept/></company-info></user>
      </users></top>`;
      assert.equal(run(users, f),
        top('<users><user><name>root</name><company-info><id>1</id></company-info></user><user><name>fred</name><company-info><id>2</id></company-info></user></users>'));
    });

    it('§6.4.8: attribute match expressions match nothing (the data carries no attributes)', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}" xmlns:t="${NS.ft}"><users><user t:name="fred"/></users></top>`), '');
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name>fred</name><type kind="x"/></user></users></top>`),
        top('<users><user><name>fred</name></user></users>'));
    });
  });

  describe('node roles', () => {
    it('a selection node on a list selects every entry with its subtree', () => {
      const out = subtreeFilter(users, filter(`<top xmlns="${NS.ft}"><rule/></top>`));
      assert.equal(xml(schema, out), top('<rule><name>r1</name><action>permit</action></rule><rule><name>r2</name><action>deny</action></rule><rule><name>r3</name><action>permit</action></rule>'));
    });

    it('a containment node selects only where something below it is selected', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><uid/></user></users></top>`),
        top('<users><user><name>barney</name><uid>1003</uid></user></users>'));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><nothing-here/></user></users></top>`), '');
    });

    it('selection siblings are selected even where a containment sibling selects nothing', () => {
      assert.equal(run(interfaces, `<interfaces xmlns="${NS.if}"><interface><name/><ipv4 xmlns="${NS.ip}"><mtu>1500</mtu></ipv4></interface></interfaces>`),
        compact(`<interfaces xmlns="${NS.if}"><interface><name>eth0</name><ipv4 xmlns="${NS.ip}"><mtu>1500</mtu><address><ip>192.0.2.1</ip>
          <prefix-length>24</prefix-length></address></ipv4></interface><interface><name>eth1</name></interface><interface><name>lo</name></interface></interfaces>`));
    });

    it('sibling content matches are ANDed', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><type>admin</type><uid>1003</uid><full-name/></user></users></top>`),
        top('<users><user><name>barney</name><type>admin</type><full-name>Barney Rubble</full-name><uid>1003</uid></user></users>'));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><type>admin</type><uid>9</uid></user></users></top>`), '');
    });

    it('content match nodes are included with the selected siblings', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><type>admin</type><company-info><id/></company-info></user></users></top>`),
        top('<users><user><name>fred</name><type>admin</type><company-info><id>2</id></company-info></user>'
          + '<user><name>barney</name><type>admin</type><company-info><id>3</id></company-info></user></users>'));
    });

    it('whitespace-only text is a selection node, not a content match', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name>  </name><type>
        </type></user></users></top>`),
        top('<users><user><name>root</name><type>superuser</type></user><user><name>fred</name><type>admin</type></user>'
          + '<user><name>barney</name><type>admin</type></user></users>'));
    });

    it('a leaf-list content match selects the entries with that value', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><groups>staff</groups><type/></user></users></top>`),
        top('<users><user><name>fred</name><type>admin</type><groups>staff</groups></user></users>'));
    });

    it('a containment node naming a leaf, or text on a container, matches nothing', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><type><x/></type></user></users></top>`), '');
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><company-info>2</company-info></user></users></top>`), '');
    });

    it('content matches compare canonical values of the leaf type', () => {
      // The mtu content match is alone in its sibling set: the whole ipv4 container is selected.
      const f = (mtu: string): string => `<interfaces xmlns="${NS.if}"><interface><ipv4 xmlns="${NS.ip}"><mtu>${mtu}</mtu></ipv4></interface></interfaces>`;
      const expected = compact(`<interfaces xmlns="${NS.if}"><interface><name>eth0</name><ipv4 xmlns="${NS.ip}"><mtu>1500</mtu>
        <address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces>`);
      assert.equal(run(interfaces, f('1500')), expected);
      assert.equal(run(interfaces, f('01500')), expected);
      assert.equal(run(interfaces, f('+1500')), expected);
      assert.equal(run(interfaces, f('15x')), ''); // not a uint16: matches nothing
    });

    it('identityref content matches resolve prefixes with the filter\'s namespaces', () => {
      const expected = compact(`<interfaces xmlns="${NS.if}"><interface><name>lo</name><type xmlns:ianaift="${NS.ianaift}">ianaift:softwareLoopback</type></interface></interfaces>`);
      assert.equal(run(interfaces, `<interfaces xmlns="${NS.if}"><interface><type xmlns:x="${NS.ianaift}">x:softwareLoopback</type><name/></interface></interfaces>`), expected);
      assert.equal(run(interfaces, `<i:interfaces xmlns:i="${NS.if}" xmlns:ift="${NS.ianaift}"><i:interface><i:type>ift:softwareLoopback</i:type><i:name/></i:interface></i:interfaces>`), expected);
      assert.equal(run(interfaces, `<interfaces xmlns="${NS.if}"><interface><type>softwareLoopback</type><name/></interface></interfaces>`), ''); // default namespace is ietf-interfaces: no such identity
    });

    it('booleans compare canonically', () => {
      assert.equal(run(interfaces, `<interfaces xmlns="${NS.if}"><interface><enabled>false</enabled></interface></interfaces>`),
        compact(`<interfaces xmlns="${NS.if}"><interface><name>eth1</name><type xmlns:ianaift="${NS.ianaift}">ianaift:ethernetCsmacd</type><enabled>false</enabled></interface></interfaces>`));
    });

    it('list entries always carry their keys', () => {
      assert.equal(run(interfaces, `<interfaces xmlns="${NS.if}"><interface><ipv4 xmlns="${NS.ip}"><address><prefix-length/></address></ipv4></interface></interfaces>`),
        compact(`<interfaces xmlns="${NS.if}"><interface><name>eth0</name><ipv4 xmlns="${NS.ip}"><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces>`));
    });

    it('content matches only at the top level select everything when they hold', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name>ft-name</name></top>`), xml(schema, users));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name>other</name></top>`), '');
    });
  });

  describe('namespaces', () => {
    it('selects the same local name in one namespace only', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name/></top>`), top('<name>ft-name</name>'));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name xmlns="${NS.fa}"/></top>`), top(`<name xmlns="${NS.fa}">fa-name</name>`));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users xmlns="${NS.fa}"/></top>`), top(`<users xmlns="${NS.fa}"><count>3</count></users>`));
    });

    it('an element without namespace (xmlns="") matches every namespace', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name xmlns=""/></top>`), top(`<name>ft-name</name><name xmlns="${NS.fa}">fa-name</name>`));
      assert.equal(xml(schema, subtreeFilter(users, filter('<top><name/></top>', { '': NS.nc }))), top(`<name>ft-name</name><name xmlns="${NS.fa}">fa-name</name>`));
    });

    it('content matches test their own namespace', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name xmlns="${NS.fa}">ft-name</name></top>`), '');
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name xmlns="${NS.fa}">fa-name</name><tags/></top>`), top(`<name xmlns="${NS.fa}">fa-name</name>`));
    });

    it('unknown elements and namespaces select nothing and are no error', () => {
      assert.equal(run(users, '<top xmlns="urn:nowhere"><users/></top>'), '');
      assert.equal(run(users, `<nothing xmlns="${NS.ft}"/>`), '');
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name>fred</name><nosuch>1</nosuch></user></users></top>`), '');
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name/><nosuch/></top>`), top('<name>ft-name</name>'));
    });

    it('top-level siblings from several modules merge into one answer', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><name/></top><interfaces xmlns="${NS.if}"><interface><name>lo</name><type/></interface></interfaces>`),
        top('<name>ft-name</name>'));
      const both = decode(schema, compact(USERS) + compact(INTERFACES));
      const out = xml(schema, subtreeFilter(both, filter(`<top xmlns="${NS.ft}"><name/></top><interfaces xmlns="${NS.if}"><interface><name>lo</name><type/></interface></interfaces>`)));
      assert.equal(out, compact(`<interfaces xmlns="${NS.if}"><interface><name>lo</name><type xmlns:ianaift="${NS.ianaift}">ianaift:softwareLoopback</type></interface></interfaces>`) + top('<name>ft-name</name>'));
    });
  });

  describe('merging and sharing', () => {
    it('data selected by several filter elements appears once, whole where one asks for it whole', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><users><user><name>fred</name><type/></user><user><name>fred</name></user></users></top>`),
        run(users, `<top xmlns="${NS.ft}"><users><user><name>fred</name></user></users></top>`));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><rule/><rule><name>r2</name><action/></rule></top>`), run(users, `<top xmlns="${NS.ft}"><rule/></top>`));
    });

    it('an ordered-by-user list filled by several elements keeps data order', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><rule><name>r3</name></rule><rule><name>r1</name></rule></top>`),
        top('<rule><name>r1</name><action>permit</action></rule><rule><name>r3</name><action>permit</action></rule>'));
    });

    it('multi-key lists: all keys given use the index, some keys scan', () => {
      assert.equal(run(users, `<top xmlns="${NS.ft}"><pair><a>x</a><b>02</b></pair></top>`), top('<pair><a>x</a><b>2</b><note>x2</note></pair>'));
      assert.equal(run(users, `<top xmlns="${NS.ft}"><pair><a>x</a><note/></pair></top>`),
        top('<pair><a>x</a><b>1</b><note>x1</note></pair><pair><a>x</a><b>2</b><note>x2</note></pair>'));
    });

    it('shares the selected subtrees with the input instead of copying them', () => {
      const usersSchema = schema.nodeByPath('/filter-test:top/users') as ContainerNode;
      const topSchema = schema.nodeByPath('/filter-test:top') as ContainerNode;
      const out = subtreeFilter(users, filter(`<top xmlns="${NS.ft}"><users/></top>`));
      const inUsers = users.root.container(topSchema)?.container(usersSchema);
      assert.ok(inUsers !== undefined);
      assert.equal(out.root.container(topSchema)?.container(usersSchema), inUsers);
    });
  });

  describe('key-indexed evaluation', () => {
    const COUNT = 100_000;
    let big: DataTree;
    let list: ListNode;

    before(() => {
      const ifs = schema.nodeByPath('/ietf-interfaces:interfaces') as ContainerNode;
      list = schema.nodeByPath('/ietf-interfaces:interfaces/interface') as ListNode;
      const desc = schema.nodeByPath('/ietf-interfaces:interfaces/interface/description') as LeafNode;
      big = decode(schema, '');
      const c = big.container(big.writableRoot(), ifs);
      for (let i = 0; i < COUNT; i++) {
        const e = big.entry(c, list, [{ canonical: `eth${i}`, base: 'string' }]);
        big.setLeaf(e, desc, { canonical: `port ${i}`, base: 'string' });
      }
    });

    it(`finds one interface out of ${COUNT} without visiting the others`, () => {
      const stats = { visited: 0 };
      const out = subtreeFilter(big, filter(`<interfaces xmlns="${NS.if}"><interface><name>eth77777</name><description/></interface></interfaces>`), { stats });
      assert.equal(xml(schema, out), compact(`<interfaces xmlns="${NS.if}"><interface><name>eth77777</name><description>port 77777</description></interface></interfaces>`));
      assert.ok(stats.visited < 20, `visited ${stats.visited} nodes`);
      const ifs = out.root.slots().next().value as { entries(l: ListNode): { size: number } | undefined };
      assert.equal(ifs.entries(list)?.size, 1);
    });

    it('a key that does not exist visits nothing more', () => {
      const stats = { visited: 0 };
      assert.equal(xml(schema, subtreeFilter(big, filter(`<interfaces xmlns="${NS.if}"><interface><name>nope</name></interface></interfaces>`), { stats })), '');
      assert.ok(stats.visited < 10, `visited ${stats.visited} nodes`);
    });

    it('a non-key content match has to scan (the counter sees it)', () => {
      const stats = { visited: 0 };
      const out = subtreeFilter(big, filter(`<interfaces xmlns="${NS.if}"><interface><description>port 5</description></interface></interfaces>`), { stats });
      assert.equal(xml(schema, out), compact(`<interfaces xmlns="${NS.if}"><interface><name>eth5</name><description>port 5</description></interface></interfaces>`));
      assert.ok(stats.visited >= COUNT, `visited ${stats.visited} nodes`);
    });
  });

  describe('wd:default attribute matches (report-all-tagged data)', () => {
    it('wd:default="true" selects exactly the default-tagged nodes', () => {
      const { tree, tagged } = applyWithDefaults(interfaces, 'report-all-tagged');
      const f = `<interfaces xmlns="${NS.if}" xmlns:wd="${NS.wd}"><interface><enabled wd:default="true"/></interface></interfaces>`;
      assert.equal(xml(schema, subtreeFilter(tree, filter(f), { defaultTagged: tagged })),
        compact(`<interfaces xmlns="${NS.if}"><interface><name>eth0</name><enabled>true</enabled></interface><interface><name>lo</name><enabled>true</enabled></interface></interfaces>`));
      assert.equal(xml(schema, subtreeFilter(tree, filter(f))), ''); // without the tagged set nothing carries the attribute
    });
  });

  describe('parseFilterXml', () => {
    it('reads namespaces, attributes, text and CDATA', () => {
      const r = parseFilterXml(`<a:top xmlns:a="${NS.ft}" a:x="1" y="2"><a:name><![CDATA[fr]]>ed</a:name><b xmlns=""/></a:top>`);
      assert.ok(r.ok);
      const [t] = r.elements;
      assert.ok(t !== undefined);
      assert.equal(t.namespace, NS.ft);
      assert.deepEqual(t.attributes, [{ name: 'x', namespace: NS.ft, value: '1' }, { name: 'y', namespace: '', value: '2' }]);
      assert.equal(t.children[0]?.text, 'fred');
      assert.equal(t.children[1]?.namespace, '');
      assert.equal(t.children[0]?.nsInScope('a'), NS.ft);
    });

    it('uses the namespaces in scope around the filter', () => {
      const r = parseFilterXml('<p:top/><top/>', { p: NS.ft, '': NS.nc });
      assert.ok(r.ok);
      assert.equal(r.elements[0]?.namespace, NS.ft);
      assert.equal(r.elements[1]?.namespace, NS.nc);
    });

    it('refuses malformed XML as malformed-message', () => {
      const r = parseFilterXml('<top><users></top>');
      assert.ok(!r.ok);
      assert.equal(r.error.tag, 'malformed-message');
      assert.equal(r.error.type, 'rpc');
      const u = parseFilterXml('<x:top/>');
      assert.ok(!u.ok);
    });
  });
});
