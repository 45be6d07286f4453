// The one definition of a change set's shape that the edit engine and diffTrees() share, so
// that both produce the same changes in the same order for the same pair of versions:
// - a node present in one version only is one create / delete of the highest such node;
// - under a parent present in both, slots (schema children) come in schema order; within a
//   list or leaf-list, deletes first (in the old order), then the entries in the new order;
// - an ordered-by-user entry present in both versions is reported as moved when it is not in
//   the longest run of entries that kept their relative order (computed the same way by both,
//   so the answer is deterministic when several runs are equally long).
import type { DataSchemaNode, Schema } from '../../validation/schema.js';
import { jsonPath } from '../instance-path.js';
import type { DataNode, EntrySet, LeafListEntry, ListEntry } from '../data-tree.js';
import type { Change } from './change.js';

/** Sort key of a slot under its parent: the schema order, then the path to break ties. */
export function compareSlots(schema: Schema, a: DataSchemaNode, b: DataSchemaNode): number {
  const ra = schema.refOf(a)?.order ?? Number.MAX_SAFE_INTEGER;
  const rb = schema.refOf(b)?.order ?? Number.MAX_SAFE_INTEGER;
  if (ra !== rb) return ra - rb;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export type AnyEntrySet = EntrySet<ListEntry> | EntrySet<LeafListEntry>;

/**
 * Keys of the entries present in both sets whose relative order changed: every common entry
 * outside one longest increasing subsequence of old positions taken in new order
 * (patience sorting, O(n log n)). Empty for ordered-by-system sets.
 */
export function movedKeys(before: AnyEntrySet, after: AnyEntrySet): Set<string> {
  const moved = new Set<string>();
  if (!after.orderedByUser || before.size === 0 || after.size === 0) return moved;
  const oldIndex = new Map<string, number>();
  let i = 0;
  for (const k of before.keys()) oldIndex.set(k, i++);
  const keys: string[] = [];
  const seq: number[] = [];
  for (const k of after.keys()) {
    const at = oldIndex.get(k);
    if (at !== undefined) {
      keys.push(k);
      seq.push(at);
    }
  }
  // tails[l]: index in seq of the smallest tail of an increasing run of length l + 1.
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  for (let j = 0; j < seq.length; j++) {
    const v = seq[j] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((seq[tails[mid] as number] as number) < v) lo = mid + 1; else hi = mid;
    }
    if (lo > 0) prev[j] = tails[lo - 1] as number;
    tails[lo] = j;
  }
  const kept = new Set<number>();
  for (let j = tails.length > 0 ? tails[tails.length - 1] as number : -1; j >= 0; j = prev[j] as number) kept.add(j);
  keys.forEach((k, j) => { if (!kept.has(j)) moved.add(k); });
  return moved;
}

export function createChange(node: DataNode): Change {
  return { op: 'create', path: jsonPath(node), node };
}

export function deleteChange(old: DataNode): Change {
  return { op: 'delete', path: jsonPath(old), old };
}

export function replaceChange(old: DataNode, node: DataNode): Change {
  return { op: 'replace', path: jsonPath(node), node, old };
}

export function moveChange(node: DataNode): Change {
  return { op: 'move', path: jsonPath(node), node };
}
