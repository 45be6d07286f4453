// Parses `ip -json -d link show`, `ip -json addr show` and `ip -json route show table all`
// (IPv4, `-6`, or both mixed) into the specs of link-spec.ts.
//
// Tolerant of missing fields across iproute2 versions; a document that is not the expected JSON
// shape yields an error object, never an exception. Facts from iproute2 6.1 this relies on:
//   - link kind is only in `linkinfo.info_kind`, which needs `-d`; without it links parse as 'other';
//   - a veth's peer name is in `link` when the peer is in the same namespace; when it is in another
//     one, only `link_netnsid` and `link_index` are printed;
//   - route objects have no family field: IPv6 ones carry `pref`, and `default` has no length;
//   - `table` is left out for main, `metric` when 0, `protocol` for boot; host routes have no /32;
//   - an IPv6 blackhole prints `dev lo`; onlink is a word in `flags`.

import {
  canonicalAddress, familyOf, normalizePrefix, normalizeRoute, TABLE_NAMES,
  type AddressSpec, type IpvlanMode, type LinkKind, type LinkSpec, type MacvlanMode, type NextHop,
  type OtherLink, type RouteSpec, type RouteType, type VlanProtocol,
} from './link-spec.js';

export interface ParseError { message: string }
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export interface CurrentLink {
  ifindex: number;
  spec: LinkSpec | OtherLink;
  /** Made by the kernel itself (the loopback), never vrouterd's to delete or change. */
  kernelCreated: boolean;
  /** `operstate` as printed (UP, DOWN, UNKNOWN, LOWERLAYERDOWN …). */
  operState?: string;
  /** For a veth whose peer is in another namespace: that namespace's id as seen from here. */
  peerNetnsId?: number;
}

export interface CurrentAddress {
  spec: AddressSpec;
  family: 4 | 6;
  scope?: string;
  /** Loopback addresses and IPv6 link-local addresses the kernel adds. */
  kernelCreated: boolean;
}

export interface CurrentRoutes {
  routes: RouteSpec[];
  /** Kernel-added routes left out (proto kernel, local table, fe80::/64, ff00::/8, local/broadcast). */
  ignored: number;
  /** Entries not understood (unknown type or table name, missing dst); also left out. */
  unparsed: number;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function int(o: Json, key: string): number | undefined {
  const v = o[key];
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/u.test(v)) return Number(v);
  return undefined;
}

function parseArray(text: string, what: string): ParseResult<Json[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (err) {
    return { ok: false, error: { message: `${what}: not JSON: ${(err as Error).message}` } };
  }
  if (!Array.isArray(doc)) return { ok: false, error: { message: `${what}: expected a JSON array` } };
  const out: Json[] = [];
  for (const [i, item] of doc.entries()) {
    if (!isObject(item)) return { ok: false, error: { message: `${what}: entry ${i} is not an object` } };
    out.push(item);
  }
  return { ok: true, value: out };
}

const MANAGED_KINDS: ReadonlySet<string> = new Set<LinkKind>([
  'veth', 'bridge', 'macvlan', 'vxlan', 'ifb', 'dummy', 'vlan', 'vrf', 'ipvlan',
]);

function linkFromJson(o: Json, name: string): { spec: LinkSpec | OtherLink; peerNetnsId?: number } {
  const flags = Array.isArray(o['flags']) ? o['flags'] : [];
  const common = {
    name,
    up: flags.includes('UP'),
    ...(int(o, 'mtu') !== undefined ? { mtu: int(o, 'mtu') } : {}),
    ...(str(o, 'address') !== undefined && str(o, 'link_type') !== 'loopback'
      ? { mac: str(o, 'address') } : {}),
    ...(str(o, 'master') !== undefined ? { master: str(o, 'master') } : {}),
  };
  const info = isObject(o['linkinfo']) ? o['linkinfo'] : {};
  const data = isObject(info['info_data']) ? info['info_data'] : {};
  const kind = str(info, 'info_kind');
  const lower = str(o, 'link');
  if (kind === undefined || !MANAGED_KINDS.has(kind)) {
    return { spec: { ...common, kind: 'other', ...(kind !== undefined ? { infoKind: kind } : {}) } };
  }
  switch (kind as LinkKind) {
    case 'veth': {
      const netnsId = int(o, 'link_netnsid');
      // The peer's name is unknown when it lives in another namespace: '' stands for "not seen".
      const spec: LinkSpec = { ...common, kind: 'veth', peer: lower ?? '' };
      return netnsId !== undefined ? { spec, peerNetnsId: netnsId } : { spec };
    }
    case 'macvlan':
      return { spec: { ...common, kind: 'macvlan', parent: lower ?? '', mode: (str(data, 'mode') ?? 'vepa') as MacvlanMode } };
    case 'ipvlan':
      return { spec: { ...common, kind: 'ipvlan', parent: lower ?? '', mode: (str(data, 'mode') ?? 'l3') as IpvlanMode } };
    case 'vlan': {
      const protocol = str(data, 'protocol') as VlanProtocol | undefined;
      return { spec: { ...common, kind: 'vlan', parent: lower ?? '', id: int(data, 'id') ?? 0, ...(protocol !== undefined ? { protocol } : {}) } };
    }
    case 'vrf':
      return { spec: { ...common, kind: 'vrf', table: int(data, 'table') ?? 0 } };
    case 'vxlan': {
      const spec: LinkSpec = { ...common, kind: 'vxlan', vni: int(data, 'id') ?? 0 };
      const local = str(data, 'local') ?? str(data, 'local6');
      const remote = str(data, 'remote') ?? str(data, 'remote6');
      const group = str(data, 'group') ?? str(data, 'group6');
      if (local !== undefined) spec.local = canonicalAddress(local);
      if (remote !== undefined) spec.remote = canonicalAddress(remote);
      if (group !== undefined) spec.group = canonicalAddress(group);
      const port = int(data, 'port');
      if (port !== undefined) spec.dstPort = port;
      const dev = str(data, 'link');
      if (dev !== undefined) spec.dev = dev;
      if (typeof data['learning'] === 'boolean') spec.learning = data['learning'];
      return { spec };
    }
    case 'bridge': return { spec: { ...common, kind: 'bridge' } };
    case 'ifb': return { spec: { ...common, kind: 'ifb' } };
    case 'dummy': return { spec: { ...common, kind: 'dummy' } };
  }
}

/** Parse `ip -json -d link show` (or `ip -json addr show`, which carries the same link fields). */
export function parseLinks(text: string): ParseResult<CurrentLink[]> {
  const arr = parseArray(text, 'ip -json link');
  if (!arr.ok) return arr;
  const links: CurrentLink[] = [];
  for (const [i, o] of arr.value.entries()) {
    const name = str(o, 'ifname');
    const ifindex = int(o, 'ifindex');
    if (name === undefined || ifindex === undefined) {
      return { ok: false, error: { message: `ip -json link: entry ${i} has no ifname or ifindex` } };
    }
    const { spec, peerNetnsId } = linkFromJson(o, name);
    const link: CurrentLink = {
      ifindex, spec,
      kernelCreated: str(o, 'link_type') === 'loopback' || (name === 'lo' && spec.kind === 'other'),
    };
    const oper = str(o, 'operstate');
    if (oper !== undefined) link.operState = oper;
    if (peerNetnsId !== undefined) link.peerNetnsId = peerNetnsId;
    links.push(link);
  }
  return { ok: true, value: links };
}

function kernelAddress(dev: string, family: 4 | 6, address: string, scope: string | undefined): boolean {
  if (family === 6 && address.startsWith('fe80:') && scope === 'link') return true;
  if (dev === 'lo' && (address === '127.0.0.1' || address === '::1')) return true;
  return false;
}

/** Parse `ip -json addr show`: one entry per address, IPv4 and IPv6. */
export function parseAddresses(text: string): ParseResult<CurrentAddress[]> {
  const arr = parseArray(text, 'ip -json addr');
  if (!arr.ok) return arr;
  const out: CurrentAddress[] = [];
  for (const [i, o] of arr.value.entries()) {
    const dev = str(o, 'ifname');
    if (dev === undefined) return { ok: false, error: { message: `ip -json addr: entry ${i} has no ifname` } };
    const infos = Array.isArray(o['addr_info']) ? o['addr_info'] : [];
    for (const info of infos) {
      if (!isObject(info)) continue;
      const local = str(info, 'local');
      const plen = int(info, 'prefixlen');
      if (local === undefined || plen === undefined) continue;
      const family: 4 | 6 = str(info, 'family') === 'inet6' ? 6 : str(info, 'family') === 'inet' ? 4 : familyOf(local);
      const spec: AddressSpec = { dev, address: canonicalAddress(local), prefixLength: plen };
      const peer = str(info, 'address');
      if (peer !== undefined && peer !== local) spec.peer = canonicalAddress(peer);
      const brd = str(info, 'broadcast');
      if (brd !== undefined) spec.broadcast = brd;
      const scope = str(info, 'scope');
      const addr: CurrentAddress = { spec, family, kernelCreated: kernelAddress(dev, family, spec.address, scope) };
      if (scope !== undefined) addr.scope = scope;
      out.push(addr);
    }
  }
  return { ok: true, value: out };
}

const KERNEL_ROUTE_TYPES: ReadonlySet<string> = new Set(['local', 'broadcast', 'multicast', 'anycast']);
const ROUTE_TYPES: ReadonlySet<string> = new Set<RouteType>(['unicast', 'blackhole', 'unreachable', 'prohibit']);

function gatewayOf(o: Json): string | undefined {
  const gw = str(o, 'gateway');
  if (gw !== undefined) return gw;
  const via = o['via'];
  return isObject(via) ? str(via, 'host') : undefined;
}

function routeFamily(o: Json, dst: string, hint: 4 | 6 | undefined): 4 | 6 {
  if (dst.includes(':')) return 6;
  if (dst !== 'default') return 4;
  if ('pref' in o) return 6;
  const gw = gatewayOf(o);
  if (gw !== undefined) return familyOf(gw);
  return hint ?? 4;
}

function hasFlag(o: Json, flag: string): boolean {
  return Array.isArray(o['flags']) && o['flags'].includes(flag);
}

function nexthopFromJson(o: Json): NextHop {
  const nh: NextHop = {};
  const gw = gatewayOf(o);
  if (gw !== undefined) nh.gateway = canonicalAddress(gw);
  const dev = str(o, 'dev');
  if (dev !== undefined) nh.dev = dev;
  const weight = int(o, 'weight');
  if (weight !== undefined) nh.weight = weight;
  if (hasFlag(o, 'onlink')) nh.onlink = true;
  return nh;
}

/**
 * Parse `ip -json route show table all` (with `-4`, `-6` or neither; 6.1 without a family prints
 * both). `familyHint` decides `default` routes that carry nothing else telling the family.
 * Routes come out normalised (see normalizeRoute), so they compare directly with desired ones.
 */
export function parseRoutes(text: string, familyHint?: 4 | 6): ParseResult<CurrentRoutes> {
  const arr = parseArray(text, 'ip -json route');
  if (!arr.ok) return arr;
  const result: CurrentRoutes = { routes: [], ignored: 0, unparsed: 0 };
  for (const o of arr.value) {
    const dst = str(o, 'dst');
    const type = str(o, 'type') ?? 'unicast';
    const tableName = str(o, 'table') ?? (typeof o['table'] === 'number' ? String(o['table']) : 'main');
    if (dst === undefined) { result.unparsed++; continue; }
    const family = routeFamily(o, dst, familyHint);
    const destination = normalizePrefix(dst, family);
    if (KERNEL_ROUTE_TYPES.has(type) || str(o, 'protocol') === 'kernel' || tableName === 'local'
      || (family === 6 && (destination === 'fe80::/64' || destination === 'ff00::/8'))) {
      result.ignored++;
      continue;
    }
    if (!ROUTE_TYPES.has(type)) { result.unparsed++; continue; }
    const table = /^\d+$/u.test(tableName) ? Number(tableName) : TABLE_NAMES[tableName];
    if (table === undefined) { result.unparsed++; continue; }
    const route: RouteSpec = { family, destination, type: type as RouteType, table, metric: int(o, 'metric') ?? 0 };
    const protocol = str(o, 'protocol') ?? (typeof o['protocol'] === 'number' ? String(o['protocol']) : undefined);
    if (protocol !== undefined) route.protocol = protocol;
    if (route.type === 'unicast') {
      const hops = Array.isArray(o['nexthops']) ? o['nexthops'].filter(isObject) : [];
      if (hops.length > 0) {
        route.nexthops = hops.map(nexthopFromJson);
      } else {
        Object.assign(route, nexthopFromJson(o));
        delete (route as { weight?: number }).weight;
      }
    }
    result.routes.push(normalizeRoute(route));
  }
  return { ok: true, value: result };
}
