// The executor with batching descriptors: grouping by step and group, a failure in the middle of a
// batch in both modes, reverts, skipped ops, per-op durations and onOp once per op.
import assert from 'node:assert/strict';

import type { Batcher, BatchOutcome } from '../../../src/commit/batch.js';
import { MapMetadata, type DescriptorContext } from '../../../src/commit/descriptor.js';
import { executePlan, type OpRecord } from '../../../src/commit/executor.js';
import type { Item } from '../../../src/commit/item.js';
import { planTransaction, type PlanOp } from '../../../src/commit/planner.js';
import { DescriptorRegistry } from '../../../src/commit/registry.js';
import { FakeBackend, fakeDescriptor, item, type FakeValue } from './fake-backend.js';

/** Batches ops whose value names a `group`; like `ip -batch`, it stops at the first failing op. */
class FakeBatcher implements Batcher {
  readonly name = 'fake';
  readonly runs: string[][] = [];
  registry: DescriptorRegistry | undefined;

  groupOf(op: PlanOp): string | undefined {
    const g = (op.item.value as FakeValue).group;
    return typeof g === 'string' ? g : undefined;
  }

  async run(ctx: DescriptorContext, ops: readonly PlanOp[]): Promise<readonly BatchOutcome[]> {
    this.runs.push(ops.map((o) => `${o.op} ${o.key}`));
    const out: BatchOutcome[] = [];
    let stopped = false;
    for (const op of ops) {
      if (stopped) {
        out.push({ result: 'not-run' });
        continue;
      }
      const d = this.registry!.forKey(op.key);
      try {
        if (op.op === 'create') await d.create(ctx, op.item);
        else await d.delete(ctx, op.item);
        out.push({ result: 'ok' });
      } catch (e) {
        out.push({ result: 'failed', error: (e as Error).message });
        stopped = true;
      }
    }
    return out;
  }
}

function setup(): { backend: FakeBackend; registry: DescriptorRegistry; batcher: FakeBatcher } {
  const backend = new FakeBackend();
  const batcher = new FakeBatcher();
  const registry = new DescriptorRegistry();
  registry.register(fakeDescriptor(backend, 'if', { updatable: true }));
  registry.register({ ...fakeDescriptor(backend, 'route'), batch: batcher });
  batcher.registry = registry;
  return { backend, registry, batcher };
}

function plan(registry: DescriptorRegistry, desired: readonly Item[]): readonly PlanOp[] {
  return planTransaction({ registry, applied: new Map(), external: new Set(), desired }).plan.ops;
}

const ctx = (): DescriptorContext => ({ metadata: new MapMetadata(), transactionId: 't1' });
const A = item('fake/if/a');
const B = item('fake/if/b');
const route = (name: string, group: string | undefined, needs: string[] = ['fake/if/a']): Item =>
  item(`fake/route/${name}`, { needs, ...(group !== undefined ? { group } : {}) });

function ticking(): () => number {
  let t = 0;
  return () => (t += 6);
}

function summary(records: readonly OpRecord[]): string[] {
  return records.map((r) => `${r.op} ${r.key} ${r.result}${r.batch ? ` [${r.batch.id} ${r.batch.group} ×${r.batch.size}]` : ''}`);
}

describe('commit/executor with batching descriptors', () => {
  it('runs the ops of one step and one group as one batch; others one by one', async () => {
    const { backend, registry, batcher } = setup();
    const ops = plan(registry, [A, B, route('r1', 'g1'), route('r2', 'g2', ['fake/if/b']), route('r3', 'g1'), route('r4', 'g2'), route('r5', undefined)]);
    assert.deepEqual(ops.map((o) => o.step), [0, 0, 1, 1, 1, 1, 1]);
    const seen: string[] = [];
    const r = await executePlan(ops, { registry, ctx: ctx(), now: ticking(), onOp: (rec, phase) => { seen.push(`${phase} ${rec.key}`); } });
    assert.equal(r.ok, true);
    assert.deepEqual(batcher.runs, [
      ['create fake/route/r1', 'create fake/route/r3'],
      ['create fake/route/r2', 'create fake/route/r4'],
    ]);
    assert.deepEqual(summary(r.ops), [
      'create fake/if/a ok',
      'create fake/if/b ok',
      'create fake/route/r1 ok [1 fake g1 ×2]',
      'create fake/route/r3 ok [1 fake g1 ×2]',
      'create fake/route/r2 ok [2 fake g2 ×2]',
      'create fake/route/r4 ok [2 fake g2 ×2]',
      'create fake/route/r5 ok',
    ]);
    // The batch took one tick (6 ms) for two ops.
    assert.deepEqual(r.ops.map((o) => o.durationMs), [6, 6, 3, 3, 3, 3, 6]);
    assert.deepEqual(r.ops.map((o) => o.index), [0, 1, 2, 4, 3, 5, 6]);
    assert.equal(seen.length, 7);
    assert.deepEqual(new Set(seen), new Set(ops.map((o) => `apply ${o.key}`)));
    assert.equal(backend.objects.size, 7);
  });

  it('a single op of a group runs alone through its descriptor', async () => {
    const { registry, batcher } = setup();
    const r = await executePlan(plan(registry, [A, route('r1', 'g1')]), { registry, ctx: ctx() });
    assert.equal(r.ok, true);
    assert.deepEqual(batcher.runs, []);
    assert.equal(r.ops[1]?.batch, undefined);
  });

  it('revert mode: a failure in the middle of a batch stops the run; the ops done before it are reverted', async () => {
    const { backend, registry, batcher } = setup();
    const ops = plan(registry, [A, route('r1', 'g'), route('r2', 'g'), route('r3', 'g')]);
    backend.failOn('create', 'fake/route/r2', 'RTNETLINK answers: File exists');
    const seen: string[] = [];
    const r = await executePlan(ops, { registry, ctx: ctx(), onOp: (rec, phase) => { seen.push(`${phase} ${rec.op} ${rec.key} ${rec.result}`); } });
    assert.equal(r.ok, false);
    assert.deepEqual(batcher.runs, [['create fake/route/r1', 'create fake/route/r2', 'create fake/route/r3']]);
    assert.deepEqual(summary(r.ops), [
      'create fake/if/a ok',
      'create fake/route/r1 ok [1 fake g ×3]',
      'create fake/route/r2 failed [1 fake g ×3]',
    ]);
    assert.deepEqual(r.failure, { key: 'fake/route/r2', op: 'create', message: 'RTNETLINK answers: File exists' });
    assert.deepEqual(summary(r.reverts), ['delete fake/route/r1 ok', 'delete fake/if/a ok']);
    assert.deepEqual(seen, [
      'apply create fake/if/a ok', 'apply create fake/route/r1 ok', 'apply create fake/route/r2 failed',
      'revert delete fake/route/r1 ok', 'revert delete fake/if/a ok',
    ]);
    assert.deepEqual(backend.snapshot(), []);
  });

  it('best-effort mode: the ops after a failing one run again as a new batch; dependents of the failure are skipped', async () => {
    const { backend, registry, batcher } = setup();
    const R2 = route('r2', 'g');
    const dependent = route('r9', 'g', ['fake/route/r2']);
    const ops = plan(registry, [A, route('r1', 'g'), R2, route('r3', 'g'), route('r4', 'g'), dependent, route('r8', 'g', ['fake/route/r1'])]);
    assert.deepEqual(ops.map((o) => `${o.step} ${o.key}`), [
      '0 fake/if/a', '1 fake/route/r1', '1 fake/route/r2', '1 fake/route/r3', '1 fake/route/r4', '2 fake/route/r8', '2 fake/route/r9',
    ]);
    backend.failOn('create', 'fake/route/r2', 'no');
    const r = await executePlan(ops, { registry, ctx: ctx(), mode: 'best-effort', now: ticking() });
    assert.equal(r.ok, false);
    assert.deepEqual(batcher.runs, [
      ['create fake/route/r1', 'create fake/route/r2', 'create fake/route/r3', 'create fake/route/r4'],
      ['create fake/route/r3', 'create fake/route/r4'],
    ]);
    assert.deepEqual(summary(r.ops), [
      'create fake/if/a ok',
      'create fake/route/r1 ok [1 fake g ×4]',
      'create fake/route/r2 failed [1 fake g ×4]',
      'create fake/route/r3 ok [2 fake g ×2]',
      'create fake/route/r4 ok [2 fake g ×2]',
      'create fake/route/r9 skipped',
      'create fake/route/r8 ok',
    ]);
    assert.deepEqual(r.ops.map((o) => o.durationMs), [6, 1.5, 1.5, 3, 3, 0, 6]);
    assert.equal(r.ops[5]?.error, 'dependency fake/route/r2 failed');
    assert.deepEqual(r.failure, { key: 'fake/route/r2', op: 'create', message: 'no' });
    assert.deepEqual(r.reverts, []);
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a', 'fake/route/r1', 'fake/route/r3', 'fake/route/r4', 'fake/route/r8']);
  });

  it('a batcher that throws fails every op of the batch; one that runs nothing cannot loop', async () => {
    const { registry, batcher } = setup();
    batcher.run = () => Promise.reject(new Error('bug'));
    const ops = plan(registry, [A, route('r1', 'g'), route('r2', 'g')]);
    const r = await executePlan(ops, { registry, ctx: ctx(), mode: 'best-effort' });
    assert.deepEqual(summary(r.ops).slice(1), ['create fake/route/r1 failed [1 fake g ×2]', 'create fake/route/r2 failed [1 fake g ×2]']);
    assert.equal(r.ops[1]?.error, 'bug');

    const lazy = setup();
    lazy.batcher.run = (_c, list) => Promise.resolve(list.map(() => ({ result: 'not-run' as const })));
    const r2 = await executePlan(plan(lazy.registry, [A, route('r1', 'g'), route('r2', 'g')]), { registry: lazy.registry, ctx: ctx(), mode: 'best-effort' });
    assert.deepEqual(r2.ops.map((o) => o.result), ['ok', 'failed', 'failed']);
    assert.match(r2.ops[1]?.error ?? '', /ran none of its operations/u);
  });

  it('deletes batch too, dependents first, one step per rank', async () => {
    const { backend, registry, batcher } = setup();
    const desired = [A, route('r1', 'g'), route('r2', 'g')];
    await executePlan(plan(registry, desired), { registry, ctx: ctx() });
    batcher.runs.length = 0;
    const applied = new Map(desired.map((i) => [i.key, { item: i, dependencies: registry.forKey(i.key).dependencies(i) }]));
    const ops = planTransaction({ registry, applied, external: new Set(), desired: [] }).plan.ops;
    assert.deepEqual(ops.map((o) => `${o.step} ${o.op} ${o.key}`), ['0 delete fake/route/r1', '0 delete fake/route/r2', '1 delete fake/if/a']);
    const r = await executePlan(ops, { registry, ctx: ctx() });
    assert.equal(r.ok, true);
    assert.deepEqual(batcher.runs, [['delete fake/route/r1', 'delete fake/route/r2']]);
    assert.deepEqual(backend.snapshot(), []);
  });
});
