// The transaction log: JSON lines written through an injected sink (a function that appends one
// line). The plan is written before anything runs, then every operation with its duration and
// result (and every revert), then the outcome. A crash leaves the intent on disk; the reader
// tells, for each transaction, what was intended and what completed. A transaction a crash
// interrupted (plan, no outcome) is settled by the next start-up: once its resync has repaired
// the backend, a `recovered` line says so, and later starts no longer treat it as interrupted.
// Files, fsync and rotation: transaction-log-file.ts.

import type { ExecutionResult, OpFailure, OpRecord } from './executor.js';
import type { Plan, PlanOp } from './planner.js';

/** What a sink may want to know about a line without parsing it (when to fsync, when to rotate). */
export interface LineInfo {
  readonly type: LogLine['type'];
  readonly txn: string;
}

/** Appends one line (without its newline). May be async (a file append with fsync). */
export type LogSink = (line: string, info: LineInfo) => void | Promise<void>;

export type TransactionOrigin = 'commit' | 'event' | 'resync';

export interface PlanLine {
  readonly type: 'plan';
  readonly txn: string;
  readonly time: string;
  readonly origin: TransactionOrigin;
  readonly plan: Plan;
}

/** An executor record (OpRecord: index, op, key, result, duration, batch, error) as a log line. */
export interface OpLine extends OpRecord {
  readonly type: 'op';
  readonly txn: string;
  readonly phase: 'apply' | 'revert';
}

export interface OutcomeLine {
  readonly type: 'outcome';
  readonly txn: string;
  readonly time: string;
  readonly ok: boolean;
  readonly failure?: OpFailure;
  readonly revertFailures: readonly OpFailure[];
}

/** A transaction a crash interrupted, settled by a later start-up's resync. */
export interface RecoveredLine {
  readonly type: 'recovered';
  /** The interrupted transaction. */
  readonly txn: string;
  readonly time: string;
  /** The resync transaction that repaired what it left behind (absent when it had nothing to do). */
  readonly by?: string;
}

export type LogLine = PlanLine | OpLine | OutcomeLine | RecoveredLine;

export class TransactionLogWriter {
  constructor(
    private readonly sink: LogSink,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async plan(txn: string, origin: TransactionOrigin, plan: Plan): Promise<void> {
    await this.write({ type: 'plan', txn, time: this.clock().toISOString(), origin, plan });
  }

  async op(txn: string, record: OpRecord, phase: 'apply' | 'revert'): Promise<void> {
    await this.write({ type: 'op', txn, phase, ...record });
  }

  async outcome(txn: string, result: Pick<ExecutionResult, 'ok' | 'failure' | 'revertFailures'>): Promise<void> {
    await this.write({
      type: 'outcome',
      txn,
      time: this.clock().toISOString(),
      ok: result.ok,
      ...(result.failure ? { failure: result.failure } : {}),
      revertFailures: result.revertFailures,
    });
  }

  /** Marks an interrupted transaction as settled (after the start-up resync repaired it). */
  async recovered(txn: string, by?: string): Promise<void> {
    await this.write({ type: 'recovered', txn, time: this.clock().toISOString(), ...(by === undefined ? {} : { by }) });
  }

  private async write(line: LogLine): Promise<void> {
    await this.sink(JSON.stringify(line), { type: line.type, txn: line.txn });
  }
}

/** One transaction as read back from the log. */
export interface LoggedTransaction {
  readonly id: string;
  readonly origin: TransactionOrigin;
  readonly time: string;
  readonly plan: Plan;
  /** Apply-phase records, in order. */
  readonly applied: readonly OpLine[];
  /** Revert-phase records, in order. */
  readonly reverted: readonly OpLine[];
  readonly outcome?: OutcomeLine;
  /** No outcome line: the process stopped in the middle. */
  readonly interrupted: boolean;
  /** An interrupted transaction that a later start-up settled. */
  readonly recovered?: RecoveredLine;
  /** Plan ops whose effect is in the backend: applied with success and not successfully reverted. */
  readonly completed: readonly PlanOp[];
  /** Plan ops never attempted (or attempted without a recorded result). */
  readonly notAttempted: readonly PlanOp[];
}

export interface TransactionLogReport {
  readonly transactions: readonly LoggedTransaction[];
  /** 1-based numbers of lines that are not valid log lines (a torn last write after a crash). */
  readonly malformedLines: readonly number[];
}

interface Building {
  id: string;
  origin: TransactionOrigin;
  time: string;
  plan: Plan;
  applied: OpLine[];
  reverted: OpLine[];
  outcome?: OutcomeLine;
  recovered?: RecoveredLine;
}

/** One log line, or undefined when it is not one (a torn write, garbage). */
export function parseLogLine(text: string): LogLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.txn !== 'string') return undefined;
  if (o.type === 'plan' && o.plan !== null && typeof o.plan === 'object') return o as unknown as PlanLine;
  if (o.type === 'op' && typeof o.index === 'number' && typeof o.key === 'string') return o as unknown as OpLine;
  if (o.type === 'outcome' && typeof o.ok === 'boolean') return o as unknown as OutcomeLine;
  if (o.type === 'recovered') return o as unknown as RecoveredLine;
  return undefined;
}

export interface TransactionLogReaderOptions {
  /**
   * Forget a transaction as soon as it is finished (outcome or recovered line): start-up only
   * needs the unfinished ones, and a log of big plans would not fit in memory otherwise.
   */
  readonly onlyUnfinished?: boolean;
}

/** Reads log lines one at a time (a file streamed line by line); report() gives the result so far. */
export class TransactionLogReader {
  private readonly byId = new Map<string, Building>();
  private readonly malformed: number[] = [];
  private n = 0;

  constructor(private readonly options: TransactionLogReaderOptions = {}) {}

  /**
   * One line (empty lines ignored); lines are numbered from 1 across every call. Returns the
   * parsed line (undefined for an empty or malformed one) for callers that read more from it.
   */
  add(raw: string): LogLine | undefined {
    const n = ++this.n;
    const text = raw.trim();
    if (text === '') return undefined;
    const line = parseLogLine(text);
    if (!line) {
      this.malformed.push(n);
      return undefined;
    }
    if (line.type === 'plan') {
      // A re-used id starts over (ids are unique in practice); Map order follows the plans.
      this.byId.delete(line.txn);
      this.byId.set(line.txn, { id: line.txn, origin: line.origin, time: line.time, plan: line.plan, applied: [], reverted: [] });
      return line;
    }
    const b = this.byId.get(line.txn);
    if (!b) {
      // A settled transaction whose plan is in a file rotated away is no news.
      if (line.type !== 'recovered' && !this.options.onlyUnfinished) this.malformed.push(n);
      return line;
    }
    if (line.type === 'op') (line.phase === 'revert' ? b.reverted : b.applied).push(line);
    else if (line.type === 'outcome') b.outcome = line;
    else b.recovered = line;
    if (this.options.onlyUnfinished && line.type !== 'op') this.byId.delete(line.txn);
    return line;
  }

  report(): TransactionLogReport {
    return { transactions: [...this.byId.values()].map(finish), malformedLines: [...this.malformed] };
  }
}

/** Reads log lines (empty lines ignored) into transactions, in the order their plans appear. */
export function readTransactionLog(lines: Iterable<string>): TransactionLogReport {
  const reader = new TransactionLogReader();
  for (const line of lines) reader.add(line);
  return reader.report();
}

function finish(b: Building): LoggedTransaction {
  const ops = b.plan.ops;
  const attempted = new Set(b.applied.map((l) => l.index));
  const revertedOk = new Set(b.reverted.filter((l) => l.result === 'ok').map((l) => l.index));
  const completed = b.applied
    .filter((l) => l.result === 'ok' && !revertedOk.has(l.index))
    .map((l) => ops[l.index])
    .filter((op): op is PlanOp => op !== undefined);
  const notAttempted = ops.filter((_, i) => !attempted.has(i));
  return {
    id: b.id,
    origin: b.origin,
    time: b.time,
    plan: b.plan,
    applied: b.applied,
    reverted: b.reverted,
    ...(b.outcome ? { outcome: b.outcome } : {}),
    interrupted: b.outcome === undefined,
    ...(b.recovered ? { recovered: b.recovered } : {}),
    completed,
    notAttempted,
  };
}

/** The transactions that never wrote their outcome and were not settled since (normally at most the last one). */
export function interruptedTransactions(report: TransactionLogReport): LoggedTransaction[] {
  return report.transactions.filter((t) => t.interrupted && t.recovered === undefined);
}
