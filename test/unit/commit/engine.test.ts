import assert from 'node:assert/strict';

import { TransactionEngine } from '../../../src/commit/engine.js';
import type { ItemStatus } from '../../../src/commit/item-states.js';
import { FakeBackend, fakeRegistry, item } from './fake-backend.js';

function setup(): { backend: FakeBackend; engine: TransactionEngine } {
  const backend = new FakeBackend();
  let n = 0;
  const engine = new TransactionEngine({
    registry: fakeRegistry(backend),
    newTransactionId: () => `t${++n}`,
    clock: () => new Date('2026-01-01T00:00:00Z'),
  });
  return { backend, engine };
}

function state(engine: TransactionEngine, key: string): ItemStatus {
  const s = engine.snapshot().items.find((i) => i.key === key);
  assert.ok(s, `no state for ${key}`);
  return s;
}

const A = item('fake/if/a');
const B = item('fake/if/b');
const R1 = item('fake/route/r1', { needs: ['fake/if/a'] });
const R2 = item('fake/route/r2', { needs: ['fake/if/b'] });
const RX = item('fake/route/rx', { needs: ['fake/if/x'] });
const RXX = item('fake/route/rxx', { needs: ['fake/route/rx'] });

describe('commit/engine', () => {
  it('commits, and reports item states and the transaction', async () => {
    const { backend, engine } = setup();
    const r = await engine.commit([A, R1]);
    assert.equal(r.ok, true);
    assert.equal(r.transactionId, 't1');
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a', 'fake/route/r1']);
    const snap = engine.snapshot();
    assert.deepEqual(snap.items.map((i) => [i.key, i.state, i.lastTransaction]), [
      ['fake/if/a', 'applied', 't1'],
      ['fake/route/r1', 'applied', 't1'],
    ]);
    assert.equal(snap.lastTransaction, 't1');
    assert.equal(snap.transactions.length, 1);
    const t = snap.transactions[0]!;
    assert.equal(t.origin, 'commit');
    assert.equal(t.startedAt, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(t.plan.ops.map((o) => o.key), ['fake/if/a', 'fake/route/r1']);
    assert.deepEqual(t.ops.map((o) => o.result), ['ok', 'ok']);
    assert.ok(t.ops.every((o) => typeof o.durationMs === 'number'));

    const r2 = await engine.commit([]);
    assert.equal(r2.ok, true);
    assert.deepEqual(backend.snapshot(), []);
    assert.deepEqual(engine.snapshot().items, []);
  });

  it('a failed commit leaves backend, applied items and configuration as before', async () => {
    const { backend, engine } = setup();
    await engine.commit([A, B, R1]);
    const before = backend.snapshot();
    const appliedBefore = engine.appliedItems();
    backend.calls.length = 0;
    backend.failAt(3, 'Cannot find device "c"');
    const B2 = item('fake/if/b2');
    const r = await engine.commit([A, B, B2, R2, item('fake/if/c')]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.error, { op: 'create', key: 'fake/if/c', message: 'Cannot find device "c"', revertFailures: [] });
    assert.deepEqual(backend.calls, [
      'delete fake/route/r1', 'create fake/if/b2', 'create fake/if/c', 'delete fake/if/b2', 'create fake/route/r1',
    ]);
    assert.deepEqual(backend.snapshot(), before);
    assert.deepEqual(engine.appliedItems(), appliedBefore);
    assert.equal(state(engine, 'fake/if/c').state, 'failed');
    assert.equal(state(engine, 'fake/if/c').lastError, 'Cannot find device "c"');
    assert.equal(state(engine, 'fake/if/b2').state, 'reverted');
    assert.equal(state(engine, 'fake/route/r1').state, 'reverted');
    assert.equal(state(engine, 'fake/if/a').state, 'applied');
    assert.equal(engine.snapshot().lastError?.key, 'fake/if/c');
    // Running is still [A, B, R1]: the next event-driven re-plan has nothing to do.
    const again = await engine.dryRun([A, B, R1]);
    assert.ok(again.ok);
    assert.deepEqual(again.plan.ops, []);
  });

  it('reports revert failures in the commit error', async () => {
    const { backend, engine } = setup();
    backend.failOn('create', 'fake/route/r1', 'boom');
    backend.failOn('delete', 'fake/if/a', 'busy');
    const r = await engine.commit([A, R1]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.error?.revertFailures, [{ key: 'fake/if/a', op: 'delete', message: 'busy' }]);
    assert.equal(state(engine, 'fake/if/a').state, 'failed');
    assert.match(state(engine, 'fake/if/a').lastError ?? '', /revert \(delete\) failed: busy/);
    // The engine knows the interface is still in the backend.
    assert.deepEqual([...engine.appliedItems().keys()], ['fake/if/a']);
  });

  it('fails a commit with a cycle before touching the backend', async () => {
    const { backend, engine } = setup();
    const x = item('fake/route/x', { needs: ['fake/route/y'] });
    const y = item('fake/route/y', { needs: ['fake/route/x'] });
    const r = await engine.commit([A, x, y]);
    assert.equal(r.ok, false);
    assert.equal(r.error?.op, 'plan');
    assert.deepEqual(r.error?.keys, ['fake/route/x', 'fake/route/y']);
    assert.deepEqual(backend.calls, []);
  });

  it('dry-run returns the plan the commit then executes', async () => {
    const { engine } = setup();
    await engine.commit([A, B, R1]);
    const desired = [A, item('fake/if/b', { mtu: 1 }), R2, item('fake/if/c')];
    const dry = await engine.dryRun(desired);
    assert.ok(dry.ok);
    const r = await engine.commit(desired);
    assert.deepEqual(r.plan, dry.plan);
    assert.deepEqual(r.execution?.ops.map((o) => `${o.op} ${o.key}`), dry.plan.ops.map((o) => `${o.op} ${o.key}`));
  });

  it('keeps an item pending until its dependency appears, then applies it', async () => {
    const { backend, engine } = setup();
    const r = await engine.commit([A, RX, RXX]);
    assert.equal(r.ok, true);
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a']);
    assert.deepEqual([state(engine, 'fake/route/rx').state, state(engine, 'fake/route/rx').waitingFor], ['pending', ['fake/if/x']]);
    assert.deepEqual(state(engine, 'fake/route/rxx').waitingFor, ['fake/route/rx']);

    assert.deepEqual(await engine.keyAppeared('fake/if/zzz'), { ok: true });
    backend.addForeign('fake/if/x');
    const ev = await engine.keyAppeared('fake/if/x');
    assert.equal(ev.ok, true);
    assert.deepEqual(ev.execution?.ops.map((o) => `${o.op} ${o.key}`), ['create fake/route/rx', 'create fake/route/rxx']);
    assert.equal(state(engine, 'fake/route/rx').state, 'applied');
    assert.equal(state(engine, 'fake/route/rxx').state, 'applied');
    assert.equal(engine.snapshot().transactions.at(-1)?.origin, 'event');
  });

  it('reports a failed delete when a dependency disappears and retries it at the next re-plan', async () => {
    const { backend, engine } = setup();
    backend.addForeign('fake/if/x');
    await engine.keyAppeared('fake/if/x');
    await engine.commit([RX, RXX]);
    assert.equal(state(engine, 'fake/route/rxx').state, 'applied');
    backend.objects.delete('fake/if/x');
    backend.calls.length = 0;
    // The kernel removed the route with the interface; the descriptor's delete is then a no-op.
    backend.objects.delete('fake/route/rx');
    backend.objects.delete('fake/route/rxx');
    backend.failOn('delete', 'fake/route/rx', 'already gone');
    const ev = await engine.keyDisappeared('fake/if/x');
    assert.deepEqual(backend.calls, ['delete fake/route/rxx', 'delete fake/route/rx']);
    assert.equal(ev.ok, false);
    assert.equal(state(engine, 'fake/route/rxx').state, 'failed');
    assert.deepEqual(state(engine, 'fake/route/rx'), {
      key: 'fake/route/rx', kind: 'route', backend: 'fake', value: { needs: ['fake/if/x'] }, state: 'failed',
      waitingFor: ['fake/if/x'], lastError: 'already gone', lastTransaction: ev.transactionId,
    });
    // Once the backend accepts the deletes, both items are pending.
    backend.clearFailures();
    backend.objects.set('fake/route/rx', {});
    backend.objects.set('fake/route/rxx', {});
    const r = await engine.resync(await engine.retrieve());
    assert.equal(r.ok, true);
    assert.deepEqual(r.execution?.ops.map((o) => `${o.op} ${o.key}`), ['delete fake/route/rxx', 'delete fake/route/rx']);
    assert.deepEqual(backend.snapshot(), []);
    assert.equal(state(engine, 'fake/route/rx').state, 'pending');
    assert.equal(state(engine, 'fake/route/rxx').state, 'pending');
  });

  it('cascades to pending on keyDisappeared with idempotent deletes', async () => {
    const { backend, engine } = setup();
    backend.addForeign('fake/if/x');
    await engine.keyAppeared('fake/if/x');
    await engine.commit([RX, RXX]);
    backend.objects.delete('fake/if/x');
    const ev = await engine.keyDisappeared('fake/if/x');
    assert.equal(ev.ok, true);
    assert.deepEqual(ev.execution?.ops.map((o) => `${o.op} ${o.key}`), ['delete fake/route/rxx', 'delete fake/route/rx']);
    assert.deepEqual([state(engine, 'fake/route/rx').state, state(engine, 'fake/route/rx').waitingFor], ['pending', ['fake/if/x']]);
    assert.deepEqual(backend.snapshot(), []);
    backend.addForeign('fake/if/x');
    await engine.keyAppeared('fake/if/x');
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/x', 'fake/route/rx', 'fake/route/rxx']);
  });

  it('a commit deleting a dependency makes its still-desired dependents pending', async () => {
    const { backend, engine } = setup();
    await engine.commit([A, R1]);
    const r = await engine.commit([R1]);
    assert.equal(r.ok, true);
    assert.deepEqual(r.execution?.ops.map((o) => `${o.op} ${o.key}`), ['delete fake/route/r1', 'delete fake/if/a']);
    assert.deepEqual([state(engine, 'fake/route/r1').state, state(engine, 'fake/route/r1').waitingFor], ['pending', ['fake/if/a']]);
    assert.deepEqual(backend.snapshot(), []);
  });

  it('re-creates an own object that disappeared (drift) along with its dependents', async () => {
    const { backend, engine } = setup();
    await engine.commit([A, R1]);
    backend.objects.delete('fake/route/r1');
    backend.objects.delete('fake/if/a');
    backend.calls.length = 0;
    backend.failOn('delete', 'fake/route/r1', 'gone');
    const ev = await engine.keyDisappeared('fake/if/a');
    assert.deepEqual(backend.calls, ['delete fake/route/r1', 'create fake/if/a', 'create fake/route/r1']);
    assert.equal(ev.ok, false); // the delete of the vanished route failed and is reported…
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a', 'fake/route/r1']); // …but all is back
    assert.equal(state(engine, 'fake/route/r1').state, 'applied');
  });

  it('resync repairs drift and leaves foreign objects alone', async () => {
    const { backend, engine } = setup();
    await engine.commit([A, item('fake/if/b', { mtu: 1500 }), R1]);
    backend.objects.delete('fake/route/r1'); // deleted behind vrouterd's back
    backend.objects.set('fake/if/b', { mtu: 9000 }); // changed behind its back
    backend.objects.set('fake/route/stale', {}); // left by a crashed transaction
    backend.addForeign('fake/route/kernel', { needs: ['fake/if/a'] });
    backend.addForeign('fake/if/lo');
    backend.calls.length = 0;
    const retrieved = await engine.retrieve();
    const r = await engine.resync(retrieved);
    assert.equal(r.ok, true);
    assert.equal(engine.snapshot().transactions.at(-1)?.origin, 'resync');
    assert.deepEqual(backend.calls, ['delete fake/route/stale', 'create fake/route/r1', 'update fake/if/b']);
    assert.deepEqual(backend.objects.get('fake/if/b'), { mtu: 1500 });
    assert.ok(backend.has('fake/route/kernel'));
    assert.ok(backend.has('fake/if/lo'));
    // Nothing left to repair.
    const again = await engine.resync(await engine.retrieve());
    assert.equal(again.transactionId, undefined);
    assert.deepEqual(again.plan?.ops, []);
  });

  it('resync at start-up: desired from disk, own keys from the log, foreign desired objects adopted', async () => {
    const { backend, engine } = setup();
    backend.addForeign('fake/if/a', { mtu: 1 }); // made by someone else, now configured
    backend.addForeign('fake/if/old'); // created by the interrupted transaction (per the log)
    backend.addForeign('fake/if/lo');
    const r = await engine.resync(await engine.retrieve(), {
      desired: [item('fake/if/a', { mtu: 2 }), R1],
      ownKeys: ['fake/if/old'],
    });
    assert.equal(r.ok, true);
    assert.deepEqual(r.execution?.ops.map((o) => `${o.op} ${o.key}`), [
      'delete fake/if/old', 'create fake/route/r1', 'update fake/if/a',
    ]);
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a', 'fake/if/lo', 'fake/route/r1']);
  });

  it('resync keeps the configured value of an adopted object the backend reads back differently but equivalently', async () => {
    const backend = new FakeBackend();
    const registry = fakeRegistry(backend);
    // `role` is what the configuration knows and the backend cannot show.
    const mtuOf = (i: { value: unknown }): unknown => (i.value as { mtu?: unknown }).mtu;
    Object.assign(registry.forKey('fake/if/a'), { equivalent: (x: typeof A, y: typeof A) => mtuOf(x) === mtuOf(y) });
    const engine = new TransactionEngine({ registry });
    backend.addForeign('fake/if/a', { mtu: 1500 });
    backend.addForeign('fake/if/b', { mtu: 1500 });
    const configured = item('fake/if/a', { mtu: 1500, role: 'configure-only' });
    const r = await engine.resync(await engine.retrieve(), { desired: [configured, item('fake/if/b', { mtu: 9000 })] });
    assert.deepEqual(r.execution?.ops.map((o) => `${o.op} ${o.key}`), ['update fake/if/b']);
    assert.deepEqual(engine.appliedItems().get('fake/if/a')?.value, configured.value, 'the configured value is kept');
    assert.deepEqual(engine.appliedItems().get('fake/if/b')?.value, { mtu: 9000 });
  });

  it('a foreign object satisfies dependencies found at resync', async () => {
    const { backend, engine } = setup();
    await engine.commit([RX]);
    assert.equal(state(engine, 'fake/route/rx').state, 'pending');
    backend.addForeign('fake/if/x');
    const r = await engine.resync(await engine.retrieve());
    assert.deepEqual(r.execution?.ops.map((o) => `${o.op} ${o.key}`), ['create fake/route/rx']);
    assert.equal(state(engine, 'fake/route/rx').state, 'applied');
  });

  it('runs one transaction at a time, in submission order', async () => {
    const { backend, engine } = setup();
    let release = (): void => undefined;
    backend.gate = new Promise<void>((resolve) => { release = resolve; });
    const first = engine.commit([A, B]);
    const dry = engine.dryRun([A, B, R1]);
    const second = engine.commit([A, B, R1, R2]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(backend.calls, ['create fake/if/a']);
    release();
    backend.gate = undefined;
    const [r1, d, r2] = await Promise.all([first, dry, second]);
    assert.equal(backend.maxActive, 1);
    assert.ok(r1.ok && r2.ok && d.ok);
    assert.deepEqual(d.plan.ops.map((o) => o.key), ['fake/route/r1']);
    assert.deepEqual(backend.calls, ['create fake/if/a', 'create fake/if/b', 'create fake/route/r1', 'create fake/route/r2']);
    await engine.idle();
  });

  it('keeps a bounded history and passes metadata between calls', async () => {
    const backend = new FakeBackend();
    const registry = fakeRegistry(backend);
    const d = registry.byKind('if')!;
    const create = d.create.bind(d);
    const seen: unknown[] = [];
    d.create = async (ctx, it) => {
      await create(ctx, it);
      ctx.metadata.set(it.key, { index: seen.length });
    };
    const del = d.delete.bind(d);
    d.delete = async (ctx, it) => {
      seen.push(ctx.metadata.get(it.key));
      await del(ctx, it);
    };
    const engine = new TransactionEngine({ registry, historySize: 2 });
    await engine.commit([A]);
    await engine.commit([]);
    await engine.commit([B]);
    assert.deepEqual(seen, [{ index: 0 }]);
    assert.equal(engine.snapshot().transactions.length, 2);
  });

  it('plans and applies 10k routes on one interface in linear-ish time', async () => {
    const { backend, engine } = setup();
    const routes = Array.from({ length: 10000 }, (_, i) => item(`fake/route/10.${i >> 8}.${i & 255}.0%2F24`, { needs: ['fake/if/a'] }));
    const started = performance.now();
    const r = await engine.commit([...routes, A]);
    const first = performance.now() - started;
    assert.equal(r.ok, true);
    assert.equal(r.plan?.ops[0]?.key, 'fake/if/a');
    assert.equal(backend.objects.size, 10001);
    const dry = await engine.dryRun([...routes, A]);
    assert.ok(dry.ok && dry.plan.ops.length === 0);
    assert.ok(first < 10000, `took ${first} ms`);
  });

  it('reverts updates when a later update fails', async () => {
    const { backend, engine } = setup();
    await engine.commit([A, B]);
    const applied = engine.appliedItems();
    backend.failOn('update', 'fake/if/b', 'MTU out of range');
    const r = await engine.commit([item('fake/if/a', { mtu: 9000 }), item('fake/if/b', { mtu: 99999 })]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.execution?.reverts.map((o) => `${o.op} ${o.key} ${o.result}`), ['update fake/if/a ok']);
    assert.deepEqual(engine.appliedItems(), applied);
    assert.deepEqual(backend.snapshot(), [['fake/if/a', {}], ['fake/if/b', {}]]);
    assert.equal(state(engine, 'fake/if/a').state, 'reverted');
    assert.deepEqual(state(engine, 'fake/if/a').value, {});
  });

  it('shows an own leftover whose delete fails at resync as failed', async () => {
    const { backend, engine } = setup();
    backend.objects.set('fake/route/stale', {});
    backend.failOn('delete', 'fake/route/stale', 'busy');
    const r = await engine.resync(await engine.retrieve());
    assert.equal(r.ok, false);
    assert.deepEqual(r.error, { op: 'delete', key: 'fake/route/stale', message: 'busy', revertFailures: [] });
    assert.equal(state(engine, 'fake/route/stale').state, 'failed');
    assert.equal(state(engine, 'fake/route/stale').lastError, 'busy');
    backend.clearFailures();
    await engine.resync(await engine.retrieve());
    assert.deepEqual(engine.snapshot().items, []);
  });
});
