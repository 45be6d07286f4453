// An insertion-ordered map with O(1) lookup, append, delete and insert-before/after: a Map from
// key to a doubly linked cell. Holds the entries of one list or leaf-list instance; the order is
// the user's order for ordered-by-user nodes and plain insertion order otherwise.

/** Where to put an entry (RFC 7950 §7.8.6 insert = first | last | before | after). */
export type InsertPosition =
  | { where: 'first' }
  | { where: 'last' }
  | { where: 'before' | 'after'; anchor: string };

interface Cell<V> {
  readonly key: string;
  value: V;
  prev: Cell<V> | null;
  next: Cell<V> | null;
}

export class OrderedIndex<V> {
  private readonly cells = new Map<string, Cell<V>>();
  private head: Cell<V> | null = null;
  private tail: Cell<V> | null = null;

  get size(): number {
    return this.cells.size;
  }

  get(key: string): V | undefined {
    return this.cells.get(key)?.value;
  }

  has(key: string): boolean {
    return this.cells.has(key);
  }

  first(): V | undefined {
    return this.head?.value;
  }

  last(): V | undefined {
    return this.tail?.value;
  }

  /** The entry after `key` in order (undefined at the end or for an unknown key). */
  next(key: string): V | undefined {
    return this.cells.get(key)?.next?.value;
  }

  /** The entry before `key` in order. */
  previous(key: string): V | undefined {
    return this.cells.get(key)?.prev?.value;
  }

  /** Replaces the value of an existing key in place, or appends a new one. */
  set(key: string, value: V): void {
    const cell = this.cells.get(key);
    if (cell !== undefined) cell.value = value;
    else this.link({ key, value, prev: null, next: null }, { where: 'last' });
  }

  /**
   * Puts `key` at `position`, moving it if it is already there. Returns false (and changes
   * nothing) when the anchor of before/after is not in the index, or is the key itself.
   */
  insert(key: string, value: V, position: InsertPosition): boolean {
    if (position.where === 'before' || position.where === 'after') {
      if (position.anchor === key || !this.cells.has(position.anchor)) return false;
    }
    const existing = this.cells.get(key);
    if (existing !== undefined) this.unlink(existing);
    this.link({ key, value, prev: null, next: null }, position);
    return true;
  }

  delete(key: string): boolean {
    const cell = this.cells.get(key);
    if (cell === undefined) return false;
    this.unlink(cell);
    return true;
  }

  *keys(): IterableIterator<string> {
    for (let c = this.head; c !== null; c = c.next) yield c.key;
  }

  *values(): IterableIterator<V> {
    for (let c = this.head; c !== null; c = c.next) yield c.value;
  }

  [Symbol.iterator](): IterableIterator<V> {
    return this.values();
  }

  /** A copy with the same order whose cells are its own (values are shared). O(n). */
  copy(): OrderedIndex<V> {
    const out = new OrderedIndex<V>();
    for (let c = this.head; c !== null; c = c.next) out.link({ key: c.key, value: c.value, prev: null, next: null }, { where: 'last' });
    return out;
  }

  private link(cell: Cell<V>, position: InsertPosition): void {
    let before: Cell<V> | null; // the cell that will follow `cell`
    switch (position.where) {
      case 'first': before = this.head; break;
      case 'last': before = null; break;
      case 'before': before = this.cells.get(position.anchor) ?? null; break;
      case 'after': before = this.cells.get(position.anchor)?.next ?? null; break;
    }
    const after = before === null ? this.tail : before.prev;
    cell.prev = after;
    cell.next = before;
    if (after === null) this.head = cell; else after.next = cell;
    if (before === null) this.tail = cell; else before.prev = cell;
    this.cells.set(cell.key, cell);
  }

  private unlink(cell: Cell<V>): void {
    if (cell.prev === null) this.head = cell.next; else cell.prev.next = cell.next;
    if (cell.next === null) this.tail = cell.prev; else cell.next.prev = cell.prev;
    cell.prev = null;
    cell.next = null;
    this.cells.delete(cell.key);
  }
}
