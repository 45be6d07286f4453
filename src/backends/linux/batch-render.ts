// Renders create/delete/update operations on Linux specs into the lines of one `ip -batch -`
// script for one namespace (the caller runs `ip -n NS -batch -`, with or without `-force`).
//
// Quoting: iproute2's batch reader (utils.c makeargs/getcmdline) splits words on white space,
// honours a word that *starts* with ' or " up to the same quote, has no backslash escapes, and cuts
// every line at the first '#'. So a word is written bare unless it holds white space or starts with
// a quote; a word that contains '#', a newline or NUL, or both quote characters where quoting is
// needed, cannot be expressed and is refused.
//
// Idempotency, as iproute2 6.1 and the kernel behave:
//   - creates of addresses and routes use `replace`, so re-running them is harmless;
//   - `link add` fails with "File exists" when the link is there (not idempotent);
//   - `link del`, `address del` and `route del` fail when the object is absent (no "if exists"
//     form), so deletes are NOT idempotent: the diff only emits deletes for objects it has seen.
//     Deleting one end of a veth removes the other end too, and deleting a link removes its
//     addresses and the routes through it; the diff accounts for that.
//   - `link set` of an unchanged value is harmless.
//   - `netns add` fails when the namespace exists, `netns del` when it does not.

import {
  canonicalAddress, effectiveMetric, effectiveTable, invalidInterfaceName, normalizePrefix,
  type AddressSpec, type ForwardingSpec, type LinkSpec, type LinuxObject, type NamespaceSpec,
  type NextHop, type RouteSpec,
} from './link-spec.js';

/** Attribute changes applied to an existing link with `ip link set`. */
export interface LinkChange {
  mtu?: number;
  mac?: string;
  /** A bridge/VRF name, or null for `nomaster`. */
  master?: string | null;
  up?: boolean;
}

export type LinuxOp =
  | { op: 'create'; object: LinuxObject }
  | { op: 'delete'; object: LinuxObject }
  /** `ip link set` on an existing link. */
  | { op: 'set-link'; name: string; change: LinkChange }
  /** `address replace` / `route replace` of an existing object with new attributes. */
  | { op: 'replace'; object: Exclude<LinuxObject, { type: 'link' }> };

export interface RenderError {
  /** Index of the failing operation in the input list. */
  index: number;
  message: string;
}

export type RenderResult =
  | { ok: true; lines: string[]; script: string }
  | { ok: false; error: RenderError };

class QuoteError extends Error {}

/** One batch word, quoted when needed; throws QuoteError (caught by the renderers) when impossible. */
export function quoteWord(word: string): string {
  if (word === '') throw new QuoteError('an empty word cannot be written in an ip batch');
  if (/[#\n\r\0]/u.test(word)) {
    throw new QuoteError(`"${word}" contains '#', a newline or NUL, which an ip batch cannot carry`);
  }
  const first = word[0];
  if (!/\s/u.test(word) && first !== '"' && first !== "'") return word;
  if (!word.includes('"')) return `"${word}"`;
  if (!word.includes("'")) return `'${word}'`;
  throw new QuoteError(`"${word}" needs quoting but contains both quote characters`);
}

function ifname(name: string): string {
  const why = invalidInterfaceName(name);
  if (why !== undefined) throw new QuoteError(why);
  return quoteWord(name);
}

function num(n: number, what: string): string {
  if (!Number.isInteger(n) || n < 0) throw new QuoteError(`${what} must be a non-negative integer, got ${n}`);
  return String(n);
}

function linkAddLine(link: LinkSpec): string {
  const words: string[] = ['link', 'add'];
  if (link.kind === 'macvlan' || link.kind === 'vlan' || link.kind === 'ipvlan') {
    words.push('link', ifname(link.parent));
  }
  words.push('name', ifname(link.name));
  if (link.mtu !== undefined) words.push('mtu', num(link.mtu, 'mtu'));
  if (link.mac !== undefined) words.push('address', quoteWord(link.mac));
  words.push('type', link.kind);
  switch (link.kind) {
    case 'veth':
      words.push('peer', 'name', ifname(link.peer));
      if (link.peerNamespace !== undefined) words.push('netns', quoteWord(link.peerNamespace));
      break;
    case 'macvlan': words.push('mode', link.mode); break;
    case 'ipvlan': words.push('mode', link.mode); break;
    case 'vlan':
      if (link.protocol !== undefined) words.push('protocol', link.protocol);
      words.push('id', num(link.id, 'vlan id'));
      break;
    case 'vrf': words.push('table', num(link.table, 'vrf table')); break;
    case 'vxlan':
      words.push('id', num(link.vni, 'vni'));
      if (link.local !== undefined) words.push('local', quoteWord(link.local));
      if (link.remote !== undefined) words.push('remote', quoteWord(link.remote));
      if (link.group !== undefined) words.push('group', quoteWord(link.group));
      if (link.dev !== undefined) words.push('dev', ifname(link.dev));
      if (link.dstPort !== undefined) words.push('dstport', num(link.dstPort, 'dstport'));
      if (link.learning === false) words.push('nolearning');
      if (link.learning === true) words.push('learning');
      break;
    case 'bridge': case 'ifb': case 'dummy': break;
  }
  return words.join(' ');
}

function linkSetLines(name: string, change: LinkChange): string[] {
  const dev = ifname(name);
  const lines: string[] = [];
  if (change.mtu !== undefined) lines.push(`link set dev ${dev} mtu ${num(change.mtu, 'mtu')}`);
  if (change.mac !== undefined) lines.push(`link set dev ${dev} address ${quoteWord(change.mac)}`);
  if (change.master === null) lines.push(`link set dev ${dev} nomaster`);
  else if (change.master !== undefined) lines.push(`link set dev ${dev} master ${ifname(change.master)}`);
  if (change.up !== undefined) lines.push(`link set dev ${dev} ${change.up ? 'up' : 'down'}`);
  return lines;
}

function addressWords(a: AddressSpec): string {
  const words: string[] = [];
  const local = quoteWord(canonicalAddress(a.address));
  const len = num(a.prefixLength, 'prefix length');
  if (a.peer !== undefined) words.push(local, 'peer', `${quoteWord(canonicalAddress(a.peer))}/${len}`);
  else words.push(`${local}/${len}`);
  if (a.broadcast !== undefined) words.push('broadcast', quoteWord(a.broadcast));
  words.push('dev', ifname(a.dev));
  return words.join(' ');
}

function nexthopWords(nh: NextHop): string[] {
  const words: string[] = [];
  if (nh.gateway !== undefined) words.push('via', quoteWord(canonicalAddress(nh.gateway)));
  if (nh.dev !== undefined) words.push('dev', ifname(nh.dev));
  if (nh.onlink === true) words.push('onlink');
  return words;
}

/** `route` words after the verb: identity first (type, prefix, table, metric), then next hops. */
function routeWords(r: RouteSpec, withNexthops: boolean): string {
  const words: string[] = [];
  if (r.type !== 'unicast') words.push(r.type);
  words.push(quoteWord(normalizePrefix(r.destination, r.family)));
  words.push('table', num(effectiveTable(r), 'table'));
  words.push('metric', num(effectiveMetric(r), 'metric'));
  if (!withNexthops) return words.join(' ');
  if (r.protocol !== undefined) words.push('proto', quoteWord(r.protocol));
  if (r.type === 'unicast') {
    if (r.nexthops !== undefined && r.nexthops.length > 1) {
      for (const nh of r.nexthops) {
        const nhw = nexthopWords(nh);
        if (nhw.length === 0) throw new QuoteError('a multipath next hop needs a gateway or a device');
        words.push('nexthop', ...nhw, 'weight', num(nh.weight ?? 1, 'weight'));
      }
    } else {
      const nh = r.nexthops?.[0] ?? r;
      const nhw = nexthopWords(nh);
      if (nhw.length === 0) throw new QuoteError('a unicast route needs a gateway or a device');
      words.push(...nhw);
    }
  }
  return words.join(' ');
}

function opLines(op: LinuxOp): string[] {
  switch (op.op) {
    case 'create': {
      const o = op.object;
      if (o.type === 'address') return [`address replace ${addressWords(o.spec)}`];
      if (o.type === 'route') return [`route replace ${routeWords(o.spec, true)}`];
      const link = o.spec;
      const change: LinkChange = {};
      if (link.master !== undefined) change.master = link.master;
      if (link.up !== undefined) change.up = link.up;
      return [linkAddLine(link), ...linkSetLines(link.name, change)];
    }
    case 'delete': {
      const o = op.object;
      if (o.type === 'link') return [`link del dev ${ifname(o.spec.name)}`];
      if (o.type === 'address') return [`address del ${addressWords(o.spec)}`];
      return [`route del ${routeWords(o.spec, false)}`];
    }
    case 'set-link':
      return linkSetLines(op.name, op.change);
    case 'replace': {
      const o = op.object;
      if (o.type === 'address') return [`address replace ${addressWords(o.spec)}`];
      return [`route replace ${routeWords(o.spec, true)}`];
    }
  }
}

/** Render `ops` in order into one batch script (the caller chooses `-force` or not). */
export function renderBatch(ops: readonly LinuxOp[]): RenderResult {
  const lines: string[] = [];
  for (const [index, op] of ops.entries()) {
    try {
      lines.push(...opLines(op));
    } catch (err) {
      if (err instanceof QuoteError) return { ok: false, error: { index, message: err.message } };
      throw err;
    }
  }
  return { ok: true, lines, script: lines.length === 0 ? '' : `${lines.join('\n')}\n` };
}

/** Argument vectors (no shell) that create or delete a namespace and bring its loopback up. */
export function renderNamespaceCreate(ns: NamespaceSpec): string[][] {
  return [['ip', 'netns', 'add', ns.name], ['ip', '-n', ns.name, 'link', 'set', 'dev', 'lo', 'up']];
}

export function renderNamespaceDelete(ns: NamespaceSpec): string[][] {
  return [['ip', 'netns', 'del', ns.name]];
}

/** Argument vectors that set the forwarding sysctls inside the namespace (outside any ip batch). */
export function renderForwarding(spec: ForwardingSpec): string[][] {
  const settings: string[] = [];
  if (spec.ipv4 !== undefined) settings.push(`net.ipv4.ip_forward=${spec.ipv4 ? 1 : 0}`);
  if (spec.ipv6 !== undefined) settings.push(`net.ipv6.conf.all.forwarding=${spec.ipv6 ? 1 : 0}`);
  if (settings.length === 0) return [];
  return [['ip', 'netns', 'exec', spec.namespace, 'sysctl', '-w', ...settings]];
}
