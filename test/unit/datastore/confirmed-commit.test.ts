import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CommitPipeline, type CommitOutcome } from '../../../src/datastore/commit.js';
import { CommitHistory } from '../../../src/datastore/commit-history.js';
import {
  ConfirmedCommit, DEFAULT_CONFIRM_TIMEOUT_SECONDS, REVERT_RETRY_MS, type ConfirmedCommitEvent,
} from '../../../src/datastore/confirmed-commit.js';
import { DataTree } from '../../../src/datastore/data-tree.js';
import { DatastoreSet, type DatastoreResult, type SessionRef } from '../../../src/datastore/datastore-set.js';
import { LockManager } from '../../../src/datastore/locks.js';
import { Persistence } from '../../../src/datastore/persistence.js';
import { node, routerSchema } from '../../support/schema-fixtures.js';
import { FakeTime } from '../../support/fake-time.js';

const schema = routerSchema();
const widget = node(schema, '/vr-test:widget', 'list');
const label = node(schema, '/vr-test:widget/label', 'leaf');
const A: SessionRef = { sessionId: 1, user: 'alice' };
const B: SessionRef = { sessionId: 2, user: 'bob' };


interface Agent {
  ds: DatastoreSet;
  pipeline: CommitPipeline;
  cc: ConfirmedCommit;
  persistence: Persistence;
  history: CommitHistory;
  locks: LockManager;
  events: ConfirmedCommitEvent[];
  errors: string[];
}

describe('confirmed commit (RFC 6241 §8.4)', () => {
  let dir: string;
  let time: FakeTime;
  let failCommitTree: boolean;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-confirmed-'));
    time = new FakeTime(Date.UTC(2026, 5, 1, 10, 0, 0));
    failCommitTree = false;
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The agent as main() would build it, from what the state directory holds. */
  async function start(): Promise<Agent> {
    const persistence = await Persistence.open(dir, schema);
    const loaded = await persistence.loadAll();
    const history = new CommitHistory(schema, persistence, loaded.history);
    const ds = new DatastoreSet({ schema, running: loaded.running?.tree ?? new DataTree(schema) });
    const pipeline = new CommitPipeline({
      schema, validator: { validate: () => Promise.resolve([]) }, datastores: ds, store: persistence, history,
      lastCommit: loaded.running?.lastCommit ?? null, now: () => new Date(time.now),
    });
    const events: ConfirmedCommitEvent[] = [];
    const errors: string[] = [];
    const cc = new ConfirmedCommit({
      store: persistence,
      commit: (r) => pipeline.commit(r),
      commitTree: (t, r) => (failCommitTree
        ? Promise.resolve<CommitOutcome>({ ok: false, errors: [{ tag: 'operation-failed', type: 'application', message: 'vpp is down' }] })
        : pipeline.commitTree(t, r)),
      timers: time,
      now: () => time.now,
      onEvent: (e) => events.push(e),
      onError: (m) => errors.push(m),
    });
    const locks = new LockManager({ candidateModifiedBy: () => ds.candidateModifiedBy(), confirmedCommitSession: () => cc.owner() });
    await cc.restore(loaded.confirmedCommit);
    return { ds, pipeline, cc, persistence, history, locks, events, errors };
  }

  function setWidget(a: Agent, id: number, text: string, by = A): void {
    const t = a.ds.candidate.clone();
    const e = t.entry(t.writableRoot(), widget, [{ canonical: String(id), base: 'uint32' }]);
    t.setLeaf(e, label, { canonical: text, base: 'string' });
    a.ds.setCandidate(t, by.sessionId);
  }

  function widgets(t: DataTree): string[] {
    return [...(t.root.entries(widget) ?? [])].map((e) => `${e.key}=${e.leaf(label)?.value.canonical ?? ''}`);
  }

  async function ok(p: Promise<CommitOutcome | DatastoreResult>): Promise<void> {
    const r = await p;
    assert.ok(r.ok, JSON.stringify(!r.ok ? r.errors : undefined));
  }

  async function refused(p: Promise<CommitOutcome | DatastoreResult>, tag: string, pattern?: RegExp): Promise<void> {
    const r = await p;
    assert.ok(!r.ok, 'expected an error');
    assert.equal(r.errors[0].tag, tag);
    if (pattern !== undefined) assert.match(r.errors[0].message, pattern);
  }

  /** An agent whose running holds widget 1=base, committed plainly. */
  async function withBase(): Promise<Agent> {
    const a = await start();
    setWidget(a, 1, 'base');
    await ok(a.cc.commit({}, A));
    return a;
  }

  it('reverts when the timeout expires, with the default of 600 s', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true }, A));
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new']);
    assert.equal(a.cc.pending?.timeoutSeconds, DEFAULT_CONFIRM_TIMEOUT_SECONDS);
    assert.ok(await a.persistence.loadConfirmedCommit(), 'the revert point is on disk');
    time.advance(599_000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new']);
    time.advance(1_000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
    assert.equal(a.cc.pending, undefined);
    assert.equal(await a.persistence.loadConfirmedCommit(), undefined);
    assert.deepEqual(a.events.map((e) => e.event), ['start', 'timeout']);
    assert.equal(a.history.get(a.history.newestId ?? 0)?.operation, 'confirmed-commit-revert');
    assert.equal(a.history.get(a.history.newestId ?? 0)?.user, '(server)');
    assert.equal((await a.persistence.loadDatastore('running'))?.lastCommit, a.history.newestId, 'the revert is durable');
  });

  it('a confirming commit from the same session makes it permanent, with more changes', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true, confirmTimeout: 30 }, A));
    setWidget(a, 3, 'more');
    await ok(a.cc.commit({}, A));
    assert.equal(a.cc.pending, undefined);
    assert.equal(time.armed, 0, 'no timer left');
    time.advance(3_600_000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new', '3=more']);
    assert.equal(await a.persistence.loadConfirmedCommit(), undefined);
    assert.deepEqual(a.events.map((e) => e.event), ['start', 'complete']);
    assert.equal(a.history.get(2)?.confirmed, true);
    assert.equal(a.history.get(3)?.confirmed, false);
  });

  it('a follow-up confirmed commit resets the timer and still reverts to before the first one', async () => {
    const a = await withBase();
    setWidget(a, 2, 'first');
    await ok(a.cc.commit({ confirmed: true, confirmTimeout: 60 }, A));
    time.advance(50_000);
    setWidget(a, 3, 'second');
    await ok(a.cc.commit({ confirmed: true, confirmTimeout: 100 }, A));
    time.advance(90_000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=first', '3=second'], 'still pending: the timer was reset to 100 s');
    assert.equal((await a.persistence.loadConfirmedCommit())?.pending.timeoutSeconds, 100);
    time.advance(10_000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
    assert.deepEqual(a.events.map((e) => [e.event, e.timeout]), [['start', 60], ['extend', 100], ['timeout', undefined]]);
  });

  it('without persist, only the issuing session may follow up, confirm or cancel (operation-failed)', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true }, A));
    await refused(a.cc.commit({}, B), 'operation-failed', /confirmed commit of session 1 is pending/);
    await refused(a.cc.commit({ confirmed: true }, B), 'operation-failed');
    await refused(a.cc.cancel(undefined, B), 'operation-failed');
    await refused(a.cc.commit({ persistId: 'x' }, A), 'invalid-value', /not given persist/);
    assert.ok(a.cc.pending !== undefined);
    await ok(a.cc.commit({}, A));
  });

  it('without persist, the end of the issuing session reverts it; another session ending does not', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true }, A));
    await a.cc.sessionEnded(B.sessionId);
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new']);
    await a.cc.sessionEnded(A.sessionId);
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
    assert.equal(a.cc.pending, undefined);
    assert.equal(time.armed, 0);
    assert.deepEqual(a.events.map((e) => [e.event, e.reason]), [['start', undefined], ['cancel', 'session-end']]);
  });

  it('with persist, it survives the session and any session confirms it with the persist-id', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true, persist: 'token-1' }, A));
    await a.cc.sessionEnded(A.sessionId);
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new']);
    assert.equal(a.cc.pending?.persist, 'token-1');
    await refused(a.cc.commit({}, B), 'invalid-value', /give its persist-id/);
    await refused(a.cc.commit({ persistId: 'wrong' }, B), 'invalid-value', /does not match/);
    await ok(a.cc.commit({ persistId: 'token-1' }, B));
    assert.equal(a.cc.pending, undefined);
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new']);
  });

  it('with persist, a follow-up from another session extends it and may change the token', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true, persist: 'one', confirmTimeout: 10 }, A));
    await ok(a.cc.commit({ confirmed: true, persistId: 'one', persist: 'two', confirmTimeout: 20 }, B));
    assert.equal(a.cc.pending?.persist, 'two');
    assert.equal(a.cc.pending?.sessionId, B.sessionId);
    await refused(a.cc.cancel('one', A), 'invalid-value');
    await ok(a.cc.cancel('two', A));
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
    assert.equal(a.history.get(a.history.newestId ?? 0)?.user, 'alice', 'the revert is by the cancelling session');
  });

  it('cancel-commit reverts at once; without anything pending it is operation-failed', async () => {
    const a = await withBase();
    await refused(a.cc.cancel(undefined, A), 'operation-failed', /no confirmed commit is pending/);
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true }, A));
    await ok(a.cc.cancel(undefined, A));
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
    assert.equal(a.cc.pending, undefined);
    assert.equal(time.armed, 0);
    assert.equal(await a.persistence.loadConfirmedCommit(), undefined);
    assert.deepEqual(a.events.map((e) => e.event), ['start', 'cancel']);
    await refused(a.cc.cancel(undefined, A), 'operation-failed');
  });

  it('a persist-id with nothing pending is invalid-value', async () => {
    const a = await withBase();
    await refused(a.cc.commit({ persistId: 'ghost' }, A), 'invalid-value', /no confirmed commit is pending/);
    const r = await a.cc.commit({ confirmed: true, confirmTimeout: 0 }, A);
    assert.ok(!r.ok && r.errors[0].tag === 'invalid-value' && r.errors[0].badElement === 'confirm-timeout');
  });

  it('after a restart (kill -9) with a pending confirmed commit, the configuration reverts', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true, persist: 'p', confirmTimeout: 3600 }, A));
    a.cc.dispose(); // the process dies: nothing else happens, the files stay as they are

    const b = await start();
    assert.deepEqual(widgets(b.ds.running), ['1=base']);
    assert.equal(b.cc.pending, undefined);
    assert.equal(await b.persistence.loadConfirmedCommit(), undefined);
    assert.deepEqual(b.events.map((e) => [e.event, e.reason]), [['cancel', 'restart']]);
    const c = await start();
    assert.deepEqual(widgets(c.ds.running), ['1=base'], 'durable');
  });

  it('a confirmed commit that fails leaves nothing pending', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    const realSave = a.persistence.saveDatastore.bind(a.persistence);
    a.persistence.saveDatastore = () => Promise.reject(new Error('EROFS'));
    await refused(a.cc.commit({ confirmed: true }, A), 'operation-failed', /EROFS/);
    a.persistence.saveDatastore = realSave;
    assert.equal(a.cc.pending, undefined);
    assert.equal(await a.persistence.loadConfirmedCommit(), undefined);
    assert.equal(time.armed, 0);
  });

  it('a revert that fails is retried, and the state stays on disk meanwhile', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true, confirmTimeout: 5 }, A));
    failCommitTree = true;
    time.advance(5_000);
    await a.cc.idle();
    assert.match(a.errors[0] ?? '', /revert \(timeout\) failed: vpp is down/);
    assert.ok(a.cc.pending !== undefined);
    assert.ok(await a.persistence.loadConfirmedCommit());
    failCommitTree = false;
    time.advance(REVERT_RETRY_MS);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
    assert.equal(a.cc.pending, undefined);
  });

  it('blocks the running lock for other sessions while pending (RFC 6241 §7.5)', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    await ok(a.cc.commit({ confirmed: true }, A));
    const r = a.locks.lock('running', B.sessionId);
    assert.ok(!r.ok && r.errors[0].tag === 'lock-denied' && r.errors[0].sessionId === A.sessionId);
    assert.ok(a.locks.lock('running', A.sessionId).ok);
    a.locks.unlock('running', A.sessionId);
    await ok(a.cc.commit({}, A));
    assert.ok(a.locks.lock('running', B.sessionId).ok);
  });

  it('arms long timeouts in steps that setTimeout can take', async () => {
    const a = await withBase();
    setWidget(a, 2, 'new');
    const days30 = 30 * 24 * 3600;
    await ok(a.cc.commit({ confirmed: true, confirmTimeout: days30 }, A));
    time.advance(25 * 24 * 3600 * 1000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base', '2=new']);
    time.advance(5 * 24 * 3600 * 1000);
    await a.cc.idle();
    assert.deepEqual(widgets(a.ds.running), ['1=base']);
  });
});
