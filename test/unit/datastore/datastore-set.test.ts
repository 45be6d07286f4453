import assert from 'node:assert/strict';

import { DataTree } from '../../../src/datastore/data-tree.js';
import { DatastoreSet, type DatastoreResult, type SessionRef, type StartupStore } from '../../../src/datastore/datastore-set.js';
import { decodeJson } from '../../../src/datastore/json-decoder.js';
import { toJson } from '../../../src/datastore/json-encoder.js';
import { treesEqual } from '../../../src/datastore/tree-equality.js';
import { node, routerSchema } from '../../support/schema-fixtures.js';

const schema = routerSchema();
const widget = node(schema, '/vr-test:widget', 'list');
const label = node(schema, '/vr-test:widget/label', 'leaf');
const A: SessionRef = { sessionId: 1, user: 'alice' };
const B: SessionRef = { sessionId: 2, user: 'bob' };

function tree(doc: object): DataTree {
  const r = decodeJson(schema, doc);
  if (!r.ok) assert.fail(r.errors[0].message);
  return r.tree;
}

/** The candidate with widget `id` labelled `text`, as an edit would leave it. */
function edited(ds: DatastoreSet, id: number, text: string): DataTree {
  const t = ds.candidate.clone();
  const e = t.entry(t.writableRoot(), widget, [{ canonical: String(id), base: 'uint32' }]);
  t.setLeaf(e, label, { canonical: text, base: 'string' });
  return t;
}

class MemoryStartup implements StartupStore {
  saved: DataTree | undefined;
  deleted = 0;
  saveStartup(t: DataTree): Promise<void> {
    this.saved = t;
    return Promise.resolve();
  }
  deleteStartup(): Promise<void> {
    this.deleted++;
    this.saved = undefined;
    return Promise.resolve();
  }
}

describe('DatastoreSet', () => {
  const RUNNING = { 'vr-test:widget': [{ id: 1, label: 'one' }] };

  it('starts the candidate as running, sharing its nodes', () => {
    const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
    assert.ok(treesEqual(ds.candidate, ds.running));
    assert.equal(ds.candidate.root, ds.running.root, 'clone() shares the root: O(1)');
    assert.equal(ds.candidateModified, false);
  });

  it('tracks which sessions modified the candidate; discard-changes resets it', () => {
    const running = tree(RUNNING);
    const ds = new DatastoreSet({ schema, running });
    ds.setCandidate(edited(ds, 2, 'two'), A.sessionId);
    ds.setCandidate(edited(ds, 3, 'three'), B.sessionId);
    ds.setCandidate(ds.candidate.clone(), 9, false);
    assert.deepEqual([...ds.candidateModifiedBy()], [1, 2]);
    assert.equal(ds.candidate.root.entries(widget)?.size, 3);
    assert.equal(ds.running.root.entries(widget)?.size, 1, 'running untouched');
    const v = ds.candidateVersion;
    ds.discardChanges();
    assert.equal(ds.candidateModified, false);
    assert.ok(treesEqual(ds.candidate, running));
    assert.ok(ds.candidateVersion > v);
  });

  it('after a commit of the candidate, running is that tree and the candidate is clean', () => {
    const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
    ds.setCandidate(edited(ds, 2, 'two'), A.sessionId);
    const committed = ds.candidate.clone();
    ds.runningReplaced(committed, ds.candidateVersion);
    assert.equal(ds.running, committed);
    assert.equal(ds.candidateModified, false);
    assert.ok(treesEqual(ds.candidate, committed));
  });

  it('keeps changes made to the candidate while a commit was running', () => {
    const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
    ds.setCandidate(edited(ds, 2, 'two'), A.sessionId);
    const version = ds.candidateVersion;
    const committed = ds.candidate.clone();
    ds.setCandidate(edited(ds, 3, 'three'), B.sessionId);
    ds.runningReplaced(committed, version);
    assert.equal(ds.candidate.root.entries(widget)?.size, 3, 'the later edit survives');
    assert.ok(ds.candidateModified);
  });

  it('an unmodified candidate follows running when running changes another way; a modified one does not', () => {
    const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
    const next = tree({ 'vr-test:widget': [{ id: 5 }] });
    ds.runningReplaced(next);
    assert.ok(treesEqual(ds.candidate, next));
    ds.setCandidate(edited(ds, 6, 'six'), A.sessionId);
    ds.runningReplaced(tree({}));
    assert.equal(ds.candidate.root.entries(widget)?.size, 2);
  });

  describe('copy-config', () => {
    it('running → candidate equals discard-changes', async () => {
      const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
      ds.setCandidate(edited(ds, 2, 'two'), A.sessionId);
      assert.deepEqual(await ds.copy('running', 'candidate', B), { ok: true });
      assert.ok(treesEqual(ds.candidate, ds.running));
      assert.equal(ds.candidateModified, false);
    });

    it('inline config → candidate marks the session as a modifier', async () => {
      const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
      const inline = tree({ 'vr-test:top-leaf': 'x' });
      await ds.copy({ tree: inline }, 'candidate', B);
      assert.deepEqual(toJson(schema, ds.candidate), { 'vr-test:top-leaf': 'x' });
      assert.deepEqual([...ds.candidateModifiedBy()], [2]);
    });

    it('→ startup is stored, and startup reads back', async () => {
      const store = new MemoryStartup();
      const ds = new DatastoreSet({ schema, running: tree(RUNNING), startupStore: store });
      assert.deepEqual(toJson(schema, ds.startup), {}, 'no startup yet reads as empty');
      await ds.copy('running', 'startup', A);
      assert.ok(store.saved !== undefined && treesEqual(store.saved, ds.running));
      assert.ok(treesEqual(ds.startup, ds.running));
      await ds.copy('startup', 'candidate', A);
      assert.ok(treesEqual(ds.candidate, ds.running));
    });

    it('→ running goes through the commit pipeline', async () => {
      const calls: [DataTree, SessionRef][] = [];
      const ds = new DatastoreSet({
        schema, running: tree(RUNNING),
        writeRunning: (t, by) => {
          calls.push([t, by]);
          return Promise.resolve<DatastoreResult>({ ok: true });
        },
      });
      ds.setCandidate(edited(ds, 2, 'two'), A.sessionId);
      assert.deepEqual(await ds.copy('candidate', 'running', A), { ok: true });
      assert.equal(calls.length, 1);
      assert.ok(treesEqual(calls[0]?.[0] as DataTree, ds.candidate));
      assert.equal(calls[0]?.[1], A);
    });

    it('refuses the same source and target, and a missing pipeline', async () => {
      const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
      const same = await ds.copy('candidate', 'candidate', A);
      assert.ok(!same.ok && same.errors[0].tag === 'invalid-value');
      const none = await ds.copy('candidate', 'running', A);
      assert.ok(!none.ok && none.errors[0].tag === 'operation-not-supported');
    });

    it('refuses startup without :startup', async () => {
      const ds = new DatastoreSet({ schema, running: tree(RUNNING), startupEnabled: false });
      for (const r of [await ds.copy('running', 'startup', A), await ds.copy('startup', 'candidate', A), ds.read('startup'), await ds.delete('startup')]) {
        assert.ok(!r.ok && r.errors[0].tag === 'operation-not-supported');
      }
    });
  });

  describe('delete-config', () => {
    it('deletes startup, which then reads as empty', async () => {
      const store = new MemoryStartup();
      const ds = new DatastoreSet({ schema, running: tree(RUNNING), startup: tree(RUNNING), startupStore: store });
      assert.equal(ds.startup.root.entries(widget)?.size, 1);
      assert.deepEqual(await ds.delete('startup'), { ok: true });
      assert.equal(store.deleted, 1);
      assert.equal(ds.startup.root.slotCount, 0);
    });

    it('cannot delete running or candidate (operation-not-supported)', async () => {
      const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
      for (const target of ['running', 'candidate'] as const) {
        const r = await ds.delete(target);
        assert.ok(!r.ok);
        assert.equal(r.errors[0].tag, 'operation-not-supported');
        assert.equal(r.errors[0].type, 'protocol');
        assert.match(r.errors[0].message, new RegExp(target));
      }
    });
  });

  it('reads every datastore', () => {
    const ds = new DatastoreSet({ schema, running: tree(RUNNING) });
    for (const name of ['running', 'candidate', 'startup'] as const) {
      const r = ds.read(name);
      assert.ok(r.ok);
      assert.ok(r.tree instanceof DataTree);
    }
  });
});
