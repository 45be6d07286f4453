// Typed specs of the Linux objects the backend manages inside one network namespace: links,
// addresses and routes (written with `ip -batch`, read with `ip -json`), plus the namespace itself
// and its forwarding switches (rendered as separate commands, never inside a batch).
//
// Specs are plain data. Identity keys (`objectKey`) are stable strings the diff and the engine use;
// values are normalised (`normalizeRoute`, `canonicalAddress`) so that what vrouterd asks for and
// what `ip -json` prints compare equal.

/** Link kinds vrouterd creates. This kernel lacks dummy, vrf, vlan and ipvlan; real hosts have them. */
export type LinkKind = 'veth' | 'bridge' | 'macvlan' | 'vxlan' | 'ifb' | 'dummy' | 'vlan' | 'vrf' | 'ipvlan';

export const LINK_KINDS: readonly LinkKind[] = [
  'veth', 'bridge', 'macvlan', 'vxlan', 'ifb', 'dummy', 'vlan', 'vrf', 'ipvlan',
];

export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';
export type IpvlanMode = 'l2' | 'l3' | 'l3s';
export type VlanProtocol = '802.1Q' | '802.1ad';

/** Attributes every link has; an absent attribute means "leave the kernel's value". */
export interface LinkCommon {
  name: string;
  /** Admin state: true = `up`, false = `down`. */
  up?: boolean;
  mtu?: number;
  /** Lower-case colon-separated MAC address. */
  mac?: string;
  /** Name of the bridge or VRF this link is enslaved to. */
  master?: string;
}

export interface VethLink extends LinkCommon {
  kind: 'veth';
  peer: string;
  /** Namespace of the peer end; absent = same namespace as this end. */
  peerNamespace?: string;
}
export interface BridgeLink extends LinkCommon { kind: 'bridge' }
export interface MacvlanLink extends LinkCommon { kind: 'macvlan'; parent: string; mode: MacvlanMode }
export interface VxlanLink extends LinkCommon {
  kind: 'vxlan';
  vni: number;
  local?: string;
  remote?: string;
  group?: string;
  dstPort?: number;
  /** Underlay device. */
  dev?: string;
  learning?: boolean;
}
export interface IfbLink extends LinkCommon { kind: 'ifb' }
export interface DummyLink extends LinkCommon { kind: 'dummy' }
export interface VlanLink extends LinkCommon { kind: 'vlan'; parent: string; id: number; protocol?: VlanProtocol }
export interface VrfLink extends LinkCommon { kind: 'vrf'; table: number }
export interface IpvlanLink extends LinkCommon { kind: 'ipvlan'; parent: string; mode: IpvlanMode }

export type LinkSpec =
  | VethLink | BridgeLink | MacvlanLink | VxlanLink | IfbLink | DummyLink | VlanLink | VrfLink | IpvlanLink;

/** A link read from the kernel whose kind vrouterd does not manage (loopback, tun, bond …). */
export interface OtherLink extends LinkCommon {
  kind: 'other';
  /** `linkinfo.info_kind` when the kernel reported one. */
  infoKind?: string;
}

/** An IPv4 or IPv6 address on a link. */
export interface AddressSpec {
  dev: string;
  address: string;
  prefixLength: number;
  /** Point-to-point peer (`peer`); the prefix length then applies to the peer. */
  peer?: string;
  /** IPv4 broadcast address. */
  broadcast?: string;
}

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';

export interface NextHop {
  gateway?: string;
  dev?: string;
  /** 1..256; absent = 1. */
  weight?: number;
  onlink?: boolean;
}

export interface RouteSpec {
  family: 4 | 6;
  /** Prefix with length, e.g. `0.0.0.0/0`, `198.18.0.5/32`, `2001:db8::/48`. */
  destination: string;
  type: RouteType;
  /** Routing table id; absent = main (254). */
  table?: number;
  /** Absent = the kernel default: 0 for IPv4, 1024 for IPv6. */
  metric?: number;
  /** Routing protocol label (`static`, `boot`, a number); absent = boot. */
  protocol?: string;
  /** Single next hop (unicast only). */
  gateway?: string;
  dev?: string;
  onlink?: boolean;
  /** Multipath next hops (unicast only); when present, gateway/dev/onlink are unused. */
  nexthops?: NextHop[];
}

export interface NamespaceSpec { name: string }

/** Forwarding switches of one namespace (sysctls; rendered with `ip netns exec NS sysctl -w`). */
export interface ForwardingSpec {
  namespace: string;
  ipv4?: boolean;
  ipv6?: boolean;
}

export type LinuxObject =
  | { type: 'link'; spec: LinkSpec }
  | { type: 'address'; spec: AddressSpec }
  | { type: 'route'; spec: RouteSpec };

export const MAIN_TABLE = 254;
export const LOCAL_TABLE = 255;
export const DEFAULT_TABLE = 253;

/** Table names iproute2 prints instead of numbers (from /etc/iproute2/rt_tables). */
export const TABLE_NAMES: Readonly<Record<string, number>> = {
  main: MAIN_TABLE, local: LOCAL_TABLE, default: DEFAULT_TABLE, unspec: 0,
};

export function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/**
 * Canonical text of an IP address (IPv6 compressed, lower case, as iproute2 prints it); IPv4
 * unchanged. Returns the input when it is not an IPv6 address the URL parser accepts.
 */
export function canonicalAddress(address: string): string {
  if (!address.includes(':')) return address;
  try {
    const host = new URL(`http://[${address}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

/** `default` → `0.0.0.0/0` or `::/0`; a host route without a length gets /32 or /128. */
export function normalizePrefix(prefix: string, family: 4 | 6): string {
  if (prefix === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  const slash = prefix.indexOf('/');
  const addr = slash < 0 ? prefix : prefix.slice(0, slash);
  const len = slash < 0 ? (family === 4 ? '32' : '128') : prefix.slice(slash + 1);
  return `${canonicalAddress(addr)}/${len}`;
}

export function effectiveTable(route: RouteSpec): number {
  return route.table ?? MAIN_TABLE;
}

export function effectiveMetric(route: RouteSpec): number {
  return route.metric ?? (route.family === 4 ? 0 : 1024);
}

/** The same route with defaults filled in and addresses canonical, for comparison. */
export function normalizeRoute(route: RouteSpec): RouteSpec {
  const out: RouteSpec = {
    family: route.family,
    destination: normalizePrefix(route.destination, route.family),
    type: route.type,
    table: effectiveTable(route),
    metric: effectiveMetric(route),
  };
  if (route.protocol !== undefined && route.protocol !== 'boot') out.protocol = route.protocol;
  if (route.type !== 'unicast') return out;
  if (route.nexthops !== undefined && route.nexthops.length > 1) {
    out.nexthops = route.nexthops.map((nh) => {
      const n: NextHop = { weight: nh.weight ?? 1 };
      if (nh.gateway !== undefined) n.gateway = canonicalAddress(nh.gateway);
      if (nh.dev !== undefined) n.dev = nh.dev;
      if (nh.onlink === true) n.onlink = true;
      return n;
    });
    return out;
  }
  const single = route.nexthops?.[0] ?? route;
  if (single.gateway !== undefined) out.gateway = canonicalAddress(single.gateway);
  if (single.dev !== undefined) out.dev = single.dev;
  if (single.onlink === true) out.onlink = true;
  return out;
}

export function linkKey(name: string): string {
  return `link/${name}`;
}

export function addressKey(a: AddressSpec): string {
  return `address/${a.dev}/${canonicalAddress(a.address)}/${a.prefixLength}`;
}

/** Route identity in the kernel: table, destination and metric (the rest is replaceable). */
export function routeKey(r: RouteSpec): string {
  return `route/${effectiveTable(r)}/${normalizePrefix(r.destination, r.family)}/${effectiveMetric(r)}`;
}

export function objectKey(o: LinuxObject): string {
  switch (o.type) {
    case 'link': return linkKey(o.spec.name);
    case 'address': return addressKey(o.spec);
    case 'route': return routeKey(o.spec);
  }
}

/** Names of links this link needs before it can be created (parent, underlay, master). */
export function linkDependencies(link: LinkSpec): string[] {
  const deps: string[] = [];
  switch (link.kind) {
    case 'macvlan': case 'vlan': case 'ipvlan': deps.push(link.parent); break;
    case 'vxlan': if (link.dev !== undefined) deps.push(link.dev); break;
    default: break;
  }
  if (link.master !== undefined) deps.push(link.master);
  return deps;
}

/** Why `name` is not a valid Linux interface name, or undefined when it is. */
export function invalidInterfaceName(name: string): string | undefined {
  if (name === '') return 'an interface name must not be empty';
  if (Buffer.byteLength(name, 'utf8') > 15) return `interface name "${name}" is longer than 15 bytes`;
  if (name === '.' || name === '..') return `"${name}" is not a valid interface name`;
  if (/[/:\s]/u.test(name)) return `interface name "${name}" contains '/', ':' or white space`;
  return undefined;
}
