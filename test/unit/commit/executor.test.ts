import assert from 'node:assert/strict';

import { MapMetadata } from '../../../src/commit/descriptor.js';
import { executePlan, inverseOp } from '../../../src/commit/executor.js';
import type { Item } from '../../../src/commit/item.js';
import { planTransaction, type AppliedItem, type PlanOp } from '../../../src/commit/planner.js';
import type { DescriptorRegistry } from '../../../src/commit/registry.js';
import { FakeBackend, fakeRegistry, item } from './fake-backend.js';

function setup(): { backend: FakeBackend; registry: DescriptorRegistry } {
  const backend = new FakeBackend();
  return { backend, registry: fakeRegistry(backend) };
}

function planOps(registry: DescriptorRegistry, desired: readonly Item[], current: readonly Item[] = []): readonly PlanOp[] {
  const applied = new Map<string, AppliedItem>(current.map((i) => [i.key, { item: i, dependencies: registry.forKey(i.key).dependencies(i) }]));
  return planTransaction({ registry, applied, external: new Set(), desired }).plan.ops;
}

const ctx = { metadata: new MapMetadata(), transactionId: 't1' };
const A = item('fake/if/a');
const B = item('fake/if/b');
const R1 = item('fake/route/r1', { needs: ['fake/if/a'] });
const R2 = item('fake/route/r2', { needs: ['fake/if/b'] });

function ticking(): () => number {
  let t = 0;
  return () => (t += 5);
}

describe('commit/executor', () => {
  it('runs the ops in order and records result and duration per op', async () => {
    const { backend, registry } = setup();
    const ops = planOps(registry, [R1, A]);
    const r = await executePlan(ops, { registry, ctx, now: ticking() });
    assert.equal(r.ok, true);
    assert.deepEqual(backend.calls, ['create fake/if/a', 'create fake/route/r1']);
    assert.deepEqual(r.ops.map((o) => [o.index, o.op, o.key, o.result, o.durationMs]), [
      [0, 'create', 'fake/if/a', 'ok', 5],
      [1, 'create', 'fake/route/r1', 'ok', 5],
    ]);
  });

  it('on the first failure reverts what was done, in reverse, and names key, op and message', async () => {
    const { backend, registry } = setup();
    await executePlan(planOps(registry, [A, B, R1]), { registry, ctx });
    const before = backend.snapshot();
    backend.calls.length = 0;
    const A2 = item('fake/if/a', { mtu: 1400 });
    const C = item('fake/if/c');
    const D = item('fake/if/d');
    const ops = planOps(registry, [A2, C, D, R2, B], [A, B, R1]);
    assert.deepEqual(ops.map((o) => `${o.op} ${o.key}`), [
      'delete fake/route/r1', 'create fake/if/c', 'create fake/if/d', 'create fake/route/r2', 'update fake/if/a',
    ]);
    backend.failAt(4, 'RTNETLINK answers: File exists');
    const r = await executePlan(ops, { registry, ctx });
    assert.equal(r.ok, false);
    assert.deepEqual(r.failure, { key: 'fake/route/r2', op: 'create', message: 'RTNETLINK answers: File exists' });
    assert.deepEqual(r.ops.map((o) => o.result), ['ok', 'ok', 'ok', 'failed']);
    assert.deepEqual(r.reverts.map((o) => `${o.op} ${o.key} ${o.result}`), [
      'delete fake/if/d ok', 'delete fake/if/c ok', 'create fake/route/r1 ok',
    ]);
    assert.deepEqual(r.revertFailures, []);
    assert.deepEqual(backend.snapshot(), before);
  });

  it('reverts an update with an update back to the previous value', async () => {
    const { backend, registry } = setup();
    await executePlan(planOps(registry, [A]), { registry, ctx });
    const A2 = item('fake/if/a', { mtu: 1400 });
    const C = item('fake/if/c');
    const ops: PlanOp[] = [...planOps(registry, [A2], [A]), ...planOps(registry, [C])];
    backend.failOn('create', 'fake/if/c', 'no memory');
    const r = await executePlan(ops, { registry, ctx });
    assert.equal(r.ok, false);
    assert.deepEqual(r.reverts.map((o) => `${o.op} ${o.key}`), ['update fake/if/a']);
    assert.deepEqual(backend.objects.get('fake/if/a'), {});
    assert.deepEqual(inverseOp(ops[0]!).item, A);
  });

  it('reports revert failures instead of swallowing them', async () => {
    const { backend, registry } = setup();
    const ops = planOps(registry, [A, B, R1, R2]);
    backend.failOn('create', 'fake/route/r2', 'boom');
    backend.failOn('delete', 'fake/if/b', 'device busy');
    const r = await executePlan(ops, { registry, ctx });
    assert.equal(r.ok, false);
    assert.deepEqual(r.failure, { key: 'fake/route/r2', op: 'create', message: 'boom' });
    assert.deepEqual(r.reverts.map((o) => `${o.op} ${o.key} ${o.result}`), [
      'delete fake/route/r1 ok', 'delete fake/if/b failed', 'delete fake/if/a ok',
    ]);
    assert.deepEqual(r.revertFailures, [{ key: 'fake/if/b', op: 'delete', message: 'device busy' }]);
    assert.deepEqual(backend.snapshot(), [['fake/if/b', {}]]);
  });

  it('in best-effort mode goes on after a failure and skips what depended on it', async () => {
    const { backend, registry } = setup();
    const ops = planOps(registry, [A, B, R1, R2]);
    backend.failOn('create', 'fake/if/a', 'nope');
    const r = await executePlan(ops, { registry, ctx, mode: 'best-effort' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.ops.map((o) => `${o.key} ${o.result}`), [
      'fake/if/a failed', 'fake/if/b ok', 'fake/route/r1 skipped', 'fake/route/r2 ok',
    ]);
    assert.equal(r.ops[2]?.error, 'dependency fake/if/a failed');
    assert.deepEqual(r.reverts, []);
    assert.deepEqual(backend.calls, ['create fake/if/a', 'create fake/if/b', 'create fake/route/r2']);
  });

  it('hands every op and revert to onOp', async () => {
    const { backend, registry } = setup();
    const seen: string[] = [];
    backend.failAt(2, 'x');
    await executePlan(planOps(registry, [A, B]), {
      registry, ctx, onOp: (rec, phase) => { seen.push(`${phase} ${rec.op} ${rec.key} ${rec.result}`); },
    });
    assert.deepEqual(seen, ['apply create fake/if/a ok', 'apply create fake/if/b failed', 'revert delete fake/if/a ok']);
  });
});
