// /vrouter-agent:engine-state (RFC 7951 JSON) and the plan encoding shared with <dry-run>: every
// backend's items with their state, and its recent transactions with their operations.
//
// A transaction of 10k routes has 10k operations; the list shows the first MAX_LISTED of them
// (operation-count has the total) so that one <get> of recent history stays a few MB at most.
// The failing operation is always listed, even past that limit.
import type { Backend } from '../../backends/backend.js';
import type { OperationalSnapshot, TransactionSummary } from '../../commit/engine.js';
import type { OpRecord } from '../../commit/executor.js';
import type { PlanOp, PendingItem } from '../../commit/planner.js';
import type { JsonObject } from '../../datastore/json-encoder.js';

export const MAX_LISTED_OPERATIONS = 1000;
const MODULE = 'vrouter-agent';

/** The identityref value of a backend name. */
export function backendIdentity(name: string): string {
  return `${MODULE}:${name}`;
}

/** Milliseconds as decimal64 with 3 fraction digits (RFC 7951 encodes decimal64 as a string). */
function millis(ms: number): string {
  return Math.max(0, ms).toFixed(3);
}

/** The step of a plan operation, when the planner gives one. */
function stepOf(op: PlanOp): number | undefined {
  const step: unknown = (op as { step?: unknown }).step;
  return typeof step === 'number' ? step : undefined;
}

/** One operation of a plan, as the planned-operation grouping says. */
export function plannedOperationJson(index: number, op: PlanOp, path: string | undefined): JsonObject {
  const step = stepOf(op);
  return {
    index,
    ...(step === undefined ? {} : { step }),
    operation: op.op,
    key: op.key,
    kind: op.kind,
    ...(path === undefined ? {} : { 'yang-path': path }),
  };
}

export function pendingJson(p: PendingItem): JsonObject {
  return { key: p.key, ...(p.waitingFor.length === 0 ? {} : { 'waiting-for': [...p.waitingFor] }) };
}

function listedRecords(ops: readonly OpRecord[]): OpRecord[] {
  if (ops.length <= MAX_LISTED_OPERATIONS) return [...ops];
  const shown = ops.slice(0, MAX_LISTED_OPERATIONS);
  const failed = ops.find((r) => r.result === 'failed');
  if (failed !== undefined && !shown.includes(failed)) shown.push(failed);
  return shown;
}

function transactionJson(backend: Backend, t: TransactionSummary): JsonObject {
  const path = (key: string): string | undefined => backend.itemPath(key);
  return {
    id: t.id,
    backend: backendIdentity(backend.name),
    origin: t.origin,
    'start-time': t.startedAt,
    result: t.ok ? 'ok' : 'failed',
    ...(t.error?.key === undefined ? {} : { 'error-key': t.error.key }),
    ...(t.error === undefined ? {} : { 'error-message': t.error.message }),
    'operation-count': t.ops.length,
    operation: listedRecords(t.ops).map((r) => {
      const op = t.plan.ops[r.index];
      return {
        ...(op === undefined ? { index: r.index, operation: r.op, key: r.key } : plannedOperationJson(r.index, op, path(r.key))),
        result: r.result,
        duration: millis(r.durationMs),
        ...(r.error === undefined ? {} : { error: r.error }),
      };
    }),
    revert: t.reverts.map((r) => ({
      index: r.index, operation: r.op, key: r.key, result: r.result, ...(r.error === undefined ? {} : { error: r.error }),
    })),
    pending: t.plan.pending.map(pendingJson),
  };
}

function itemsJson(backend: Backend, snapshot: OperationalSnapshot): JsonObject[] {
  return snapshot.items.map((s) => {
    const path = backend.itemPath(s.key);
    return {
      key: s.key,
      backend: backendIdentity(backend.name),
      kind: s.kind,
      ...(path === undefined ? {} : { 'yang-path': path }),
      state: s.state,
      ...(s.waitingFor.length === 0 ? {} : { 'waiting-for': [...s.waitingFor] }),
      ...(s.lastError === undefined ? {} : { 'last-error': s.lastError }),
      ...(s.lastTransaction === undefined ? {} : { 'last-transaction': s.lastTransaction }),
    };
  });
}

/** /vrouter-agent:engine-state of every backend (nothing without backends: vrouterd --no-linux). */
export function engineStateJson(backends: readonly Backend[]): JsonObject {
  if (backends.length === 0) return {};
  const item: JsonObject[] = [];
  const transaction: JsonObject[] = [];
  for (const b of backends) {
    const snapshot = b.snapshot();
    item.push(...itemsJson(b, snapshot));
    transaction.push(...snapshot.transactions.map((t) => transactionJson(b, t)));
  }
  return { [`${MODULE}:engine-state`]: { item, transaction } };
}
