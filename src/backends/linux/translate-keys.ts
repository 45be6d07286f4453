// Item keys and item values of the Linux backend, as the translator produces them and the Linux
// descriptors read them.
//
// Keys (built with makeKey, so a prefix's '/' is escaped as %2F and splitKey gives the parts back):
//   linux/netns/<name>                          a namespace vrouterd creates (provisioning create)
//   linux/<ns>/forwarding                       the namespace's forwarding sysctls
//   linux/<ns>/link/<kernel-name>               a link: created (LinkSpec) or configured (kind 'other')
//   linux/<ns>/link-forwarding/<kernel-name>    per-interface forwarding (ietf-ip ipv4|ipv6/forwarding)
//   linux/<ns>/address/<dev>/<ip>/<len>         an address on a link
//   linux/<ns>/route/<table>/<prefix>/<metric>  a route (the kernel's identity of a route)
//   linux/container/<name>                      a Docker container attachment (creates its veth pair)
// External presence keys (no item has them; the engine counts them as present when the backend
// reports them through keyAppeared / resync):
//   linux/netns/<name>                          also, for a namespace with provisioning existing
//   linux/<ns>/device/<kernel-name>             a device vrouterd does not create (a NIC, lo)
//   docker/container/<name>                     a running Docker container
//
// <ns> is "default" for the default namespace. A managed namespace whose name is one of the
// words used in that position ("default", "netns", "container") is written "-<name>": a real
// namespace name cannot start with '-', so no two namespaces share a key part.

import { makeKey, type Item } from '../../commit/item.js';
import type { AddressSpec, ForwardingSpec, LinkSpec, NamespaceSpec, OtherLink, RouteSpec } from './link-spec.js';

export const LINUX_BACKEND = 'linux';
export const DEFAULT_NAMESPACE_PART = 'default';
const RESERVED_PARTS = new Set(['default', 'netns', 'container']);

/** The key part of a namespace (undefined: the default namespace). */
export function namespacePart(namespace: string | undefined): string {
  if (namespace === undefined) return DEFAULT_NAMESPACE_PART;
  return RESERVED_PARTS.has(namespace) ? `-${namespace}` : namespace;
}

/** Reverses namespacePart (undefined: the default namespace). */
export function namespaceOfPart(part: string): string | undefined {
  if (part === DEFAULT_NAMESPACE_PART) return undefined;
  return part.startsWith('-') ? part.slice(1) : part;
}

export function netnsKey(name: string): string {
  return makeKey(LINUX_BACKEND, 'netns', name);
}
export function forwardingItemKey(ns: string | undefined): string {
  return makeKey(LINUX_BACKEND, namespacePart(ns), 'forwarding');
}
export function linkItemKey(ns: string | undefined, kernelName: string): string {
  return makeKey(LINUX_BACKEND, namespacePart(ns), 'link', kernelName);
}
export function linkForwardingKey(ns: string | undefined, kernelName: string): string {
  return makeKey(LINUX_BACKEND, namespacePart(ns), 'link-forwarding', kernelName);
}
export function deviceKey(ns: string | undefined, kernelName: string): string {
  return makeKey(LINUX_BACKEND, namespacePart(ns), 'device', kernelName);
}
export function addressItemKey(ns: string | undefined, a: AddressSpec): string {
  return makeKey(LINUX_BACKEND, namespacePart(ns), 'address', a.dev, a.address, String(a.prefixLength));
}
/** For a normalised route (normalizeRoute): table and metric are filled in. */
export function routeItemKey(ns: string | undefined, r: RouteSpec): string {
  return makeKey(LINUX_BACKEND, namespacePart(ns), 'route', String(r.table ?? 254), r.destination, String(r.metric ?? 0));
}
export function containerKey(name: string): string {
  return makeKey(LINUX_BACKEND, 'container', name);
}
export function dockerContainerKey(name: string): string {
  return makeKey('docker', 'container', name);
}

/** The key of a namespace's presence, or undefined for the default namespace (always there). */
export function namespaceDependency(ns: string | undefined): string | undefined {
  return ns === undefined ? undefined : netnsKey(ns);
}

/**
 * What a created link carries beyond its LinkSpec (link-spec.ts has no field for these yet).
 * In values the default namespace is written "".
 */
export interface LinkExtras {
  /** macvlan / ipvlan / vlan: the parent's namespace when it differs from the link's own. */
  parentNamespace?: string;
  /** bridge: spanning tree on (absent: off). */
  stp?: boolean;
  /** bridge: VLAN-aware (absent: off). */
  vlanFiltering?: boolean;
  /** ipvlan: the flag when not the default 'bridge'. */
  ipvlanFlag?: 'private' | 'vepa';
}

/** A link vrouterd creates. */
export type CreatedLinkValue = LinkSpec & LinkExtras;

/**
 * A link vrouterd configures but does not create or delete: an existing device (infoKind
 * absent), or the second end of a veth pair created by its first end or by a container
 * attachment (infoKind 'veth'). Its descriptor sets up/mtu/mac/master; deleting it removes
 * nothing from the kernel.
 */
export type ConfiguredLinkValue = OtherLink;

export type LinkValue = CreatedLinkValue | ConfiguredLinkValue;

/** Per-interface forwarding (sysctl net.ipv4.conf.DEV.forwarding, net.ipv6.conf.DEV.forwarding). */
export interface LinkForwardingValue {
  dev: string;
  ipv4?: boolean;
  ipv6?: boolean;
}

/** A Docker container attachment: one veth pair, one end in the container, configured there. */
export interface ContainerAttachmentValue {
  container: string;
  /** The router end: kernel name and namespace ("" = default). */
  hostName: string;
  hostNamespace: string;
  /** The end inside the container. */
  name: string;
  mac?: string;
  addresses: { address: string; prefixLength: number }[];
  routes: { family: 4 | 6; destination: string; gateway?: string }[];
}

export type LinuxItemValue =
  | NamespaceSpec | ForwardingSpec | LinkValue | LinkForwardingValue | AddressSpec | RouteSpec | ContainerAttachmentValue;

/** An item as the translator makes it: with the keys it needs and the YANG node behind it. */
export interface TranslatedItem extends Item {
  readonly value: LinuxItemValue;
  /** Keys this item needs (sorted); the Linux descriptors' dependencies() return these. */
  readonly dependencies: readonly string[];
}

/** The dependencies a translated item carries ([] for an item from elsewhere, e.g. retrieve). */
export function translatedDependencies(item: Item): string[] {
  const deps: unknown = (item as Partial<TranslatedItem>).dependencies;
  return Array.isArray(deps) ? deps.filter((d): d is string => typeof d === 'string') : [];
}
