// Deep equality and size of data trees. Subtrees that two versions still share (copy-on-write,
// see data-tree.ts) are equal by identity and are not walked, so comparing a candidate with the
// running tree it was cloned from costs in proportion to what changed along the way.
// Ordered-by-system entries compare by key whatever their order; ordered-by-user ones (and
// keyless state lists) compare in order.
import {
  DataTree, type AnyData, type AnyValue, type ContainerData, type DataNode, type EntrySet, type InnerData,
  type LeafData, type LeafListEntry, type ListEntry, type Slot,
} from './data-tree.js';

/** Deep equality of two trees' content (order of ordered-by-system entries ignored). */
export function treesEqual(a: DataTree, b: DataTree): boolean {
  return innerEqual(a.root, b.root);
}

/** Deep equality of two nodes (same schema node, same keys / values, equal subtrees). */
export function nodesEqual(a: DataNode, b: DataNode): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.schema !== b.schema) return false;
  switch (a.kind) {
    case 'leaf': return a.value.canonical === (b as LeafData).value.canonical;
    case 'leaf-list-entry': return a.value.canonical === (b as LeafListEntry).value.canonical;
    case 'any': return anyEqual(a.value, (b as AnyData).value);
    case 'list-entry': return a.key === (b as ListEntry).key && innerEqual(a, b as ListEntry);
    case 'container': return innerEqual(a, b as ContainerData);
  }
}

/** Deep equality of the children of two inner nodes. */
export function innerEqual(a: InnerData, b: InnerData): boolean {
  if (a === b) return true;
  if (a._children.size !== b._children.size) return false;
  for (const [schema, slot] of a._children) {
    const other = b._children.get(schema);
    if (other === undefined || !slotEqual(slot, other)) return false;
  }
  return true;
}

function slotEqual(x: Slot, y: Slot): boolean {
  if (x === y) return true;
  if (x.kind !== 'entries' || y.kind !== 'entries') return x.kind !== 'entries' && y.kind !== 'entries' && nodesEqual(x, y);
  const a = x as EntrySet<ListEntry | LeafListEntry>;
  const b = y as EntrySet<ListEntry | LeafListEntry>;
  if (a.size !== b.size) return false;
  const ordered = a.orderedByUser || (a.schema.kind === 'list' && a.schema.keys.length === 0);
  if (ordered) {
    const ib: Iterator<ListEntry | LeafListEntry, undefined> = b[Symbol.iterator]();
    for (const ea of a) {
      const eb = ib.next().value;
      if (eb === undefined || !nodesEqual(ea, eb)) return false;
    }
    return true;
  }
  for (const ea of a) {
    const eb = b.get(ea.key);
    if (eb === undefined || !nodesEqual(ea, eb)) return false;
  }
  return true;
}

function anyEqual(a: AnyValue, b: AnyValue): boolean {
  if (a.format === 'xml') return b.format === 'xml' && a.xml === b.xml;
  return b.format === 'json' && JSON.stringify(a.json) === JSON.stringify(b.json);
}

/** Number of data nodes (containers, entries, leaves, leaf-list entries, anydata); the root does not count. */
export function countNodes(of: DataTree | DataNode): number {
  if (of instanceof DataTree) return countChildren(of.root);
  return isLocatedInner(of) ? 1 + countChildren(of) : 1;
}

function countChildren(inner: InnerData): number {
  let n = 0;
  for (const node of inner.childNodes()) n += isLocatedInner(node) ? 1 + countChildren(node) : 1;
  return n;
}

function isLocatedInner(node: DataNode): node is ContainerData | ListEntry {
  return node.kind === 'container' || node.kind === 'list-entry';
}
