import assert from 'node:assert/strict';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import type { Schema } from '../../../../src/validation/schema.js';
import { NS, node, schemaVariants } from '../../../support/schema-fixtures.js';
import { Harness, VT, summary } from './edit-harness.js';

const TOP = '/vr-test:top';
const rule = (n: string): string => `${TOP}/rule[name='${n}']`;
const tag = (v: string): string => `${TOP}/tags[.='${v}']`;

function suite(schema: Schema, variant: string): void {
  const h = new Harness(schema);
  const topNode = node(schema, TOP, 'container');
  const ruleNode = node(schema, `${TOP}/rule`, 'list');
  const tagsNode = node(schema, `${TOP}/tags`, 'leaf-list');
  const base = (): DataTree => h.data(`<top xmlns="${NS.vt}"><tags>a</tags><tags>b</tags><tags>c</tags>
    <rule><name>r1</name><verdict>permit</verdict></rule><rule><name>r2</name></rule><rule><name>r3</name></rule></top>`);
  const rules = (t: DataTree): string[] => [...(t.root.container(topNode)?.entries(ruleNode)?.keys() ?? [])];
  const tags = (t: DataTree): string[] => [...(t.root.container(topNode)?.entries(tagsNode)?.keys() ?? [])];

  describe(`applyEdit: ordered-by-user lists and leaf-lists (${variant})`, () => {
    it('creates entries first, last, before and after an anchor', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT} xmlns:v="${NS.vt}">
        <rule yang:insert="first"><name>r0</name></rule>
        <rule yang:insert="last"><name>r9</name></rule>
        <rule yang:insert="after" yang:key="[v:name='r1']"><name>r1b</name></rule>
        <rule nc:operation="create" yang:insert="before" yang:key="[v:name='r2']"><name>r2a</name></rule></top>`);
      assert.deepEqual(rules(tree), ['r0', 'r1', 'r1b', 'r2a', 'r2', 'r3', 'r9']);
      assert.deepEqual(summary(changes), ['r0', 'r1b', 'r2a', 'r9'].map((n) => `create ${rule(n)}`), 'creates in the new order');
    });

    it('appends new entries without insert, in the order of the edit', () => {
      const { tree } = h.ok(base(), `<top ${VT}><rule><name>x</name></rule><rule><name>w</name></rule><tags>z</tags><tags>y</tags></top>`);
      assert.deepEqual(rules(tree), ['r1', 'r2', 'r3', 'x', 'w']);
      assert.deepEqual(tags(tree), ['a', 'b', 'c', 'z', 'y']);
    });

    it('inserts leaf-list values before / after a value', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT}><tags yang:insert="before" yang:value="a">z</tags>
        <tags yang:insert="after" yang:value="z">y</tags></top>`);
      assert.deepEqual(tags(tree), ['z', 'y', 'a', 'b', 'c']);
      assert.deepEqual(summary(changes), [`create ${tag('z')}`, `create ${tag('y')}`]);
    });

    it('moves an existing entry on merge with insert, and reports the move before its own changes', () => {
      const target = base();
      const { tree, changes } = h.ok(target, `<top ${VT}><rule yang:insert="first"><name>r3</name><verdict>deny</verdict></rule></top>`);
      assert.deepEqual(rules(tree), ['r3', 'r1', 'r2']);
      assert.deepEqual(summary(changes), [`move ${rule('r3')}`, `create ${rule('r3')}/verdict`]);
      const set = (t: DataTree) => t.root.container(topNode)?.entries(ruleNode);
      assert.ok(set(tree)?.get('r1') === set(target)?.get('r1'), 'entries that did not change stay shared');
    });

    it('moves leaf-list values on merge with insert', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT}><tags yang:insert="after" yang:value="c">a</tags></top>`);
      assert.deepEqual(tags(tree), ['b', 'c', 'a']);
      assert.deepEqual(summary(changes), [`move ${tag('a')}`]);
    });

    it('reports one move for a swap of neighbours, and none for a move to where the entry already is', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT} xmlns:v="${NS.vt}"><rule yang:insert="after" yang:key="[v:name='r3']"><name>r2</name></rule></top>`);
      assert.deepEqual(rules(tree), ['r1', 'r3', 'r2']);
      assert.equal(changes.changes.length, 1);
      assert.equal(changes.changes[0]?.op, 'move');
      const target = base();
      const same = h.ok(target, `<top ${VT}><rule yang:insert="last"><name>r3</name></rule><tags yang:insert="first">a</tags></top>`);
      assert.deepEqual(same.changes.changes, []);
      assert.ok(same.tree.root.container(topNode) === target.root.container(topNode), 'nothing changed, so all is shared');
    });

    it('refuses an anchor that is not there: bad-attribute, missing-instance', () => {
      const e = h.fails(base(), `<top ${VT} xmlns:v="${NS.vt}"><rule yang:insert="after" yang:key="[v:name='nope']"><name>r4</name></rule></top>`);
      assert.deepEqual([e.tag, e.appTag, e.path], ['bad-attribute', 'missing-instance', rule('r4')]);
      assert.match(e.message, /names key="\[v:name='nope'\]", which is no existing entry/);
      const v = h.fails(base(), `<top ${VT}><tags yang:insert="before" yang:value="q">a</tags></top>`);
      assert.deepEqual([v.tag, v.appTag, v.path], ['bad-attribute', 'missing-instance', tag('a')]);
    });

    it('refuses an entry as its own anchor', () => {
      const e = h.fails(base(), `<top ${VT} xmlns:v="${NS.vt}"><rule yang:insert="before" yang:key="[v:name='r2']"><name>r2</name></rule></top>`);
      assert.deepEqual([e.tag, e.path], ['bad-attribute', rule('r2')]);
    });

    it('accepts an anchor created earlier in the same edit', () => {
      const { tree } = h.ok(h.data(''), `<top ${VT} xmlns:v="${NS.vt}"><rule><name>a</name></rule>
        <rule yang:insert="before" yang:key="[v:name='a']"><name>b</name></rule></top>`);
      assert.deepEqual(rules(tree), ['b', 'a']);
    });

    it('gives a replaced parent the order of the edit', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT} nc:operation="replace"><rule><name>r3</name></rule>
        <rule><name>r1</name><verdict>permit</verdict></rule><tags>c</tags><tags>a</tags></top>`);
      assert.deepEqual(rules(tree), ['r3', 'r1']);
      assert.deepEqual(tags(tree), ['c', 'a']);
      assert.deepEqual(summary(changes), [`delete ${tag('b')}`, `move ${tag('c')}`, `delete ${rule('r2')}`, `move ${rule('r3')}`]);
    });

    it('leaves the position alone on a replace of the entry itself', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT}><rule nc:operation="replace"><name>r1</name></rule></top>`);
      assert.deepEqual(rules(tree), ['r1', 'r2', 'r3']);
      assert.deepEqual(summary(changes), [`delete ${rule('r1')}/verdict`]);
    });

    it('deletes by key and keeps the order of the rest', () => {
      const { tree, changes } = h.ok(base(), `<top ${VT}><rule nc:operation="delete"><name>r2</name></rule><rule nc:operation="delete"><name>r1</name></rule></top>`);
      assert.deepEqual(rules(tree), ['r3']);
      assert.deepEqual(summary(changes), [`delete ${rule('r1')}`, `delete ${rule('r2')}`], 'deletes in the old order');
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
