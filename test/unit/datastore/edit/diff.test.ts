import assert from 'node:assert/strict';
import { DataTree, type InnerData } from '../../../../src/datastore/data-tree.js';
import { applyEdit, replaceAll, type EditRequest } from '../../../../src/datastore/edit/apply-edit.js';
import { diffTrees, invertChanges, type DiffStats } from '../../../../src/datastore/edit/diff.js';
import { treesEqual } from '../../../../src/datastore/tree-equality.js';
import type { Schema } from '../../../../src/validation/schema.js';
import { NS, node, schemaVariants } from '../../../support/schema-fixtures.js';
import { ETH, Harness, IF, RUNNING, VT, assertSameChanges, prng, summary } from './edit-harness.js';
import { RandomXml } from './random-edits.js';

const IFP = '/ietf-interfaces:interfaces';
const TOP = '/vr-test:top';

/** No non-presence container is empty in `after` unless it was already empty in `before` (the engine's invariant). */
function noNewEmptyNp(after: InnerData, before: InnerData | undefined): boolean {
  for (const n of after.childNodes()) {
    const old = n.kind === 'list-entry' ? before?.entries(n.schema)?.get(n.key) : n.kind === 'container' ? before?.container(n.schema) : undefined;
    if (n.kind === 'container' && !n.schema.presence && n.slotCount === 0 && old?.slotCount !== 0) return false;
    if ((n.kind === 'container' || n.kind === 'list-entry') && !noNewEmptyNp(n, old)) return false;
  }
  return true;
}

/**
 * An independent check of what a successful edit did, node by node of the edit: merge / replace /
 * create leave the edit's values in place, delete / remove leave nothing, a replaced node holds
 * only what the edit names, and what the edit does not name is still the target's own object.
 */
function checkSemantics(edit: InnerData, res: InnerData | undefined, tgt: InnerData | undefined, op: string, replacing: boolean,
  attrs: EditRequest['attributes'], schema: Schema, where: string): void {
  const fail = (what: string, n: { schema: { path: string } }): never => assert.fail(`${what}: ${n.schema.path} ${where}`);
  for (const c of edit.childNodes()) {
    if (c.kind === 'leaf' && c.schema.isKey) continue;
    const a = attrs.get(c);
    const own = a?.operation ?? op;
    const removing = own === 'delete' || own === 'remove';
    const adding = own === 'merge' || own === 'replace' || own === 'create';
    switch (c.kind) {
      case 'leaf': {
        const v = res?.leaf(c.schema);
        if (removing && v !== undefined) fail('leaf still there', c);
        if (adding && a?.defaultTagged !== true && v?.value.canonical !== c.value.canonical) fail('leaf value not set', c);
        break;
      }
      case 'any':
        if (removing && res?.any(c.schema) !== undefined) fail('anydata still there', c);
        break;
      case 'leaf-list-entry': {
        const has = res?.entries(c.schema)?.has(c.key) === true;
        if (removing && has) fail('leaf-list value still there', c);
        if (adding && !has) fail('leaf-list value missing', c);
        break;
      }
      case 'list-entry': {
        const e = res?.entries(c.schema)?.get(c.key);
        if (removing && e !== undefined) fail('entry still there', c);
        if (adding && e === undefined) fail('entry missing', c);
        if (!removing && e !== undefined) checkSemantics(c, e, tgt?.entries(c.schema)?.get(c.key), own, own === 'replace', attrs, schema, where);
        break;
      }
      case 'container': {
        const k = res?.container(c.schema);
        if (removing && k !== undefined && (k.schema.presence || k.slotCount > 0)) fail('container still there', c);
        if (adding && c.schema.presence && k === undefined) fail('presence container missing', c);
        if (!removing && k !== undefined) checkSemantics(c, k, tgt?.container(c.schema), own, own === 'replace', attrs, schema, where);
      }
    }
  }
  if (res === undefined) return;
  for (const slot of res.slots()) {
    const named = edit.slot(slot.schema);
    if (replacing && !(slot.kind === 'leaf' && slot.schema.isKey)) {
      if (named === undefined) fail('replaced node keeps what the edit does not name', slot);
      if (slot.kind === 'entries') for (const e of slot) if (!(named as typeof slot).has(e.key)) fail('replaced list keeps an entry', slot);
    }
    const inChoice = (schema.refOf(slot.schema)?.choices.length ?? 0) > 0;
    if (!replacing && named === undefined && !inChoice && tgt !== undefined && tgt.slot(slot.schema) !== slot) fail('untouched slot not shared', slot);
  }
}

function suite(schema: Schema, variant: string): void {
  const h = new Harness(schema);

  function manyInterfaces(n: number): DataTree {
    let xml = `<interfaces xmlns="${NS.if}">`;
    for (let i = 0; i < n; i++) xml += `<interface><name>eth${i}</name><description>port ${i}</description>${ETH}</interface>`;
    return h.data(`${xml}</interfaces>`);
  }

  describe(`diffTrees (${variant})`, () => {
    it('finds nothing between a tree and its clone, without visiting anything', () => {
      const a = manyInterfaces(200);
      const stats: DiffStats = { innerVisited: 0 };
      assert.deepEqual(diffTrees(a, a.clone(), stats).changes, []);
      assert.equal(stats.innerVisited, 0);
    });

    it('visits only the path to what an edit changed', () => {
      const running = manyInterfaces(500);
      const candidate = h.ok(running, `<interfaces ${IF}><interface><name>eth7</name><description>x</description></interface></interfaces>`).tree;
      const stats: DiffStats = { innerVisited: 0 };
      const changes = diffTrees(running, candidate, stats);
      assert.deepEqual(summary(changes), [`replace ${IFP}/interface[name='eth7']/description`]);
      assert.equal(stats.innerVisited, 3, 'root, interfaces, eth7');
    });

    it('compares unshared trees by value, in the document order of the new one', () => {
      const before = h.data(RUNNING);
      const after = h.data(RUNNING.replace('<description>uplink</description>', '<enabled>false</enabled>')
        .replace('<tags>a</tags><tags>b</tags>', '<tags>b</tags><tags>a</tags><tags>c</tags>')
        .replace('<pc><x>1</x></pc>', ''));
      assert.deepEqual(summary(diffTrees(before, after)), [
        `delete ${IFP}/interface[name='eth0']/description`, `create ${IFP}/interface[name='eth0']/enabled`,
        `move ${TOP}/tags[.='b']`, `create ${TOP}/tags[.='c']`, `delete ${TOP}/pc`]);
      assert.deepEqual(diffTrees(before, h.data(RUNNING)).changes, []);
    });

    it('ignores the order of ordered-by-system entries', () => {
      const a = h.data(`<top xmlns="${NS.vt}"><sys-tags>a</sys-tags><sys-tags>b</sys-tags></top>`);
      const b = h.data(`<top xmlns="${NS.vt}"><sys-tags>b</sys-tags><sys-tags>a</sys-tags></top>`);
      assert.deepEqual(diffTrees(a, b).changes, []);
    });

    it('inverts a change set', () => {
      const before = h.data(RUNNING);
      const { tree, changes } = h.ok(before, `<top ${VT}><small>2</small><name>n</name><tags nc:operation="delete">a</tags></top>`);
      const inverse = invertChanges(changes);
      assert.deepEqual(summary(inverse), [`replace ${TOP}/small`, `delete ${TOP}/name`, `create ${TOP}/tags[.='a']`]);
      const back = diffTrees(tree, before);
      assert.deepEqual(new Set(summary(inverse)), new Set(summary(back)));
      assert.ok(inverse.changes[0]?.node === changes.changes[0]?.old && inverse.changes[0]?.old === changes.changes[0]?.node);
    });
  });

  describe(`replaceAll (${variant})`, () => {
    it('makes the source the content and reports the difference', () => {
      const target = h.data(RUNNING);
      const source = h.data(`<top xmlns="${NS.vt}"><small>1</small><name>n</name></top>`);
      const snapshot = h.xml(target);
      const { tree, changes } = replaceAll(target, source);
      assert.ok(treesEqual(tree, source));
      assert.equal(h.xml(target), snapshot);
      assert.deepEqual(summary(changes), [`delete ${IFP}`, 'delete /ietf-routing:routing', `create ${TOP}/name`,
        `delete ${TOP}/tags[.='a']`, `delete ${TOP}/tags[.='b']`, `delete ${TOP}/sys-tags[.='s']`, `delete ${TOP}/tcp-port`, `delete ${TOP}/pc`]);
    });

    it('gives the same changes as edit-config with default-operation replace', () => {
      const target = h.data(RUNNING);
      const xml = `<top ${VT}><small>3</small><tags>b</tags><tags>a</tags></top>`;
      const viaEdit = h.ok(target, xml, { defaultOperation: 'replace' });
      const viaCopy = replaceAll(target, h.data(xml));
      assert.deepEqual(summary(viaCopy.changes), summary(viaEdit.changes));
      assert.ok(treesEqual(viaCopy.tree, viaEdit.tree));
    });
  });

  describe(`applyEdit against diffTrees on random edits (${variant})`, () => {
    it('produces exactly the changes diffTrees finds, leaves the target alone and keeps untouched subtrees shared', function () {
      this.timeout(60_000);
      const r = prng(0x5eed);
      const interfaces = node(schema, IFP, 'container');
      const top = node(schema, TOP, 'container');
      const tally = { ok: 0, changed: 0, failed: 0, partial: 0 };
      for (let i = 0; i < Number(process.env.EDIT_FUZZ ?? 400); i++) {
        const target = h.data(new RandomXml(r, false).document());
        const editXml = new RandomXml(r, true).document();
        const decoded = h.request(editXml);
        const defaultOperation = r() < 0.6 ? 'merge' : r() < 0.5 ? 'none' : 'replace';
        const errorOption = r() < 0.5 ? 'stop-on-error' : 'continue-on-error';
        const request: EditRequest = { ...decoded, defaultOperation, errorOption };
        const before = h.xml(target);
        const result = applyEdit(target, request);
        const context = `(iteration ${i}, ${defaultOperation}, ${errorOption})\nedit: ${editXml}\ntarget: ${before}`;
        assert.equal(h.xml(target), before, `target changed ${context}`);
        if (!result.ok) {
          tally.failed++;
          continue;
        }
        tally.ok++;
        if (result.changes.changes.length > 0) tally.changed++;
        if (result.errors.length > 0) tally.partial++;
        assertSameChanges(result.changes, diffTrees(target, result.tree), context);
        if (result.errors.length === 0) {
          checkSemantics(request.edit.root, result.tree.root, target.root, defaultOperation, defaultOperation === 'replace',
            request.attributes, schema, context);
        }
        assert.ok(noNewEmptyNp(result.tree.root, target.root), `empty non-presence container left ${context}`);
        if (defaultOperation !== 'replace') {
          for (const c of [interfaces, top]) {
            if (request.edit.root.slot(c) === undefined) {
              assert.ok(result.tree.root.slot(c) === target.root.slot(c), `${c.name} not in the edit but not shared ${context}`);
            }
          }
        }
        const again = applyEdit(result.tree, { ...request, edit: new DataTree(schema), defaultOperation: 'merge' });
        assert.ok(again.ok && again.changes.changes.length === 0 && again.tree.root.container(top) === result.tree.root.container(top));
      }
      assert.ok(tally.changed > 100 && tally.failed > 20 && tally.partial > 20, `too few interesting cases: ${JSON.stringify(tally)}`);
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
