import assert from 'node:assert/strict';
import { type ContainerData, type DataTree, type ListEntry } from '../../../src/datastore/data-tree.js';
import { countNodes, treesEqual } from '../../../src/datastore/tree-equality.js';
import { decodeXml, type XmlDecodeOptions } from '../../../src/datastore/xml-decoder.js';
import { encodeXml, encodeXmlChildren, encodeXmlNode } from '../../../src/datastore/xml-encoder.js';
import { NS, node, schemaVariants } from '../../support/schema-fixtures.js';
import { EDGE_XML, ROUTER_XML } from './documents.js';
import type { Schema } from '../../../src/validation/schema.js';

function suite(schema: Schema, variant: string): void {
  function decode(xml: string, options?: XmlDecodeOptions): DataTree {
    const r = decodeXml(schema, xml, options);
    if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
    return r.tree;
  }

  describe(`XML round trip (${variant})`, () => {
    it('gives back a realistic interfaces + routing document byte for byte', () => {
      const tree = decode(ROUTER_XML);
      assert.equal(encodeXml(schema, tree, { pretty: true }), ROUTER_XML);
      assert.equal(countNodes(tree), 22 + 33, "interfaces 22 nodes, routing 33");
    });

    it('decodes its own compact output to an equal tree', () => {
      const tree = decode(ROUTER_XML);
      const compact = encodeXml(schema, tree);
      assert.ok(!compact.includes('\n'));
      const again = decode(compact);
      assert.ok(treesEqual(tree, again));
      assert.equal(encodeXml(schema, again), compact);
    });

    it('round-trips 64-bit numbers, user order, identityrefs, instance-identifier, empty, union, choice and anydata', () => {
      const tree = decode(EDGE_XML);
      assert.equal(encodeXml(schema, tree, { pretty: true }), EDGE_XML);
      const top = tree.root.container(node(schema, '/vr-test:top', 'container')) as ContainerData;
      assert.equal(top.leaf(node(schema, '/vr-test:top/u64', 'leaf'))?.value.canonical, '18446744073709551615');
      assert.equal(top.leaf(node(schema, '/vr-test:top/kind', 'leaf'))?.value.canonical, 'vr-test:fancy');
      assert.equal(top.leaf(node(schema, '/vr-test:top/target', 'leaf'))?.value.canonical,
        "/ietf-interfaces:interfaces/interface[name='eth0']/description");
      assert.deepEqual([...(top.entries(node(schema, '/vr-test:top/tags', 'leaf-list')) ?? [])].map((e) => e.value.canonical), ['zeta', 'alpha', 'mid']);
      assert.deepEqual([...(top.entries(node(schema, '/vr-test:top/rule', 'list'))?.keys() ?? [])], ['r3', 'r1']);
    });

    it('writes list keys first, in key order, and other children in schema order', () => {
      const tree = decode(`<routing xmlns="${NS.rt}"><control-plane-protocols><control-plane-protocol>
        <description>d</description><name>n</name><type xmlns:r="${NS.rt}">r:direct</type>
        </control-plane-protocol></control-plane-protocols><router-id>1.2.3.4</router-id></routing>`);
      assert.equal(encodeXml(schema, tree),
        `<routing xmlns="${NS.rt}"><router-id>1.2.3.4</router-id><control-plane-protocols><control-plane-protocol>`
        + `<type xmlns:rt="${NS.rt}">rt:direct</type><name>n</name><description>d</description>`
        + '</control-plane-protocol></control-plane-protocols></routing>');
    });

    it('escapes text and keeps carriage returns', () => {
      const tree = decode(`<top xmlns="${NS.vt}"><name>a&amp;&lt;&#13;</name></top>`);
      const out = encodeXml(schema, tree);
      assert.equal(out, `<top xmlns="${NS.vt}"><name>a&amp;&lt;&#13;</name></top>`);
    });

    it('declares a value prefix that an ancestor bound to another namespace', () => {
      const tree = decode(`<top xmlns="${NS.vt}"><kind xmlns:x="${NS.ianaift}">x:l2vlan</kind></top>`);
      const attrs = (): [{ namespace: string; prefix: string; name: string; value: string }] =>
        [{ namespace: 'urn:example:other', prefix: 'ianaift', name: 'note', value: 'q"' }];
      const topNode = tree.root.container(node(schema, '/vr-test:top', 'container')) as ContainerData;
      const out = encodeXmlNode(schema, topNode, { attributes: (n) => (n.kind === 'container' ? attrs() : undefined) });
      assert.equal(out, `<top xmlns="${NS.vt}" xmlns:ianaift="urn:example:other" ianaift:note="q&quot;">`
        + `<kind xmlns:ianaift="${NS.ianaift}">ianaift:l2vlan</kind></top>`);
    });

    it('adds per-node attributes through the hook (e.g. wd:default)', () => {
      const tree = decode(`<interfaces xmlns="${NS.if}"><interface><name>e</name><type xmlns:i="${NS.ianaift}">i:l2vlan</type><enabled>true</enabled></interface></interfaces>`);
      const wd = 'urn:ietf:params:xml:ns:netconf:default:1.0';
      const out = encodeXml(schema, tree, {
        attributes: (n) => (n.kind === 'leaf' && n.schema.default === n.value.canonical ? [{ namespace: wd, prefix: 'wd', name: 'default', value: 'true' }] : undefined),
      });
      assert.ok(out.includes(`<enabled xmlns:wd="${wd}" wd:default="true">true</enabled>`), out);
    });

    it('encodes a subtree alone or with its ancestors', () => {
      const tree = decode(ROUTER_XML);
      const iface = tree.root.container(node(schema, '/ietf-interfaces:interfaces', 'container'))
        ?.entries(node(schema, '/ietf-interfaces:interfaces/interface', 'list'))?.get('eth0') as ListEntry;
      const ipv4 = iface.container(node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4', 'container')) as ContainerData;
      const mtu = ipv4.leaf(node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/mtu', 'leaf'));
      assert.ok(mtu);
      assert.equal(encodeXmlNode(schema, mtu), `<mtu xmlns="${NS.ip}">1500</mtu>`);
      assert.equal(encodeXmlNode(schema, mtu, { withAncestors: true }),
        `<interfaces xmlns="${NS.if}"><interface><name>eth0</name><ipv4 xmlns="${NS.ip}"><mtu>1500</mtu></ipv4></interface></interfaces>`);
      assert.equal(encodeXmlNode(schema, mtu, { defaultNamespace: NS.ip }), '<mtu>1500</mtu>');
    });

    it('keeps anydata content with the namespaces it needs', () => {
      const tree = decode(`<top xmlns="${NS.vt}" xmlns:p="urn:p"><blob><p:a x="&lt;"><b/>text</p:a><c/></blob></top>`);
      const out = encodeXml(schema, tree);
      assert.equal(out, `<top xmlns="${NS.vt}"><blob><p:a xmlns="${NS.vt}" xmlns:p="urn:p" x="&lt;"><b/>text</p:a><c xmlns="${NS.vt}" xmlns:p="urn:p"/></blob></top>`);
      assert.ok(treesEqual(tree, decode(out)));
    });

    it('decodes and encodes the input of an rpc', () => {
      const reset = schema.rpc('vr-test', 'reset');
      assert.ok(reset);
      const xml = `<delay xmlns="${NS.vt}">5</delay><targets xmlns="${NS.vt}">a</targets><targets xmlns="${NS.vt}">b</targets>`;
      const tree = decode(xml, { root: { schema: reset.input, location: { up: null, schema: reset } } });
      assert.equal(encodeXmlChildren(schema, tree.root), xml);
    });

    it('indents with the requested width', () => {
      const tree = decode(`<top xmlns="${NS.vt}"><pc><x>1</x></pc></top>`);
      assert.equal(encodeXml(schema, tree, { pretty: 4 }), `<top xmlns="${NS.vt}">\n    <pc>\n        <x>1</x>\n    </pc>\n</top>\n`);
      const empty = decode(`<top xmlns="${NS.vt}"><pc/></top>`);
      assert.equal(encodeXml(schema, empty), `<top xmlns="${NS.vt}"><pc/></top>`);
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
