import assert from 'node:assert/strict';

import type { DataTree } from '../../../src/datastore/data-tree.js';
import { DatastoreSet, type DatastoreResult } from '../../../src/datastore/datastore-set.js';
import { decodeJson } from '../../../src/datastore/json-decoder.js';
import { LockManager } from '../../../src/datastore/locks.js';
import { treesEqual } from '../../../src/datastore/tree-equality.js';
import { routerSchema } from '../../support/schema-fixtures.js';

const schema = routerSchema();
const A = 1;
const B = 2;

function tree(doc: object): DataTree {
  const r = decodeJson(schema, doc);
  if (!r.ok) assert.fail(r.errors[0].message);
  return r.tree;
}

function refused(r: DatastoreResult, tag: string, sessionId?: number): string {
  assert.ok(!r.ok, 'expected a refusal');
  const e = r.errors[0];
  assert.equal(e.tag, tag);
  assert.equal(e.type, 'protocol');
  if (sessionId !== undefined) assert.equal(e.sessionId, sessionId);
  return e.message;
}

describe('LockManager', () => {
  let ds: DatastoreSet;
  let confirmedOwner: number | undefined;
  let locks: LockManager;
  let clock: number;

  beforeEach(() => {
    ds = new DatastoreSet({ schema, running: tree({ 'vr-test:widget': [{ id: 1 }] }) });
    confirmedOwner = undefined;
    clock = Date.UTC(2026, 4, 1, 12, 0, 0);
    locks = new LockManager({
      candidateModifiedBy: () => ds.candidateModifiedBy(),
      confirmedCommitSession: () => confirmedOwner,
      discardCandidate: () => ds.discardChanges(),
    }, { now: () => new Date(clock) });
  });

  function modifyCandidate(by: number): void {
    ds.setCandidate(tree({ 'vr-test:widget': [{ id: 1 }, { id: by + 100 }] }), by);
  }

  it('grants a free lock and refuses it to the other session with lock-denied and the holder', () => {
    assert.deepEqual(locks.lock('running', A), { ok: true });
    const msg = refused(locks.lock('running', B), 'lock-denied', A);
    assert.match(msg, /locked by session 1/);
    assert.equal(locks.holder('running')?.sessionId, A);
  });

  it('refuses a second lock by the holder itself (§7.5: held by any session)', () => {
    locks.lock('startup', A);
    assert.match(refused(locks.lock('startup', A), 'lock-denied', A), /already locked by this session/);
  });

  it('locks each datastore separately', () => {
    assert.ok(locks.lock('running', A).ok);
    assert.ok(locks.lock('candidate', B).ok);
    assert.ok(locks.lock('startup', B).ok);
  });

  it('unlock only by the holder (operation-failed otherwise), and of a locked datastore', () => {
    locks.lock('candidate', A);
    refused(locks.unlock('candidate', B), 'operation-failed', A);
    assert.deepEqual(locks.unlock('candidate', A), { ok: true });
    assert.match(refused(locks.unlock('candidate', A), 'operation-failed'), /not locked/);
    assert.ok(locks.lock('candidate', B).ok, 'free again');
  });

  describe('candidate with uncommitted changes', () => {
    it('is refused to a session while another session has changes in it', () => {
      modifyCandidate(B);
      assert.match(refused(locks.lock('candidate', A), 'lock-denied', B), /uncommitted changes of session 2/);
    });

    it('is granted to the session whose own changes it holds', () => {
      modifyCandidate(A);
      assert.ok(locks.lock('candidate', A).ok);
    });

    it('is granted again after discard-changes', () => {
      modifyCandidate(B);
      ds.discardChanges();
      assert.ok(locks.lock('candidate', A).ok);
    });

    it('loses the holder\'s uncommitted changes when the lock is released', () => {
      locks.lock('candidate', A);
      modifyCandidate(A);
      locks.unlock('candidate', A);
      assert.equal(ds.candidateModified, false);
      assert.ok(treesEqual(ds.candidate, ds.running));
    });
  });

  it('refuses running while another session\'s confirmed commit is pending, not to that session', () => {
    confirmedOwner = B;
    assert.match(refused(locks.lock('running', A), 'lock-denied', B), /confirmed commit of session 2/);
    assert.ok(locks.lock('running', B).ok);
  });

  it('releases every lock of a session that ends, and discards its candidate changes', () => {
    locks.lock('running', A);
    locks.lock('candidate', A);
    locks.lock('startup', B);
    modifyCandidate(A);
    assert.deepEqual(locks.releaseSession(A).sort(), ['candidate', 'running']);
    assert.equal(locks.holder('running'), undefined);
    assert.equal(locks.holder('startup')?.sessionId, B);
    assert.equal(ds.candidateModified, false);
    assert.deepEqual(locks.releaseSession(A), []);
    assert.ok(locks.lock('running', B).ok);
  });

  it('tells whether a session may write a datastore (in-use with the holder otherwise)', () => {
    assert.equal(locks.checkWrite('running', A), undefined);
    locks.lock('running', A);
    assert.equal(locks.checkWrite('running', A), undefined, 'the holder writes');
    const e = locks.checkWrite('running', B);
    assert.equal(e?.tag, 'in-use');
    assert.equal(e?.type, 'protocol');
    assert.equal(e?.sessionId, A);
    assert.equal(locks.checkWrite('candidate', B), undefined);
  });

  it('reports locks for ietf-netconf-monitoring with the locked time', () => {
    locks.lock('candidate', B);
    assert.deepEqual(locks.snapshot(), [
      { name: 'running' },
      { name: 'candidate', globalLock: { lockedBySession: B, lockedTime: '2026-05-01T12:00:00.000Z' } },
      { name: 'startup' },
    ]);
  });

  it('refuses datastores that do not exist here', () => {
    const noStartup = new LockManager({ candidateModifiedBy: () => new Set() }, { datastores: ['running', 'candidate'] });
    refused(noStartup.lock('startup', A), 'operation-not-supported');
    refused(noStartup.unlock('startup', A), 'operation-not-supported');
    assert.deepEqual(noStartup.snapshot().map((d) => d.name), ['running', 'candidate']);
  });
});
