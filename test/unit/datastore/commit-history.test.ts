import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildCommitRecord, CommitHistory, HistoryError, reconcileHistory, recordChanges, undoCommit, type CommitRecord, type HistoryStore,
} from '../../../src/datastore/commit-history.js';
import { DataTree, type InsertPosition, type ListEntry } from '../../../src/datastore/data-tree.js';
import { diffTrees } from '../../../src/datastore/edit/diff.js';
import { decodeJson } from '../../../src/datastore/json-decoder.js';
import { toJson } from '../../../src/datastore/json-encoder.js';
import { Persistence } from '../../../src/datastore/persistence.js';
import { treesEqual } from '../../../src/datastore/tree-equality.js';
import type { TypedValue } from '../../../src/validation/types/value.js';
import { node, routerSchema } from '../../support/schema-fixtures.js';
import { mulberry32 } from '../../support/prng.js';

const schema = routerSchema();
const S = (canonical: string): TypedValue => ({ canonical, base: 'string' });
const N = (canonical: string | number, base: TypedValue['base'] = 'uint32'): TypedValue => ({ canonical: String(canonical), base });

const widget = node(schema, '/vr-test:widget', 'list');
const label = node(schema, '/vr-test:widget/label', 'leaf');
const top = node(schema, '/vr-test:top', 'container');
const rule = node(schema, '/vr-test:top/rule', 'list');
const verdict = node(schema, '/vr-test:top/rule/verdict', 'leaf');
const tags = node(schema, '/vr-test:top/tags', 'leaf-list');
const small = node(schema, '/vr-test:top/small', 'leaf');
const pc = node(schema, '/vr-test:top/pc', 'container');
const pcX = node(schema, '/vr-test:top/pc/x', 'leaf');
const interfaces = node(schema, '/ietf-interfaces:interfaces', 'container');
const iface = node(schema, '/ietf-interfaces:interfaces/interface', 'list');
const ifType = node(schema, '/ietf-interfaces:interfaces/interface/type', 'leaf');
const ifDescr = node(schema, '/ietf-interfaces:interfaces/interface/description', 'leaf');
const ipv4 = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4', 'container');
const address = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address', 'list');
const prefixLength = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/subnet/prefix-length/prefix-length', 'leaf');

function tree(doc: object): DataTree {
  const r = decodeJson(schema, doc);
  if (!r.ok) assert.fail(r.errors[0].message);
  return r.tree;
}

/** A deterministic integer source: rand(n) is uniform in 0..n-1. */
function prng(seed: number): (n: number) => number {
  const next = mulberry32(seed);
  return (n) => Math.floor(next() * n);
}

function pick<T>(rand: (n: number) => number, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[rand(items.length)];
}

function position(rand: (n: number) => number, keys: readonly string[], self?: string): InsertPosition {
  const others = keys.filter((k) => k !== self);
  const anchor = pick(rand, others);
  switch (rand(4)) {
    case 0: return { where: 'first' };
    case 1: return { where: 'last' };
    default: return anchor === undefined ? { where: 'last' } : { where: rand(2) === 0 ? 'before' : 'after', anchor };
  }
}

/** One random edit, of the kinds a commit carries: creates, deletes, replaces, moves, at every depth. */
function mutate(t: DataTree, rand: (n: number) => number): void {
  const root = t.writableRoot();
  const widgets = [...(root.entries(widget) ?? [])];
  switch (rand(11)) {
    case 0: {
      const e = t.entry(root, widget, [N(rand(30))]);
      t.setLeaf(e, label, S(`w${rand(1000)}`));
      return;
    }
    case 1: {
      const e = pick(rand, widgets);
      if (e !== undefined) t.remove(root, e);
      return;
    }
    case 2: {
      const e = pick(rand, widgets);
      if (e !== undefined) t.setLeaf(t.writable(root, e), label, S(`relabel${rand(1000)}`));
      return;
    }
    case 3: case 4: {
      const c = t.container(root, top);
      const keys = [...(c.entries(rule)?.keys() ?? [])];
      const name = `r${rand(12)}`;
      if (keys.includes(name)) {
        const e = c.entries(rule)?.get(name) as ListEntry;
        if (rand(3) === 0) t.remove(c, e);
        else t.move(c, e, position(rand, keys, name));
      } else {
        const e = t.entry(c, rule, [S(name)], position(rand, keys));
        if (rand(2) === 0) t.setLeaf(e, verdict, { canonical: rand(2) === 0 ? 'permit' : 'deny', base: 'enumeration' });
      }
      return;
    }
    case 5: case 6: {
      const c = t.container(root, top);
      const keys = [...(c.entries(tags)?.keys() ?? [])];
      const value = `t${rand(8)}`;
      const existing = c.entries(tags)?.get(value);
      if (existing !== undefined && rand(3) === 0) t.remove(c, existing);
      else t.leafListEntry(c, tags, S(value), { position: position(rand, keys, value) });
      return;
    }
    case 7: {
      const c = t.container(root, top);
      const leaf = c.leaf(small);
      if (leaf !== undefined && rand(3) === 0) t.remove(c, leaf);
      else t.setLeaf(c, small, N(rand(256), 'uint8'));
      return;
    }
    case 8: {
      const c = t.container(root, top);
      const p = c.container(pc);
      if (p !== undefined) t.remove(c, p);
      else t.setLeaf(t.container(c, pc), pcX, S(`x${rand(9)}`));
      return;
    }
    default: {
      const c = t.container(root, interfaces);
      const list = [...(c.entries(iface) ?? [])];
      const existing = pick(rand, list);
      if (existing !== undefined && rand(3) === 0) {
        t.remove(c, existing);
      } else if (existing !== undefined && rand(2) === 0) {
        const e = t.writable(c, existing);
        t.setLeaf(e, ifDescr, S(`d${rand(100)}`));
        const v4 = t.container(e, ipv4);
        const a = t.entry(v4, address, [S(`10.0.${rand(4)}.1`)]);
        t.setLeaf(a, prefixLength, N(8 + rand(20), 'uint8'));
      } else {
        const e = t.entry(c, iface, [S(`eth${rand(6)}`)]);
        t.setLeaf(e, ifType, { canonical: 'iana-if-type:ethernetCsmacd', base: 'identityref' });
      }
    }
  }
}

class MemoryStore implements HistoryStore {
  readonly files = new Map<number, string>();
  writeCommitRecord(record: CommitRecord): Promise<void> {
    this.files.set(record.id, JSON.stringify(record));
    return Promise.resolve();
  }
  removeCommitRecord(id: number): Promise<void> {
    this.files.delete(id);
    return Promise.resolve();
  }
}

/** Commits `count` random changes through the history; returns running and the tree after each commit. */
async function commitMany(history: CommitHistory, start: DataTree, count: number, seed: number): Promise<{ running: DataTree; after: Map<number, DataTree> }> {
  const rand = prng(seed);
  const after = new Map<number, DataTree>();
  let running = start;
  let id = history.newestId ?? 0;
  while (after.size < count) {
    const next = running.clone();
    const edits = 1 + rand(4);
    for (let i = 0; i < edits; i++) mutate(next, rand);
    const changes = diffTrees(running, next);
    if (changes.changes.length === 0) continue;
    id++;
    await history.append(buildCommitRecord(schema, running, changes, {
      id, time: new Date(Date.UTC(2026, 0, 1, 0, 0, id)), author: { user: 'alice', sessionId: 1 }, operation: 'commit',
    }));
    after.set(id, next);
    running = next;
  }
  return { running, after };
}

describe('commit history', () => {
  describe('recording and undoing one commit', () => {
    const before = tree({
      'vr-test:top': { tags: ['a', 'b', 'c'], rule: [{ name: 'r1', verdict: 'permit' }, { name: 'r2' }, { name: 'r3' }], small: 1 },
      'vr-test:widget': [{ id: 1, label: 'one' }, { id: 2, label: 'two' }],
      'ietf-interfaces:interfaces': { interface: [{ name: 'eth0', type: 'iana-if-type:ethernetCsmacd', 'ietf-ip:ipv4': { address: [{ ip: '10.0.0.1', 'prefix-length': 24 }] } }] },
    });

    function roundTrip(change: (t: DataTree) => void): CommitRecord {
      const after = before.clone();
      change(after);
      const changes = diffTrees(before, after);
      assert.ok(changes.changes.length > 0, 'the edit changed something');
      const record = buildCommitRecord(schema, before, changes, { id: 1, time: new Date(0), author: { server: true }, operation: 'test' });
      const json = JSON.parse(JSON.stringify(record)) as CommitRecord; // as read back from disk
      const undone = undoCommit(schema, after, json);
      assert.ok(treesEqual(undone, before), `undo gives back the old configuration:\n${JSON.stringify(toJson(schema, undone))}`);
      return record;
    }

    it('a replaced leaf deep in a list entry', () => {
      const r = roundTrip((t) => {
        const root = t.writableRoot();
        const c = t.container(root, interfaces);
        const e = t.writable(c, c.entries(iface)?.get('eth0') as ListEntry);
        const v4 = t.container(e, ipv4);
        t.setLeaf(t.writable(v4, v4.entries(address)?.get('10.0.0.1') as ListEntry), prefixLength, N(16, 'uint8'));
      });
      assert.deepEqual(r.changes, [{
        op: 'replace',
        path: "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address[ip='10.0.0.1']/prefix-length",
        depth: 5,
        old: { 'ietf-interfaces:interfaces': { interface: [{ name: 'eth0', 'ietf-ip:ipv4': { address: [{ ip: '10.0.0.1', 'ietf-ip:prefix-length': 24 }] } }] } },
        new: { 'ietf-interfaces:interfaces': { interface: [{ name: 'eth0', 'ietf-ip:ipv4': { address: [{ ip: '10.0.0.1', 'ietf-ip:prefix-length': 16 }] } }] } },
      }]);
      assert.equal(r.user, '(server)');
      assert.equal(r.sessionId, null);
    });

    it('a deleted subtree comes back whole', () => {
      roundTrip((t) => {
        const c = t.container(t.writableRoot(), interfaces);
        t.remove(c, c.entries(iface)?.get('eth0') as ListEntry);
      });
    });

    it('a created subtree goes away, including a new presence container', () => {
      roundTrip((t) => {
        const root = t.writableRoot();
        t.setLeaf(t.container(t.container(root, top), pc), pcX, S('x'));
        t.setLeaf(t.entry(root, widget, [N(3)]), label, S('three'));
      });
    });

    it('moves, inserts and deletes in ordered-by-user lists and leaf-lists get their old order back', () => {
      const r = roundTrip((t) => {
        const c = t.container(t.writableRoot(), top);
        t.move(c, c.entries(rule)?.get('r3') as ListEntry, { where: 'first' });
        t.remove(c, c.entries(rule)?.get('r2') as ListEntry);
        t.entry(c, rule, [S('r0')], { where: 'after', anchor: 'r3' });
        t.leafListEntry(c, tags, S('c'), { position: { where: 'first' } });
        t.leafListEntry(c, tags, S('z'), { position: { where: 'before', anchor: 'b' } });
      });
      assert.deepEqual(r.orders.map((o) => [o.schema, o.keys, o.depth]), [
        ['/vr-test:top/tags', ['a', 'b', 'c'], 1],
        ['/vr-test:top/rule', ['r1', 'r2', 'r3'], 1],
      ]);
    });

    it('an ordered list emptied and a top-level list changed', () => {
      roundTrip((t) => {
        const root = t.writableRoot();
        const c = t.container(root, top);
        for (const e of [...(c.entries(rule) ?? [])]) t.remove(c, e);
        t.remove(root, root.entries(widget)?.get('1') as ListEntry);
        t.setLeaf(t.writable(root, root.entries(widget)?.get('2') as ListEntry), label, S('deux'));
      });
    });

    it('a record costs the size of the change, not of the configuration', () => {
      const big = new DataTree(schema);
      const root = big.writableRoot();
      for (let i = 0; i < 5000; i++) big.setLeaf(big.entry(root, widget, [N(i)]), label, S(`widget number ${i}`));
      const after = big.clone();
      const r2 = after.writableRoot();
      after.setLeaf(after.writable(r2, r2.entries(widget)?.get('4321') as ListEntry), label, S('changed'));
      const { changes, orders } = recordChanges(schema, big, diffTrees(big, after));
      const size = JSON.stringify({ changes, orders }).length;
      assert.ok(size < 400, `record of one leaf change is ${size} bytes`);
    });
  });

  describe('the last N commits', () => {
    it('rolls back to each retained commit exactly, and prunes the older ones', async () => {
      const store = new MemoryStore();
      const history = new CommitHistory(schema, store, [], { limit: 20 });
      const { running, after } = await commitMany(history, new DataTree(schema), 45, 7);
      await history.flush();
      assert.equal(history.size, 20);
      assert.deepEqual([...store.files.keys()].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => 26 + i));
      assert.deepEqual(history.list().map((s) => s.id), Array.from({ length: 20 }, (_, i) => 45 - i), 'newest first');
      for (let id = 26; id <= 45; id++) {
        const at = history.configurationAt(id, running);
        assert.ok(treesEqual(at, after.get(id) as DataTree), `configuration after commit ${id}`);
      }
      assert.throws(() => history.configurationAt(25, running), (err: unknown) => err instanceof HistoryError && /26\.\.45/.test(err.message));
      assert.ok(treesEqual(running, after.get(45) as DataTree), 'running itself untouched by rollbacks');
      const ops = new Set(history.list().flatMap((s) => history.get(s.id)?.changes.map((c) => c.op) ?? []));
      assert.deepEqual([...ops].sort(), ['create', 'delete', 'move', 'replace'], 'the random commits cover every kind of change');
    });

    it('keeps the default 50 on disk, one file per commit, and rolls back after a reload from disk', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vrouterd-history-'));
      try {
        const persistence = await Persistence.open(dir, schema);
        const history = new CommitHistory(schema, persistence);
        const { running, after } = await commitMany(history, new DataTree(schema), 60, 99);
        await history.flush();
        await persistence.saveDatastore('running', running, history.newestId);
        assert.equal((await readdir(join(dir, 'history'))).length, 50);

        const loaded = await (await Persistence.open(dir, schema)).loadAll();
        assert.deepEqual(loaded.droppedHistory, []);
        const again = new CommitHistory(schema, persistence, loaded.history);
        const reloadedRunning = loaded.running?.tree as DataTree;
        assert.ok(treesEqual(reloadedRunning, running));
        assert.deepEqual(again.list().map((s) => s.id), Array.from({ length: 50 }, (_, i) => 60 - i));
        for (let id = 11; id <= 60; id++) {
          assert.ok(treesEqual(again.configurationAt(id, reloadedRunning), after.get(id) as DataTree), `commit ${id} after reload`);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('summarizes commits without their changes', async () => {
      const history = new CommitHistory(schema, new MemoryStore());
      const before = new DataTree(schema);
      const after = tree({ 'vr-test:widget': [{ id: 1 }, { id: 2 }] });
      await history.append(buildCommitRecord(schema, before, diffTrees(before, after), {
        id: 4, time: new Date(Date.UTC(2026, 1, 2)), author: { user: 'bob', sessionId: 9 }, comment: 'two widgets', confirmed: true, operation: 'commit',
      }));
      assert.deepEqual(history.list(), [{
        id: 4, time: '2026-02-02T00:00:00.000Z', user: 'bob', sessionId: 9, comment: 'two widgets', confirmed: true, operation: 'commit', changeCount: 2,
      }]);
      assert.equal(history.get(4)?.changes.length, 2);
      await assert.rejects(history.append({ ...(history.get(4) as CommitRecord) }), HistoryError, 'ids only grow');
      assert.ok(treesEqual(history.configurationAt(4, after), after));
    });

    it('forgets the newest record when its commit did not become durable, and all of them when invalidated', async () => {
      const store = new MemoryStore();
      const history = new CommitHistory(schema, store);
      await commitMany(history, new DataTree(schema), 3, 1);
      await history.discardNewest(3);
      assert.equal(history.newestId, 2);
      assert.deepEqual([...store.files.keys()], [1, 2]);
      history.invalidate();
      await history.flush();
      assert.equal(history.size, 0);
      assert.equal(store.files.size, 0);
    });
  });

  describe('reconcileHistory', () => {
    const r = (id: number): CommitRecord => ({ id, time: '', user: 'u', sessionId: 1, confirmed: false, operation: 'commit', changes: [], orders: [] });
    const ids = (x: { keep: CommitRecord[]; drop: CommitRecord[] }): [number[], number[]] => [x.keep.map((c) => c.id), x.drop.map((c) => c.id)];

    it('keeps records up to the commit running carries', () => {
      assert.deepEqual(ids(reconcileHistory([r(3), r(1), r(2)], 3)), [[1, 2, 3], []]);
      assert.deepEqual(ids(reconcileHistory([r(1), r(2), r(3)], 2)), [[1, 2], [3]]);
    });

    it('drops everything when running has no commit id or moved past the records', () => {
      assert.deepEqual(ids(reconcileHistory([r(1)], null)), [[], [1]]);
      assert.deepEqual(ids(reconcileHistory([r(1), r(2)], 5)), [[], [1, 2]]);
      assert.deepEqual(ids(reconcileHistory([], 5)), [[], []]);
    });
  });
});
