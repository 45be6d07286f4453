// Commit history: who changed running, when, why, and exactly what — kept so that the
// configuration as it was right after any of the last N commits can be rebuilt.
//
// A commit is recorded as its change set in a reversible, serializable form, never as a copy of
// the configuration, so recording costs what the change costs:
// - each change keeps its RFC 7951 path (for people), its depth, and the old and / or new node
//   as a *sparse document*: the node's ancestors with only their keys, wrapping the node's whole
//   subtree ({"ietf-interfaces:interfaces": {"interface": [{"name": "eth0", "mtu": 1500}]}}).
//   A sparse document decodes with the ordinary JSON decoder (typed values, canonical keys),
//   and walking it down `depth` steps (at each level, the one child that is not a key leaf)
//   finds the node again.
// - an ordered-by-user list or leaf-list whose membership or order changed keeps its old order
//   (entry keys) once per commit, with its parent as a sparse document.
//
// Undoing a commit is tree surgery on a clone of the newer configuration (copy-on-write, so it
// costs the size of the change): a created node is removed, a deleted or replaced node is put
// back from the old document (grafted: the decoded subtree is shared, not copied), and every
// recorded ordered set is put back in its old order. applyEdit could do the same with an edit
// tree of remove / create / replace operations, but it would need an edit-attribute map per node
// and insert positions whose anchors may themselves be changing in the same commit; restoring
// each touched ordered set wholesale is simpler and exact.
import type { DataSchemaNode, Schema } from '../validation/schema.js';
import type { ListNode, SchemaNode } from '../validation/schema-model.js';
import { formatJson } from '../validation/types/index.js';
import {
  DataTree, keyString, type DataNode, type EntrySet, type InnerData, type InnerNode, type LeafListEntry,
  type ListEntry, type Location,
} from './data-tree.js';
import type { ChangeOp, ChangeSet } from './edit/change.js';
import { jsonPath } from './instance-path.js';
import { decodeJson } from './json-decoder.js';
import { nodeToJson, type JsonObject } from './json-encoder.js';

export const DEFAULT_HISTORY_LIMIT = 50;

/** One change of a commit, reversible. */
export interface ChangeRecord {
  op: ChangeOp;
  /** RFC 7951 instance path of the node. */
  path: string;
  /** Steps from the datastore root down to the node (the node's own step included). */
  depth: number;
  /** delete, replace: the old node as a sparse document. */
  old?: JsonObject;
  /** create, replace: the new node as a sparse document. */
  new?: JsonObject;
}

/** The old order of an ordered-by-user list or leaf-list that a commit changed. */
export interface OrderRecord {
  /** The entries' parent as a sparse document ({} for the top level). */
  parent: JsonObject;
  /** Steps from the root down to the parent (0: the top level). */
  depth: number;
  /** Schema path of the list or leaf-list (SchemaNode.path). */
  schema: string;
  /** Entry keys (EntrySet keys) in the old order. */
  keys: string[];
}

/** Who made a commit. */
export type CommitAuthor = { user: string; sessionId: number; sourceHost?: string } | { server: true };

export interface CommitRecord {
  /** Increasing from 1; the newest record's id is the one running carries on disk. */
  id: number;
  /** ISO 8601 time of the commit. */
  time: string;
  /** Login name, or "(server)" for changes the server made by itself (confirmed-commit revert). */
  user: string;
  /** NETCONF session id; null for the server. */
  sessionId: number | null;
  comment?: string;
  /** Made by a confirmed commit (RFC 6241 §8.4) still or once awaiting confirmation. */
  confirmed: boolean;
  /** What made it: "commit", "copy-config", "rollback", "confirmed-commit-revert", ... */
  operation: string;
  changes: ChangeRecord[];
  orders: OrderRecord[];
}

export type CommitSummary = Omit<CommitRecord, 'changes' | 'orders'> & { changeCount: number };

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

/** Where records live (persistence.ts implements it with one file per commit). */
export interface HistoryStore {
  writeCommitRecord(record: CommitRecord): Promise<void>;
  removeCommitRecord(id: number): Promise<void>;
}

// ---- recording -----------------------------------------------------------------------------------

function chainOf(loc: Location | null): Location[] {
  const out: Location[] = [];
  for (let l = loc; l !== null; l = l.up) out.push(l);
  return out.reverse();
}

/** The ancestors of a node as nested objects holding only keys; returns the innermost object. */
function ancestorsDocument(chain: readonly Location[]): { doc: JsonObject; innermost: JsonObject } {
  const doc: JsonObject = {};
  let current = doc;
  let module: string | undefined;
  for (const loc of chain) {
    const s = loc.schema;
    const name = s.module === module ? s.name : `${s.module}:${s.name}`;
    const obj: JsonObject = {};
    if (s.kind === 'container') {
      current[name] = obj;
    } else if (s.kind === 'list') {
      s.keys.forEach((key, i) => {
        const v = loc.keyValues?.[i];
        if (v !== undefined) obj[key] = formatJson(v, s.module);
      });
      current[name] = [obj];
    } else {
      throw new HistoryError(`${s.path} (${s.kind}) cannot hold children`);
    }
    current = obj;
    module = s.module;
  }
  return { doc, innermost: current };
}

/** A node with its ancestors (keys only) around it. */
export function sparseDocument(schema: Schema, node: DataNode): JsonObject {
  const { doc, innermost } = ancestorsDocument(chainOf(node.up));
  Object.assign(innermost, nodeToJson(schema, node));
  return doc;
}

/** The inner node of `tree` at a location, or undefined when it is not there. */
function findInner(tree: DataTree, loc: Location | null): InnerData | undefined {
  let inner: InnerData = tree.root;
  for (const step of chainOf(loc)) {
    const slot = inner.slot(step.schema as DataSchemaNode);
    if (slot === undefined) return undefined;
    let next: DataNode | undefined;
    if (slot.kind === 'entries') next = (slot as EntrySet<ListEntry>).get(keyString(step.keyValues ?? []));
    else next = slot;
    if (next === undefined || (next.kind !== 'container' && next.kind !== 'list-entry')) return undefined;
    inner = next;
  }
  return inner;
}

function isOrderedEntry(node: DataNode): node is ListEntry | LeafListEntry {
  return (node.kind === 'list-entry' || node.kind === 'leaf-list-entry') && node.schema.orderedBy === 'user';
}

/**
 * The reversible form of `changes` (from `before` to some newer tree). Cost: the size of the
 * changed subtrees, plus the length of each ordered-by-user list whose order or membership changed.
 */
export function recordChanges(schema: Schema, before: DataTree, changes: ChangeSet): { changes: ChangeRecord[]; orders: OrderRecord[] } {
  const records: ChangeRecord[] = [];
  const orders: OrderRecord[] = [];
  const seenSets = new Set<string>();
  for (const change of changes.changes) {
    const node = change.node ?? change.old;
    if (node === undefined) throw new HistoryError(`change ${change.op} ${change.path} carries no node`);
    const record: ChangeRecord = { op: change.op, path: change.path, depth: chainOf(node).length };
    if (change.old !== undefined && (change.op === 'delete' || change.op === 'replace')) record.old = sparseDocument(schema, change.old);
    if (change.node !== undefined && (change.op === 'create' || change.op === 'replace')) record.new = sparseDocument(schema, change.node);
    records.push(record);
    if (change.op !== 'replace' && isOrderedEntry(node)) {
      const parentPath = node.up === null ? '' : jsonPath(node.up);
      const setId = `${parentPath}\u0000${node.schema.path}`;
      if (seenSets.has(setId)) continue;
      seenSets.add(setId);
      const parent = findInner(before, node.up);
      const set = parent?.entries(node.schema as ListNode);
      const chain = chainOf(node.up);
      orders.push({
        parent: ancestorsDocument(chain).doc,
        depth: chain.length,
        schema: node.schema.path,
        keys: set === undefined ? [] : [...set.keys()],
      });
    }
  }
  return { changes: records, orders };
}

// ---- undoing -------------------------------------------------------------------------------------

function decodeSparse(schema: Schema, doc: JsonObject, what: string): DataTree {
  const r = decodeJson(schema, doc, { datastore: 'config' });
  if (!r.ok) throw new HistoryError(`${what}: the stored document no longer decodes: ${r.errors[0].message}`);
  return r.tree;
}

/** Walks a sparse tree down `depth` steps; returns the nodes passed, the last being the target. */
function walkSparse(tree: DataTree, depth: number, what: string): DataNode[] {
  const steps: DataNode[] = [];
  let inner: InnerNode = tree.root;
  for (let i = 0; i < depth; i++) {
    const keys = inner.kind === 'list-entry' ? new Set<SchemaNode>(tree.schema.keyLeaves(inner.schema)) : undefined;
    let found: DataNode | undefined;
    let count = 0;
    for (const slot of inner.slots()) {
      if (keys?.has(slot.schema) === true) continue;
      count++;
      found = slot.kind === 'entries' ? (slot as EntrySet<ListEntry>).first() : slot;
      if (slot.kind === 'entries' && slot.size !== 1) count = 2;
    }
    if (count !== 1 || found === undefined) throw new HistoryError(`${what}: the stored document is not a single path`);
    steps.push(found);
    if (i < depth - 1) {
      if (found.kind !== 'container' && found.kind !== 'list-entry') throw new HistoryError(`${what}: the stored path runs through a leaf`);
      inner = found;
    }
  }
  return steps;
}

/**
 * The writable inner node of `tree` at the end of `steps` (ancestors taken from a sparse tree);
 * missing ones are created when `create` is set, else undefined is returned.
 */
function writableAt(tree: DataTree, steps: readonly DataNode[], create: boolean): InnerData | undefined {
  let inner: InnerData = tree.writableRoot();
  for (const step of steps) {
    if (step.kind === 'container') {
      const existing = inner.container(step.schema);
      if (existing === undefined && !create) return undefined;
      inner = existing === undefined ? tree.container(inner, step.schema) : tree.writable(inner, existing);
    } else if (step.kind === 'list-entry') {
      const existing = inner.entries(step.schema)?.get(step.key);
      if (existing === undefined && !create) return undefined;
      inner = existing === undefined ? tree.entry(inner, step.schema, step.keyValues) : tree.writable(inner, existing);
    } else {
      throw new HistoryError(`${step.schema.path} (${step.kind}) cannot hold children`);
    }
  }
  return inner;
}

/** The node of `inner` with the identity of `like` (same schema node and key). */
function sameNodeIn(inner: InnerData, like: DataNode): DataNode | undefined {
  const slot = inner.slot(like.schema);
  if (slot === undefined) return undefined;
  if (slot.kind === 'entries') return (slot as EntrySet<ListEntry | LeafListEntry>).get((like as ListEntry | LeafListEntry).key);
  return slot;
}

function undoChange(schema: Schema, tree: DataTree, change: ChangeRecord, what: string): void {
  const source = change.op === 'create' ? change.new : change.old;
  if (change.op === 'move') return; // the order records put entries back in place
  if (source === undefined) throw new HistoryError(`${what}: ${change.op} ${change.path} lacks its ${change.op === 'create' ? 'new' : 'old'} node`);
  const sparse = decodeSparse(schema, source, what);
  const steps = walkSparse(sparse, change.depth, what);
  const target = steps[steps.length - 1];
  if (target === undefined) throw new HistoryError(`${what}: ${change.path} has no steps`);
  const ancestors = steps.slice(0, -1);
  if (change.op === 'create') {
    const parent = writableAt(tree, ancestors, false);
    const existing = parent === undefined ? undefined : sameNodeIn(parent, target);
    if (parent === undefined || existing === undefined || !tree.remove(parent, existing)) {
      throw new HistoryError(`${what}: ${change.path} should exist (it was created) but does not`);
    }
    return;
  }
  // delete or replace: put the old node back (its subtree is shared with the decoded sparse tree).
  const parent = writableAt(tree, ancestors, true);
  if (parent === undefined) throw new HistoryError(`${what}: cannot reach the parent of ${change.path}`);
  tree.graft(parent, target, sparse);
}

function restoreOrder(schema: Schema, tree: DataTree, order: OrderRecord, what: string): void {
  const listSchema = schema.nodeByPath(order.schema);
  if (listSchema === undefined || (listSchema.kind !== 'list' && listSchema.kind !== 'leaf-list')) {
    throw new HistoryError(`${what}: ${order.schema} is no longer a list or leaf-list`);
  }
  const steps = order.depth === 0 ? [] : walkSparse(decodeSparse(schema, order.parent, what), order.depth, what);
  const parent = writableAt(tree, steps, false);
  const set = parent?.slot(listSchema) as EntrySet<ListEntry | LeafListEntry> | undefined;
  if (parent === undefined || set === undefined) {
    if (order.keys.length === 0) return;
    throw new HistoryError(`${what}: ${order.schema} should hold ${order.keys.length} entries but is gone`);
  }
  if (set.size !== order.keys.length) {
    throw new HistoryError(`${what}: ${order.schema} holds ${set.size} entries, ${order.keys.length} expected`);
  }
  for (const key of order.keys) {
    const entry = set.get(key);
    if (entry === undefined) throw new HistoryError(`${what}: ${order.schema} lacks entry ${JSON.stringify(key)}`);
    tree.move(parent, entry, { where: 'last' });
  }
}

/** The configuration right before `record` was committed, given the one right after it. */
export function undoCommit(schema: Schema, after: DataTree, record: CommitRecord): DataTree {
  const tree = after.clone();
  const what = `undoing commit ${record.id}`;
  for (let i = record.changes.length - 1; i >= 0; i--) {
    const change = record.changes[i];
    if (change !== undefined) undoChange(schema, tree, change, what);
  }
  for (const order of record.orders) restoreOrder(schema, tree, order, what);
  return tree;
}

// ---- the history -----------------------------------------------------------------------------------

/** Checks the shape of a record read from disk; a string says what is wrong. */
export function checkCommitRecord(value: unknown): CommitRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'number' || !Number.isSafeInteger(r.id) || r.id < 1) return '"id" is not a positive integer';
  if (typeof r.time !== 'string') return '"time" is missing';
  if (typeof r.user !== 'string') return '"user" is missing';
  if (r.sessionId !== null && typeof r.sessionId !== 'number') return '"sessionId" is neither a number nor null';
  if (typeof r.confirmed !== 'boolean') return '"confirmed" is not a boolean';
  if (typeof r.operation !== 'string') return '"operation" is missing';
  if (r.comment !== undefined && typeof r.comment !== 'string') return '"comment" is not a string';
  if (!Array.isArray(r.changes) || !Array.isArray(r.orders)) return '"changes" or "orders" is not an array';
  for (const c of r.changes as unknown[]) {
    const ch = c as Partial<ChangeRecord> | null;
    if (ch === null || typeof ch !== 'object' || typeof ch.op !== 'string' || typeof ch.path !== 'string' || typeof ch.depth !== 'number') {
      return 'a change lacks op, path or depth';
    }
  }
  for (const o of r.orders as unknown[]) {
    const or = o as Partial<OrderRecord> | null;
    if (or === null || typeof or !== 'object' || typeof or.schema !== 'string' || typeof or.depth !== 'number' || !Array.isArray(or.keys)) {
      return 'an order record lacks schema, depth or keys';
    }
  }
  return value as CommitRecord;
}

/**
 * The retained records that agree with running: a record newer than the commit running carries
 * never became durable (dropped), and when the newest retained record is not that commit the
 * chain is broken (running changed without a record) and none of them can be undone to.
 */
export function reconcileHistory(records: readonly CommitRecord[], runningCommit: number | null): { keep: CommitRecord[]; drop: CommitRecord[] } {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  if (runningCommit === null) return { keep: [], drop: sorted };
  const keep = sorted.filter((r) => r.id <= runningCommit);
  const drop = sorted.filter((r) => r.id > runningCommit);
  if (keep.length > 0 && keep[keep.length - 1]?.id !== runningCommit) return { keep: [], drop: sorted };
  return { keep, drop };
}

export interface CommitHistoryOptions {
  /** How many commits are kept (default 50). */
  limit?: number;
  /** Told about failures of background work (pruning). */
  onError?: (err: unknown) => void;
}

/** The last N commits, oldest first in memory, one file each on disk. */
export class CommitHistory {
  private readonly records: CommitRecord[];
  private readonly limit: number;
  private background: Promise<void> = Promise.resolve();

  /** `records`: as loaded and reconciled (reconcileHistory), any order. */
  constructor(private readonly schema: Schema, private readonly store: HistoryStore, records: readonly CommitRecord[] = [],
    private readonly options: CommitHistoryOptions = {}) {
    this.limit = Math.max(1, options.limit ?? DEFAULT_HISTORY_LIMIT);
    this.records = [...records].sort((a, b) => a.id - b.id);
    this.prune();
  }

  /** Id of the newest record, or null. */
  get newestId(): number | null {
    return this.records[this.records.length - 1]?.id ?? null;
  }

  get size(): number {
    return this.records.length;
  }

  /** Summaries, newest first. */
  list(): CommitSummary[] {
    return this.records.map(({ changes, orders: _orders, ...rest }) => ({ ...rest, changeCount: changes.length })).reverse();
  }

  get(id: number): CommitRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** Writes the record durably, then keeps it; older ones beyond the limit are removed in the background. */
  async append(record: CommitRecord): Promise<void> {
    const newest = this.newestId;
    if (newest !== null && record.id <= newest) throw new HistoryError(`commit ${record.id} is not newer than commit ${newest}`);
    await this.store.writeCommitRecord(record);
    this.records.push(record);
    this.prune();
  }

  /** Forgets the newest record (its commit did not become durable after all). */
  async discardNewest(id: number): Promise<void> {
    const last = this.records[this.records.length - 1];
    if (last?.id === id) this.records.pop();
    await this.store.removeCommitRecord(id);
  }

  /** Forgets every record (running changed without one: the chain is broken). */
  invalidate(): void {
    const gone = this.records.splice(0, this.records.length);
    this.removeInBackground(gone);
  }

  /**
   * The configuration as it was right after commit `id`, given running (which is the state
   * right after the newest commit): undoes the newer commits one by one, newest first.
   */
  configurationAt(id: number, running: DataTree): DataTree {
    const index = this.records.findIndex((r) => r.id === id);
    if (index < 0) {
      const ids = this.records.map((r) => r.id);
      throw new HistoryError(ids.length === 0
        ? `commit ${id} is not in the history (it is empty)`
        : `commit ${id} is not in the history (it holds commits ${ids[0]}..${ids[ids.length - 1]})`);
    }
    let tree = running.clone();
    for (let i = this.records.length - 1; i > index; i--) {
      const record = this.records[i];
      if (record !== undefined) tree = undoCommit(this.schema, tree, record);
    }
    return tree;
  }

  /** Resolves when background removals have finished. */
  flush(): Promise<void> {
    return this.background;
  }

  private prune(): void {
    const excess = this.records.length - this.limit;
    if (excess > 0) this.removeInBackground(this.records.splice(0, excess));
  }

  private removeInBackground(records: readonly CommitRecord[]): void {
    if (records.length === 0) return;
    this.background = this.background.then(async () => {
      for (const r of records) {
        try {
          await this.store.removeCommitRecord(r.id);
        } catch (err) {
          this.options.onError?.(err);
        }
      }
    });
  }
}

/** A new record for a commit (the id is chosen by the caller). */
export function buildCommitRecord(schema: Schema, before: DataTree, changes: ChangeSet,
  meta: { id: number; time: Date; author: CommitAuthor; comment?: string; confirmed?: boolean; operation: string }): CommitRecord {
  const { changes: changeRecords, orders } = recordChanges(schema, before, changes);
  const record: CommitRecord = {
    id: meta.id,
    time: meta.time.toISOString(),
    user: 'server' in meta.author ? '(server)' : meta.author.user,
    sessionId: 'server' in meta.author ? null : meta.author.sessionId,
    confirmed: meta.confirmed ?? false,
    operation: meta.operation,
    changes: changeRecords,
    orders,
  };
  if (meta.comment !== undefined) record.comment = meta.comment;
  return record;
}
