import assert from 'node:assert/strict';

import { CycleError, DuplicateKeyError } from '../../../src/commit/graph.js';
import type { Item } from '../../../src/commit/item.js';
import { planTransaction, type AppliedItem, type Plan } from '../../../src/commit/planner.js';
import { FakeBackend, fakeRegistry, item } from './fake-backend.js';

const registry = fakeRegistry(new FakeBackend());

function applied(items: readonly Item[]): Map<string, AppliedItem> {
  return new Map(items.map((i) => [i.key, { item: i, dependencies: registry.forKey(i.key).dependencies(i) }]));
}

function plan(desired: readonly Item[], current: readonly Item[] = [], external: readonly string[] = []): Plan {
  return planTransaction({ registry, applied: applied(current), external: new Set(external), desired }).plan;
}

function ops(p: Plan): string[] {
  return p.ops.map((o) => `${o.op} ${o.key}`);
}

const A = item('fake/if/a');
const B = item('fake/if/b');
const R1 = item('fake/route/r1', { needs: ['fake/if/a'] });
const R2 = item('fake/route/r2', { needs: ['fake/if/a', 'fake/if/b'] });
const R0 = item('fake/route/r0', { needs: ['fake/route/r1'] });
const ALL = [R0, R2, B, R1, A];

describe('commit/planner', () => {
  it('creates dependencies first, equal rank by key', () => {
    assert.deepEqual(ops(plan(ALL)), [
      'create fake/if/a',
      'create fake/if/b',
      'create fake/route/r1',
      'create fake/route/r2',
      'create fake/route/r0',
    ]);
  });

  it('deletes dependents first (reverse topological), equal rank by key', () => {
    assert.deepEqual(ops(plan([], ALL)), [
      'delete fake/route/r0',
      'delete fake/route/r1',
      'delete fake/route/r2',
      'delete fake/if/a',
      'delete fake/if/b',
    ]);
  });

  it('is deterministic whatever the input order', () => {
    const expected = ops(plan(ALL));
    for (const order of [[A, B, R0, R1, R2], [R2, R1, R0, B, A], [B, R0, A, R2, R1]]) {
      assert.deepEqual(ops(plan(order)), expected);
      assert.deepEqual(ops(plan([], order)), ops(plan([], ALL)));
    }
  });

  it('puts deletes first, then creates, then updates', () => {
    const A2 = item('fake/if/a', { mtu: 9000 });
    const C = item('fake/if/c');
    const p = plan([A2, C, R1], [A, B, R1]);
    assert.deepEqual(ops(p), ['delete fake/if/b', 'create fake/if/c', 'update fake/if/a']);
    const upd = p.ops[2]!;
    assert.deepEqual(upd.previous, A);
    assert.deepEqual(upd.item, A2);
  });

  it('plans nothing when desired equals applied', () => {
    assert.deepEqual(ops(plan(ALL, ALL)), []);
  });

  it('recreates a changed item without update, and its applied dependents with it', () => {
    const R1b = item('fake/route/r1', { needs: ['fake/if/a'], metric: 5 });
    assert.deepEqual(ops(plan([A, R1b, R0], [A, R1, R0])), [
      'delete fake/route/r0',
      'delete fake/route/r1',
      'create fake/route/r1',
      'create fake/route/r0',
    ]);
  });

  it('recreates an updatable item when its descriptor says the change cannot be made in place', () => {
    const shapeOf = (i: Item): unknown => (i.value as { shape?: unknown }).shape;
    const r = fakeRegistry(new FakeBackend());
    const d = r.forKey('fake/if/a');
    Object.assign(d, { recreate: (prev: Item, next: Item) => shapeOf(prev) !== shapeOf(next) });
    const run = (desired: Item[], current: Item[]): string[] => ops(planTransaction({
      registry: r, external: new Set(),
      applied: new Map(current.map((i) => [i.key, { item: i, dependencies: r.forKey(i.key).dependencies(i) }])), desired,
    }).plan);
    const bridge = item('fake/if/a', { shape: 'bridge' });
    assert.deepEqual(run([item('fake/if/a', { shape: 'bridge', mtu: 9000 }), R1], [bridge, R1]), ['update fake/if/a'], 'same shape: in place');
    assert.deepEqual(run([item('fake/if/a', { shape: 'ifb' }), R1], [bridge, R1]), [
      'delete fake/route/r1',
      'delete fake/if/a',
      'create fake/if/a',
      'create fake/route/r1',
    ], 'another shape: re-created with its dependents');
  });

  it('expands derived items, which depend on their parent', () => {
    const IF = item('fake/if/x', { children: [{ key: 'fake/addr/x/10.0.0.1%2F24' }, { key: 'fake/addr/x/10.0.0.2%2F24' }] });
    const r = planTransaction({ registry, applied: new Map(), external: new Set(), desired: [IF] });
    assert.deepEqual(ops(r.plan), ['create fake/if/x', 'create fake/addr/x/10.0.0.1%2F24', 'create fake/addr/x/10.0.0.2%2F24']);
    assert.deepEqual(r.nodes.get('fake/addr/x/10.0.0.1%2F24')?.parent, 'fake/if/x');
    assert.deepEqual(r.plan.ops[1]?.dependencies, ['fake/if/x']);
    const applied = new Map(r.plan.ops.map((o) => [o.key, { item: o.item, dependencies: o.dependencies }]));
    const del = planTransaction({ registry, applied, external: new Set(), desired: [] });
    assert.deepEqual(ops(del.plan), ['delete fake/addr/x/10.0.0.1%2F24', 'delete fake/addr/x/10.0.0.2%2F24', 'delete fake/if/x']);
  });

  it('reports a cycle naming its keys', () => {
    const x = item('fake/route/x', { needs: ['fake/route/y'] });
    const y = item('fake/route/y', { needs: ['fake/route/z'] });
    const z = item('fake/route/z', { needs: ['fake/route/x'] });
    assert.throws(
      () => plan([A, x, y, z]),
      (e: unknown) => {
        assert.ok(e instanceof CycleError);
        assert.deepEqual([...e.keys].sort(), ['fake/route/x', 'fake/route/y', 'fake/route/z']);
        assert.match(e.message, /fake\/route\/x -> fake\/route\/y -> fake\/route\/z -> fake\/route\/x/);
        return true;
      },
    );
  });

  it('refuses two different items with the same key', () => {
    assert.throws(() => plan([A, item('fake/if/a', { mtu: 1 })]), DuplicateKeyError);
    assert.deepEqual(ops(plan([A, A])), ['create fake/if/a']);
  });

  it('refuses a key no descriptor handles', () => {
    assert.throws(() => plan([item('fake/bogus/1')]), /no descriptor handles the item key fake\/bogus\/1/);
  });

  it('keeps items with missing dependencies pending, and their dependents too', () => {
    const p = plan([R1, R0]);
    assert.deepEqual(ops(p), []);
    assert.deepEqual(p.pending, [
      { key: 'fake/route/r0', waitingFor: ['fake/route/r1'] },
      { key: 'fake/route/r1', waitingFor: ['fake/if/a'] },
    ]);
  });

  it('accepts a dependency present in the backend without vrouterd', () => {
    const p = plan([R1, R0], [], ['fake/if/a']);
    assert.deepEqual(ops(p), ['create fake/route/r1', 'create fake/route/r0']);
    assert.deepEqual(p.pending, []);
  });

  it('deletes applied dependents of a deleted dependency first; they become pending', () => {
    const p = plan([R1, R0, B], [A, B, R1, R0]);
    assert.deepEqual(ops(p), ['delete fake/route/r0', 'delete fake/route/r1', 'delete fake/if/a']);
    assert.deepEqual(p.pending.map((x) => x.key), ['fake/route/r0', 'fake/route/r1']);
  });

  it('removes applied dependents of a dependency that vanished from the backend', () => {
    // r1 was applied on an interface that existed outside vrouterd and is gone now.
    const p = plan([R1, R0], [R1, R0], []);
    assert.deepEqual(ops(p), ['delete fake/route/r0', 'delete fake/route/r1']);
    assert.deepEqual(p.pending.map((x) => x.key), ['fake/route/r0', 'fake/route/r1']);
  });

  it('numbers steps: one per delete rank, then per create rank, then per update rank', () => {
    const steps = (p: Plan): string[] => p.ops.map((o) => `${o.step} ${o.op} ${o.key}`);
    assert.deepEqual(steps(plan(ALL)), [
      '0 create fake/if/a', '0 create fake/if/b', '1 create fake/route/r1', '1 create fake/route/r2', '2 create fake/route/r0',
    ]);
    assert.deepEqual(steps(plan([], ALL)), [
      '0 delete fake/route/r0', '1 delete fake/route/r1', '1 delete fake/route/r2', '2 delete fake/if/a', '2 delete fake/if/b',
    ]);
    // Delete r0 (rank 2 among the applied), create c (rank 0), recreate r1 (rank 1), update a and b.
    const A2 = item('fake/if/a', { mtu: 9000 });
    const B2 = item('fake/if/b', { mtu: 9000 });
    const C = item('fake/if/c');
    const R1b = item('fake/route/r1', { needs: ['fake/if/a'], metric: 7 });
    assert.deepEqual(steps(plan([A2, B2, C, R1b], [A, B, R1, R0])), [
      '0 delete fake/route/r0', '1 delete fake/route/r1', '2 create fake/if/c', '3 create fake/route/r1',
      '4 update fake/if/a', '4 update fake/if/b',
    ]);
    for (const p of [plan(ALL), plan([], ALL), plan([A2, C, R1b], [A, B, R1, R0])]) {
      const byKey = new Map(p.ops.map((o) => [o.key, o]));
      for (const [i, o] of p.ops.entries()) {
        if (i > 0) assert.ok(o.step >= p.ops[i - 1]!.step, 'steps never decrease');
        // No op needs another op of its own step.
        for (const d of o.dependencies) {
          const other = byKey.get(d);
          if (other !== undefined && other.op === o.op) assert.notEqual(other.step, o.step, `${o.key} and ${d}`);
        }
      }
    }
  });

  it('creates a pending item once its dependency is desired', () => {
    const first = plan([R1]);
    assert.equal(first.pending.length, 1);
    assert.deepEqual(ops(plan([R1, A])), ['create fake/if/a', 'create fake/route/r1']);
  });
});
