// Item states as the engine reports them through `<get>`: applied, pending (with the keys it
// waits for), failed (with the backend's message) or reverted (the last transaction that touched
// it was rolled back), plus the transaction that touched each item last.

import type { ExecutionResult, OpRecord } from './executor.js';
import type { GraphNode } from './graph.js';
import type { AppliedItem, Plan } from './planner.js';
import type { DescriptorRegistry } from './registry.js';

export type ItemState = 'applied' | 'pending' | 'failed' | 'reverted';

export interface ItemStatus {
  readonly key: string;
  readonly kind: string;
  readonly backend: string;
  readonly value: unknown;
  readonly state: ItemState;
  readonly waitingFor: readonly string[];
  readonly lastError?: string;
  readonly lastTransaction?: string;
}

function lastRecordPerKey(records: readonly OpRecord[]): Map<string, OpRecord> {
  const out = new Map<string, OpRecord>();
  for (const r of records) out.set(r.key, r);
  return out;
}

function withTouch(s: ItemStatus, txn: string | undefined, touched: boolean): ItemStatus {
  return touched && txn !== undefined ? { ...s, lastTransaction: txn } : s;
}

/**
 * States after a transaction whose result stands (a successful commit, an event or a resync):
 * every desired item gets applied / pending / failed; items still applied but no longer desired
 * (their delete failed) stay visible as failed; everything else is forgotten.
 */
export function statesAfterTransaction(args: {
  readonly previous: ReadonlyMap<string, ItemStatus>;
  readonly registry: DescriptorRegistry;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly applied: ReadonlyMap<string, AppliedItem>;
  readonly plan: Plan;
  readonly execution: ExecutionResult | undefined;
  /** Undefined when no transaction ran (an event that only changed what pending items wait for). */
  readonly transactionId: string | undefined;
}): Map<string, ItemStatus> {
  const { previous, registry, nodes, applied, plan, transactionId: txn } = args;
  const touched = lastRecordPerKey(args.execution?.ops ?? []);
  const pending = new Map(plan.pending.map((p) => [p.key, p.waitingFor]));
  const out = new Map<string, ItemStatus>();
  for (const [key, node] of nodes) {
    const prev = previous.get(key);
    const rec = touched.get(key);
    const waitingFor = pending.get(key);
    const a = applied.get(key);
    const base = { key, kind: node.kind, backend: node.item.backend, value: node.item.value };
    let status: ItemStatus;
    if (waitingFor !== undefined && a !== undefined) {
      // Should have been removed while it waits, but its delete failed.
      status = { ...base, state: 'failed', waitingFor, lastError: rec?.error ?? prev?.lastError ?? 'not removed' };
    } else if (waitingFor !== undefined) {
      status = { ...base, state: 'pending', waitingFor, ...lastErrorOf(prev, rec) };
    } else if (a !== undefined && registry.equivalent(a.item, node.item)) {
      status = { ...base, state: 'applied', waitingFor: [] };
    } else {
      const lastError = rec?.error ?? prev?.lastError ?? 'not applied';
      status = { ...base, state: 'failed', waitingFor: [], lastError };
    }
    const changed = rec !== undefined || prev?.state !== status.state;
    const keep = prev?.lastTransaction !== undefined ? { lastTransaction: prev.lastTransaction } : {};
    out.set(key, withTouch({ ...keep, ...status }, txn, changed));
  }
  for (const [key, a] of applied) {
    if (nodes.has(key)) continue;
    const rec = touched.get(key);
    if (rec === undefined) continue; // applied outside the desired set and untouched: adopted leftovers
    out.set(key, {
      key,
      kind: registry.tryForKey(key)?.kind ?? 'unknown',
      backend: a.item.backend,
      value: a.item.value,
      state: 'failed',
      waitingFor: [],
      lastError: rec.error ?? 'delete failed',
      ...(txn !== undefined ? { lastTransaction: txn } : {}),
    });
  }
  return out;
}

function lastErrorOf(prev: ItemStatus | undefined, rec: OpRecord | undefined): { lastError?: string } {
  const e = rec?.error ?? prev?.lastError;
  return e !== undefined ? { lastError: e } : {};
}

/**
 * States after a commit that failed and was reverted: the configuration did not change, so the
 * previous states stand except for the items the transaction touched: the failing one is failed,
 * the ones whose operations were undone are reverted, and revert failures are failed too.
 */
export function statesAfterRevert(args: {
  readonly previous: ReadonlyMap<string, ItemStatus>;
  readonly registry: DescriptorRegistry;
  readonly plan: Plan;
  readonly execution: ExecutionResult;
  readonly transactionId: string;
}): Map<string, ItemStatus> {
  const { previous, registry, plan, execution, transactionId: txn } = args;
  const out = new Map(previous);
  const opByKey = new Map(plan.ops.map((op) => [op.key, op]));
  const set = (key: string, state: ItemState, lastError: string | undefined): void => {
    const prev = out.get(key);
    const op = opByKey.get(key);
    const item = op?.op === 'delete' ? op.item : (op?.previous ?? op?.item);
    out.set(key, {
      key,
      kind: prev?.kind ?? registry.tryForKey(key)?.kind ?? 'unknown',
      backend: prev?.backend ?? item?.backend ?? 'unknown',
      value: prev?.value ?? item?.value,
      state,
      waitingFor: prev?.waitingFor ?? [],
      ...(lastError !== undefined ? { lastError } : prev?.lastError !== undefined ? { lastError: prev.lastError } : {}),
      lastTransaction: txn,
    });
  };
  const failure = execution.failure;
  for (const r of execution.reverts) {
    if (r.result === 'ok') {
      set(r.key, 'reverted', failure ? `reverted after ${failure.op} of ${failure.key} failed: ${failure.message}` : undefined);
    }
  }
  for (const f of execution.revertFailures) set(f.key, 'failed', `revert (${f.op}) failed: ${f.message}`);
  if (failure) set(failure.key, 'failed', failure.message);
  return out;
}
