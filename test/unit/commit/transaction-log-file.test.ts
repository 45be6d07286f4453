import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { keysToOwn, readInterruptedWork, settleInterrupted } from '../../../src/commit/crash-recovery.js';
import { TransactionEngine } from '../../../src/commit/engine.js';
import type { Item } from '../../../src/commit/item.js';
import { DescriptorRegistry } from '../../../src/commit/registry.js';
import { readTransactionLog, TransactionLogWriter, type LogSink } from '../../../src/commit/transaction-log.js';
import {
  nodeLogFileSystem, previousLogFile, TransactionLogFile, type AppendHandle, type LogFileSystem, type TransactionLogFileOptions,
} from '../../../src/commit/transaction-log-file.js';
import { FakeTime } from '../../support/fake-time.js';
import { FakeBackend, fakeDescriptor, fakeRegistry, item } from './fake-backend.js';

/** What a buffer of log text is, line by line: the line types, `torn` for a fragment. */
function describe_(text: string): string {
  return text.split('\n').filter((l) => l !== '').map((l) => {
    try {
      return (JSON.parse(l) as { type: string }).type;
    } catch {
      return 'torn';
    }
  }).join(',');
}

/** An in-memory file system recording every append, sync, rename and directory sync in order. */
class RecordingFs implements LogFileSystem {
  readonly files = new Map<string, string>();
  failAppends = 0;

  constructor(readonly events: string[] = []) {}

  openAppend(path: string): Promise<AppendHandle> {
    if (!this.files.has(path)) this.files.set(path, '');
    this.events.push(`open ${basename(path)}`);
    const content = (): string => this.files.get(path) ?? '';
    return Promise.resolve({
      size: () => Promise.resolve(Buffer.byteLength(content())),
      endsWithNewline: () => Promise.resolve(content() === '' || content().endsWith('\n')),
      append: (data: Uint8Array) => {
        const text = Buffer.from(data).toString('utf8');
        if (this.failAppends > 0) {
          this.failAppends--;
          // Half of it reached the file.
          this.files.set(path, content() + text.slice(0, Math.floor(text.length / 2)));
          this.events.push('append failed');
          return Promise.reject(new Error('EIO'));
        }
        this.files.set(path, content() + text);
        this.events.push(`append ${describe_(text)}`);
        return Promise.resolve();
      },
      sync: () => {
        this.events.push('sync');
        return Promise.resolve();
      },
      close: () => {
        this.events.push('close');
        return Promise.resolve();
      },
    });
  }

  rename(from: string, to: string): Promise<void> {
    this.files.set(to, this.files.get(from) ?? '');
    this.files.delete(from);
    this.events.push(`rename ${basename(from)} ${basename(to)}`);
    return Promise.resolve();
  }

  syncDirectory(): Promise<void> {
    this.events.push('syncdir');
    return Promise.resolve();
  }

  async *readLines(path: string): AsyncGenerator<string> {
    const text = this.files.get(path);
    if (text === undefined) return;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    await Promise.resolve();
    yield* lines;
  }
}

const PATH = '/state/transactions/linux.jsonl';

function engineOn(sink: LogSink, backend: FakeBackend, registry?: DescriptorRegistry): TransactionEngine {
  let n = 0;
  return new TransactionEngine({
    registry: registry ?? fakeRegistry(backend),
    log: new TransactionLogWriter(sink),
    newTransactionId: () => `t${++n}`,
  });
}

function routes(n: number, from = 0): Item[] {
  return Array.from({ length: n }, (_, i) => item(`fake/route/r${from + i}`));
}

describe('commit/transaction-log-file', () => {
  it('syncs the plan line before the backend is touched, and the outcome before the commit returns', async () => {
    const events: string[] = [];
    const fs = new RecordingFs(events);
    const backend = new FakeBackend();
    const registry = new DescriptorRegistry();
    const d = fakeDescriptor(backend, 'if');
    const create = d.create.bind(d);
    d.create = (ctx, it) => {
      events.push(`create ${it.key}`);
      return create(ctx, it);
    };
    registry.register(d);
    const file = new TransactionLogFile(PATH, { fs, flushIntervalMs: 0 });
    const engine = engineOn(file.sink, backend, registry);
    const r = await engine.commit([item('fake/if/a'), item('fake/if/b')]);
    assert.equal(r.ok, true);
    assert.deepEqual(events, [
      'open linux.jsonl', 'syncdir', 'append plan', 'sync',
      'create fake/if/a', 'create fake/if/b',
      'append op,op,outcome', 'sync',
    ]);
  });

  it('buffers op lines: 3000 ops cost a handful of writes and fsyncs', async () => {
    const fs = new RecordingFs();
    const file = new TransactionLogFile(PATH, { fs, flushLines: 1024, flushIntervalMs: 0 });
    const backend = new FakeBackend();
    const r = await engineOn(file.sink, backend).commit(routes(3000));
    assert.equal(r.ok, true);
    assert.equal(fs.events.filter((e) => e === 'sync').length, 4, 'plan, 1024 ops, 2048 ops, the rest with the outcome');
    const report = readTransactionLog((fs.files.get(PATH) ?? '').split('\n'));
    assert.equal(report.transactions[0]?.applied.length, 3000);
    assert.equal(report.transactions[0]?.interrupted, false);
  });

  it('flushes waiting op lines after flushIntervalMs (a slow transaction shows its progress)', async () => {
    const fs = new RecordingFs();
    const time = new FakeTime();
    const file = new TransactionLogFile(PATH, { fs, flushLines: 1000, flushIntervalMs: 50, timers: time });
    const backend = new FakeBackend();
    let release!: () => void;
    const engine = engineOn(file.sink, backend);
    await engine.commit([item('fake/if/a')]);
    // The second transaction: its first create waits for release(), its second never returns.
    backend.gate = new Promise((resolve) => { release = resolve; });
    void engine.commit([item('fake/if/a'), item('fake/if/b'), item('fake/if/c')]);
    await waitFor(() => backend.calls.length === 2);
    assert.equal(describe_(fs.files.get(PATH) ?? ''), 'plan,op,outcome,plan');
    release();
    backend.gate = new Promise(() => undefined);
    await waitFor(() => backend.calls.length === 3);
    assert.equal(describe_(fs.files.get(PATH) ?? ''), 'plan,op,outcome,plan', 'the op line of fake/if/b waits in memory');
    assert.equal(time.armed, 1);
    time.advance(50);
    await waitFor(() => describe_(fs.files.get(PATH) ?? '') === 'plan,op,outcome,plan,op');
  });

  it('rotates between transactions past maxBytes, keeping one previous file, never in the middle of one', async () => {
    const fs = new RecordingFs();
    const file = new TransactionLogFile(PATH, { fs, maxBytes: 2000, flushLines: 4, flushIntervalMs: 0 });
    const backend = new FakeBackend();
    const engine = engineOn(file.sink, backend);
    await engine.commit(routes(20));
    // One transaction far past maxBytes: it stays whole in one file.
    assert.equal(fs.files.has(previousLogFile(PATH)), true);
    assert.equal(fs.files.get(PATH), undefined, 'the new file is opened by the next line');
    assert.equal(describe_(fs.files.get(previousLogFile(PATH)) ?? ''), ['plan', ...Array<string>(20).fill('op'), 'outcome'].join(','));
    // Small ones accumulate (each adds one route), then a big one crosses the limit.
    await engine.commit([...routes(20), ...routes(1, 100)]);
    await engine.commit([...routes(20), ...routes(1, 100), ...routes(1, 200)]);
    await engine.commit([...routes(20), ...routes(1, 100), ...routes(1, 200), ...routes(25, 300)]);
    const previous = readTransactionLog((fs.files.get(previousLogFile(PATH)) ?? '').split('\n'));
    assert.deepEqual(previous.transactions.map((t) => t.id), ['t2', 't3', 't4'], 't1 was dropped with the older file');
    assert.ok(previous.transactions.every((t) => !t.interrupted));
    const renames = fs.events.filter((e) => e.startsWith('rename'));
    assert.deepEqual(renames, ['rename linux.jsonl linux.jsonl.1', 'rename linux.jsonl linux.jsonl.1']);
    // Every rename follows an outcome's sync and is made durable.
    for (const [i, e] of fs.events.entries()) {
      if (!e.startsWith('rename')) continue;
      assert.match(fs.events[i - 3] ?? '', /outcome$/u);
      assert.deepEqual(fs.events.slice(i - 2, i + 2), ['sync', 'close', e, 'syncdir']);
    }
  });

  it('a torn last line does not glue itself to the next line', async () => {
    const fs = new RecordingFs();
    const crashed = new TransactionLogFile(PATH, { fs, flushIntervalMs: 0 });
    const backend = new FakeBackend();
    await engineOn(crashed.sink, backend).commit([item('fake/if/a')]);
    // kill -9 in the middle of writing the next plan line.
    fs.files.set(PATH, `${fs.files.get(PATH) ?? ''}{"type":"plan","txn":"t9","ti`);
    const reopened = new TransactionLogFile(PATH, { fs, flushIntervalMs: 0 });
    await engineOn(reopened.sink, backend).commit([item('fake/if/a'), item('fake/if/b')]);
    const text = fs.files.get(PATH) ?? '';
    assert.equal(describe_(text), 'plan,op,outcome,torn,plan,op,outcome');
    const work = await readInterruptedWork(PATH, fs);
    assert.equal(work.malformedLines, 1);
    assert.deepEqual(work.transactions, []);
  });

  it('a failed write makes the next write start on a new line; the failure reaches the engine', async () => {
    const fs = new RecordingFs();
    const file = new TransactionLogFile(PATH, { fs, flushIntervalMs: 0, maxBytes: 1 });
    const backend = new FakeBackend();
    const engine = engineOn(file.sink, backend);
    fs.failAppends = 1;
    const refused = await engine.commit([item('fake/if/a')]);
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.message, 'transaction log: EIO');
    assert.deepEqual(backend.calls, []);
    const r = await engine.commit([item('fake/if/a')]);
    assert.equal(r.ok, true);
    // The refused transaction is not left open: rotation still happens between transactions.
    assert.equal(describe_(fs.files.get(previousLogFile(PATH)) ?? ''), 'torn,plan,op,outcome');
  });

  it('close() writes what is buffered; the next line reopens the file', async () => {
    const fs = new RecordingFs();
    const file = new TransactionLogFile(PATH, { fs, flushIntervalMs: 0 });
    await file.sink('{"type":"plan","txn":"x","time":"","origin":"commit","plan":{"ops":[],"pending":[]}}', { type: 'plan', txn: 'x' });
    await file.sink('{"type":"op","txn":"x","index":0,"key":"k"}', { type: 'op', txn: 'x' });
    await file.close();
    assert.equal(describe_(fs.files.get(PATH) ?? ''), 'plan,op');
    assert.deepEqual(fs.events.slice(-3), ['append op', 'sync', 'close']);
  });
});

describe('commit/crash-recovery', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-txlog-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A sink that "crashes" (never returns) at the outcome line of the transaction numbered `txn`. */
  function crashingAtOutcome(file: TransactionLogFile, txn: string): LogSink {
    return (line, info) => (info.type === 'outcome' && info.txn === txn ? new Promise(() => undefined) : file.sink(line, info));
  }

  it('an interrupted commit: what it created is deleted, what it deleted is re-created, and the log says it is settled', async () => {
    const path = join(dir, 'transactions', 'linux.jsonl');
    const backend = new FakeBackend();
    const A = item('fake/if/a');
    const C = item('fake/if/c');
    const B = item('fake/if/b');
    const R = item('fake/route/r', { needs: ['fake/if/b'] });
    const file = new TransactionLogFile(path, { flushIntervalMs: 0 });
    const engine = engineOn(crashingAtOutcome(file, 't2'), backend);
    const running = [A, C];
    assert.equal((await engine.commit(running)).ok, true);
    // The second commit's backend work is done; the process dies before its outcome is written.
    void engine.commit([A, B, R]);
    await waitFor(() => backend.has('fake/route/r'));
    await waitFor(async () => (await readFile(path, 'utf8')).split('\n').filter((l) => l.includes('"t2"')).length === 1);
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a', 'fake/if/b', 'fake/route/r']);
    // The process is gone: its file descriptor with it (its buffered op lines reach the file, which changes nothing).
    await file.close();

    // Restart: the engine remembers nothing; the kernel cannot tell who created what.
    for (const k of backend.objects.keys()) backend.foreign.add(k);
    const work = await readInterruptedWork(path);
    assert.deepEqual(work.transactions.map((t) => t.id), ['t2']);
    // b and r from t2's plan (creates and updates, not its delete of c); a from t1's op lines
    // (running describes it, so the resync adopts it); c's delete was logged, so c is not claimed.
    assert.deepEqual(work.ownKeys, ['fake/if/a', 'fake/if/b', 'fake/route/r']);
    const file2 = new TransactionLogFile(path, { flushIntervalMs: 0 });
    const writer = new TransactionLogWriter(file2.sink);
    let n = 0;
    const restarted = new TransactionEngine({ registry: fakeRegistry(backend), log: writer, newTransactionId: () => `s${++n}` });
    const outcome = await restarted.resync(await restarted.retrieve(['fake']), { desired: running, ownKeys: work.ownKeys });
    assert.equal(outcome.ok, true);
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a', 'fake/if/c']);
    await settleInterrupted(writer, work, outcome.transactionId);
    await file2.close();

    const again = await readInterruptedWork(path);
    assert.deepEqual(again.transactions, [], 'the next start does not reuse them');
    const last = JSON.parse((await readFile(path, 'utf8')).trim().split('\n').at(-1) ?? '') as unknown;
    assert.deepEqual(last, { type: 'recovered', txn: 't2', time: (last as { time: string }).time, by: 's1' });
  });

  it('finished transactions: what they created and did not delete is claimed, deleted and foreign objects are not', async () => {
    const path = join(dir, 'linux.jsonl');
    const backend = new FakeBackend();
    const file = new TransactionLogFile(path, { flushIntervalMs: 0 });
    const engine = engineOn(file.sink, backend);
    await engine.commit([item('fake/if/a'), item('fake/if/b')]);
    await engine.commit([item('fake/if/a')]);
    backend.failOn('create', 'fake/if/d', 'refused');
    await engine.commit([item('fake/if/a'), item('fake/if/c'), item('fake/if/d')]); // c created, then reverted
    await file.close();
    backend.addForeign('fake/if/x');
    const work = await readInterruptedWork(path);
    assert.deepEqual(work.transactions, []);
    assert.deepEqual(work.ownKeys, ['fake/if/a'], 'b was deleted, c reverted, x is not vrouterd\'s');
  });

  it('a crash after the outcome line but before running was saved: what that commit created is claimed and removed', async () => {
    const path = join(dir, 'linux.jsonl');
    const backend = new FakeBackend();
    const file = new TransactionLogFile(path, { flushIntervalMs: 0 });
    const engine = engineOn(file.sink, backend);
    const running = [item('fake/if/a')];
    await engine.commit(running);
    await engine.commit([...running, item('fake/if/n')]); // finished; running (on disk) never saw it
    await file.close();
    for (const k of backend.objects.keys()) backend.foreign.add(k);
    const work = await readInterruptedWork(path);
    assert.deepEqual(work.ownKeys, ['fake/if/a', 'fake/if/n']);
    const restarted = new TransactionEngine({ registry: fakeRegistry(backend) });
    const outcome = await restarted.resync(await restarted.retrieve(['fake']), { desired: running, ownKeys: work.ownKeys });
    assert.equal(outcome.ok, true);
    assert.deepEqual(backend.snapshot().map(([k]) => k), ['fake/if/a']);
  });

  it('reads the previous file too: a plan there and its outcome in the current file are finished', async () => {
    const path = join(dir, 'linux.jsonl');
    const plan = (txn: string, ops: string): string => JSON.stringify({
      type: 'plan', txn, time: '', origin: 'commit',
      plan: { pending: [], ops: ops.split(' ').map((o) => { const [op, key] = o.split(':'); return { op, key, kind: 'if', backend: 'fake', item: item(key ?? ''), dependencies: [], step: 0 }; }) },
    });
    const outcome = (txn: string): string => JSON.stringify({ type: 'outcome', txn, time: '', ok: true, revertFailures: [] });
    await writeFile(previousLogFile(path), [plan('p1', 'create:fake/if/a'), plan('p2', 'create:fake/if/b delete:fake/if/z update:fake/if/u'), ''].join('\n'));
    await writeFile(path, [outcome('p1'), plan('p3', 'create:fake/if/c'), '{"type":"op","txn":"p3","ind'].join('\n'));
    const work = await readInterruptedWork(path);
    assert.deepEqual(work.transactions.map((t) => t.id), ['p2', 'p3']);
    assert.deepEqual(work.ownKeys, ['fake/if/b', 'fake/if/c', 'fake/if/u']);
    assert.equal(work.malformedLines, 1);
    assert.deepEqual(keysToOwn([]), []);
  });

  it('no log yet: nothing to reconcile', async () => {
    const work = await readInterruptedWork(join(dir, 'absent', 'linux.jsonl'));
    assert.deepEqual(work, { transactions: [], ownKeys: [], malformedLines: 0 });
  });

  it('the node file system: creates the directory and an owner-only file, appends with O_APPEND', async () => {
    const path = join(dir, 'a', 'b', 'log.jsonl');
    const options: TransactionLogFileOptions = { fs: nodeLogFileSystem, flushIntervalMs: 0 };
    const file = new TransactionLogFile(path, options);
    await file.sink('{"type":"recovered","txn":"x","time":""}', { type: 'recovered', txn: 'x' });
    await file.close();
    const other = new TransactionLogFile(path, options);
    await other.sink('{"type":"recovered","txn":"y","time":""}', { type: 'recovered', txn: 'y' });
    await other.close();
    assert.equal(await readFile(path, 'utf8'), '{"type":"recovered","txn":"x","time":""}\n{"type":"recovered","txn":"y","time":""}\n');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'a', 'b'))).mode & 0o777, 0o700);
  });
});

async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
