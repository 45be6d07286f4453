// The transaction log: JSON lines written through an injected sink (a function that appends one
// line). The plan is written before anything runs, then every operation with its duration and
// result (and every revert), then the outcome. A crash leaves the intent on disk; the reader
// tells, for each transaction, what was intended and what completed.

import type { ExecutionResult, OpFailure, OpRecord, OpResult } from './executor.js';
import type { OpKind, Plan, PlanOp } from './planner.js';

/** Appends one line (without its newline). May be async (a file append with fsync). */
export type LogSink = (line: string) => void | Promise<void>;

export type TransactionOrigin = 'commit' | 'event' | 'resync';

export interface PlanLine {
  readonly type: 'plan';
  readonly txn: string;
  readonly time: string;
  readonly origin: TransactionOrigin;
  readonly plan: Plan;
}

export interface OpLine {
  readonly type: 'op';
  readonly txn: string;
  readonly phase: 'apply' | 'revert';
  readonly index: number;
  readonly op: OpKind;
  readonly key: string;
  readonly result: OpResult;
  readonly durationMs: number;
  readonly error?: string;
}

export interface OutcomeLine {
  readonly type: 'outcome';
  readonly txn: string;
  readonly time: string;
  readonly ok: boolean;
  readonly failure?: OpFailure;
  readonly revertFailures: readonly OpFailure[];
}

export type LogLine = PlanLine | OpLine | OutcomeLine;

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

  private async write(line: LogLine): Promise<void> {
    await this.sink(JSON.stringify(line));
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
}

function parseLine(text: string): LogLine | undefined {
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
  return undefined;
}

/** Reads log lines (empty lines ignored) into transactions, in the order their plans appear. */
export function readTransactionLog(lines: Iterable<string>): TransactionLogReport {
  const byId = new Map<string, Building>();
  const order: Building[] = [];
  const malformed: number[] = [];
  let n = 0;
  for (const raw of lines) {
    n++;
    const text = raw.trim();
    if (text === '') continue;
    const line = parseLine(text);
    if (!line) {
      malformed.push(n);
      continue;
    }
    if (line.type === 'plan') {
      const b: Building = { id: line.txn, origin: line.origin, time: line.time, plan: line.plan, applied: [], reverted: [] };
      byId.set(line.txn, b);
      order.push(b);
      continue;
    }
    const b = byId.get(line.txn);
    if (!b) {
      malformed.push(n);
      continue;
    }
    if (line.type === 'op') (line.phase === 'revert' ? b.reverted : b.applied).push(line);
    else b.outcome = line;
  }
  return { transactions: order.map(finish), malformedLines: malformed };
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
    completed,
    notAttempted,
  };
}

/** The transactions that never wrote their outcome (normally at most the last one). */
export function interruptedTransactions(report: TransactionLogReport): LoggedTransaction[] {
  return report.transactions.filter((t) => t.interrupted);
}
