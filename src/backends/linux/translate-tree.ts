// Read-only access to the parts of a data tree the Linux translator reads: children by module
// and name (seeing through choices, which the data tree does not store), canonical leaf values,
// list entries, and RFC 7951 instance paths of nodes and of leaves below them.

import type { ContainerData, InnerData, ListEntry, Slot } from '../../datastore/data-tree.js';
import { jsonChildPath, jsonPath, type Location } from '../../datastore/instance-path.js';

export const IF = 'ietf-interfaces';
export const IP = 'ietf-ip';
export const VL = 'vrouter-linux';
export const RT = 'ietf-routing';
export const V4UR = 'ietf-ipv4-unicast-routing';
export const V6UR = 'ietf-ipv6-unicast-routing';

/** The slot of a child; `module` undefined matches any module (for names no augment reuses). */
function slotOf(node: InnerData, name: string, module: string | undefined): Slot | undefined {
  for (const s of node.slots()) {
    if (s.schema.name === name && (module === undefined || s.schema.module === module)) return s;
  }
  return undefined;
}

export function childContainer(node: InnerData | undefined, name: string, module?: string): ContainerData | undefined {
  if (node === undefined) return undefined;
  const s = slotOf(node, name, module);
  return s?.kind === 'container' ? s : undefined;
}

/** The canonical value of a leaf child, or undefined when absent. */
export function leafValue(node: InnerData | undefined, name: string, module?: string): string | undefined {
  if (node === undefined) return undefined;
  const s = slotOf(node, name, module);
  return s?.kind === 'leaf' ? s.value.canonical : undefined;
}

export function booleanLeaf(node: InnerData | undefined, name: string, module?: string): boolean | undefined {
  const v = leafValue(node, name, module);
  return v === undefined ? undefined : v === 'true';
}

export function numberLeaf(node: InnerData | undefined, name: string, module?: string): number | undefined {
  const v = leafValue(node, name, module);
  return v === undefined ? undefined : Number(v);
}

/** The entries of a list child, in the tree's order. */
export function listEntries(node: InnerData | undefined, name: string, module?: string): ListEntry[] {
  if (node === undefined) return [];
  const s = slotOf(node, name, module);
  if (s?.kind !== 'entries' || s.schema.kind !== 'list') return [];
  return [...s] as ListEntry[];
}

/** The canonical value of a list entry's first key. */
export function entryKey(entry: ListEntry): string {
  return entry.keyValues[0]?.canonical ?? '';
}

/** The RFC 7951 instance path of a node. */
export function pathOf(node: Location): string {
  return jsonPath(node);
}

/** The RFC 7951 instance path of a (possibly absent) child of a node. */
export function childPath(node: Location, name: string, module: string): string {
  return jsonChildPath(node, module, name);
}

/** The local name of an identity value ("iana-if-type:bridge" → "bridge"). */
export function identityName(canonical: string): string {
  const colon = canonical.indexOf(':');
  return colon < 0 ? canonical : canonical.slice(colon + 1);
}
