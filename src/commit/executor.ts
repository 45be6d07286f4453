// The executor: runs a plan through the descriptors one operation at a time. In `revert` mode the
// first failure stops the run and the operations already done are undone in reverse order
// (create → delete, delete → create with the old value, update → update back). In `best-effort`
// mode (event-driven and resync transactions) every operation is tried, except creates and updates
// whose dependencies failed in the same run, which are skipped.

import type { DescriptorContext } from './descriptor.js';
import type { OpKind, PlanOp } from './planner.js';
import type { DescriptorRegistry } from './registry.js';

export type OpResult = 'ok' | 'failed' | 'skipped';

export interface OpRecord {
  /** Position of the op in the plan. */
  readonly index: number;
  readonly op: OpKind;
  readonly key: string;
  readonly result: OpResult;
  readonly durationMs: number;
  readonly error?: string;
}

export interface OpFailure {
  readonly key: string;
  readonly op: OpKind;
  readonly message: string;
}

export interface ExecutionResult {
  readonly ok: boolean;
  /** Every op that was attempted or skipped, in execution order. */
  readonly ops: readonly OpRecord[];
  /** The failure that stopped a `revert` run (or the first failure of a best-effort run). */
  readonly failure?: OpFailure;
  /** Reverts done after the failure, in execution order (op is the reverting operation). */
  readonly reverts: readonly OpRecord[];
  readonly revertFailures: readonly OpFailure[];
}

export type ExecutionMode = 'revert' | 'best-effort';

export interface ExecutorOptions {
  readonly registry: DescriptorRegistry;
  readonly ctx: DescriptorContext;
  readonly mode?: ExecutionMode;
  /** Monotonic milliseconds; performance.now by default. */
  readonly now?: () => number;
  /** Called after every op and every revert (for the transaction log). */
  readonly onOp?: (record: OpRecord, phase: 'apply' | 'revert') => void | Promise<void>;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

async function runOp(registry: DescriptorRegistry, ctx: DescriptorContext, op: PlanOp): Promise<void> {
  const d = registry.forKey(op.key);
  switch (op.op) {
    case 'create':
      return d.create(ctx, op.item);
    case 'delete':
      return d.delete(ctx, op.item);
    case 'update':
      if (!d.update || !op.previous) throw new Error(`descriptor ${d.kind} cannot update ${op.key}`);
      return d.update(ctx, op.previous, op.item);
  }
}

/** The operation that undoes `op`. */
export function inverseOp(op: PlanOp): PlanOp {
  switch (op.op) {
    case 'create':
      return { ...op, op: 'delete' };
    case 'delete':
      return { ...op, op: 'create' };
    case 'update':
      return { ...op, item: op.previous ?? op.item, previous: op.item };
  }
}

export async function executePlan(ops: readonly PlanOp[], options: ExecutorOptions): Promise<ExecutionResult> {
  const { registry, ctx } = options;
  const mode = options.mode ?? 'revert';
  const now = options.now ?? (() => performance.now());
  const records: OpRecord[] = [];
  const done: number[] = [];
  const failedKeys = new Set<string>();
  let failure: OpFailure | undefined;

  const timed = async (index: number, op: PlanOp, phase: 'apply' | 'revert'): Promise<OpRecord> => {
    const start = now();
    let record: OpRecord;
    try {
      await runOp(registry, ctx, op);
      record = { index, op: op.op, key: op.key, result: 'ok', durationMs: now() - start };
    } catch (e) {
      record = { index, op: op.op, key: op.key, result: 'failed', durationMs: now() - start, error: errorMessage(e) };
    }
    await options.onOp?.(record, phase);
    return record;
  };

  for (const [index, op] of ops.entries()) {
    if (mode === 'best-effort' && op.op !== 'delete' && op.dependencies.some((d) => failedKeys.has(d))) {
      failedKeys.add(op.key);
      const blocker = op.dependencies.find((d) => failedKeys.has(d)) ?? '';
      const record: OpRecord = {
        index, op: op.op, key: op.key, result: 'skipped', durationMs: 0, error: `dependency ${blocker} failed`,
      };
      records.push(record);
      await options.onOp?.(record, 'apply');
      continue;
    }
    const record = await timed(index, op, 'apply');
    records.push(record);
    if (record.result === 'ok') {
      done.push(index);
      continue;
    }
    failedKeys.add(op.key);
    failure ??= { key: op.key, op: op.op, message: record.error ?? 'failed' };
    if (mode === 'revert') break;
  }

  if (failure === undefined || mode === 'best-effort') {
    return { ok: failure === undefined, ops: records, ...(failure ? { failure } : {}), reverts: [], revertFailures: [] };
  }

  const reverts: OpRecord[] = [];
  const revertFailures: OpFailure[] = [];
  for (let i = done.length - 1; i >= 0; i--) {
    const index = done[i]!;
    const inverse = inverseOp(ops[index]!);
    const record = await timed(index, inverse, 'revert');
    reverts.push(record);
    if (record.result !== 'ok') {
      revertFailures.push({ key: inverse.key, op: inverse.op, message: record.error ?? 'failed' });
    }
  }
  return { ok: false, ops: records, failure, reverts, revertFailures };
}
