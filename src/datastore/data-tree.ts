// The data tree: instances of containers, list entries, leaves, leaf-list entries and anydata /
// anyxml, each knowing its schema node, with canonical values (TypedValue) in the leaves.
//
// Representation (why it looks like this):
// - An inner node (root, container, list entry) keeps its children in a Map keyed by *schema
//   node*: a container, leaf or anydata child is stored directly; all instances of one list or
//   leaf-list are one EntrySet. A child is found in O(1) by schema node, a list entry in O(1) by
//   its canonical key string (see keyString), and insert first/last/before/after is O(1)
//   (OrderedIndex: a Map of doubly linked cells).
// - Copy-on-write with ownership tokens (as in Clojure's transients / Immer): every inner node
//   and entry set carries the token of the tree that created it, and a tree changes in place
//   only the nodes that carry its current token. `clone()` is O(1): both trees share the root and
//   both take fresh tokens, so every existing node is now read-only to both; the first write
//   below a node copies the path from the root down to it (a shallow copy of each children
//   map; an entry set copies its index once). Candidate = running.clone() is therefore free,
//   discard-changes is dropping the candidate, and a diff can skip every subtree the two
//   versions still share (`a === b`), so its cost follows the changes, not the datastore size.
//   Leaves, leaf-list entries and anydata are immutable: changing a value replaces the node.
// - No parent pointers (a shared node has a parent in each version). Each node is its own
//   Location instead: schema node, key values, and the location of its parent. That identity
//   is the same in every version, so instance paths stay right whichever version holds the
//   node. To walk upwards through *data*, keep the stack of parents while descending.
// - Ordered-by-user lists and leaf-lists keep the user's order; ordered-by-system ones keep
//   insertion order, which makes output deterministic; equality ignores their order.
import type { DataSchemaNode, ParentSchemaNode, Schema } from '../validation/schema.js';
import type { AnyNode, ContainerNode, LeafListNode, LeafNode, ListNode } from '../validation/schema-model.js';
import type { TypedValue } from '../validation/types/value.js';
import type { Location } from './instance-path.js';
import { OrderedIndex, type InsertPosition } from './ordered-index.js';

export type { InsertPosition } from './ordered-index.js';
export type { Location } from './instance-path.js';

/** A write token. A tree may change in place only the nodes stamped with its current token. */
class Owner {}

/** anydata / anyxml content, kept as it came: XML text (self-contained namespaces) or JSON. */
export type AnyValue = { format: 'xml'; xml: string } | { format: 'json'; json: unknown };

/** The key of a list entry inside its EntrySet: the canonical key values joined by NUL (no YANG value holds NUL). */
export function keyString(keyValues: readonly TypedValue[]): string {
  if (keyValues.length === 1) return keyValues[0]?.canonical ?? '';
  return keyValues.map((v) => v.canonical).join('\u0000');
}

export class LeafData implements Location {
  constructor(readonly schema: LeafNode, readonly up: Location | null, readonly value: TypedValue) {}
  get kind(): 'leaf' { return 'leaf'; }
}

export class LeafListEntry implements Location {
  constructor(readonly schema: LeafListNode, readonly up: Location | null, readonly value: TypedValue,
    /** Its key in the EntrySet: the canonical value (made unique for repeated state values). */
    readonly key: string) {}
  get kind(): 'leaf-list-entry' { return 'leaf-list-entry'; }
  get keyValues(): readonly TypedValue[] { return [this.value]; }
}

export class AnyData implements Location {
  constructor(readonly schema: AnyNode, readonly up: Location | null, readonly value: AnyValue) {}
  get kind(): 'any' { return 'any'; }
}

/** What an inner node holds per schema child. */
export type Slot = ContainerData | LeafData | AnyData | EntrySet<ListEntry> | EntrySet<LeafListEntry>;

export abstract class InnerData {
  /** @internal write token */
  _owner: Owner;
  /** @internal children by schema node */
  _children: Map<DataSchemaNode, Slot>;

  constructor(owner: Owner, children?: Map<DataSchemaNode, Slot>) {
    this._owner = owner;
    this._children = children ?? new Map<DataSchemaNode, Slot>();
  }

  /** The location its children hang under. */
  abstract get location(): Location | null;
  /** @internal a shallow copy owned by `owner` */
  abstract _copy(owner: Owner): InnerData;

  slot(schema: DataSchemaNode): Slot | undefined {
    return this._children.get(schema);
  }

  container(schema: ContainerNode): ContainerData | undefined {
    return this._children.get(schema) as ContainerData | undefined;
  }

  leaf(schema: LeafNode): LeafData | undefined {
    return this._children.get(schema) as LeafData | undefined;
  }

  any(schema: AnyNode): AnyData | undefined {
    return this._children.get(schema) as AnyData | undefined;
  }

  entries(schema: ListNode): EntrySet<ListEntry> | undefined;
  entries(schema: LeafListNode): EntrySet<LeafListEntry> | undefined;
  entries(schema: ListNode | LeafListNode): EntrySet<ListEntry> | EntrySet<LeafListEntry> | undefined {
    return this._children.get(schema) as EntrySet<ListEntry> | EntrySet<LeafListEntry> | undefined;
  }

  /** Number of schema children present (a list or leaf-list counts once). */
  get slotCount(): number {
    return this._children.size;
  }

  /** Present children grouped by schema node, in insertion order. */
  slots(): IterableIterator<Slot> {
    return this._children.values();
  }

  /** Every child data node, list and leaf-list entries one by one. */
  *childNodes(): IterableIterator<DataNode> {
    for (const s of this._children.values()) {
      if (s.kind === 'entries') yield* s;
      else yield s;
    }
  }
}

export class ContainerData extends InnerData implements Location {
  constructor(readonly schema: ContainerNode, readonly up: Location | null, owner: Owner, children?: Map<DataSchemaNode, Slot>) {
    super(owner, children);
  }
  get kind(): 'container' { return 'container'; }
  get location(): Location { return this; }
  /** @internal */
  _copy(owner: Owner): ContainerData {
    return new ContainerData(this.schema, this.up, owner, new Map(this._children));
  }
}

export class ListEntry extends InnerData implements Location {
  /** @internal */
  _keyValues: readonly TypedValue[];
  /** @internal */
  _key: string;

  constructor(readonly schema: ListNode, readonly up: Location | null, owner: Owner,
    keyValues: readonly TypedValue[], key: string, children?: Map<DataSchemaNode, Slot>) {
    super(owner, children);
    this._keyValues = keyValues;
    this._key = key;
  }
  get kind(): 'list-entry' { return 'list-entry'; }
  get location(): Location { return this; }
  /** Key values in key order (empty for a keyless list). */
  get keyValues(): readonly TypedValue[] { return this._keyValues; }
  /** Its key in the EntrySet (keyString of the key values; "#n" in a keyless list). */
  get key(): string { return this._key; }
  /** @internal */
  _copy(owner: Owner): ListEntry {
    return new ListEntry(this.schema, this.up, owner, this._keyValues, this._key, new Map(this._children));
  }
}

/**
 * The top of a tree. For a datastore its schema is null and its children are top-level nodes;
 * for the input / output of an rpc or action, or a notification, its schema is that node and
 * `location` is where its children hang (e.g. the rpc, so paths read "/ietf-netconf:edit-config/target").
 */
export class RootData extends InnerData {
  constructor(readonly schema: ParentSchemaNode | null, readonly location: Location | null, owner: Owner,
    children?: Map<DataSchemaNode, Slot>) {
    super(owner, children);
  }
  get kind(): 'root' { return 'root'; }
  /** @internal */
  _copy(owner: Owner): RootData {
    return new RootData(this.schema, this.location, owner, new Map(this._children));
  }
}

/** All instances of one list or leaf-list under one parent. */
export class EntrySet<E extends ListEntry | LeafListEntry> {
  /** @internal */
  _owner: Owner;
  /** @internal */
  _index: OrderedIndex<E>;
  /** @internal counter for the synthetic keys of keyless list entries and repeated state values */
  _seq: number;

  constructor(readonly schema: E['schema'], owner: Owner, index?: OrderedIndex<E>, seq = 0) {
    this._owner = owner;
    this._index = index ?? new OrderedIndex<E>();
    this._seq = seq;
  }
  get kind(): 'entries' { return 'entries'; }
  get size(): number { return this._index.size; }
  get orderedByUser(): boolean { return this.schema.orderedBy === 'user'; }
  get(key: string): E | undefined { return this._index.get(key); }
  has(key: string): boolean { return this._index.has(key); }
  first(): E | undefined { return this._index.first(); }
  last(): E | undefined { return this._index.last(); }
  next(key: string): E | undefined { return this._index.next(key); }
  previous(key: string): E | undefined { return this._index.previous(key); }
  keys(): IterableIterator<string> { return this._index.keys(); }
  [Symbol.iterator](): IterableIterator<E> { return this._index.values(); }
  /** @internal */
  _copy(owner: Owner): EntrySet<E> {
    return new EntrySet<E>(this.schema, owner, this._index.copy(), this._seq);
  }
}

export type DataNode = ContainerData | ListEntry | LeafData | LeafListEntry | AnyData;

/** The nodes that hold children. */
export type InnerNode = RootData | ContainerData | ListEntry;

export interface DataTreeOptions {
  /** For an rpc / action input or output, or a notification: that node. Default: a datastore. */
  rootSchema?: ParentSchemaNode | null;
  /** Where the root's children hang (e.g. a Location for the rpc). Default: null (top level). */
  rootLocation?: Location | null;
}

export class DataTree {
  private rootNode: RootData;
  private owner = new Owner();

  constructor(readonly schema: Schema, options: DataTreeOptions = {}) {
    this.rootNode = new RootData(options.rootSchema ?? null, options.rootLocation ?? null, this.owner);
  }

  get root(): RootData {
    return this.rootNode;
  }

  /** An independent tree with the same content, in O(1) (copy-on-write from here on). */
  clone(): DataTree {
    const copy = Object.create(DataTree.prototype) as DataTree;
    Object.assign(copy, { schema: this.schema, rootNode: this.rootNode, owner: new Owner() });
    this.owner = new Owner();
    return copy;
  }

  /** Gives up in-place writes to every node held now (after handing nodes to another tree). */
  seal(): void {
    this.owner = new Owner();
  }

  /** true when this tree may change the node in place. */
  isWritable(node: InnerData | EntrySet<ListEntry> | EntrySet<LeafListEntry>): boolean {
    return node._owner === this.owner;
  }

  /** The root, ready to be written. */
  writableRoot(): RootData {
    if (this.rootNode._owner !== this.owner) this.rootNode = this.rootNode._copy(this.owner);
    return this.rootNode;
  }

  /**
   * A writable version of `child`, a container or list entry of the writable `parent`: the
   * child itself when this tree owns it, else a copy that replaces it in the parent.
   */
  writable<T extends ContainerData | ListEntry>(parent: InnerData, child: T): T {
    this.assertWritable(parent);
    if (child._owner === this.owner) return child;
    const copy = child._copy(this.owner) as T;
    if (copy instanceof ListEntry) {
      const set = this.writableSet(parent, copy.schema);
      if (set.get(copy.key) !== child) throw new Error(`writable(): ${copy.key} is not an entry of this parent`);
      set._index.set(copy.key, copy);
    } else {
      if (parent._children.get(child.schema) !== child) throw new Error(`writable(): ${child.schema.name} is not a child of this parent`);
      parent._children.set(child.schema, copy);
    }
    return copy;
  }

  /** The container child of a writable parent, created if missing, writable. */
  container(parent: InnerData, schema: ContainerNode): ContainerData {
    this.assertWritable(parent);
    const existing = parent._children.get(schema);
    if (existing !== undefined) return this.writable(parent, existing as ContainerData);
    const created = new ContainerData(schema, parent.location, this.owner);
    parent._children.set(schema, created);
    return created;
  }

  /** Sets (creates or replaces) a leaf of a writable parent. */
  setLeaf(parent: InnerData, schema: LeafNode, value: TypedValue): LeafData {
    this.assertWritable(parent);
    const leaf = new LeafData(schema, parent.location, value);
    parent._children.set(schema, leaf);
    return leaf;
  }

  /** Sets (creates or replaces) an anydata / anyxml of a writable parent. */
  setAny(parent: InnerData, schema: AnyNode, value: AnyValue): AnyData {
    this.assertWritable(parent);
    const node = new AnyData(schema, parent.location, value);
    parent._children.set(schema, node);
    return node;
  }

  /**
   * The list entry with these keys under a writable parent, created (with its key leaves) at
   * `position` if missing, writable. Position only matters for ordered-by-user lists; a
   * before/after anchor that does not exist throws — check `has(anchor)` first.
   * A keyless (state) list always gets a new entry.
   */
  entry(parent: InnerData, schema: ListNode, keyValues: readonly TypedValue[], position?: InsertPosition): ListEntry {
    this.assertWritable(parent);
    if (keyValues.length > 0) {
      const existing = parent.entries(schema)?.get(keyString(keyValues));
      if (existing !== undefined) return this.writable(parent, existing);
    }
    const entry = this.newEntry(parent, schema);
    this.schema.keyLeaves(schema).forEach((k, i) => {
      const v = keyValues[i];
      if (v !== undefined) this.setLeaf(entry, k, v);
    });
    this.attachEntry(parent, entry, keyValues, position);
    return entry;
  }

  /**
   * A detached list entry whose keys are not known yet (a decoder reading children in document
   * order). Fill it, then `attachEntry` it.
   */
  newEntry(parent: InnerData, schema: ListNode): ListEntry {
    return new ListEntry(schema, parent.location, this.owner, [], '');
  }

  /**
   * Gives a detached entry its key values before it is attached, so that the paths of its
   * children read "interface[name='eth0']/..." while it is still being filled.
   */
  nameEntry(entry: ListEntry, keyValues: readonly TypedValue[]): void {
    if (entry._owner !== this.owner || entry._key !== '') throw new Error('nameEntry(): only for a detached entry of this tree');
    entry._keyValues = keyValues;
  }

  /**
   * Gives a detached entry its keys and puts it under a writable parent. Returns false (and
   * attaches nothing) when an entry with the same keys is already there.
   */
  attachEntry(parent: InnerData, entry: ListEntry, keyValues: readonly TypedValue[], position?: InsertPosition): boolean {
    if (keyValues.length !== entry.schema.keys.length) {
      throw new Error(`${entry.schema.path} has ${entry.schema.keys.length} key(s), ${keyValues.length} given`);
    }
    const set = this.writableSet(parent, entry.schema);
    let key: string;
    if (keyValues.length === 0) {
      key = `#${set._seq++}`;
    } else {
      key = keyString(keyValues);
      if (set.has(key)) {
        this.dropIfEmpty(parent, set);
        return false;
      }
    }
    entry._keyValues = keyValues;
    entry._key = key;
    this.place(set, key, entry, position);
    return true;
  }

  /**
   * The leaf-list entry with this value under a writable parent, added at `position` if
   * missing (moved there if present and a position is given for an ordered-by-user leaf-list).
   * With `duplicate`, a value already present is added again (state leaf-lists may repeat values).
   */
  leafListEntry(parent: InnerData, schema: LeafListNode, value: TypedValue,
    options: { position?: InsertPosition; duplicate?: boolean } = {}): LeafListEntry {
    const set = this.writableSet(parent, schema);
    let key = value.canonical;
    const existing = set.get(key);
    if (existing !== undefined) {
      if (!options.duplicate) {
        if (options.position !== undefined && set.orderedByUser) this.place(set, key, existing, options.position);
        return existing;
      }
      key = `${key}\u0000${set._seq++}`;
    }
    const entry = new LeafListEntry(schema, parent.location, value, key);
    this.place(set, key, entry, options.position);
    return entry;
  }

  /** Moves an entry of an ordered-by-user list or leaf-list of a writable parent. */
  move(parent: InnerData, entry: ListEntry | LeafListEntry, position: InsertPosition): void {
    const set = this.writableSet(parent, entry.schema);
    if (set.get(entry.key) === undefined) throw new Error(`move(): ${entry.key} is not an entry of this parent`);
    this.place(set, entry.key, set.get(entry.key) as ListEntry | LeafListEntry, position);
  }

  /** Removes a child node of a writable parent; false when it is not there. */
  remove(parent: InnerData, node: DataNode): boolean {
    this.assertWritable(parent);
    if (node.kind === 'list-entry' || node.kind === 'leaf-list-entry') {
      const current = parent._children.get(node.schema);
      if (current?.kind !== 'entries' || current.get(node.key) === undefined) return false;
      const set = this.writableSet(parent, node.schema);
      set._index.delete(node.key);
      this.dropIfEmpty(parent, set);
      return true;
    }
    if (parent._children.get(node.schema) === undefined) return false;
    parent._children.delete(node.schema);
    return true;
  }

  /**
   * Puts a node of another tree (with its subtree) under a writable parent, replacing the node
   * with the same identity if there is one. The other tree is sealed, so the shared nodes are
   * read-only to both from now on.
   */
  graft(parent: InnerData, node: DataNode, from: DataTree, position?: InsertPosition): void {
    if (from === this) throw new Error('graft(): the node already belongs to this tree');
    this.assertWritable(parent);
    from.seal();
    if (node.kind === 'list-entry' || node.kind === 'leaf-list-entry') {
      const set = this.writableSet(parent, node.schema);
      if (set.has(node.key) && position === undefined) (set._index as OrderedIndex<ListEntry | LeafListEntry>).set(node.key, node);
      else this.place(set, node.key, node, position);
    } else {
      parent._children.set(node.schema, node);
    }
  }

  private place(set: EntrySet<ListEntry> | EntrySet<LeafListEntry>, key: string, entry: ListEntry | LeafListEntry,
    position: InsertPosition | undefined): void {
    const index = set._index as OrderedIndex<ListEntry | LeafListEntry>;
    const where: InsertPosition = set.orderedByUser && position !== undefined ? position : { where: 'last' };
    if (!index.insert(key, entry, where)) {
      throw new RangeError(`no entry ${JSON.stringify((where as { anchor?: string }).anchor)} to insert ${where.where} in ${set.schema.path}`);
    }
  }

  private writableSet(parent: InnerData, schema: ListNode): EntrySet<ListEntry>;
  private writableSet(parent: InnerData, schema: LeafListNode): EntrySet<LeafListEntry>;
  private writableSet(parent: InnerData, schema: ListNode | LeafListNode): EntrySet<ListEntry> | EntrySet<LeafListEntry>;
  private writableSet(parent: InnerData, schema: ListNode | LeafListNode): EntrySet<ListEntry> | EntrySet<LeafListEntry> {
    this.assertWritable(parent);
    const current = parent._children.get(schema) as EntrySet<ListEntry> | EntrySet<LeafListEntry> | undefined;
    if (current === undefined) {
      const created = schema.kind === 'list'
        ? new EntrySet<ListEntry>(schema, this.owner)
        : new EntrySet<LeafListEntry>(schema, this.owner);
      parent._children.set(schema, created);
      return created;
    }
    if (current._owner === this.owner) return current;
    const copy = (current as EntrySet<ListEntry>)._copy(this.owner);
    parent._children.set(schema, copy);
    return copy;
  }

  private dropIfEmpty(parent: InnerData, set: EntrySet<ListEntry> | EntrySet<LeafListEntry>): void {
    if (set.size === 0) parent._children.delete(set.schema);
  }

  private assertWritable(parent: InnerData): void {
    if (parent._owner !== this.owner) {
      throw new Error(`node ${describe(parent)} is not writable in this tree: get it from writableRoot() / writable() first`);
    }
  }
}

function describe(node: InnerData): string {
  return node instanceof RootData ? '(root)' : (node as ContainerData | ListEntry).schema.path;
}
