import assert from 'node:assert/strict';

import { TransactionEngine } from '../../../src/commit/engine.js';
import {
  interruptedTransactions,
  readTransactionLog,
  TransactionLogReader,
  TransactionLogWriter,
  type LogLine,
  type LogSink,
} from '../../../src/commit/transaction-log.js';
import { FakeBackend, fakeRegistry, item } from './fake-backend.js';

const A = item('fake/if/a');
const B = item('fake/if/b');
const R1 = item('fake/route/r1', { needs: ['fake/if/a'] });

function setup(sink: LogSink): { backend: FakeBackend; engine: TransactionEngine } {
  const backend = new FakeBackend();
  let n = 0;
  let t = 0;
  const engine = new TransactionEngine({
    registry: fakeRegistry(backend),
    log: new TransactionLogWriter(sink, () => new Date('2026-01-01T00:00:00Z')),
    newTransactionId: () => `t${++n}`,
    now: () => (t += 2),
  });
  return { backend, engine };
}

describe('commit/transaction-log', () => {
  it('writes the plan before any op, then each op with duration and result, then the outcome', async () => {
    const lines: string[] = [];
    const { backend, engine } = setup((l) => {
      // The plan line must be on disk before the backend sees anything.
      if (lines.length === 0) assert.deepEqual(backend.calls, []);
      lines.push(l);
    });
    await engine.commit([A, R1]);
    const parsed = lines.map((l) => JSON.parse(l) as LogLine);
    assert.deepEqual(parsed.map((l) => l.type), ['plan', 'op', 'op', 'outcome']);
    const plan = parsed[0]!;
    assert.ok(plan.type === 'plan');
    assert.equal(plan.txn, 't1');
    assert.equal(plan.origin, 'commit');
    assert.deepEqual(plan.plan.ops.map((o) => `${o.op} ${o.key}`), ['create fake/if/a', 'create fake/route/r1']);
    assert.deepEqual(parsed[1], { type: 'op', txn: 't1', phase: 'apply', index: 0, op: 'create', key: 'fake/if/a', result: 'ok', durationMs: 2 });
    assert.deepEqual(parsed[3], { type: 'outcome', txn: 't1', time: '2026-01-01T00:00:00.000Z', ok: true, revertFailures: [] });
  });

  it('logs reverts and the failure', async () => {
    const lines: string[] = [];
    const { backend, engine } = setup((l) => { lines.push(l); });
    backend.failOn('create', 'fake/route/r1', 'no route to host');
    await engine.commit([A, R1]);
    const parsed = lines.map((l) => JSON.parse(l) as LogLine);
    assert.deepEqual(parsed.map((l) => (l.type === 'op' ? `${l.phase} ${l.op} ${l.key} ${l.result}` : l.type)), [
      'plan', 'apply create fake/if/a ok', 'apply create fake/route/r1 failed', 'revert delete fake/if/a ok', 'outcome',
    ]);
    const outcome = parsed.at(-1)!;
    assert.ok(outcome.type === 'outcome');
    assert.deepEqual(outcome.failure, { key: 'fake/route/r1', op: 'create', message: 'no route to host' });
    const report = readTransactionLog(lines);
    const t = report.transactions[0]!;
    assert.equal(t.interrupted, false);
    assert.deepEqual(t.completed, []);
  });

  it('reads an interrupted transaction: what was intended and what completed', async () => {
    const lines: string[] = [];
    const { engine } = setup((l) => { lines.push(l); });
    await engine.commit([A]);
    await engine.commit([A, B, R1]);
    // Simulate a crash after the first op of the second transaction, mid-write of the next line.
    const cut = lines.findIndex((l) => l.includes('"txn":"t2"') && l.includes('"type":"op"'));
    const torn = [...lines.slice(0, cut + 1), lines[cut + 1]!.slice(0, 20)];
    const report = readTransactionLog(torn);
    assert.deepEqual(report.malformedLines, [torn.length]);
    assert.deepEqual(report.transactions.map((t) => [t.id, t.interrupted]), [['t1', false], ['t2', true]]);
    const [t2] = interruptedTransactions(report);
    assert.ok(t2);
    assert.deepEqual(t2.plan.ops.map((o) => `${o.op} ${o.key}`), ['create fake/if/b', 'create fake/route/r1']);
    assert.deepEqual(t2.completed.map((o) => `${o.op} ${o.key}`), ['create fake/if/b']);
    assert.deepEqual(t2.notAttempted.map((o) => `${o.op} ${o.key}`), ['create fake/route/r1']);
  });

  it('a recovered line settles an interrupted transaction', async () => {
    const lines: string[] = [];
    const infos: string[] = [];
    const { engine } = setup((l, info) => {
      lines.push(l);
      infos.push(`${info.type} ${info.txn}`);
    });
    await engine.commit([A]);
    const plan = lines[0]!;
    const writer = new TransactionLogWriter((l, info) => {
      lines.push(l);
      infos.push(`${info.type} ${info.txn}`);
    }, () => new Date('2026-01-02T00:00:00Z'));
    await writer.recovered('t9', 's1');
    const interrupted = [plan.replace('"t1"', '"t9"'), ...lines];
    const report = readTransactionLog(interrupted);
    const t9 = report.transactions.find((t) => t.id === 't9');
    assert.equal(t9?.interrupted, true);
    assert.deepEqual(t9?.recovered, { type: 'recovered', txn: 't9', time: '2026-01-02T00:00:00.000Z', by: 's1' });
    assert.deepEqual(interruptedTransactions(report), []);
    assert.deepEqual(interruptedTransactions(readTransactionLog(interrupted.slice(0, -1))).map((t) => t.id), ['t9']);
    assert.deepEqual(infos, ['plan t1', 'op t1', 'outcome t1', 'recovered t9']);
  });

  it('the streaming reader can keep only unfinished transactions', async () => {
    const lines: string[] = [];
    const { backend, engine } = setup((l) => { lines.push(l); });
    await engine.commit([A]);
    backend.gate = new Promise(() => undefined);
    void engine.commit([A, B]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reader = new TransactionLogReader({ onlyUnfinished: true });
    for (const l of [...lines, '{"type":"recovered","txn":"gone","time":""}']) reader.add(l);
    const report = reader.report();
    assert.deepEqual(report.transactions.map((t) => t.id), ['t2']);
    assert.deepEqual(report.malformedLines, [], 'a settled transaction rotated away is no news');
  });

  it('ignores blank lines and flags lines of unknown transactions', () => {
    const report = readTransactionLog(['', '{"type":"op","txn":"zz","index":0,"key":"k"}', 'not json']);
    assert.deepEqual(report.transactions, []);
    assert.deepEqual(report.malformedLines, [2, 3]);
  });

  it('does not start a transaction whose plan cannot be logged', async () => {
    const { backend, engine } = setup(() => { throw new Error('disk full'); });
    const r = await engine.commit([A]);
    assert.equal(r.ok, false);
    assert.equal(r.error?.message, 'transaction log: disk full');
    assert.deepEqual(backend.calls, []);
  });

  it('records op-line write failures without aborting the transaction', async () => {
    let n = 0;
    const { backend, engine } = setup(async () => {
      await Promise.resolve();
      if (++n === 2) throw new Error('EIO');
    });
    const r = await engine.commit([A]);
    assert.equal(r.ok, true);
    assert.ok(backend.has('fake/if/a'));
    assert.deepEqual(engine.snapshot().transactions[0]?.logErrors, ['EIO']);
  });
});
