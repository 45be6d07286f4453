import assert from 'node:assert/strict';
import type { ContainerData, DataNode } from '../../../src/datastore/data-tree.js';
import type { EditAttributes } from '../../../src/datastore/edit-attributes.js';
import { decodeXml } from '../../../src/datastore/xml-decoder.js';
import { jsonPath } from '../../../src/datastore/instance-path.js';
import { NS, schemaVariants } from '../../support/schema-fixtures.js';
import type { Schema } from '../../../src/validation/schema.js';

function suite(schema: Schema, variant: string): void {
  const DECL = `xmlns="${NS.vt}" xmlns:nc="${NS.nc}" xmlns:yang="${NS.yang}"`;

  function attrs(xml: string): Map<string, EditAttributes> {
    const r = decodeXml(schema, xml, { editAttributes: true });
    if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
    const byPath = new Map<string, EditAttributes>();
    for (const [n, a] of r.attributes) byPath.set(jsonPath(n), a);
    return byPath;
  }

  function refused(xml: string): { kind: string; attribute?: string; message: string } {
    const r = decodeXml(schema, xml, { editAttributes: true });
    if (r.ok) assert.fail('decoded without error');
    return r.errors[0];
  }

  describe(`edit attributes (${variant})`, () => {
    it('collects operation per node, in a side map', () => {
      const m = attrs(`<top ${DECL} nc:operation="merge"><name nc:operation="delete">x</name><rule nc:operation="create"><name>r</name></rule></top>`);
      assert.deepEqual(m.get('/vr-test:top'), { operation: 'merge' });
      assert.deepEqual(m.get('/vr-test:top/name'), { operation: 'delete' });
      assert.deepEqual(m.get("/vr-test:top/rule[name='r']"), { operation: 'create' });
      assert.equal(m.size, 3);
    });

    it('is ignored unless asked for', () => {
      const r = decodeXml(schema, `<top ${DECL} nc:operation="delete"/>`);
      assert.ok(r.ok);
      assert.equal(r.attributes.size, 0);
    });

    it('resolves insert key / value anchors to entry keys', () => {
      const m = attrs(`<top ${DECL} xmlns:v="${NS.vt}">`
        + `<rule yang:insert="before" yang:key="[v:name='r1']"><name>r0</name></rule>`
        + '<rule yang:insert="first"><name>r9</name></rule>'
        + '<tags yang:insert="after" yang:value="a">b</tags>'
        + '</top>');
      assert.deepEqual(m.get("/vr-test:top/rule[name='r0']"), { insert: 'before', anchor: 'r1', anchorText: "[v:name='r1']" });
      assert.deepEqual(m.get("/vr-test:top/rule[name='r9']"), { insert: 'first' });
      assert.deepEqual(m.get("/vr-test:top/tags[.='b']"), { insert: 'after', anchor: 'a', anchorText: 'a' });
    });

    it('accepts a leaf without value under delete / remove, marked as such', () => {
      const r = decodeXml(schema, `<top ${DECL}><small nc:operation="delete"/><rule nc:operation="remove"><name>r</name><verdict/></rule></top>`, { editAttributes: true });
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      const byPath = new Map<string, EditAttributes>([...r.attributes].map(([n, a]: [DataNode, EditAttributes]) => [jsonPath(n), a]));
      assert.deepEqual(byPath.get('/vr-test:top/small'), { operation: 'delete', valueOmitted: true });
      assert.deepEqual(byPath.get("/vr-test:top/rule[name='r']/verdict"), { valueOmitted: true }, 'delete / remove is inherited');
      const withoutOp = decodeXml(schema, `<top ${DECL}><small/></top>`, { editAttributes: true });
      assert.ok(!withoutOp.ok, 'an empty value is still invalid under merge');
    });

    it('collects attributes of anydata too', () => {
    const m = attrs(`<top ${DECL}><blob nc:operation="replace"><a/></blob></top>`);
    assert.deepEqual(m.get('/vr-test:top/blob'), { operation: 'replace' });
  });

  it('reads wd:default', () => {
      const m = attrs(`<top ${DECL} xmlns:wd="urn:ietf:params:xml:ns:netconf:default:1.0"><name wd:default="true">x</name></top>`);
      assert.deepEqual(m.get('/vr-test:top/name'), { defaultTagged: true });
    });

    it('refuses a bad operation (bad-attribute)', () => {
      const e = refused(`<top ${DECL} nc:operation="purge"/>`);
      assert.equal(e.kind, 'bad-attribute');
      assert.equal(e.attribute, 'nc:operation');
    });

    it('refuses insert on a node that is not ordered-by user (unknown-attribute)', () => {
      const e = refused(`<top ${DECL}><sys-tags yang:insert="first">a</sys-tags></top>`);
      assert.equal(e.kind, 'unknown-attribute');
      assert.match(e.message, /ordered-by user/);
    });

    it('refuses insert before/after without its anchor (missing-attribute)', () => {
      assert.equal(refused(`<top ${DECL}><rule yang:insert="after"><name>a</name></rule></top>`).kind, 'missing-attribute');
      assert.equal(refused(`<top ${DECL}><tags yang:insert="before">a</tags></top>`).kind, 'missing-attribute');
    });

    it('refuses a key attribute that does not name the keys (bad-attribute)', () => {
      assert.equal(refused(`<top ${DECL}><rule yang:insert="after" yang:key="[bogus='x']"><name>a</name></rule></top>`).kind, 'bad-attribute');
      assert.equal(refused(`<top ${DECL}><rule yang:insert="after" yang:key="name='x'"><name>a</name></rule></top>`).kind, 'bad-attribute');
      assert.equal(refused(`<top ${DECL}><rule yang:insert="after" yang:key="[nc:name='x']"><name>a</name></rule></top>`).kind, 'bad-attribute');
    });

    it('refuses unknown attributes of the NETCONF and YANG namespaces, and unqualified edit attributes', () => {
      assert.equal(refused(`<top ${DECL} nc:opperation="merge"/>`).kind, 'unknown-attribute');
      assert.equal(refused(`<top ${DECL} yang:nope="1"/>`).kind, 'unknown-attribute');
      const e = refused(`<top ${DECL} operation="delete"/>`);
      assert.equal(e.kind, 'unknown-attribute');
      assert.match(e.message, /has no namespace/);
    });

    it('ignores attributes of other namespaces', () => {
      const m = attrs(`<top ${DECL} xmlns:x="urn:x" x:foo="1" bar="2"/>`);
      assert.equal(m.size, 0);
    });

    it('keeps values of the tree free of attributes', () => {
      const r = decodeXml(schema, `<top ${DECL}><name nc:operation="replace">x</name></top>`, { editAttributes: true });
      assert.ok(r.ok);
      const top = [...r.tree.root.childNodes()][0] as ContainerData;
      const leaf = [...top.childNodes()][0];
      assert.equal(leaf?.kind === 'leaf' && leaf.value.canonical, 'x');
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
