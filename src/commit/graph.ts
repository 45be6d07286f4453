// The dependency graph over desired items (derived items included): expansion of derived items,
// cycle detection with an error naming the keys, and a rank per node (longest dependency chain
// inside the graph) that the planner sorts by.

import type { Item } from './item.js';
import type { DescriptorRegistry } from './registry.js';

/** A desired item after expansion, with its full dependency list. */
export interface GraphNode {
  readonly item: Item;
  readonly kind: string;
  /** The item this one was derived from, if any. */
  readonly parent?: string;
  /** The descriptor's dependencies plus the parent (a derived item needs its parent). */
  readonly dependencies: readonly string[];
}

export class CycleError extends Error {
  constructor(readonly keys: readonly string[]) {
    super(`dependency cycle between items: ${keys.join(' -> ')} -> ${keys[0] ?? ''}`);
    this.name = 'CycleError';
  }
}

export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`two different desired items have the key ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

/** Expands the desired items with their derived items (recursively). */
export function expandItems(registry: DescriptorRegistry, items: readonly Item[]): Map<string, GraphNode> {
  const nodes = new Map<string, GraphNode>();
  // A key is recorded before its derived items are expanded, so an item deriving (directly or
  // not) its own key meets itself as a duplicate instead of recursing forever.
  const add = (item: Item, parent: string | undefined): void => {
    const descriptor = registry.forKey(item.key);
    const existing = nodes.get(item.key);
    if (existing) {
      if (!registry.equivalent(existing.item, item)) throw new DuplicateKeyError(item.key);
      return;
    }
    const deps = new Set(descriptor.dependencies(item));
    if (parent !== undefined) deps.add(parent);
    deps.delete(item.key);
    nodes.set(item.key, {
      item,
      kind: descriptor.kind,
      ...(parent !== undefined ? { parent } : {}),
      dependencies: [...deps].sort(),
    });
    for (const d of descriptor.derived?.(item) ?? []) add(d, item.key);
  };
  for (const item of items) add(item, undefined);
  return nodes;
}

/** Read-only view of dependencies: key → keys it needs. */
export type DependencyMap = ReadonlyMap<string, readonly string[]>;

/**
 * Throws CycleError when the dependencies among the keys of `deps` form a cycle.
 * Dependencies on keys outside the map are external and ignored here.
 */
export function assertAcyclic(deps: DependencyMap): void {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<string, number>();
  for (const start of [...deps.keys()].sort()) {
    if ((colour.get(start) ?? WHITE) !== WHITE) continue;
    // Iterative DFS keeping the current path, so a back edge yields the cycle itself.
    const path: string[] = [];
    const iters: { key: string; next: number; list: readonly string[] }[] = [];
    const push = (key: string): void => {
      colour.set(key, GREY);
      path.push(key);
      iters.push({ key, next: 0, list: [...(deps.get(key) ?? [])].sort() });
    };
    push(start);
    while (iters.length > 0) {
      const top = iters[iters.length - 1]!;
      if (top.next >= top.list.length) {
        colour.set(top.key, BLACK);
        iters.pop();
        path.pop();
        continue;
      }
      const dep = top.list[top.next++]!;
      if (!deps.has(dep)) continue;
      const c = colour.get(dep) ?? WHITE;
      if (c === GREY) throw new CycleError(path.slice(path.indexOf(dep)));
      if (c === WHITE) push(dep);
    }
  }
}

/**
 * Rank of every key: 0 when it needs nothing inside the map, else 1 + the highest rank of what it
 * needs. Dependencies always rank lower than their dependents. Tolerates cycles (a key met again
 * on the current path counts as rank 0) so it can be used on already-applied state.
 */
export function ranks(deps: DependencyMap): Map<string, number> {
  const rank = new Map<string, number>();
  const onPath = new Set<string>();
  const visit = (key: string): number => {
    const known = rank.get(key);
    if (known !== undefined) return known;
    if (onPath.has(key)) return 0;
    onPath.add(key);
    let r = 0;
    for (const d of deps.get(key) ?? []) {
      if (deps.has(d) && d !== key) r = Math.max(r, visit(d) + 1);
    }
    onPath.delete(key);
    rank.set(key, r);
    return r;
  };
  for (const key of deps.keys()) visit(key);
  return rank;
}

/** Keys of `deps` that depend (directly) on each key. */
export function dependents(deps: DependencyMap): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, list] of deps) {
    for (const d of list) {
      const arr = out.get(d);
      if (arr) arr.push(key);
      else out.set(d, [key]);
    }
  }
  return out;
}
