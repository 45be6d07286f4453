// Compares the desired specs of one namespace with what `ip -json` reported, and produces the
// ordered operations that make the kernel match (feed them to renderBatch).
//
// Rules:
//   - a missing link is created; an existing one whose kind or kind-specific shape differs (veth
//     peer, macvlan/ipvlan parent or mode, vlan id, vrf table, vxlan vni/addresses/dev) is deleted
//     and created again; mtu, mac, admin state and master differences become `ip link set`.
//     `master` is authoritative (absent = nomaster); mtu, mac and admin state absent = leave as is.
//   - an existing link of the wrong shape that vrouterd did not create is a conflict: left alone
//     and reported, never deleted;
//   - objects present but not desired are deleted only when their key is in `owned` (vrouterd
//     created them); otherwise they are reported as unmanaged and left alone; kernel-created ones
//     (loopback, link-local addresses) are neither.
//   - the kernel's own cascades are taken into account: deleting a link removes its addresses,
//     routes through it, its veth peer in the same namespace, and macvlan/ipvlan/vlan/vxlan links
//     on top of it; such objects are not deleted again, and re-created when still desired.
//   - a veth pair is created once, by its "owner" end: the end whose (namespace, name) sorts
//     first when both ends are desired. The other end only gets `ip link set` for its attributes;
//     when the owner is in another namespace, that namespace's batch must run first
//     (`createdElsewhere` lists those links).
//
// Order of the operations: route deletes, address deletes, link deletes (dependents first), link
// creates (dependencies first), link attribute changes, address creates/replaces, route
// creates/replaces. Equal ranks are ordered by key, so the output is deterministic.

import type { LinkChange, LinuxOp } from './batch-render.js';
import type { CurrentAddress, CurrentLink } from './json-parse.js';
import {
  addressKey, canonicalAddress, linkDependencies, linkKey, normalizeRoute, routeKey,
  type AddressSpec, type LinkSpec, type OtherLink, type RouteSpec,
} from './link-spec.js';

export interface DesiredState {
  links: readonly LinkSpec[];
  addresses: readonly AddressSpec[];
  routes: readonly RouteSpec[];
}

export interface CurrentState {
  links: readonly CurrentLink[];
  addresses: readonly CurrentAddress[];
  /** Routes as parseRoutes returns them (kernel routes already left out). */
  routes: readonly RouteSpec[];
}

export interface DiffInput {
  namespace: string;
  desired: DesiredState;
  current: CurrentState;
  /** Keys (link-spec objectKey) of the objects vrouterd created in this namespace. */
  owned: ReadonlySet<string>;
}

export interface NamespaceDiff {
  ops: LinuxOp[];
  /** Keys of objects present but not desired and not created by vrouterd: left alone. */
  unmanaged: string[];
  /** Keys of desired links that exist with another shape and are not vrouterd's: left alone. */
  conflicts: string[];
  /** Names of desired veth ends created by the batch of the peer's namespace. */
  createdElsewhere: string[];
}

type Current = LinkSpec | OtherLink;

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function same(a: string | undefined, b: string | undefined): boolean {
  return (a === undefined ? undefined : canonicalAddress(a)) === (b === undefined ? undefined : canonicalAddress(b));
}

/** True when `current` can be turned into `desired` with `ip link set` alone. */
function sameShape(namespace: string, desired: LinkSpec, current: Current, cur: CurrentLink): boolean {
  switch (desired.kind) {
    case 'veth': {
      if (current.kind !== 'veth') return false;
      const remote = desired.peerNamespace !== undefined && desired.peerNamespace !== namespace;
      if (remote) return current.peer === '' && cur.peerNetnsId !== undefined;
      return current.peer === desired.peer;
    }
    case 'macvlan':
      return current.kind === 'macvlan' && current.parent === desired.parent && current.mode === desired.mode;
    case 'ipvlan':
      return current.kind === 'ipvlan' && current.parent === desired.parent && current.mode === desired.mode;
    case 'vlan':
      return current.kind === 'vlan' && current.parent === desired.parent && current.id === desired.id
        && (desired.protocol === undefined || desired.protocol === current.protocol);
    case 'vrf':
      return current.kind === 'vrf' && current.table === desired.table;
    case 'vxlan':
      return current.kind === 'vxlan' && current.vni === desired.vni && same(current.local, desired.local)
        && same(current.remote, desired.remote) && same(current.group, desired.group)
        && current.dev === desired.dev
        && (desired.dstPort === undefined || desired.dstPort === current.dstPort)
        && (desired.learning === undefined || desired.learning === current.learning);
    case 'bridge': case 'ifb': case 'dummy':
      return current.kind === desired.kind;
  }
}

function attributeChange(desired: LinkSpec, current: Current | undefined): LinkChange {
  const change: LinkChange = {};
  if (desired.mtu !== undefined && desired.mtu !== current?.mtu) change.mtu = desired.mtu;
  if (desired.mac !== undefined && desired.mac.toLowerCase() !== current?.mac?.toLowerCase()) change.mac = desired.mac;
  if (desired.master !== current?.master) {
    if (desired.master !== undefined) change.master = desired.master;
    else if (current?.master !== undefined) change.master = null;
  }
  if (desired.up !== undefined && desired.up !== current?.up) change.up = desired.up;
  return change;
}

function isEmpty(change: LinkChange): boolean {
  return Object.keys(change).length === 0;
}

/** Links the kernel removes together with `name`: same-namespace veth peer and upper links. */
function cascade(name: string, current: ReadonlyMap<string, CurrentLink>): Set<string> {
  const out = new Set<string>([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [n, l] of current) {
      if (out.has(n)) continue;
      const s = l.spec;
      const lower = s.kind === 'macvlan' || s.kind === 'ipvlan' || s.kind === 'vlan' ? s.parent
        : s.kind === 'vxlan' ? s.dev : undefined;
      const peerGone = s.kind === 'veth' && s.peer !== '' && out.has(s.peer);
      if (peerGone || (lower !== undefined && out.has(lower))) { out.add(n); grew = true; }
    }
  }
  return out;
}

/** Dependencies-first order of `links` (deterministic; cycles fall back to name order). */
function topological(links: readonly LinkSpec[]): LinkSpec[] {
  const names = new Set(links.map((l) => l.name));
  const pending = [...links].sort(byName);
  const done = new Set<string>();
  const out: LinkSpec[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((l) => linkDependencies(l).every((d) => !names.has(d) || done.has(d) || d === l.name));
    const [next] = pending.splice(i < 0 ? 0 : i, 1);
    if (next === undefined) break;
    done.add(next.name);
    out.push(next);
  }
  return out;
}

function routeDevs(r: RouteSpec): string[] {
  const devs = (r.nexthops ?? []).map((nh) => nh.dev).filter((d): d is string => d !== undefined);
  if (r.dev !== undefined) devs.push(r.dev);
  return devs;
}

/** Whether the kernel's route satisfies the desired one; a device left out by the wish is not compared. */
function routeMatches(live: RouteSpec, desired: RouteSpec): boolean {
  const want = normalizeRoute(desired);
  const have = normalizeRoute(live);
  if (want.dev === undefined) delete have.dev;
  if (want.nexthops !== undefined && have.nexthops !== undefined && want.nexthops.length === have.nexthops.length) {
    have.nexthops = have.nexthops.map((nh, i) => (want.nexthops?.[i]?.dev === undefined ? { ...nh, dev: undefined } : nh));
  }
  return JSON.stringify(have) === JSON.stringify(want);
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => { const ka = key(a); const kb = key(b); return ka < kb ? -1 : ka > kb ? 1 : 0; };
}

export function diffNamespace(input: DiffInput): NamespaceDiff {
  const { namespace, desired, current, owned } = input;
  const result: NamespaceDiff = { ops: [], unmanaged: [], conflicts: [], createdElsewhere: [] };
  const curLinks = new Map(current.links.map((l) => [l.spec.name, l]));
  const wanted = new Map(desired.links.map((l) => [l.name, l]));

  // 1. Which current links go: not desired (and ours), or desired with another shape (and ours).
  const explicitDeletes: CurrentLink[] = [];
  const recreate = new Set<string>();
  for (const cur of [...current.links].sort((a, b) => byName(a.spec, b.spec))) {
    const want = wanted.get(cur.spec.name);
    const key = linkKey(cur.spec.name);
    if (cur.kernelCreated) continue;
    if (want === undefined) {
      if (owned.has(key)) explicitDeletes.push(cur);
      else result.unmanaged.push(key);
    } else if (!sameShape(namespace, want, cur.spec, cur)) {
      if (owned.has(key)) { explicitDeletes.push(cur); recreate.add(cur.spec.name); } else result.conflicts.push(key);
    }
  }
  const gone = new Set<string>();
  for (const cur of explicitDeletes) for (const n of cascade(cur.spec.name, curLinks)) gone.add(n);

  // 2. Route and address deletes (before links, so nothing is deleted twice).
  const routeDeletes: RouteSpec[] = [];
  const wantedRoutes = new Map(desired.routes.map((r) => [routeKey(r), r]));
  const liveRoutes = new Map<string, RouteSpec>();
  for (const r of current.routes) {
    const key = routeKey(r);
    if (routeDevs(r).some((d) => gone.has(d))) continue;
    liveRoutes.set(key, r);
    if (wantedRoutes.has(key)) continue;
    if (owned.has(key)) routeDeletes.push(r); else result.unmanaged.push(key);
  }
  const addressDeletes: AddressSpec[] = [];
  const wantedAddresses = new Map(desired.addresses.map((a) => [addressKey(a), a]));
  const liveAddresses = new Map<string, AddressSpec>();
  for (const a of current.addresses) {
    if (a.kernelCreated || gone.has(a.spec.dev)) continue;
    const key = addressKey(a.spec);
    liveAddresses.set(key, a.spec);
    if (wantedAddresses.has(key)) continue;
    if (owned.has(key)) addressDeletes.push(a.spec); else result.unmanaged.push(key);
  }
  for (const r of routeDeletes.sort(byKey(routeKey))) result.ops.push({ op: 'delete', object: { type: 'route', spec: r } });
  for (const a of addressDeletes.sort(byKey(addressKey))) result.ops.push({ op: 'delete', object: { type: 'address', spec: a } });

  // 3. Link deletes, dependents first; skip what an earlier delete already took with it.
  const removed = new Set<string>();
  const deleteOrder = topological(explicitDeletes.map((c) => c.spec).filter((s): s is LinkSpec => s.kind !== 'other')).reverse();
  const others = explicitDeletes.filter((c) => c.spec.kind === 'other').map((c) => c.spec.name);
  for (const name of [...deleteOrder.map((s) => s.name), ...others]) {
    if (removed.has(name)) continue;
    const cur = curLinks.get(name);
    if (cur === undefined) continue;
    for (const n of cascade(name, curLinks)) removed.add(n);
    const spec: LinkSpec = cur.spec.kind === 'other' ? { kind: 'dummy', name } : cur.spec;
    result.ops.push({ op: 'delete', object: { type: 'link', spec } });
  }

  // 4. Link creates (dependencies first) and attribute changes.
  const toCreate = desired.links.filter((l) => !curLinks.has(l.name) || gone.has(l.name));
  const creating = new Set(toCreate.map((l) => l.name));
  const sets: { name: string; change: LinkChange }[] = [];
  for (const link of topological(toCreate)) {
    if (link.kind === 'veth') {
      const remote = link.peerNamespace !== undefined && link.peerNamespace !== namespace;
      const peerSpec = remote ? undefined : wanted.get(link.peer);
      const iOwn = remote
        ? `${namespace}\0${link.name}` < `${link.peerNamespace ?? ''}\0${link.peer}`
        : !(peerSpec?.kind === 'veth' && creating.has(link.peer) && link.peer < link.name);
      if (!iOwn) {
        if (remote) result.createdElsewhere.push(link.name);
        const change = attributeChange(link, undefined);
        if (!isEmpty(change)) sets.push({ name: link.name, change });
        continue;
      }
    }
    result.ops.push({ op: 'create', object: { type: 'link', spec: link } });
  }
  for (const link of [...desired.links].sort(byName)) {
    const cur = curLinks.get(link.name);
    if (cur === undefined || gone.has(link.name) || result.conflicts.includes(linkKey(link.name))) continue;
    const change = attributeChange(link, cur.spec);
    if (!isEmpty(change)) sets.push({ name: link.name, change });
  }
  for (const s of sets) result.ops.push({ op: 'set-link', name: s.name, change: s.change });

  // 5. Addresses, then routes: create the missing ones, replace the changed ones.
  for (const [key, a] of [...wantedAddresses].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const live = liveAddresses.get(key);
    if (live === undefined) result.ops.push({ op: 'create', object: { type: 'address', spec: a } });
    else if (!same(live.peer, a.peer) || (a.broadcast !== undefined && a.broadcast !== live.broadcast)) {
      result.ops.push({ op: 'replace', object: { type: 'address', spec: a } });
    }
  }
  for (const [key, r] of [...wantedRoutes].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const live = liveRoutes.get(key);
    if (live === undefined) result.ops.push({ op: 'create', object: { type: 'route', spec: r } });
    else if (!routeMatches(live, r)) result.ops.push({ op: 'replace', object: { type: 'route', spec: r } });
  }
  result.unmanaged.sort();
  return result;
}
