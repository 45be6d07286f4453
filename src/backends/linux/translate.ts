// The YANG configuration → Linux backend items (pure: data in, data out, O(size of config)).
//
// Read: vrouter-linux namespaces (and their forwarding), ietf-interfaces entries that carry the
// vrouter-linux `linux` container (+ ietf-ip addresses, mtu, forwarding; if:enabled), Docker
// container attachments, and ietf-routing static instances with a `linux` container (routes in
// translate-routes.ts). Keys and values: translate-keys.ts.
//
// One veth pair becomes two link items. The pair is created once, by its *owner* end: the end in
// the default namespace when only one end is there (so the other end's namespace can always be
// named with `netns NAME`), else the end with the smaller YANG name. The owner's item is a
// VethLink (peer + peerNamespace) and needs both namespaces. The other end is a configure-only
// item (kind 'other', infoKind 'veth': up, mtu, mac, master) that needs the owner's item; its
// addresses hang on it like on any link. Removing the owner removes the pair, and the engine
// removes the other end's item with it (it depends on the owner). A container attachment plays
// the owner for the router end of its veth.
//
// Existing devices (every if:type not derived from vl:linux-link and not bridge / l2vlan) are
// configure-only items that need `linux/<ns>/device/<name>`, a key that only the backend makes
// present (the engine keeps them pending until the kernel has the device).
//
// Incremental version (not built): keep, per YANG interface / namespace / route / container
// entry, the keys it produced and the kernel name it resolved to; for a ChangeSet, map each
// change path to its owning entry (the first list entry of the path: interface[name],
// namespace[name], container[name], route[destination-prefix]) and re-translate only those
// entries, plus the entries that refer to a re-translated interface by name (veth peer, master,
// parent, underlay, outgoing-interface, container interface: an index name → referrers kept
// alongside), replacing their items in the previous result. Cost follows the change.

import type { ContainerData, DataTree, ListEntry } from '../../datastore/data-tree.js';
import type { AddressSpec, ForwardingSpec, LinkCommon, NamespaceSpec } from './link-spec.js';
import { canonicalAddress } from './link-spec.js';
import {
  addressItemKey, containerKey, deviceKey, dockerContainerKey, forwardingItemKey, linkForwardingKey, linkItemKey,
  namespaceDependency, netnsKey, type ConfiguredLinkValue, type ContainerAttachmentValue, type CreatedLinkValue,
  type LinkForwardingValue,
} from './translate-keys.js';
import { createdLink } from './translate-links.js';
import { ItemSink, lookup, type LinuxInterface, type TranslateResult } from './translate-sink.js';
import { translateRoutes } from './translate-routes.js';
import {
  booleanLeaf, childContainer, childPath, entryKey, identityName, IF, IP, leafValue, listEntries, numberLeaf, pathOf, VL,
} from './translate-tree.js';

export * from './translate-keys.js';
export { itemPath, type LinuxInterface, type TranslateProblem, type TranslateResult } from './translate-sink.js';

const CREATED_IANA = new Set(['iana-if-type:bridge', 'iana-if-type:l2vlan']);

export function translateLinux(tree: DataTree): TranslateResult {
  const sink = new ItemSink();
  const isA = (type: string, base: string): boolean => type === base || tree.schema.isDerivedFrom(type, base);
  const root = tree.root;

  // Namespaces.
  const namespaces = childContainer(root, 'namespaces', VL);
  const def = childContainer(namespaces, 'default-namespace', VL);
  if (def !== undefined) addForwarding(sink, undefined, def, pathOf(def));
  for (const ns of listEntries(namespaces, 'namespace', VL)) {
    const name = entryKey(ns);
    if ((leafValue(ns, 'provisioning', VL) ?? 'create') === 'create') {
      const spec: NamespaceSpec = { name };
      sink.add(netnsKey(name), spec, [], pathOf(ns));
    }
    addForwarding(sink, name, ns, pathOf(ns));
  }

  // Interfaces: index the Linux ones first (references go by YANG name).
  const byName = new Map<string, LinuxInterface>();
  for (const entry of listEntries(childContainer(root, 'interfaces', IF), 'interface', IF)) {
    const name = entryKey(entry);
    const type = leafValue(entry, 'type', IF) ?? '';
    const linux = childContainer(entry, 'linux', VL);
    if (linux === undefined) {
      if (isA(type, 'vrouter-linux:linux-link')) {
        sink.problem(pathOf(entry), `interface ${name} has a Linux link type (${identityName(type)}) but no linux container: `
          + 'add linux (with its namespace and kind settings) so that vrouterd knows where to create it');
      }
      continue;
    }
    byName.set(name, {
      entry, name, type, namespace: leafValue(linux, 'namespace', VL), kernelName: leafValue(linux, 'kernel-name', VL) ?? name,
    });
  }

  const containers = listEntries(childContainer(root, 'containers', VL), 'container', VL);
  const containerOf = new Map<string, ListEntry>();
  for (const c of containers) {
    const iface = leafValue(c, 'interface', VL);
    if (iface !== undefined) containerOf.set(iface, c);
  }

  for (const intf of byName.values()) {
    translateInterface(sink, intf, byName, containerOf, isA);
  }
  for (const c of containers) translateContainer(sink, c, byName);
  translateRoutes(sink, root, byName);
  return sink.result();
}

function addForwarding(sink: ItemSink, ns: string | undefined, node: ListEntry | ContainerData, path: string): void {
  const ipv4 = booleanLeaf(childContainer(node, 'ipv4', VL), 'forwarding', VL);
  const ipv6 = booleanLeaf(childContainer(node, 'ipv6', VL), 'forwarding', VL);
  if (ipv4 === undefined && ipv6 === undefined) return;
  const spec: ForwardingSpec = { namespace: ns ?? '', ...(ipv4 !== undefined ? { ipv4 } : {}), ...(ipv6 !== undefined ? { ipv6 } : {}) };
  sink.add(forwardingItemKey(ns), spec, [namespaceDependency(ns)], path);
}

function translateInterface(sink: ItemSink, intf: LinuxInterface, byName: ReadonlyMap<string, LinuxInterface>,
  containerOf: ReadonlyMap<string, ListEntry>, isA: (type: string, base: string) => boolean): void {
  const { entry, namespace: ns, kernelName } = intf;
  const path = pathOf(entry);
  const linux = childContainer(entry, 'linux', VL)!;
  const ipv4 = childContainer(entry, 'ipv4', IP);
  const ipv6 = childContainer(entry, 'ipv6', IP);
  const deps: (string | undefined)[] = [namespaceDependency(ns)];

  const common: LinkCommon = { name: kernelName, up: booleanLeaf(entry, 'enabled', IF) ?? true };
  const mtu4 = numberLeaf(ipv4, 'mtu', IP);
  const mtu6 = numberLeaf(ipv6, 'mtu', IP);
  if (mtu4 !== undefined && mtu6 !== undefined && mtu4 !== mtu6) {
    sink.problem(childPath(ipv6!, 'mtu', IP), `Linux has one MTU per link: ipv4/mtu (${mtu4}) and ipv6/mtu (${mtu6}) of ${intf.name} differ`);
  }
  const mtu = mtu4 ?? mtu6;
  if (mtu !== undefined) common.mtu = mtu;
  const mac = leafValue(linux, 'mac-address', VL);
  if (mac !== undefined) common.mac = mac.toLowerCase();
  const masterName = leafValue(linux, 'master', VL);
  if (masterName !== undefined) {
    const master = lookup(sink, byName, masterName, childPath(linux, 'master', VL), 'master');
    if (master !== undefined) {
      common.master = master.kernelName;
      deps.push(linkItemKey(master.namespace, master.kernelName));
    }
  }

  const key = linkItemKey(ns, kernelName);
  const type = intf.type;
  const kind = identityName(type);
  if (isA(type, 'vrouter-linux:veth')) {
    const peerName = leafValue(childContainer(linux, 'veth', VL), 'peer', VL);
    const container = containerOf.get(intf.name);
    if (peerName !== undefined) {
      const peer = lookup(sink, byName, peerName, childPath(linux, 'veth', VL), 'veth peer');
      if (peer !== undefined) {
        if (ownsPair(intf, peer)) {
          const value: CreatedLinkValue = { ...common, kind: 'veth', peer: peer.kernelName };
          if (peer.namespace !== ns) value.peerNamespace = peer.namespace ?? '';
          sink.add(key, value, [...deps, namespaceDependency(peer.namespace)], path);
        } else {
          const value: ConfiguredLinkValue = { ...common, kind: 'other', infoKind: 'veth' };
          sink.add(key, value, [...deps, linkItemKey(peer.namespace, peer.kernelName)], path);
        }
      }
    } else if (container !== undefined) {
      const value: ConfiguredLinkValue = { ...common, kind: 'other', infoKind: 'veth' };
      sink.add(key, value, [...deps, containerKey(entryKey(container))], path);
    } else {
      sink.problem(path, `veth ${intf.name} has neither linux/veth/peer nor a container attachment`);
      return;
    }
  } else if (isA(type, 'vrouter-linux:linux-link') || CREATED_IANA.has(type)) {
    const value = createdLink(sink, intf, common, linux, byName, deps, kind);
    if (value === undefined) return;
    sink.add(key, value, deps, path);
  } else {
    const value: ConfiguredLinkValue = { ...common, kind: 'other' };
    sink.add(key, value, [...deps, deviceKey(ns, kernelName)], path);
  }

  addAddresses(sink, intf, ipv4, 4);
  addAddresses(sink, intf, ipv6, 6);
  const fwd4 = booleanLeaf(ipv4, 'forwarding', IP);
  const fwd6 = booleanLeaf(ipv6, 'forwarding', IP);
  if (fwd4 !== undefined || fwd6 !== undefined) {
    const value: LinkForwardingValue = { dev: kernelName, ...(fwd4 !== undefined ? { ipv4: fwd4 } : {}), ...(fwd6 !== undefined ? { ipv6: fwd6 } : {}) };
    sink.add(linkForwardingKey(ns, kernelName), value, [key], path);
  }
}

/** Which end of a veth pair creates it (see the header). */
function ownsPair(a: LinuxInterface, b: LinuxInterface): boolean {
  if ((a.namespace === undefined) !== (b.namespace === undefined)) return a.namespace === undefined;
  return a.name < b.name;
}

function addAddresses(sink: ItemSink, intf: LinuxInterface, family: ContainerData | undefined, version: 4 | 6): void {
  if (family === undefined) return;
  if (booleanLeaf(family, 'enabled', IP) === false) return;
  const link = linkItemKey(intf.namespace, intf.kernelName);
  for (const a of listEntries(family, 'address', IP)) {
    const path = pathOf(a);
    let prefixLength = numberLeaf(a, 'prefix-length', IP);
    const netmask = version === 4 ? leafValue(a, 'netmask', IP) : undefined;
    if (prefixLength === undefined && netmask !== undefined) {
      prefixLength = netmaskLength(netmask);
      if (prefixLength === undefined) {
        sink.problem(childPath(a, 'netmask', IP), `netmask ${netmask} is not contiguous: Linux needs a prefix length`);
        continue;
      }
    }
    if (prefixLength === undefined) {
      sink.problem(path, 'the address has neither prefix-length nor netmask');
      continue;
    }
    const spec: AddressSpec = { dev: intf.kernelName, address: canonicalAddress(entryKey(a)), prefixLength };
    sink.add(addressItemKey(intf.namespace, spec), spec, [link], path);
  }
}

/** 255.255.255.0 → 24; undefined when the mask is not contiguous. */
export function netmaskLength(mask: string): number | undefined {
  const octets = mask.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  const bits = octets.map((o) => o.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') < 0 ? 32 : bits.indexOf('0') : undefined;
}

function translateContainer(sink: ItemSink, c: ListEntry, byName: ReadonlyMap<string, LinuxInterface>): void {
  const name = entryKey(c);
  const path = pathOf(c);
  const ifName = leafValue(c, 'interface', VL) ?? '';
  const host = lookup(sink, byName, ifName, childPath(c, 'interface', VL), 'container interface');
  if (host === undefined) return;
  const value: ContainerAttachmentValue = {
    container: name,
    hostName: host.kernelName,
    hostNamespace: host.namespace ?? '',
    name: leafValue(c, 'kernel-name', VL) ?? 'eth0',
    addresses: [],
    routes: [],
  };
  const mac = leafValue(c, 'mac-address', VL);
  if (mac !== undefined) value.mac = mac.toLowerCase();
  for (const [family, version] of [['ipv4', 4], ['ipv6', 6]] as const) {
    const f = childContainer(c, family, VL);
    for (const a of listEntries(f, 'address', VL)) {
      value.addresses.push({ address: canonicalAddress(entryKey(a)), prefixLength: numberLeaf(a, 'prefix-length', VL) ?? 0 });
    }
    for (const r of listEntries(f, 'route', VL)) {
      const gw = leafValue(r, 'next-hop-address', VL);
      value.routes.push({ family: version, destination: entryKey(r), ...(gw !== undefined ? { gateway: canonicalAddress(gw) } : {}) });
    }
  }
  sink.add(containerKey(name), value, [namespaceDependency(host.namespace), dockerContainerKey(name)], path);
}
