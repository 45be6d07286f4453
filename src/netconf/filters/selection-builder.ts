// Builds a filter's answer: a new DataTree holding what was selected, made of the input's own
// nodes wherever a whole subtree is selected (DataTree.graft, O(1), nothing copied or
// serialized) and of partial copies of the ancestors above them (containers; list entries with
// their keys). Several selections of the same data merge: a whole node replaces a partial copy,
// and a partial copy is never made of a node already there whole (RFC 6241 §6.1: data selected
// twice is not duplicated).
import { DataTree, type ContainerData, type DataNode, type InnerData, type InnerNode, type ListEntry } from '../../datastore/data-tree.js';

export class SelectionBuilder {
  readonly out: DataTree;
  private outRoot: InnerData | undefined;
  /**
   * Keyless (state) list entries are never grafted: their EntrySet keys ("#n") are counters of
   * each set, so an input key could collide with a copy's. They are always copied, and their
   * children grafted; these remember the copies and which of them are complete.
   */
  private readonly keylessCopies = new Map<ListEntry, ListEntry>();
  private readonly keylessWhole = new Set<ListEntry>();

  constructor(readonly input: DataTree) {
    this.out = new DataTree(input.schema, { rootSchema: input.root.schema, rootLocation: input.root.location });
  }

  /** The answer's root (writable). */
  root(): InnerData {
    this.outRoot ??= this.out.writableRoot();
    return this.outRoot;
  }

  /**
   * The partial copy of `node` (a container or list entry of the input) under `outParent`, made
   * if missing; undefined when the answer already holds the whole node (nothing to add below).
   */
  enter(outParent: InnerData, node: ContainerData | ListEntry): InnerData | undefined {
    if (this.holdsWhole(outParent, node)) return undefined;
    if (node.kind === 'container') return this.out.container(outParent, node.schema);
    if (node.keyValues.length > 0) return this.out.entry(outParent, node.schema, node.keyValues);
    return this.keylessCopy(outParent, node);
  }

  /** Puts the whole `node` (with its subtree) under `outParent`, replacing a partial copy. */
  selectAll(outParent: InnerData, node: DataNode): void {
    if (this.holdsWhole(outParent, node)) return;
    if (node.kind === 'list-entry' && node.keyValues.length === 0) {
      this.selectChildren(this.keylessCopy(outParent, node), node);
      this.keylessWhole.add(node);
      return;
    }
    this.out.graft(outParent, node, this.input);
  }

  /** Selects every child of an input inner node (the node itself is `outParent`'s counterpart). */
  selectChildren(outParent: InnerData, node: InnerNode): void {
    for (const child of node.childNodes()) this.selectAll(outParent, child);
  }

  /** true when the answer holds `node` itself (grafted whole) under `outParent`. */
  holdsWhole(outParent: InnerData, node: DataNode): boolean {
    if (node.kind === 'list-entry' && node.keyValues.length === 0) return this.keylessWhole.has(node);
    if (node.kind === 'list-entry' || node.kind === 'leaf-list-entry') {
      const set = outParent.slot(node.schema);
      return set?.kind === 'entries' && set.get(node.key) === node;
    }
    return outParent.slot(node.schema) === node;
  }

  private keylessCopy(outParent: InnerData, node: ListEntry): ListEntry {
    let copy = this.keylessCopies.get(node);
    if (copy === undefined) {
      copy = this.out.newEntry(outParent, node.schema);
      this.out.attachEntry(outParent, copy, []);
      this.keylessCopies.set(node, copy);
    }
    return copy;
  }

  /** The answer. The builder must not be used afterwards. */
  finish(): DataTree {
    this.out.seal();
    return this.out;
  }
}
