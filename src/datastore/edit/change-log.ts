// What the edit engine records under one inner node while it applies an edit there, and how
// that becomes the node's part of the change set (in the order change-order.ts defines).
//
// The engine makes a node writable before it knows whether anything under it will change
// (a merge that repeats what is there changes nothing). finish() therefore puts the original
// objects back for every slot and list entry that ended up unchanged, so an edit keeps sharing
// with the old version everything it did not change, not only what it did not touch.
import type { DataSchemaNode, Schema } from '../../validation/schema.js';
import type { DataTree, InnerData, LeafListEntry, ListEntry, Slot } from '../data-tree.js';
import type { Change } from './change.js';
import { compareSlots, moveChange, movedKeys, type AnyEntrySet } from './change-order.js';

/** A container, leaf or anydata slot. */
export interface NodeLog {
  kind: 'node';
  schema: DataSchemaNode;
  /** The slot as it was before the edit touched it (undefined: absent). */
  before: Slot | undefined;
  /** Changes of the node and below, in document order. */
  changes: Change[];
}

/** One list entry or leaf-list entry the edit created or walked into. */
export interface EntryGroup {
  /** The entry before the edit (undefined: created by it). */
  before: ListEntry | LeafListEntry | undefined;
  /** Its create, or the changes below it. */
  changes: Change[];
}

/** The entries of one list or leaf-list. */
export interface EntriesLog {
  kind: 'entries';
  schema: DataSchemaNode;
  before: AnyEntrySet | undefined;
  deletes: Map<string, Change>;
  groups: Map<string, EntryGroup>;
  /** An existing entry was repositioned: moves must be worked out. */
  reordered: boolean;
}

const NO_KEYS: ReadonlySet<string> = new Set();

export class Level {
  private readonly logs = new Map<DataSchemaNode, NodeLog | EntriesLog>();

  /**
   * @param node the writable node of the new version
   * @param fresh the edit created `node`: its own create says it all, nothing below is recorded
   * @param replacing the node is being replaced: what the edit does not mention goes away, and
   *   user-ordered entries take the edit's order
   */
  constructor(readonly tree: DataTree, readonly node: InnerData, readonly fresh: boolean, readonly replacing: boolean) {}

  /** The log of a container / leaf / anydata slot; call it before changing the slot. */
  nodeLog(schema: DataSchemaNode): NodeLog {
    let log = this.logs.get(schema);
    if (log === undefined) {
      log = { kind: 'node', schema, before: this.node.slot(schema), changes: [] };
      this.logs.set(schema, log);
    }
    return log as NodeLog;
  }

  /** The log of a list / leaf-list slot; call it before changing the slot. */
  entriesLog(schema: DataSchemaNode): EntriesLog {
    let log = this.logs.get(schema);
    if (log === undefined) {
      const before = this.node.slot(schema) as AnyEntrySet | undefined;
      log = { kind: 'entries', schema, before, deletes: new Map(), groups: new Map(), reordered: false };
      this.logs.set(schema, log);
    }
    return log as EntriesLog;
  }

  /** The changes below this node in document order; restores what ended up unchanged. */
  finish(schema: Schema): Change[] {
    if (this.fresh) return [];
    const out: Change[] = [];
    const logs = [...this.logs.values()].sort((a, b) => compareSlots(schema, a.schema, b.schema));
    for (const log of logs) {
      if (log.kind === 'node') {
        if (log.changes.length === 0) this.restore(log.schema, log.before);
        else for (const c of log.changes) out.push(c);
      } else {
        this.finishEntries(log, out);
      }
    }
    return out;
  }

  private finishEntries(log: EntriesLog, out: Change[]): void {
    const after = this.node.slot(log.schema) as AnyEntrySet | undefined;
    const moved = log.reordered && log.before !== undefined && after !== undefined ? movedKeys(log.before, after) : NO_KEYS;
    let shown = moved.size;
    let lastKey: string | undefined;
    for (const [key, g] of log.groups) {
      if (g.changes.length > 0) {
        shown++;
        lastKey = key;
      } else if (g.before !== undefined && after !== undefined && after.get(key) !== g.before && this.tree.isWritable(after)) {
        after._index.set(key, g.before as ListEntry & LeafListEntry);
      }
    }
    if (log.deletes.size === 0 && shown === 0) {
      this.restore(log.schema, log.before);
      return;
    }
    if (log.deletes.size > 1 && log.before !== undefined) {
      for (const k of log.before.keys()) {
        const c = log.deletes.get(k);
        if (c !== undefined) out.push(c);
      }
    } else {
      for (const c of log.deletes.values()) out.push(c);
    }
    if (after === undefined || shown === 0) return;
    if (shown === 1 && moved.size === 0 && lastKey !== undefined) {
      // One entry to report: no need to walk the list for its position.
      for (const c of (log.groups.get(lastKey) as EntryGroup).changes) out.push(c);
      return;
    }
    for (const e of after as Iterable<ListEntry | LeafListEntry>) {
      if (moved.has(e.key)) out.push(moveChange(e));
      const g = log.groups.get(e.key);
      if (g !== undefined) for (const c of g.changes) out.push(c);
    }
  }

  /** Puts the original slot object back (it equals what the slot holds now). */
  private restore(schema: DataSchemaNode, before: Slot | undefined): void {
    if (before === undefined) this.node._children.delete(schema);
    else this.node._children.set(schema, before);
  }
}
