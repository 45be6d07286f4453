// Static routes of ietf-routing instances that carry the vrouter-linux `linux` container → Linux
// route items: simple next hop, special next hop (blackhole, unreachable, prohibit), next-hop-list
// (multipath with weights), kernel metric and table. A route needs the links it goes out of and
// its namespace.

import type { ListEntry, RootData } from '../../datastore/data-tree.js';
import { canonicalAddress, normalizePrefix, normalizeRoute, type NextHop, type RouteSpec, type RouteType } from './link-spec.js';
import { linkItemKey, namespaceDependency, routeItemKey } from './translate-keys.js';
import type { ItemSink, LinuxInterface } from './translate-sink.js';
import { childContainer, childPath, entryKey, leafValue, listEntries, numberLeaf, pathOf, RT, VL } from './translate-tree.js';

const SPECIAL: Readonly<Record<string, RouteType>> = { blackhole: 'blackhole', unreachable: 'unreachable', prohibit: 'prohibit' };

export function translateRoutes(sink: ItemSink, root: RootData, byName: ReadonlyMap<string, LinuxInterface>): void {
  const protocols = childContainer(childContainer(root, 'routing', RT), 'control-plane-protocols', RT);
  for (const instance of listEntries(protocols, 'control-plane-protocol', RT)) {
    const linux = childContainer(instance, 'linux', VL);
    if (linux === undefined) continue;
    const ns = leafValue(linux, 'namespace', VL);
    const staticRoutes = childContainer(instance, 'static-routes', RT);
    for (const [familyName, family] of [['ipv4', 4], ['ipv6', 6]] as const) {
      for (const route of listEntries(childContainer(staticRoutes, familyName), 'route')) {
        translateRoute(sink, route, family, ns, byName);
      }
    }
  }
}

function translateRoute(sink: ItemSink, route: ListEntry, family: 4 | 6, ns: string | undefined,
  byName: ReadonlyMap<string, LinuxInterface>): void {
  const path = pathOf(route);
  const nextHop = childContainer(route, 'next-hop');
  const deps: (string | undefined)[] = [namespaceDependency(ns)];
  const spec: RouteSpec = { family, destination: normalizePrefix(entryKey(route), family), type: 'unicast' };
  const metric = numberLeaf(route, 'metric', VL);
  if (metric !== undefined) spec.metric = metric;
  spec.table = numberLeaf(route, 'table', VL) ?? 254;

  /** The kernel name of an outgoing interface, checked to be a Linux interface of `ns`. */
  const device = (name: string, at: string): string | undefined => {
    const intf = byName.get(name);
    if (intf === undefined || intf.namespace !== ns) {
      sink.problem(at, `outgoing-interface ${name} is not a Linux interface in the namespace ${ns ?? '(default)'} of this routing instance`);
      return undefined;
    }
    deps.push(linkItemKey(intf.namespace, intf.kernelName));
    return intf.kernelName;
  };

  const special = leafValue(nextHop, 'special-next-hop');
  const list = listEntries(childContainer(nextHop, 'next-hop-list'), 'next-hop');
  if (special !== undefined) {
    const type = SPECIAL[special];
    if (type === undefined) {
      sink.problem(childPath(nextHop!, 'special-next-hop', route.schema.module),
        `special-next-hop ${special} (a local route) is not supported by the Linux backend yet`);
      return;
    }
    spec.type = type;
  } else if (list.length > 0) {
    const hops: NextHop[] = [];
    let ok = true;
    for (const entry of [...list].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : entryKey(a) > entryKey(b) ? 1 : 0))) {
      const hop: NextHop = {};
      const gw = leafValue(entry, 'next-hop-address');
      const dev = leafValue(entry, 'outgoing-interface');
      if (gw !== undefined) hop.gateway = canonicalAddress(gw);
      if (dev !== undefined) {
        const kernel = device(dev, childPath(entry, 'outgoing-interface', entry.schema.module));
        if (kernel === undefined) ok = false;
        else hop.dev = kernel;
      }
      if (gw === undefined && dev === undefined) {
        sink.problem(pathOf(entry), 'a next hop needs a next-hop-address or an outgoing-interface');
        ok = false;
      }
      hop.weight = numberLeaf(entry, 'weight', VL) ?? 1;
      hops.push(hop);
    }
    if (!ok) return;
    spec.nexthops = hops;
  } else {
    const gw = leafValue(nextHop, 'next-hop-address');
    const dev = leafValue(nextHop, 'outgoing-interface');
    if (gw === undefined && dev === undefined) {
      sink.problem(path, 'the route has no next hop: set next-hop-address, outgoing-interface, special-next-hop or next-hop-list');
      return;
    }
    if (gw !== undefined) spec.gateway = canonicalAddress(gw);
    if (dev !== undefined) {
      const kernel = device(dev, childPath(nextHop!, 'outgoing-interface', nextHop!.schema.module));
      if (kernel === undefined) return;
      spec.dev = kernel;
    }
  }
  const normal = normalizeRoute(spec);
  sink.add(routeItemKey(ns, normal), normal, deps, path);
}
