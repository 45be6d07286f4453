// Parses the lines of `ip -o -ts monitor link address route` (iproute2 6.1 ignores -json there).
// The events are triggers to re-read with `ip -json`, so only identity is extracted.
//
// Line shapes seen from 6.1 (a `-ts` timestamp in brackets, then an optional `Deleted `):
//   link:    `8: xa@if2: <BROADCAST,MULTICAST,UP> mtu 1500 … \    link/ether …`
//   address: `8: xa    inet 192.0.2.9/30 scope global xa\       valid_lft …`
//   route:   `[TYPE ]PREFIX [via GW] [dev DEV] [table T] …` (`default` has no length)
// With `ip monitor … all-nsid` (or `-n` plus peers) a `[nsid N]` tag may precede the object.
// Anything else (neighbours, netconf, `Timestamp:` lines of `-t`) is counted, never thrown.

import { familyOf, normalizePrefix } from './link-spec.js';

export type MonitorKind = 'link' | 'address' | 'route';

export interface MonitorEvent {
  kind: MonitorKind;
  action: 'new' | 'del';
  /** Link name (link and address events; route events when a `dev` is printed). */
  name?: string;
  ifindex?: number;
  /** Address with prefix length (address events) or route destination prefix (route events). */
  prefix?: string;
  family?: 4 | 6;
  /** Route table when printed (routes in main have none). */
  table?: string;
  /** The namespace the monitor runs in, as given by the caller. */
  namespace?: string;
  /** `[nsid N]` tag, when the monitor reports other namespaces. */
  nsid?: number;
  /** The `-ts` timestamp text. */
  timestamp?: string;
}

export interface MonitorParseOptions { namespace?: string }

const TIMESTAMP = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)\]\s*/u;
const NSID = /^\[nsid (\d+)\]\s*/u;
const LINK = /^(\d+): ([^\s@:]+)(?:@[^\s:]*)?: </u;
const ADDRESS = /^(\d+): (\S+)\s+(inet6?) (\S+)/u;
const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'anycast', 'nat']);
const NUD_STATES = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'INCOMPLETE', 'NOARP', 'PERMANENT']);
const PREFIX = /^(?:default|\d{1,3}(?:\.\d{1,3}){3}(?:\/\d+)?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:\/\d+)?)$/u;

/** One event, or undefined for a line that is not a link/address/route event. */
export function parseMonitorLine(line: string, options: MonitorParseOptions = {}): MonitorEvent | undefined {
  let rest = line.trim();
  const base: Partial<MonitorEvent> = {};
  const ts = TIMESTAMP.exec(rest);
  if (ts !== null) { base.timestamp = ts[1]; rest = rest.slice(ts[0].length); }
  const nsid = NSID.exec(rest);
  if (nsid !== null) { base.nsid = Number(nsid[1]); rest = rest.slice(nsid[0].length); }
  let action: 'new' | 'del' = 'new';
  if (rest.startsWith('Deleted ')) { action = 'del'; rest = rest.slice('Deleted '.length); }
  if (options.namespace !== undefined) base.namespace = options.namespace;
  if (rest === '') return undefined;

  const link = LINK.exec(rest);
  if (link !== null) {
    return { ...base, kind: 'link', action, ifindex: Number(link[1]), name: link[2] };
  }
  const addr = ADDRESS.exec(rest);
  if (addr !== null) {
    const family: 4 | 6 = addr[3] === 'inet6' ? 6 : 4;
    const prefix = addr[4] ?? '';
    return { ...base, kind: 'address', action, ifindex: Number(addr[1]), name: addr[2], family, prefix: normalizePrefix(prefix, family) };
  }
  const words = rest.split(/\s+/u);
  let i = 0;
  if (words[0] !== undefined && ROUTE_TYPES.has(words[0])) i = 1;
  const dst = words[i];
  if (dst === undefined || !PREFIX.test(dst)) return undefined;
  // Neighbour lines (`192.0.2.2 dev x lladdr … REACHABLE`) look like routes; they are not.
  if (words.includes('lladdr') || NUD_STATES.has(words[words.length - 1] ?? '')) return undefined;
  const ev: MonitorEvent = { ...base, kind: 'route', action };
  const valueOf = (key: string): string | undefined => {
    const at = words.indexOf(key, i + 1);
    return at < 0 ? undefined : words[at + 1];
  };
  const via = valueOf('via');
  const family: 4 | 6 = dst !== 'default' ? familyOf(dst)
    : via !== undefined ? familyOf(via) : words.includes('pref') ? 6 : 4;
  ev.family = family;
  ev.prefix = normalizePrefix(dst, family);
  const dev = valueOf('dev');
  if (dev !== undefined) ev.name = dev;
  const table = valueOf('table');
  if (table !== undefined) ev.table = table;
  return ev;
}

export interface MonitorParseResult {
  events: MonitorEvent[];
  /** Lines that were not link/address/route events (blank lines are not counted). */
  ignored: number;
}

/** Stateful line splitter over a monitor's stdout chunks; counts lines it ignores. */
export class MonitorParser {
  private buffer = '';
  ignored = 0;

  constructor(private readonly options: MonitorParseOptions = {}) {}

  /** Feed a chunk of output; returns the events of the complete lines it finished. */
  push(chunk: string): MonitorEvent[] {
    this.buffer += chunk;
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop() ?? '';
    return this.take(parts);
  }

  /** Parse whatever is left after the stream ended. */
  end(): MonitorEvent[] {
    const rest = this.buffer;
    this.buffer = '';
    return this.take([rest]);
  }

  private take(lines: string[]): MonitorEvent[] {
    const events: MonitorEvent[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const ev = parseMonitorLine(line, this.options);
      if (ev === undefined) this.ignored++;
      else events.push(ev);
    }
    return events;
  }
}

/** Parse a whole captured output. */
export function parseMonitorText(text: string, options: MonitorParseOptions = {}): MonitorParseResult {
  const parser = new MonitorParser(options);
  const events = [...parser.push(text), ...parser.end()];
  return { events, ignored: parser.ignored };
}
