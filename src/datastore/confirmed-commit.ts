// Confirmed commit (RFC 6241 §8.4, :confirmed-commit:1.1) as a state machine over an injected
// clock and timer; the commits themselves go through the commit pipeline (commit.ts).
//
// - <commit><confirmed/> with nothing pending starts one: before anything is applied, the running
//   configuration it replaces is persisted as the revert point (with the deadline, the issuing
//   session and the persist token), so that a restart — even after kill -9 — reverts (§8.4: "If
//   the device reboots for any reason before the confirm timeout expires, the server MUST restore
//   the configuration to its state before the confirmed commit was issued").
// - confirm-timeout defaults to 600 s. A follow-up confirmed commit resets the timer to its own
//   timeout and may carry more changes; the revert point stays the one before the first
//   confirmed commit. A follow-up may give <persist> to set (or change) the token; without it a
//   persistent commit keeps its token.
// - The confirming commit is a <commit> without <confirmed/>; it ends the pending state.
// - Who may follow up, confirm or cancel: without <persist>, only the issuing session, and a
//   <persist-id> is an error; with <persist>, any session giving <persist-id> equal to the token.
// - <cancel-commit> reverts now. Without <persist>, the end of the issuing session reverts too;
//   with it, the pending commit survives sessions. The timer expiring reverts.
// Errors (ietf-netconf and Netopeer2): a persist-id that does not match, is missing for a
// persistent commit, or is given when nothing persistent is pending → invalid-value (bad-element
// persist-id); another session touching a non-persistent pending commit → operation-failed;
// cancel-commit with nothing pending → operation-failed.
// A revert is a commit of the saved configuration (by the server, or by the cancelling session),
// without validation — it was valid when it was running. If it fails, the pending state is kept
// (on disk too) and retried, so the configuration is never silently left unconfirmed.
import type { CommitOutcome, CommitRequest } from './commit.js';
import type { CommitAuthor } from './commit-history.js';
import type { DataTree } from './data-tree.js';
import type { DatastoreError, DatastoreResult, SessionRef } from './datastore-set.js';
import { failure, OK } from './datastore-set.js';
import type { StoredConfirmedCommit } from './persistence.js';

export const DEFAULT_CONFIRM_TIMEOUT_SECONDS = 600;
/** Retry delay of a revert that failed (timeout, session end, restart). */
export const REVERT_RETRY_MS = 30_000;
/** setTimeout's limit; longer timeouts are armed in steps. */
const MAX_TIMER_MS = 0x7fffffff;
/** A timer may fire a little before the wall clock reaches the deadline. */
const EARLY_FIRE_MS = 50;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The <commit> parameters of :confirmed-commit:1.1. */
export interface ConfirmedCommitParams {
  confirmed?: boolean;
  /** Seconds, ≥ 1 (default 600). */
  confirmTimeout?: number;
  persist?: string;
  persistId?: string;
}

export interface PendingConfirmedCommit {
  /** The session that issued the (latest) confirmed commit. */
  sessionId: number;
  user: string;
  /** The persist token; undefined: bound to the session. */
  persist?: string;
  timeoutSeconds: number;
  startedAt: Date;
  deadline: Date;
  /** The configuration to revert to. */
  rollback: DataTree;
}

export type RevertReason = 'timeout' | 'cancel' | 'session-end' | 'restart';

/** For the RFC 6470 netconf-confirmed-commit notification. */
export interface ConfirmedCommitEvent {
  event: 'start' | 'extend' | 'complete' | 'cancel' | 'timeout';
  /** The session that caused it (absent for a timeout or a revert after restart / session end). */
  session?: SessionRef;
  /** start, extend: the timeout in seconds. */
  timeout?: number;
  /** Why a revert happened (cancel and timeout events). */
  reason?: RevertReason;
}

/** Keeps the pending state on disk (Persistence). */
export interface ConfirmedCommitStore {
  saveConfirmedCommit(pending: StoredConfirmedCommit, rollback: DataTree): Promise<void>;
  clearConfirmedCommit(): Promise<void>;
}

export interface ConfirmedCommitOptions {
  store: ConfirmedCommitStore;
  /** Commits the candidate (CommitPipeline.commit). */
  commit: (request: CommitRequest) => Promise<CommitOutcome>;
  /** Makes a tree running (CommitPipeline.commitTree). */
  commitTree: (tree: DataTree, request: CommitRequest) => Promise<CommitOutcome>;
  timers?: Timers;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  onEvent?: (event: ConfirmedCommitEvent) => void;
  onError?: (message: string, err?: unknown) => void;
}

function toStored(p: PendingConfirmedCommit): StoredConfirmedCommit {
  const s: StoredConfirmedCommit = {
    sessionId: p.sessionId, user: p.user, timeoutSeconds: p.timeoutSeconds,
    startedAt: p.startedAt.toISOString(), deadline: p.deadline.toISOString(),
  };
  if (p.persist !== undefined) s.persist = p.persist;
  return s;
}

function invalidPersistId(message: string): DatastoreError {
  return { tag: 'invalid-value', type: 'protocol', badElement: 'persist-id', message };
}

export class ConfirmedCommit {
  private state: PendingConfirmedCommit | undefined;
  private timer: unknown;
  private generation = 0;
  /** A revert that must happen (it failed once and is retried). */
  private retry: RevertReason | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly options: ConfirmedCommitOptions) {
    this.timers = options.timers ?? systemTimers;
    this.now = options.now ?? Date.now;
  }

  get pending(): Readonly<PendingConfirmedCommit> | undefined {
    return this.state;
  }

  /** The session of the pending confirmed commit (for the running-lock rule of §7.5). */
  owner(): number | undefined {
    return this.state?.sessionId;
  }

  /** <commit> with its :confirmed-commit parameters, on behalf of `session`. */
  commit(params: ConfirmedCommitParams, session: SessionRef, extra: { comment?: string; sourceHost?: string } = {}): Promise<CommitOutcome> {
    return this.enqueue(async () => {
      const by: CommitAuthor = extra.sourceHost === undefined
        ? { user: session.user, sessionId: session.sessionId }
        : { user: session.user, sessionId: session.sessionId, sourceHost: extra.sourceHost };
      const base: CommitRequest = { by, operation: 'commit', ...(extra.comment !== undefined ? { comment: extra.comment } : {}) };
      const timeout = params.confirmTimeout ?? DEFAULT_CONFIRM_TIMEOUT_SECONDS;
      if (params.confirmed === true && (!Number.isSafeInteger(timeout) || timeout < 1)) {
        return failure({ tag: 'invalid-value', type: 'protocol', badElement: 'confirm-timeout', message: `confirm-timeout must be a whole number of seconds ≥ 1, not ${timeout}` });
      }
      const p = this.state;
      if (p === undefined) {
        if (params.persistId !== undefined) return failure(invalidPersistId(`no confirmed commit is pending, so persist-id ${JSON.stringify(params.persistId)} matches nothing`));
        if (params.confirmed !== true) return this.options.commit(base);
        return this.start(params, session, timeout, base);
      }
      const refused = this.authorize(p, params.persistId, session, 'confirm or extend');
      if (refused !== undefined) return failure(refused);
      if (params.confirmed === true) return this.extend(p, params, session, timeout, base);
      // The confirming commit.
      const outcome = await this.options.commit(base);
      if (!outcome.ok) return outcome;
      this.finish();
      await this.clearStored();
      this.options.onEvent?.({ event: 'complete', session });
      return outcome;
    });
  }

  /** <cancel-commit>: reverts the pending confirmed commit now. */
  cancel(persistId: string | undefined, session: SessionRef): Promise<DatastoreResult> {
    return this.enqueue(async () => {
      const p = this.state;
      if (p === undefined) return failure({ tag: 'operation-failed', type: 'protocol', message: 'no confirmed commit is pending' });
      const refused = this.authorize(p, persistId, session, 'cancel');
      if (refused !== undefined) return failure(refused);
      const outcome = await this.revert('cancel', { user: session.user, sessionId: session.sessionId });
      if (!outcome.ok) return outcome;
      this.options.onEvent?.({ event: 'cancel', session, reason: 'cancel' });
      return OK;
    });
  }

  /** A session ended: its non-persistent pending confirmed commit reverts. */
  sessionEnded(sessionId: number): Promise<void> {
    return this.enqueue(async () => {
      const p = this.state;
      if (p === undefined || p.persist !== undefined || p.sessionId !== sessionId) return;
      const outcome = await this.revert('session-end', { server: true });
      if (outcome.ok) this.options.onEvent?.({ event: 'cancel', reason: 'session-end' });
    });
  }

  /**
   * At start-up, with the state a previous run left on disk: a pending confirmed commit means the
   * agent stopped before it was confirmed, so the configuration reverts now.
   */
  restore(stored: { pending: StoredConfirmedCommit; rollback: DataTree } | undefined): Promise<void> {
    return this.enqueue(async () => {
      if (stored === undefined) return;
      const s = stored.pending;
      const state: PendingConfirmedCommit = {
        sessionId: s.sessionId, user: s.user, timeoutSeconds: s.timeoutSeconds,
        startedAt: new Date(s.startedAt), deadline: new Date(s.deadline), rollback: stored.rollback,
      };
      if (s.persist !== undefined) state.persist = s.persist;
      this.state = state;
      const outcome = await this.revert('restart', { server: true });
      if (outcome.ok) this.options.onEvent?.({ event: 'cancel', reason: 'restart' });
    });
  }

  /** Stops the timer (agent shutdown); the state on disk stays, so a restart reverts. */
  dispose(): void {
    this.disarm();
  }

  /** Resolves when queued operations have finished. */
  async idle(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  // ---- transitions ----

  private async start(params: ConfirmedCommitParams, session: SessionRef, timeout: number, base: CommitRequest): Promise<CommitOutcome> {
    let started: PendingConfirmedCommit | undefined;
    const outcome = await this.options.commit({
      ...base,
      confirmed: true,
      beforeApply: async (before) => {
        const now = this.now();
        const s: PendingConfirmedCommit = {
          sessionId: session.sessionId, user: session.user, timeoutSeconds: timeout,
          startedAt: new Date(now), deadline: new Date(now + timeout * 1000), rollback: before,
        };
        if (params.persist !== undefined) s.persist = params.persist;
        await this.options.store.saveConfirmedCommit(toStored(s), before);
        started = s;
      },
    });
    if (!outcome.ok) {
      if (started !== undefined) await this.clearStored();
      return outcome;
    }
    if (started === undefined) throw new Error('confirmed commit: the pipeline did not run beforeApply');
    this.state = started;
    this.arm();
    this.options.onEvent?.({ event: 'start', session, timeout });
    return outcome;
  }

  private async extend(p: PendingConfirmedCommit, params: ConfirmedCommitParams, session: SessionRef, timeout: number,
    base: CommitRequest): Promise<CommitOutcome> {
    const outcome = await this.options.commit({ ...base, confirmed: true });
    if (!outcome.ok) return outcome;
    const now = this.now();
    p.sessionId = session.sessionId;
    p.user = session.user;
    p.timeoutSeconds = timeout;
    p.deadline = new Date(now + timeout * 1000);
    if (params.persist !== undefined) p.persist = params.persist;
    this.arm();
    try {
      await this.options.store.saveConfirmedCommit(toStored(p), p.rollback);
    } catch (err) {
      // The stored state still reverts to the same point on a restart; only its deadline is stale.
      this.options.onError?.('confirmed commit: the extended deadline could not be saved', err);
    }
    this.options.onEvent?.({ event: 'extend', session, timeout });
    return outcome;
  }

  /** Commits the revert point; on success the pending state is gone, on failure a retry is armed. */
  private async revert(reason: RevertReason, by: CommitAuthor): Promise<CommitOutcome> {
    const p = this.state;
    if (p === undefined) throw new Error('confirmed commit: nothing to revert');
    this.disarm();
    const outcome = await this.options.commitTree(p.rollback, {
      by, operation: 'confirmed-commit-revert', comment: `confirmed commit reverted (${reason})`, validate: false,
    });
    if (!outcome.ok) {
      this.options.onError?.(`confirmed commit: the revert (${reason}) failed: ${outcome.errors[0].message}`);
      if (reason === 'cancel') {
        this.arm(); // the client got the error; the deadline still stands
      } else {
        this.retry = reason;
        this.arm(REVERT_RETRY_MS);
      }
      return outcome;
    }
    this.finish();
    await this.clearStored();
    return outcome;
  }

  private async expire(generation: number): Promise<void> {
    const p = this.state;
    if (generation !== this.generation || p === undefined) return;
    const due = this.retry ?? (p.deadline.getTime() - this.now() <= EARLY_FIRE_MS ? 'timeout' : undefined);
    if (due === undefined) {
      this.arm(); // a timeout longer than one timer can wait, armed in steps
      return;
    }
    const outcome = await this.revert(due, { server: true });
    if (!outcome.ok) return;
    if (due === 'timeout') this.options.onEvent?.({ event: 'timeout', reason: 'timeout' });
    else this.options.onEvent?.({ event: 'cancel', reason: due });
  }

  private authorize(p: PendingConfirmedCommit, persistId: string | undefined, session: SessionRef, what: string): DatastoreError | undefined {
    if (p.persist !== undefined) {
      if (persistId === undefined) return invalidPersistId(`a persistent confirmed commit is pending: give its persist-id to ${what} it`);
      if (persistId !== p.persist) return invalidPersistId(`persist-id ${JSON.stringify(persistId)} does not match the pending confirmed commit`);
      return undefined;
    }
    if (persistId !== undefined) return invalidPersistId('the pending confirmed commit was not given persist, so persist-id does not apply');
    if (session.sessionId !== p.sessionId) {
      return { tag: 'operation-failed', type: 'protocol', sessionId: p.sessionId,
        message: `a confirmed commit of session ${p.sessionId} is pending; only that session can ${what} it` };
    }
    return undefined;
  }

  // ---- timer and state ----

  /** (Re)arms the timer for the deadline, or for `delayMs` from now. */
  private arm(delayMs?: number): void {
    this.disarm();
    const p = this.state;
    if (p === undefined) return;
    const generation = ++this.generation;
    const ms = delayMs ?? Math.max(0, p.deadline.getTime() - this.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.expire(generation)).catch((err: unknown) => this.options.onError?.('confirmed commit: timeout handling failed', err));
    }, Math.min(ms, MAX_TIMER_MS));
  }

  private disarm(): void {
    this.generation++;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private finish(): void {
    this.disarm();
    this.state = undefined;
    this.retry = undefined;
  }

  private async clearStored(): Promise<void> {
    try {
      await this.options.store.clearConfirmedCommit();
    } catch (err) {
      this.options.onError?.('confirmed commit: the pending state could not be removed from disk', err);
    }
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
