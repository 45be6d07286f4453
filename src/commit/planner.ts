// The planner: from what vrouterd has applied, what the backends hold on their own, and what is
// desired, an ordered list of operations. Deletes go dependents-first, then creates
// dependencies-first, then updates; equal rank is ordered by key. Pure: no I/O.
//
// Steps: every op carries a step number, increasing through the plan: one step per delete rank
// (highest first), then one per create rank, then one per update rank. Ops of one step have the
// same rank in their dependency graph, so none needs another: the executor may run them together
// (one backend batch per group, batch.ts).

import { assertAcyclic, dependents, expandItems, ranks, type GraphNode } from './graph.js';
import type { Item } from './item.js';
import type { DescriptorRegistry } from './registry.js';

export type OpKind = 'create' | 'delete' | 'update';

export interface PlanOp {
  readonly op: OpKind;
  readonly key: string;
  readonly kind: string;
  readonly backend: string;
  /** create/update: the new item; delete: the item being removed. */
  readonly item: Item;
  /** update: the item as it was. */
  readonly previous?: Item;
  /** create/update: the keys the new item needs; delete: those the removed item needed. */
  readonly dependencies: readonly string[];
  /** Ops with the same step are independent of each other; steps increase through the plan. */
  readonly step: number;
}

export interface PendingItem {
  readonly key: string;
  /** Dependencies that are neither desired-and-applicable nor present in the backend. */
  readonly waitingFor: readonly string[];
}

/** The plan, JSON-serialisable (it goes to the transaction log and to `<get>`). */
export interface Plan {
  readonly ops: readonly PlanOp[];
  readonly pending: readonly PendingItem[];
}

/** An item vrouterd put into a backend, with the keys it needed at the time. */
export interface AppliedItem {
  readonly item: Item;
  readonly dependencies: readonly string[];
}

export interface PlanInput {
  readonly registry: DescriptorRegistry;
  /** Items vrouterd created and believes present. */
  readonly applied: ReadonlyMap<string, AppliedItem>;
  /** Keys present in the backends without vrouterd (retrieved foreign objects, appeared keys). */
  readonly external: ReadonlySet<string>;
  /** The desired configuration, before expansion of derived items. */
  readonly desired: readonly Item[];
}

export interface PlanResult {
  readonly plan: Plan;
  /** The expanded desired items. */
  readonly nodes: ReadonlyMap<string, GraphNode>;
}

/** Throws CycleError, DuplicateKeyError, or an Error for a key no descriptor handles. */
export function planTransaction(input: PlanInput): PlanResult {
  const { registry, applied, external } = input;
  const nodes = expandItems(registry, input.desired);
  const desiredDeps = new Map<string, readonly string[]>();
  for (const [key, node] of nodes) desiredDeps.set(key, node.dependencies);
  assertAcyclic(desiredDeps);
  const desiredRank = ranks(desiredDeps);

  // Applicability, dependencies first.
  const byRank = [...nodes.keys()].sort((a, b) => cmpRankKey(desiredRank, a, b));
  const applicable = new Set<string>();
  const pending: PendingItem[] = [];
  for (const key of byRank) {
    const node = nodes.get(key)!;
    const missing = node.dependencies.filter((d) => !applicable.has(d) && !external.has(d));
    if (missing.length === 0) applicable.add(key);
    else pending.push({ key, waitingFor: missing });
  }
  pending.sort((a, b) => cmp(a.key, b.key));

  // What must be deleted: applied but no longer applicable, values that cannot be updated in
  // place, and (transitively) applied items whose dependencies go away.
  const needsChange = (key: string): boolean => {
    const a = applied.get(key);
    const n = nodes.get(key);
    return a !== undefined && n !== undefined && !registry.equivalent(a.item, n.item);
  };
  const toDelete = new Set<string>();
  for (const [key, a] of applied) {
    if (!applicable.has(key)) toDelete.add(key);
    else if (needsChange(key) && mustRecreate(registry, a.item, nodes.get(key)!.item)) {
      toDelete.add(key);
    }
  }
  const appliedDeps = new Map<string, readonly string[]>();
  for (const [key, a] of applied) appliedDeps.set(key, a.dependencies);
  const appliedDependents = dependents(appliedDeps);
  // Applied items needing a key that is neither applied nor external: it vanished.
  for (const [key, a] of applied) {
    if (a.dependencies.some((d) => !applied.has(d) && !external.has(d))) toDelete.add(key);
  }
  const queue = [...toDelete];
  while (queue.length > 0) {
    const key = queue.pop()!;
    for (const dep of appliedDependents.get(key) ?? []) {
      if (!toDelete.has(dep)) {
        toDelete.add(dep);
        queue.push(dep);
      }
    }
  }

  const appliedRank = ranks(appliedDeps);
  const deletes = [...toDelete].sort((a, b) => cmpRankKey(appliedRank, b, a, true));
  const ops: PlanOp[] = [];
  const steps = new StepCounter();
  for (const key of deletes) {
    const a = applied.get(key)!;
    ops.push({
      op: 'delete',
      key,
      kind: registry.forKey(key).kind,
      backend: a.item.backend,
      item: a.item,
      dependencies: a.dependencies,
      step: steps.next('delete', appliedRank.get(key) ?? 0),
    });
  }
  const updates: { key: string; node: GraphNode; previous: Item }[] = [];
  for (const key of byRank) {
    if (!applicable.has(key)) continue;
    const node = nodes.get(key)!;
    const a = applied.get(key);
    if (a === undefined || toDelete.has(key)) {
      ops.push({
        op: 'create', key, kind: node.kind, backend: node.item.backend, item: node.item, dependencies: node.dependencies,
        step: steps.next('create', desiredRank.get(key) ?? 0),
      });
    } else if (needsChange(key)) {
      updates.push({ key, node, previous: a.item });
    }
  }
  for (const { key, node, previous } of updates) {
    ops.push({
      op: 'update',
      key,
      kind: node.kind,
      backend: node.item.backend,
      item: node.item,
      previous,
      dependencies: node.dependencies,
      step: steps.next('update', desiredRank.get(key) ?? 0),
    });
  }
  return { plan: { ops, pending }, nodes };
}

/** Hands out step numbers: a new step whenever the (op kind, rank) of consecutive ops changes. */
class StepCounter {
  private step = -1;
  private last = '';
  next(op: OpKind, rank: number): number {
    const id = `${op} ${rank}`;
    if (id !== this.last) {
      this.step++;
      this.last = id;
    }
    return this.step;
  }
}

/** A change that update cannot make: no update, another backend, or the descriptor says so. */
function mustRecreate(registry: DescriptorRegistry, previous: Item, next: Item): boolean {
  const d = registry.forKey(next.key);
  return d.update === undefined || previous.backend !== next.backend || d.recreate?.(previous, next) === true;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rank ascending, then key ascending; with `tieKeyAscending` and swapped a/b: rank descending, key ascending. */
function cmpRankKey(rank: ReadonlyMap<string, number>, a: string, b: string, tieKeyAscending = false): number {
  const r = (rank.get(a) ?? 0) - (rank.get(b) ?? 0);
  if (r !== 0) return r;
  return tieKeyAscending ? cmp(b, a) : cmp(a, b);
}
