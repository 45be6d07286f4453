import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import type { ContainerData, DataTree } from '../../../src/datastore/data-tree.js';
import { decodeXml, decodeXmlStream, XmlDataDecoder, XmlDocumentDecoder, type XmlDecodeOptions } from '../../../src/datastore/xml-decoder.js';
import { encodeXml } from '../../../src/datastore/xml-encoder.js';
import { NS, node, schemaVariants } from '../../support/schema-fixtures.js';
import { ROUTER_XML } from './documents.js';
import type { Schema } from '../../../src/validation/schema.js';

function suite(schema: Schema, variant: string): void {
  const top = node(schema, '/vr-test:top', 'container');
  const kind = node(schema, '/vr-test:top/kind', 'leaf');

  function decode(xml: string, options?: XmlDecodeOptions): DataTree {
    const r = decodeXml(schema, xml, options);
    if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
    return r.tree;
  }

  function kindOf(tree: DataTree): string | undefined {
    return (tree.root.container(top))?.leaf(kind)?.value.canonical;
  }

  const CANONICAL_IF = `<interfaces xmlns="${NS.if}"><interface><name>eth0</name><ipv4 xmlns="${NS.ip}"><mtu>1500</mtu></ipv4></interface></interfaces>`;

  describe(`XML decoder namespaces (${variant})`, () => {
    it('reads prefixed elements', () => {
      const tree = decode(`<if:interfaces xmlns:if="${NS.if}" xmlns:ip="${NS.ip}"><if:interface><if:name>eth0</if:name>`
        + '<ip:ipv4><ip:mtu>1500</ip:mtu></ip:ipv4></if:interface></if:interfaces>');
      assert.equal(encodeXml(schema, tree), CANONICAL_IF);
    });

    it('reads a prefix re-declared for another namespace in a child', () => {
      const tree = decode(`<a:interfaces xmlns:a="${NS.if}"><a:interface><a:name>eth0</a:name>`
        + `<a:ipv4 xmlns:a="${NS.ip}"><a:mtu>1500</a:mtu></a:ipv4></a:interface></a:interfaces>`);
      assert.equal(encodeXml(schema, tree), CANONICAL_IF);
    });

    it('reads a default namespace changed in a child, mixed with prefixes', () => {
      const tree = decode(`<interfaces xmlns="${NS.if}" xmlns:ip="${NS.ip}"><interface><name>eth0</name>`
        + `<ip:ipv4><mtu xmlns="${NS.ip}">1500</mtu></ip:ipv4></interface></interfaces>`);
      assert.equal(encodeXml(schema, tree), CANONICAL_IF);
    });

    it('treats xmlns="" as no namespace', () => {
      const r = decodeXml(schema, `<interfaces xmlns="${NS.if}"><interface xmlns=""><name>eth0</name></interface></interfaces>`);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.errors[0].kind === 'unknown-namespace');
      assert.ok(!r.ok && r.errors[0].message.includes('has no namespace'));
      assert.equal(!r.ok && r.errors[0].path, '/ietf-interfaces:interfaces/interface');
    });

    describe('identityref values', () => {
      it('resolves a prefix declared on the element itself', () => {
        assert.equal(kindOf(decode(`<top xmlns="${NS.vt}"><kind xmlns:x="${NS.ianaift}">x:ethernetCsmacd</kind></top>`)), 'iana-if-type:ethernetCsmacd');
      });

      it('resolves a prefix declared on an ancestor', () => {
        assert.equal(kindOf(decode(`<top xmlns="${NS.vt}" xmlns:ift="${NS.ianaift}"><kind>ift:l2vlan</kind></top>`)), 'iana-if-type:l2vlan');
      });

      it('resolves a name without prefix in the default namespace', () => {
        assert.equal(kindOf(decode(`<top xmlns="${NS.vt}"><kind>fancy</kind></top>`)), 'vr-test:fancy');
        assert.equal(kindOf(decode(`<v:top xmlns:v="${NS.vt}" xmlns="${NS.ianaift}"><v:kind>l2vlan</v:kind></v:top>`)), 'iana-if-type:l2vlan');
      });

      it('uses XML prefixes, not module names', () => {
        const r = decodeXml(schema, `<top xmlns="${NS.vt}"><kind>iana-if-type:l2vlan</kind></top>`);
        assert.ok(!r.ok);
        assert.equal(r.errors[0].kind, 'unbound-prefix');
        assert.equal(r.errors[0].path, '/vr-test:top/kind');
      });

      it('uses the bindings in scope at the element, not a later re-declaration', () => {
        const r = decodeXml(schema, `<top xmlns="${NS.vt}" xmlns:x="${NS.ianaift}"><kind>x:l2vlan</kind><kinds xmlns:x="${NS.vt}">x:l2vlan</kinds></top>`);
        assert.ok(!r.ok);
        assert.equal(r.errors[0].kind, 'invalid-value');
        assert.equal(r.errors[0].path, '/vr-test:top/kinds');
        assert.match(r.errors[0].detail ?? '', /vr-test:l2vlan/);
      });
    });

    it('resolves instance-identifier prefixes in scope', () => {
      const tree = decode(`<top xmlns="${NS.vt}" xmlns:i="${NS.if}"><target>/i:interfaces/i:interface[i:name='x']</target></top>`);
      const target = (tree.root.container(top) as ContainerData).leaf(node(schema, '/vr-test:top/target', 'leaf'));
      assert.equal(target?.value.canonical, "/ietf-interfaces:interfaces/interface[name='x']");
    });

    describe('content of an element the NETCONF layer parses', () => {
      const rpc = `<nc:rpc xmlns:nc="${NS.nc}" message-id="1" xmlns:ift="${NS.ianaift}" xmlns:if="${NS.if}">`
        + '<nc:edit-config><nc:target><nc:candidate/></nc:target><nc:config>'
        + '<if:interfaces><if:interface><if:name>eth1</if:name><if:type>ift:l2vlan</if:type></if:interface></if:interfaces>'
        + '</nc:config></nc:edit-config></nc:rpc>';

      it('decodes forwarded SAX events with the outer parser resolving prefixes', () => {
        const parser = new SaxesParser({ xmlns: true });
        let decoder: XmlDataDecoder | undefined;
        let depth = 0;
        parser.on('opentag', (tag) => {
          if (decoder !== undefined) {
            depth++;
            decoder.openTag(tag);
          } else if (tag.local === 'config' && tag.uri === NS.nc) {
            decoder = new XmlDataDecoder(schema, { namespaces: (p) => parser.resolve(p), position: () => ({ line: parser.line, column: parser.column }) });
          }
        });
        parser.on('text', (t) => decoder?.text(t));
        parser.on('closetag', () => {
          if (decoder === undefined) return;
          if (depth === 0) return;
          depth--;
          decoder.closeTag();
        });
        parser.write(rpc).close();
        assert.ok(decoder);
        const r = decoder.result();
        assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
        assert.equal(encodeXml(schema, r.tree), `<interfaces xmlns="${NS.if}"><interface><name>eth1</name><type xmlns:ianaift="${NS.ianaift}">ianaift:l2vlan</type></interface></interfaces>`);
      });

      it('decodes inner XML given with the bindings in scope', () => {
        const inner = '<if:interfaces><if:interface><if:name>eth1</if:name><if:type>ift:l2vlan</if:type></if:interface></if:interfaces>';
        const tree = decode(inner, { namespaces: { nc: NS.nc, ift: NS.ianaift, if: NS.if } });
        assert.equal(tree.root.slotCount, 1);
      });

      it('inherits a default namespace declared around the content', () => {
      const tree = decode('<interfaces><interface><name>eth0</name></interface></interfaces>', { namespaces: { '': NS.if } });
      assert.equal(encodeXml(schema, tree), `<interfaces xmlns="${NS.if}"><interface><name>eth0</name></interface></interfaces>`);
    });

    it('explains a data element that inherited the NETCONF namespace', () => {
      const r = decodeXml(schema, '<interfaces/>', { namespaces: { '': NS.nc } });
      assert.ok(!r.ok);
      assert.match(r.errors[0].message, /NETCONF base namespace: does it lack its module's xmlns/);
      assert.ok(['unknown-namespace', 'unknown-element'].includes(r.errors[0].kind));
    });

    it('decodes a wrapped document (a <config> file) with an XML declaration', () => {
        const tree = decode(`<?xml version="1.0" encoding="UTF-8"?>\n<config xmlns="${NS.nc}">${CANONICAL_IF}</config>`, { wrapped: true });
        assert.equal(encodeXml(schema, tree), CANONICAL_IF);
      });
    });

    describe('documents', () => {
      it('accepts an XML declaration and a BOM before top-level data elements', () => {
        const tree = decode(`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n${CANONICAL_IF}`);
        assert.equal(encodeXml(schema, tree), CANONICAL_IF);
      });

      it('accepts an empty document as empty data', () => {
        assert.equal(decode('').root.slotCount, 0);
        assert.equal(decode('  \n').root.slotCount, 0);
      });

      it('decodes a stream split anywhere, even inside a UTF-8 character', async () => {
        const xml = ROUTER_XML.replace('uplink', 'uplink ✓ é');
        const bytes = Buffer.from(xml, 'utf8');
        async function* chunks(): AsyncIterable<Uint8Array> {
          for (let i = 0; i < bytes.length; i += 7) {
            await Promise.resolve();
            yield bytes.subarray(i, i + 7);
          }
        }
        const r = await decodeXmlStream(schema, chunks());
        assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
        assert.equal(encodeXml(schema, r.tree, { pretty: true }), xml);
      });

      it('decodes string chunks through write() / close()', () => {
        const d = new XmlDocumentDecoder(schema);
        for (let i = 0; i < ROUTER_XML.length; i += 3) d.write(ROUTER_XML.slice(i, i + 3));
        const r = d.close();
        assert.ok(r.ok);
        assert.equal(encodeXml(schema, r.tree, { pretty: true }), ROUTER_XML);
      });
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
