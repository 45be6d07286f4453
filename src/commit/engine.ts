// The transaction engine: one transaction at a time (a queue), the applied state, item states,
// recent transactions, and the entry points: commit, dry-run, external key events, resync.
// Backends are reached only through the descriptors in the registry; the log through its sink.

import { MapMetadata, type DescriptorContext, type RetrievedItem } from './descriptor.js';
import { errorMessage, executePlan, type ExecutionMode, type ExecutionResult, type OpFailure, type OpRecord } from './executor.js';
import { CycleError, expandItems, type GraphNode } from './graph.js';
import { backendOfKey, type Item } from './item.js';
import { statesAfterRevert, statesAfterTransaction, type ItemStatus } from './item-states.js';
import { planTransaction, type AppliedItem, type OpKind, type Plan, type PlanResult } from './planner.js';
import type { DescriptorRegistry } from './registry.js';
import type { TransactionLogWriter, TransactionOrigin } from './transaction-log.js';

export interface EngineError {
  /** `plan` for errors found before anything ran (cycle, duplicate key, unknown kind, log). */
  readonly op: OpKind | 'plan';
  /** The item behind the error, when there is one. */
  readonly key?: string;
  /** For a cycle: the keys on it. */
  readonly keys?: readonly string[];
  /** The backend's own message (or the planner's). */
  readonly message: string;
  readonly revertFailures: readonly OpFailure[];
}

export interface TransactionOutcome {
  readonly ok: boolean;
  /** Undefined when nothing had to be done (an event that changed no plan). */
  readonly transactionId?: string;
  readonly plan?: Plan;
  readonly execution?: ExecutionResult;
  readonly error?: EngineError;
}

export type DryRunResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly error: EngineError };

export interface TransactionSummary {
  readonly id: string;
  readonly origin: TransactionOrigin;
  readonly startedAt: string;
  readonly ok: boolean;
  readonly plan: Plan;
  readonly ops: readonly OpRecord[];
  readonly reverts: readonly OpRecord[];
  readonly error?: EngineError;
  /** Transaction-log writes that failed (the transaction itself went on). */
  readonly logErrors: readonly string[];
}

export interface OperationalSnapshot {
  readonly items: readonly ItemStatus[];
  readonly lastTransaction?: string;
  readonly lastError?: EngineError;
  /** Oldest first. */
  readonly transactions: readonly TransactionSummary[];
}

export interface ResyncOptions {
  /** Replace the desired configuration first (start-up: running as loaded from disk). */
  readonly desired?: readonly Item[];
  /** Keys known to be vrouterd's even if the backend cannot tell (from the transaction log). */
  readonly ownKeys?: Iterable<string>;
}

export interface EngineOptions {
  readonly registry: DescriptorRegistry;
  readonly log?: TransactionLogWriter;
  /** Monotonic milliseconds for op durations. */
  readonly now?: () => number;
  /** Wall clock for transaction start times. */
  readonly clock?: () => Date;
  readonly newTransactionId?: () => string;
  /** How many recent transactions the snapshot keeps (default 10). */
  readonly historySize?: number;
}

export class TransactionEngine {
  private readonly registry: DescriptorRegistry;
  private readonly metadata = new MapMetadata();
  private readonly applied = new Map<string, AppliedItem>();
  private readonly external = new Set<string>();
  private desired: readonly Item[] = [];
  private states = new Map<string, ItemStatus>();
  private readonly history: TransactionSummary[] = [];
  private lastError: EngineError | undefined;
  private lastTransaction: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private counter = 0;
  private readonly newId: () => string;

  constructor(private readonly options: EngineOptions) {
    this.registry = options.registry;
    this.newId = options.newTransactionId ?? (() => `${Date.now().toString(36)}-${++this.counter}`);
  }

  /** Applies the desired items as one transaction; on failure everything done is reverted. */
  commit(desired: readonly Item[]): Promise<TransactionOutcome> {
    return this.enqueue(() => this.run('commit', desired, 'revert'));
  }

  /** The plan `commit(desired)` would execute now, without executing it. */
  dryRun(desired: readonly Item[]): Promise<DryRunResult> {
    return this.enqueue(() => {
      const r = this.plan(desired);
      return Promise.resolve('error' in r ? { ok: false as const, error: r.error } : { ok: true as const, plan: r.plan });
    });
  }

  /** A key is now present in a backend without vrouterd (an interface created by someone else). */
  keyAppeared(key: string): Promise<TransactionOutcome> {
    return this.enqueue(async () => {
      if (this.applied.has(key) || this.external.has(key)) return { ok: true };
      this.external.add(key);
      const waiting = [...this.states.values()].some((s) => s.state === 'pending' && s.waitingFor.includes(key));
      if (!waiting) return { ok: true };
      return this.run('event', this.desired, 'best-effort');
    });
  }

  /**
   * A key is no longer present in its backend: either the caller has checked that it is gone
   * now, or it passes `stillGone`, which runs in the engine's queue just before acting.
   * Dependents are removed and become pending; an object vrouterd had
   * created and still desires is re-created (drift repair).
   */
  keyDisappeared(key: string, stillGone?: () => Promise<boolean>): Promise<TransactionOutcome> {
    return this.enqueue(async () => {
      // Checked in the queue: an event about an object re-created since must change nothing.
      if (stillGone !== undefined && !(await stillGone())) return { ok: true };
      const wasExternal = this.external.delete(key);
      const wasApplied = this.applied.delete(key);
      if (wasApplied) this.metadata.delete(key);
      if (!wasExternal && !wasApplied) return { ok: true };
      return this.run('event', this.desired, 'best-effort');
    });
  }

  /** Reads every backend through the descriptors' retrieve, grouped by backend. */
  retrieve(backends?: readonly string[]): Promise<Map<string, RetrievedItem[]>> {
    return this.enqueue(async () => {
      const out = new Map<string, RetrievedItem[]>();
      for (const b of backends ?? []) out.set(b, []);
      const ctx = this.context('retrieve');
      for (const d of this.registry.all()) {
        if (!d.retrieve) continue;
        for (const r of await d.retrieve(ctx)) {
          if (backends && !backends.includes(r.item.backend)) continue;
          const list = out.get(r.item.backend);
          if (list) list.push(r);
          else out.set(r.item.backend, [r]);
        }
      }
      return out;
    });
  }

  /**
   * Compares what the backends hold (only the backends present in `retrieved`) with the desired
   * configuration and repairs drift. Objects vrouterd did not create are left alone unless a
   * desired item has their key, in which case vrouterd adopts them.
   */
  resync(retrieved: ReadonlyMap<string, readonly RetrievedItem[]>, options: ResyncOptions = {}): Promise<TransactionOutcome> {
    return this.enqueue(async () => {
      if (options.desired) this.desired = options.desired;
      let nodes: Map<string, GraphNode>;
      try {
        nodes = expandItems(this.registry, this.desired);
      } catch (e) {
        return this.planFailure(e);
      }
      const own = new Set(options.ownKeys ?? []);
      for (const [backend, items] of retrieved) {
        const before = new Map<string, AppliedItem>();
        for (const [key, a] of this.applied) {
          if (a.item.backend === backend) before.set(key, a);
        }
        for (const key of before.keys()) this.applied.delete(key);
        for (const key of [...this.external]) {
          if (backendOfKey(key) === backend) this.external.delete(key);
        }
        for (const r of items) {
          const key = r.item.key;
          const node = nodes.get(key);
          if (r.createdByVrouterd || before.has(key) || own.has(key) || node !== undefined) {
            const deps = node?.dependencies ?? before.get(key)?.dependencies ?? this.registry.forKey(key).dependencies(r.item);
            // What the backend holds is what the configuration asks for: keep the configured value,
            // which may say more than the backend can (a link vrouterd only configures, whose delete
            // must leave the kernel alone, reads back as a plain veth).
            const same = node !== undefined && this.registry.equivalent(r.item, node.item);
            this.applied.set(key, { item: same ? node.item : r.item, dependencies: deps });
          } else {
            this.external.add(key);
          }
        }
        for (const key of before.keys()) {
          if (!this.applied.has(key)) this.metadata.delete(key);
        }
      }
      return this.run('resync', this.desired, 'best-effort');
    });
  }

  /** Operational state for `<get>`. */
  snapshot(): OperationalSnapshot {
    const items = [...this.states.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return {
      items,
      ...(this.lastTransaction !== undefined ? { lastTransaction: this.lastTransaction } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      transactions: [...this.history],
    };
  }

  /** Items vrouterd has in the backends (key → item), for tests and diagnostics. */
  appliedItems(): Map<string, Item> {
    return new Map([...this.applied].map(([k, a]) => [k, a.item]));
  }

  /** Resolves when every queued transaction has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private context(transactionId: string): DescriptorContext {
    return { metadata: this.metadata, transactionId };
  }

  private plan(desired: readonly Item[]): PlanResult | { error: EngineError } {
    try {
      return planTransaction({ registry: this.registry, applied: this.applied, external: this.external, desired });
    } catch (e) {
      return { error: planError(e) };
    }
  }

  private planFailure(e: unknown): TransactionOutcome {
    const error = planError(e);
    this.lastError = error;
    return { ok: false, error };
  }

  private async run(origin: TransactionOrigin, desired: readonly Item[], mode: ExecutionMode): Promise<TransactionOutcome> {
    const planned = this.plan(desired);
    if ('error' in planned) return this.planFailure(planned.error);
    const { plan, nodes } = planned;
    if (origin !== 'commit' && plan.ops.length === 0) {
      this.desired = desired;
      this.states = statesAfterTransaction({
        previous: this.states, registry: this.registry, nodes, applied: this.applied, plan, execution: undefined,
        transactionId: undefined,
      });
      return { ok: true, plan };
    }

    const id = this.newId();
    const startedAt = (this.options.clock ?? (() => new Date()))().toISOString();
    const log = this.options.log;
    const logErrors: string[] = [];
    const logged = async (write: () => Promise<void>): Promise<void> => {
      try {
        await write();
      } catch (e) {
        logErrors.push(errorMessage(e));
      }
    };
    if (log) {
      try {
        await log.plan(id, origin, plan);
      } catch (e) {
        // Without the intent on disk a crash could not be reconciled: do not start.
        const error: EngineError = { op: 'plan', message: `transaction log: ${errorMessage(e)}`, revertFailures: [] };
        this.record({ id, origin, startedAt, ok: false, plan, ops: [], reverts: [], error, logErrors: [] });
        return { ok: false, transactionId: id, plan, error };
      }
    }
    const execution = await executePlan(plan.ops, {
      registry: this.registry,
      ctx: this.context(id),
      mode,
      ...(this.options.now ? { now: this.options.now } : {}),
      onOp: (record, phase) => (log ? logged(() => log.op(id, record, phase)) : undefined),
    });
    if (log) await logged(() => log.outcome(id, execution));
    this.applyEffects(plan, execution);

    let error: EngineError | undefined;
    if (execution.failure) {
      error = { op: execution.failure.op, key: execution.failure.key, message: execution.failure.message, revertFailures: execution.revertFailures };
    }
    if (mode === 'revert' && !execution.ok) {
      this.states = statesAfterRevert({ previous: this.states, registry: this.registry, plan, execution, transactionId: id });
    } else {
      this.desired = desired;
      this.states = statesAfterTransaction({
        previous: this.states, registry: this.registry, nodes, applied: this.applied, plan, execution, transactionId: id,
      });
    }
    this.record({
      id, origin, startedAt, ok: execution.ok, plan, ops: execution.ops, reverts: execution.reverts,
      ...(error ? { error } : {}), logErrors,
    });
    return { ok: execution.ok, transactionId: id, plan, execution, ...(error ? { error } : {}) };
  }

  /** Brings `applied` in line with what the successful ops and reverts did. */
  private applyEffects(plan: Plan, execution: ExecutionResult): void {
    for (const r of execution.ops) {
      if (r.result !== 'ok') continue;
      const op = plan.ops[r.index]!;
      if (op.op === 'delete') {
        this.applied.delete(op.key);
        this.metadata.delete(op.key);
      } else {
        this.applied.set(op.key, { item: op.item, dependencies: op.dependencies });
      }
    }
    for (const r of execution.reverts) {
      if (r.result !== 'ok') continue;
      const op = plan.ops[r.index]!;
      if (op.op === 'create') {
        this.applied.delete(op.key);
        this.metadata.delete(op.key);
      } else if (op.op === 'delete') {
        this.applied.set(op.key, { item: op.item, dependencies: op.dependencies });
      } else if (op.previous) {
        const before = this.registry.forKey(op.key).dependencies(op.previous);
        this.applied.set(op.key, { item: op.previous, dependencies: before });
      }
    }
  }

  private record(summary: TransactionSummary): void {
    this.history.push(summary);
    const max = this.options.historySize ?? 10;
    while (this.history.length > max) this.history.shift();
    this.lastTransaction = summary.id;
    if (summary.error) this.lastError = summary.error;
  }
}

function planError(e: unknown): EngineError {
  if (isEngineError(e)) return e;
  if (e instanceof CycleError) {
    return { op: 'plan', key: e.keys[0], keys: e.keys, message: e.message, revertFailures: [] };
  }
  const key = e !== null && typeof e === 'object' && 'key' in e && typeof e.key === 'string' ? e.key : undefined;
  return { op: 'plan', ...(key !== undefined ? { key } : {}), message: errorMessage(e), revertFailures: [] };
}

function isEngineError(e: unknown): e is EngineError {
  return e !== null && typeof e === 'object' && 'revertFailures' in e && 'op' in e && 'message' in e;
}
