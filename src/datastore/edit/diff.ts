// diffTrees(): the change set between two versions of a datastore. Subtrees the two versions
// still share (copy-on-write, see data-tree.ts) are skipped by identity, so diffing a candidate
// that is running.clone() plus an edit costs in proportion to the edit (plus the length of each
// list the edit touched, whose index the data tree copies anyway). The shape and order of the
// result are those of change-order.ts, which the edit engine follows too.
import type { DataSchemaNode, Schema } from '../../validation/schema.js';
import type { AnyData, DataTree, InnerData, LeafData, LeafListEntry, ListEntry, Slot } from '../data-tree.js';
import { nodesEqual } from '../tree-equality.js';
import type { Change, ChangeSet } from './change.js';
import {
  compareSlots, createChange, deleteChange, moveChange, movedKeys, replaceChange, type AnyEntrySet,
} from './change-order.js';

/** Counts the work a diff did (for tests and benchmarks). */
export interface DiffStats {
  /** Inner nodes (root, containers, list entries) whose children were compared. */
  innerVisited: number;
}

/** The changes that turn `before` into `after`, in the document order of `after`. */
export function diffTrees(before: DataTree, after: DataTree, stats?: DiffStats): ChangeSet {
  const out: Change[] = [];
  diffInner(after.schema, before.root, after.root, out, stats);
  return { changes: out };
}

function diffInner(schema: Schema, b: InnerData, a: InnerData, out: Change[], stats: DiffStats | undefined): void {
  if (b === a) return;
  if (stats !== undefined) stats.innerVisited++;
  const slots = new Set<DataSchemaNode>();
  for (const s of b.slots()) slots.add(s.schema);
  for (const s of a.slots()) slots.add(s.schema);
  const ordered = [...slots].sort((x, y) => compareSlots(schema, x, y));
  for (const s of ordered) {
    const sb = b.slot(s);
    const sa = a.slot(s);
    if (sb === sa) continue;
    if (sb === undefined) emitAll(sa as Slot, out, 'create');
    else if (sa === undefined) emitAll(sb, out, 'delete');
    else diffSlot(schema, sb, sa, out, stats);
  }
}

function emitAll(slot: Slot, out: Change[], op: 'create' | 'delete'): void {
  const make = op === 'create' ? createChange : deleteChange;
  if (slot.kind === 'entries') for (const e of slot) out.push(make(e));
  else out.push(make(slot));
}

function diffSlot(schema: Schema, sb: Slot, sa: Slot, out: Change[], stats: DiffStats | undefined): void {
  switch (sa.kind) {
    case 'leaf':
      if ((sb as LeafData).value.canonical !== sa.value.canonical) out.push(replaceChange(sb as LeafData, sa));
      return;
    case 'any':
      if (!nodesEqual(sb as AnyData, sa)) out.push(replaceChange(sb as AnyData, sa));
      return;
    case 'container':
      diffInner(schema, sb as InnerData, sa, out, stats);
      return;
    case 'entries':
      diffEntries(schema, sb as AnyEntrySet, sa, out, stats);
  }
}

function diffEntries(schema: Schema, b: AnyEntrySet, a: AnyEntrySet, out: Change[], stats: DiffStats | undefined): void {
  for (const e of b) if (!a.has(e.key)) out.push(deleteChange(e));
  const moved = movedKeys(b, a);
  for (const e of a as Iterable<ListEntry | LeafListEntry>) {
    const old = b.get(e.key);
    if (old === undefined) {
      out.push(createChange(e));
      continue;
    }
    if (moved.has(e.key)) out.push(moveChange(e));
    if (e.kind === 'list-entry' && old !== e) diffInner(schema, old as ListEntry, e, out, stats);
  }
}

/**
 * The same changes seen the other way round (after → before): creates become deletes and
 * back, a replace swaps old and new, a move stays a move of the same entry. The order is kept,
 * so this is not the document order of `before`: for that, diffTrees(after, before).
 */
export function invertChanges(changes: ChangeSet): ChangeSet {
  return {
    changes: changes.changes.map((c): Change => {
      switch (c.op) {
        case 'create': return c.node === undefined ? { op: 'delete', path: c.path } : { op: 'delete', path: c.path, old: c.node };
        case 'delete': return c.old === undefined ? { op: 'create', path: c.path } : { op: 'create', path: c.path, node: c.old };
        case 'replace': {
          const r: Change = { op: 'replace', path: c.path };
          if (c.old !== undefined) r.node = c.old;
          if (c.node !== undefined) r.old = c.node;
          return r;
        }
        case 'move': return { ...c };
      }
    }),
  };
}
