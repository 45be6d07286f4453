// The edit-config engine: applies a decoded <config> (with its edit attributes) to a datastore
// tree and produces the change set while it goes, so the cost follows the edit, not the
// datastore. It never touches `target`: it works on target.clone() (copy-on-write), and what
// the edit leaves unchanged stays shared (===) with `target`.
//
// Semantics (RFC 6241 §7.2, RFC 7950 §7.5.8 / §7.6.8 / §7.7.9 / §7.8.6 / §7.9):
// - merge, replace, create (data-exists when present), delete (data-missing when absent),
//   remove (nothing when absent); a node without operation inherits its parent's, the top
//   level inherits default-operation.
// - default-operation none: a node without operation only walks into existing data; a
//   missing one is data-missing. A non-presence container counts as existing (YANG treats it
//   as always there), so none + a nested create inside an empty one works.
// - replace on a container or list entry: children the edit does not mention go away;
//   default-operation replace does this for the whole datastore (RFC 6241: "completely
//   replaces the configuration"). In a replaced parent, user-ordered entries take the edit's order.
// - Inside a delete or remove the whole subtree goes away; a descendant that asks to add
//   data (merge, replace, create) contradicts it: operation-not-supported, nothing applied there.
//   Elsewhere nested operations simply apply as written (a delete inside a create finds nothing:
//   data-missing).
// - A leaf is identified by its name (RFC 7950 §7.6.8): delete / remove take it away whatever
//   value the request carries. A leaf that only has its default is not set: delete → data-missing.
// - wd:default="true" (RFC 6243 §4.5.2) with merge / replace / create: the value must be the
//   schema default (else invalid-value); the leaf goes back to being unset.
// - Creating a node of one case of a choice deletes the nodes of the other cases (RFC 7950 §7.9).
// - Non-presence containers never stay empty: one emptied by the edit is removed (reported as
//   its delete), one the edit would create empty is not created.
// - insert first / last / before / after on create, and on merge / replace of an existing entry
//   (a move); an anchor that is not there → bad-attribute, app-tag missing-instance (RFC 7950 §15.7).
//   Under none (no operation adds data there) insert is ignored.
// - error-option: stop-on-error and rollback-on-error return the first error and no tree (the
//   work was on a clone); continue-on-error skips the subtree of each failing edit node.
import type { DataNode, DataTree, InnerData, InsertPosition, LeafData, LeafListEntry, ListEntry,
  ContainerData, AnyData, Slot } from '../data-tree.js';
import type { EditAttributes, EditOperation } from '../edit-attributes.js';
import type { ChoicePoint, Schema } from '../../validation/schema.js';
import type { LeafListNode, ListNode } from '../../validation/schema-model.js';
import { nodesEqual } from '../tree-equality.js';
import type { ChangeSet } from './change.js';
import { createChange, deleteChange, replaceChange, type AnyEntrySet } from './change-order.js';
import { Level } from './change-log.js';
import { diffTrees } from './diff.js';
import * as E from './edit-error.js';
import type { EditError } from './edit-error.js';

export type { EditError } from './edit-error.js';

export interface EditRequest {
  /** The decoded <config> content. */
  edit: DataTree;
  /** From decodeXml(..., { editAttributes: true }). */
  attributes: ReadonlyMap<DataNode, EditAttributes>;
  defaultOperation: 'merge' | 'replace' | 'none';
  errorOption: 'stop-on-error' | 'continue-on-error' | 'rollback-on-error';
}

export type EditResult =
  /** `errors` is non-empty only with continue-on-error: the failing subtrees were skipped. */
  | { ok: true; tree: DataTree; changes: ChangeSet; errors: EditError[] }
  | { ok: false; errors: [EditError, ...EditError[]] };

/** Applies an edit-config request to a copy of `target`. */
export function applyEdit(target: DataTree, request: EditRequest): EditResult {
  if (request.edit.root.schema !== null) throw new Error('applyEdit(): the edit must be datastore content, not rpc input');
  const tree = target.clone();
  const engine = new Engine(tree, request.attributes, request.errorOption === 'continue-on-error');
  const level = new Level(tree, tree.writableRoot(), false, request.defaultOperation === 'replace');
  try {
    engine.children(level, request.edit.root, request.defaultOperation);
  } catch (e) {
    if (e instanceof Stop) return { ok: false, errors: [e.error] };
    throw e;
  }
  return { ok: true, tree, changes: { changes: level.finish(tree.schema) }, errors: engine.errors };
}

/**
 * copy-config: `source` becomes the content. The result shares its nodes with `source`
 * (both become read-only to each other); the changes are diffTrees(target, result).
 */
export function replaceAll(target: DataTree, source: DataTree): { tree: DataTree; changes: ChangeSet } {
  const tree = source.clone();
  return { tree, changes: diffTrees(target, tree) };
}

/** The operation in force on a node: an edit operation, or none (containment only). */
type Op = EditOperation | 'none';

const removes = (op: Op): op is 'delete' | 'remove' => op === 'delete' || op === 'remove';
const adds = (op: Op | undefined): boolean => op === 'merge' || op === 'replace' || op === 'create';

/** Unwinds the engine at the first error (stop-on-error, rollback-on-error). */
class Stop extends Error {
  constructor(readonly error: EditError) {
    super(error.message);
  }
}

class Engine {
  readonly errors: EditError[] = [];
  private readonly schema: Schema;

  constructor(private readonly tree: DataTree, private readonly attrs: ReadonlyMap<DataNode, EditAttributes>,
    private readonly continueOnError: boolean) {
    this.schema = tree.schema;
  }

  /** Applies the children of the edit node `edit` under `level.node`, inheriting `op`. */
  children(level: Level, edit: InnerData, op: Op): void {
    if (level.replacing) this.dropUnmentioned(level, edit);
    for (const child of edit.childNodes()) {
      if (child.kind === 'leaf' && child.schema.isKey) continue; // the entry's identity, applied with it
      const a = this.attrs.get(child);
      const effective = a?.operation ?? op;
      switch (child.kind) {
        case 'leaf': this.leaf(level, child, effective, a); break;
        case 'any': this.any(level, child, effective); break;
        case 'leaf-list-entry': this.leafListEntry(level, child, effective, a); break;
        case 'list-entry': this.listEntry(level, child, effective, a); break;
        case 'container': this.container(level, child, effective); break;
      }
    }
    if (!level.fresh) this.clearOtherCases(level, edit);
  }

  private fail(error: EditError): void {
    if (!this.continueOnError) throw new Stop(error);
    this.errors.push(error);
  }

  // ---- leaves --------------------------------------------------------------------------------

  private leaf(level: Level, e: LeafData, op: Op, a: EditAttributes | undefined): void {
    const w = level.node;
    const s = e.schema;
    const log = level.nodeLog(s);
    const cur = w.leaf(s);
    if (removes(op)) {
      if (cur !== undefined) {
        this.tree.remove(w, cur);
        log.changes.push(deleteChange(cur));
      } else if (op === 'delete') {
        this.fail(s.default !== undefined ? E.deleteDefault(this.schema, e, s.default) : E.deleteMissing(this.schema, e));
      }
      return;
    }
    if (a?.valueOmitted === true) return this.fail(E.valueMissing(this.schema, e));
    if (op === 'none') {
      if (cur === undefined) this.fail(E.containmentMissing(this.schema, e));
      return;
    }
    if (op === 'create' && cur !== undefined) return this.fail(E.dataExists(this.schema, e));
    if (a?.defaultTagged === true) {
      if (s.default !== e.value.canonical) return this.fail(E.notTheDefault(this.schema, e, e.value.canonical, s.default));
      if (cur !== undefined) {
        this.tree.remove(w, cur);
        log.changes.push(deleteChange(cur));
      }
      return;
    }
    if (cur !== undefined && cur.value.canonical === e.value.canonical) return;
    const n = this.tree.setLeaf(w, s, e.value);
    log.changes.push(cur === undefined ? createChange(n) : replaceChange(cur, n));
  }

  private any(level: Level, e: AnyData, op: Op): void {
    const w = level.node;
    const log = level.nodeLog(e.schema);
    const cur = w.any(e.schema);
    if (removes(op)) {
      if (cur !== undefined) {
        this.tree.remove(w, cur);
        log.changes.push(deleteChange(cur));
      } else if (op === 'delete') {
        this.fail(E.deleteMissing(this.schema, e));
      }
      return;
    }
    if (op === 'none') {
      if (cur === undefined) this.fail(E.containmentMissing(this.schema, e));
      return;
    }
    if (op === 'create' && cur !== undefined) return this.fail(E.dataExists(this.schema, e));
    if (cur !== undefined && nodesEqual(cur, e)) return;
    const n = this.tree.setAny(w, e.schema, e.value);
    log.changes.push(cur === undefined ? createChange(n) : replaceChange(cur, n));
  }

  // ---- lists and leaf-lists ------------------------------------------------------------------

  private leafListEntry(level: Level, e: LeafListEntry, op: Op, a: EditAttributes | undefined): void {
    const w = level.node;
    const s = e.schema;
    const log = level.entriesLog(s);
    const cur = w.entries(s)?.get(e.key);
    if (removes(op)) {
      if (cur !== undefined) {
        this.tree.remove(w, cur);
        log.deletes.set(e.key, deleteChange(cur));
      } else if (op === 'delete') {
        this.fail(E.deleteMissing(this.schema, e));
      }
      return;
    }
    if (op === 'none') {
      if (cur === undefined) this.fail(E.containmentMissing(this.schema, e));
      return;
    }
    if (op === 'create' && cur !== undefined) return this.fail(E.dataExists(this.schema, e));
    const position = this.position(level, s, e, a, cur !== undefined);
    if (position === null) return;
    if (cur === undefined) {
      const n = this.tree.leafListEntry(w, s, e.value, position === undefined ? {} : { position });
      log.groups.set(e.key, { before: undefined, changes: [createChange(n)] });
    } else if (position !== undefined) {
      this.tree.move(w, cur, position);
      log.reordered = true;
    }
  }

  private listEntry(level: Level, e: ListEntry, op: Op, a: EditAttributes | undefined): void {
    const w = level.node;
    const s = e.schema;
    const log = level.entriesLog(s);
    const cur = w.entries(s)?.get(e.key);
    if (!removes(op)) {
      for (const k of this.schema.keyLeaves(s)) {
        const leaf = e.leaf(k);
        const kop = leaf === undefined ? undefined : this.attrs.get(leaf)?.operation;
        if (leaf !== undefined && kop !== undefined && removes(kop)) return this.fail(E.keyOperation(this.schema, leaf, kop));
      }
    }
    if (removes(op)) {
      if (!this.onlyRemovesBelow(e, op)) return;
      if (cur !== undefined) {
        this.tree.remove(w, cur);
        log.deletes.set(e.key, deleteChange(cur));
      } else if (op === 'delete') {
        this.fail(E.deleteMissing(this.schema, e));
      }
      return;
    }
    if (op === 'none') {
      if (cur === undefined) return this.fail(E.containmentMissing(this.schema, e));
    } else if (op === 'create' && cur !== undefined) {
      return this.fail(E.dataExists(this.schema, e));
    }
    const position = op === 'none' ? undefined : this.position(level, s, e, a, cur !== undefined);
    if (position === null) return;
    if (cur === undefined) {
      const n = this.tree.entry(w, s, e.keyValues, position);
      this.children(new Level(this.tree, n, true, false), e, op);
      log.groups.set(e.key, { before: undefined, changes: [createChange(n)] });
      return;
    }
    if (position !== undefined) {
      this.tree.move(w, cur, position);
      log.reordered = true;
    }
    const child = new Level(this.tree, this.tree.writable(w, cur), false, op === 'replace');
    this.children(child, e, op);
    log.groups.set(e.key, { before: cur, changes: child.finish(this.schema) });
  }

  /**
   * Where an entry goes: undefined for "where it is" (or last when new), null after an error.
   * In a replaced parent, user-ordered entries without insert go last, so they take the edit's order.
   */
  private position(level: Level, s: ListNode | LeafListNode, e: ListEntry | LeafListEntry, a: EditAttributes | undefined,
    exists: boolean): InsertPosition | undefined | null {
    if (s.orderedBy !== 'user') return undefined;
    const where = a?.insert;
    if (where === undefined) return exists && level.replacing ? { where: 'last' } : undefined;
    if (where === 'first' || where === 'last') return { where };
    const anchor = a?.anchor ?? '';
    if (anchor === e.key) {
      this.fail(E.anchorIsSelf(this.schema, e, a ?? {}));
      return null;
    }
    if (level.node.entries(s as ListNode)?.has(anchor) !== true) {
      this.fail(E.anchorMissing(this.schema, e, a ?? {}));
      return null;
    }
    return { where, anchor };
  }

  // ---- containers ----------------------------------------------------------------------------

  private container(level: Level, e: ContainerData, op: Op): void {
    const w = level.node;
    const s = e.schema;
    const log = level.nodeLog(s);
    const cur = w.container(s);
    const exists = cur !== undefined && (s.presence || cur.slotCount > 0);
    if (removes(op)) {
      if (!this.onlyRemovesBelow(e, op)) return;
      if (exists) {
        this.tree.remove(w, cur);
        log.changes.push(deleteChange(cur));
      } else if (op === 'delete') {
        this.fail(E.deleteMissing(this.schema, e));
      }
      return;
    }
    if (op === 'create' && exists) return this.fail(E.dataExists(this.schema, e));
    if (op === 'none' && cur === undefined && s.presence) return this.fail(E.containmentMissing(this.schema, e));
    if (cur === undefined) {
      const n = this.tree.container(w, s);
      this.children(new Level(this.tree, n, true, false), e, op);
      if (!s.presence && n.slotCount === 0) this.tree.remove(w, n);
      else log.changes.push(createChange(n));
      return;
    }
    const cw = this.tree.writable(w, cur);
    const child = new Level(this.tree, cw, false, op === 'replace');
    this.children(child, e, op);
    const changes = child.finish(this.schema);
    if (!s.presence && cw.slotCount === 0 && cur.slotCount > 0) {
      this.tree.remove(w, cw);
      log.changes.push(deleteChange(cur));
    } else {
      for (const c of changes) log.changes.push(c);
    }
  }

  // ---- whole slots ---------------------------------------------------------------------------

  /** replace: takes away what the edit does not mention (list keys stay: they are the identity). */
  private dropUnmentioned(level: Level, edit: InnerData): void {
    for (const slot of [...level.node.slots()]) {
      const mentioned = edit.slot(slot.schema);
      if (slot.kind === 'entries') {
        if (mentioned === undefined) {
          this.dropSlot(level, slot);
        } else {
          const log = level.entriesLog(slot.schema);
          for (const entry of [...slot] as (ListEntry | LeafListEntry)[]) {
            if ((mentioned as AnyEntrySet).has(entry.key)) continue;
            this.tree.remove(level.node, entry);
            log.deletes.set(entry.key, deleteChange(entry));
          }
        }
      } else if (mentioned === undefined && !(slot.kind === 'leaf' && slot.schema.isKey)) {
        this.dropSlot(level, slot);
      }
    }
  }

  /** RFC 7950 §7.9: a node of one case present now → the nodes of the other cases go away. */
  private clearOtherCases(level: Level, edit: InnerData): void {
    for (const slot of edit.slots()) {
      const chosen = this.schema.refOf(slot.schema)?.choices;
      if (chosen === undefined || chosen.length === 0 || level.node.slot(slot.schema) === undefined) continue;
      for (const other of [...level.node.slots()]) {
        if (other.schema === slot.schema) continue;
        const choices = this.schema.refOf(other.schema)?.choices;
        if (choices !== undefined && otherCase(chosen, choices)) this.dropSlot(level, other);
      }
    }
  }

  private dropSlot(level: Level, slot: Slot): void {
    if (slot.kind === 'entries') {
      const log = level.entriesLog(slot.schema);
      for (const entry of [...slot] as (ListEntry | LeafListEntry)[]) {
        this.tree.remove(level.node, entry);
        log.deletes.set(entry.key, deleteChange(entry));
      }
    } else {
      const log = level.nodeLog(slot.schema);
      this.tree.remove(level.node, slot);
      log.changes.push(deleteChange(slot));
    }
  }

  /** Inside delete / remove nothing may add data; reports the first descendant that tries. */
  private onlyRemovesBelow(root: ContainerData | ListEntry, op: 'delete' | 'remove'): boolean {
    const stack: InnerData[] = [root];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      for (const d of n.childNodes()) {
        const dop = this.attrs.get(d)?.operation;
        if (adds(dop)) {
          this.fail(E.nestedOperation(this.schema, d, dop as EditOperation, root, op));
          return false;
        }
        if (d.kind === 'container' || d.kind === 'list-entry') stack.push(d);
      }
    }
    return true;
  }
}

/** true when the two nodes sit in different cases of a choice they share. */
function otherCase(a: readonly ChoicePoint[], b: readonly ChoicePoint[]): boolean {
  for (const x of a) for (const y of b) if (x.choice === y.choice && x.case !== y.case) return true;
  return false;
}

