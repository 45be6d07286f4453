// The executor: runs a plan through the descriptors, step by step (planner.ts). Inside a step, ops
// whose descriptors share a Batcher and a group run as one backend call (batch.ts, batch-steps.ts);
// the others run one at a time, in plan order. In `revert` mode the
// first failure stops the run and the operations already done are undone in reverse order
// (create → delete, delete → create with the old value, update → update back). In `best-effort`
// mode (event-driven and resync transactions) every operation is tried, except creates and updates
// whose dependencies failed in the same run, which are skipped; ops a batch did not run (it stopped
// at an earlier failing op) are run again as a new batch. Reverts always run one op at a time.
//
// Records stay one per op. A batched op's record names its batch (`batch`: a sequence number in
// this run, the group, and how many ops the backend call had) and its durationMs is the batch's
// duration divided by that size (the backend cannot tell what each line cost). onOp fires once
// per op, after its batch returned.

import type { Batcher, BatchOutcome } from './batch.js';
import { planSteps, stepUnits } from './batch-steps.js';
import type { DescriptorContext } from './descriptor.js';
import type { OpKind, PlanOp } from './planner.js';
import type { DescriptorRegistry } from './registry.js';

export type OpResult = 'ok' | 'failed' | 'skipped';

/** The backend call a batched op ran in. */
export interface OpBatch {
  /** Sequence number of the batch in this execution (1, 2, …; a re-run of the rest is a new batch). */
  readonly id: number;
  /** The batcher's name and the group (Linux: `linux-ip ip -n r1`). */
  readonly group: string;
  /** How many ops the batch had. */
  readonly size: number;
}

export interface OpRecord {
  /** Position of the op in the plan. */
  readonly index: number;
  readonly op: OpKind;
  readonly key: string;
  readonly result: OpResult;
  /** For a batched op: the batch's duration divided by its size. */
  readonly durationMs: number;
  readonly error?: string;
  /** Absent when the op ran alone. */
  readonly batch?: OpBatch;
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
  let batchCount = 0;

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

  /** Books an apply record; true when a `revert` run must stop. */
  const applied = (record: OpRecord, op: PlanOp): boolean => {
    records.push(record);
    if (record.result === 'ok') {
      done.push(record.index);
      return false;
    }
    failedKeys.add(op.key);
    failure ??= { key: op.key, op: op.op, message: record.error ?? 'failed' };
    return mode === 'revert';
  };

  /** Runs a batch unit (and, in best-effort mode, the ops it did not run); true when a `revert` run must stop. */
  const runBatch = async (batcher: Batcher, group: string, indices: readonly number[]): Promise<boolean> => {
    let pending = indices;
    let stop = false;
    while (pending.length > 0) {
      const id = ++batchCount;
      const start = now();
      let outcomes: readonly BatchOutcome[];
      try {
        outcomes = await batcher.run(ctx, pending.map((i) => ops[i]!));
      } catch (e) {
        outcomes = pending.map(() => ({ result: 'failed' as const, error: errorMessage(e) }));
      }
      const batch: OpBatch = { id, group: `${batcher.name} ${group}`, size: pending.length };
      const durationMs = (now() - start) / pending.length;
      const notRun: number[] = [];
      for (const [k, index] of pending.entries()) {
        const op = ops[index]!;
        const o = outcomes[k] ?? { result: 'not-run' };
        if (o.result === 'not-run') {
          notRun.push(index);
          continue;
        }
        const record: OpRecord = {
          index, op: op.op, key: op.key, result: o.result, durationMs, ...(o.result === 'failed' ? { error: o.error } : {}), batch,
        };
        await options.onOp?.(record, 'apply');
        stop = applied(record, op) || stop;
      }
      if (stop) return true;
      if (notRun.length === pending.length) {
        // A batcher that runs nothing would loop forever: count what is left as failed.
        for (const index of notRun) {
          const op = ops[index]!;
          const record: OpRecord = {
            index, op: op.op, key: op.key, result: 'failed', durationMs, error: `batch ${batcher.name} ${group} ran none of its operations`, batch,
          };
          await options.onOp?.(record, 'apply');
          if (applied(record, op)) return true;
        }
        return false;
      }
      pending = notRun;
    }
    return false;
  };

  run: for (const step of planSteps(ops)) {
    const runnable: number[] = [];
    for (const index of step) {
      const op = ops[index]!;
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
      runnable.push(index);
    }
    for (const unit of stepUnits(registry, ops, runnable)) {
      if (unit.type === 'single') {
        const op = ops[unit.index]!;
        if (applied(await timed(unit.index, op, 'apply'), op)) break run;
      } else if (await runBatch(unit.batcher, unit.group, unit.indices)) {
        break run;
      }
    }
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
