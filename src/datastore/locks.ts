// Global datastore locks (RFC 6241 §7.5 <lock>, §7.6 <unlock>).
//
// A lock is refused at once (never queued) with lock-denied and the holder's <session-id>
// (error-info) when (§7.5):
//   - any session holds it already — the asking session included;
//   - the target is candidate and it holds changes not yet committed or discarded. RFC 6241 says
//     "modified"; like Netopeer2 / sysrepo we refuse only for changes made by *other* sessions,
//     so a client may edit, then lock, then commit. The session-id reported is such a session's;
//   - the target is running and another session's confirmed commit is pending (§8.4).
// <unlock> by a session that does not hold the lock, or of a datastore nobody locked, is
// operation-failed. A session's locks all go when it ends (close-session, kill-session, drop).
// Releasing the candidate lock (unlock, or the session ending) while the candidate holds changes
// discards them: the changes were made under the lock and are abandoned with it. This follows the
// NETCONF working group's consensus that the agent discards candidate changes a session abandons,
// and Junos; the policy's discardCandidate does it.
//
// Writes to a datastore locked by another session (edit-config, copy-config, delete-config,
// commit, discard-changes) are refused with **in-use** (error-type protocol) carrying the holder's
// <session-id> in error-info. Appendix A defines lock-denied as "access to the requested lock is
// denied" — about acquiring a lock — and in-use as "the request requires a resource that already is
// in use", which is what a write to someone else's locked datastore is. Netopeer2 answers
// lock-denied there (sysrepo's SR_ERR_LOCKED); we keep its session-id error-info so that clients
// looking for it still find it.
import type { DatastoreError, DatastoreName, DatastoreResult } from './datastore-set.js';
import { failure, OK } from './datastore-set.js';

/** What the lock rules need to know about the rest of the agent. */
export interface LockPolicy {
  /** Sessions whose changes the candidate holds (DatastoreSet.candidateModifiedBy). */
  candidateModifiedBy(): ReadonlySet<number>;
  /** The session that issued a pending confirmed commit, if any. */
  confirmedCommitSession?(): number | undefined;
  /** Discards uncommitted candidate changes (DatastoreSet.discardChanges). */
  discardCandidate?(): void;
}

export interface LockHolder {
  datastore: DatastoreName;
  sessionId: number;
  lockedAt: Date;
}

/** ietf-netconf-monitoring /netconf-state/datastores/datastore, as plain data. */
export interface MonitoredDatastore {
  name: DatastoreName;
  /** locks/global-lock when locked. */
  globalLock?: { lockedBySession: number; lockedTime: string };
}

export interface LockManagerOptions {
  /** The datastores that exist (default: running, candidate, startup). */
  datastores?: readonly DatastoreName[];
  /** Clock for locked-time (default: new Date()). */
  now?: () => Date;
}

export class LockManager {
  private readonly held = new Map<DatastoreName, LockHolder>();
  private readonly datastores: readonly DatastoreName[];
  private readonly now: () => Date;

  constructor(private readonly policy: LockPolicy, options: LockManagerOptions = {}) {
    this.datastores = options.datastores ?? ['running', 'candidate', 'startup'];
    this.now = options.now ?? (() => new Date());
  }

  holder(datastore: DatastoreName): LockHolder | undefined {
    return this.held.get(datastore);
  }

  /** <lock>: granted now or refused now. */
  lock(datastore: DatastoreName, sessionId: number): DatastoreResult {
    const missing = this.unsupported(datastore);
    if (missing !== undefined) return failure(missing);
    const current = this.held.get(datastore);
    if (current !== undefined) {
      return failure(denied(current.sessionId, current.sessionId === sessionId
        ? `the ${datastore} datastore is already locked by this session`
        : `the ${datastore} datastore is locked by session ${current.sessionId}`));
    }
    if (datastore === 'candidate') {
      for (const other of this.policy.candidateModifiedBy()) {
        if (other !== sessionId) {
          return failure(denied(other, `the candidate datastore holds uncommitted changes of session ${other}; commit or discard-changes first`));
        }
      }
    }
    if (datastore === 'running') {
      const owner = this.policy.confirmedCommitSession?.();
      if (owner !== undefined && owner !== sessionId) {
        return failure(denied(owner, `a confirmed commit of session ${owner} is pending; the running datastore cannot be locked until it is confirmed or cancelled`));
      }
    }
    this.held.set(datastore, { datastore, sessionId, lockedAt: this.now() });
    return OK;
  }

  /** <unlock>: only by the holder. */
  unlock(datastore: DatastoreName, sessionId: number): DatastoreResult {
    const missing = this.unsupported(datastore);
    if (missing !== undefined) return failure(missing);
    const current = this.held.get(datastore);
    if (current === undefined) {
      return failure({ tag: 'operation-failed', type: 'protocol', message: `the ${datastore} datastore is not locked` });
    }
    if (current.sessionId !== sessionId) {
      return failure({ tag: 'operation-failed', type: 'protocol', sessionId: current.sessionId,
        message: `the ${datastore} datastore is locked by session ${current.sessionId}, not by this session` });
    }
    this.release(datastore);
    return OK;
  }

  /** Releases every lock of a session that ended; returns the datastores it held. */
  releaseSession(sessionId: number): DatastoreName[] {
    const released: DatastoreName[] = [];
    for (const [datastore, holder] of [...this.held]) {
      if (holder.sessionId !== sessionId) continue;
      this.release(datastore);
      released.push(datastore);
    }
    return released;
  }

  /** May `sessionId` write `datastore` now? undefined when yes, else the in-use error. */
  checkWrite(datastore: DatastoreName, sessionId: number): DatastoreError | undefined {
    const current = this.held.get(datastore);
    if (current === undefined || current.sessionId === sessionId) return undefined;
    return { tag: 'in-use', type: 'protocol', sessionId: current.sessionId,
      message: `the ${datastore} datastore is locked by session ${current.sessionId}` };
  }

  /** The lock state of every datastore, for ietf-netconf-monitoring. */
  snapshot(): MonitoredDatastore[] {
    return this.datastores.map((name) => {
      const h = this.held.get(name);
      return h === undefined ? { name } : { name, globalLock: { lockedBySession: h.sessionId, lockedTime: h.lockedAt.toISOString() } };
    });
  }

  private release(datastore: DatastoreName): void {
    this.held.delete(datastore);
    if (datastore === 'candidate' && this.policy.candidateModifiedBy().size > 0) this.policy.discardCandidate?.();
  }

  private unsupported(datastore: DatastoreName): DatastoreError | undefined {
    if (this.datastores.includes(datastore)) return undefined;
    return { tag: 'operation-not-supported', type: 'protocol', message: `the ${datastore} datastore is not supported` };
  }
}

function denied(sessionId: number, message: string): DatastoreError {
  return { tag: 'lock-denied', type: 'protocol', sessionId, message };
}
