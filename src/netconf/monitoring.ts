// ietf-netconf-monitoring (RFC 6022) state data, built from the live objects each time it is
// asked for: the capabilities of the hello, the schemas <get-schema> serves, the open sessions
// with their counters, and the server statistics. The datastores list (with locks) comes from a
// provider the locks module plugs in; without it the three datastores are listed unlocked.
// The result is RFC 7951 JSON, decoded into a data tree with the schema (so every value is
// checked against the module, and <get> can merge and filter it like any other state data).
import type { DataTree } from '../datastore/data-tree.js';
import { decodeJson } from '../datastore/json-decoder.js';
import type { JsonObject, JsonValue } from '../datastore/json-encoder.js';
import type { Schema } from '../validation/schema.js';
import type { ModuleSpec } from '../validation/schema-model.js';
import type { SessionInfo } from './operations/context.js';

const MODULE = 'ietf-netconf-monitoring';

/** RFC 6022 /netconf-state/statistics, kept by the server (sessions add to it). */
export interface NetconfStatistics {
  netconfStartTime: Date;
  inBadHellos: number;
  inSessions: number;
  droppedSessions: number;
  inRpcs: number;
  inBadRpcs: number;
  outRpcErrors: number;
  outNotifications: number;
}

export function newStatistics(now: Date = new Date()): NetconfStatistics {
  return { netconfStartTime: now, inBadHellos: 0, inSessions: 0, droppedSessions: 0, inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 };
}

/** One entry of /netconf-state/datastores/datastore, as the locks module reports it. */
export interface DatastoreState {
  name: 'running' | 'candidate' | 'startup';
  globalLock?: { lockedBySession: number; lockedTime: Date };
  partialLocks?: { lockId: number; lockedBySession: number; lockedTime: Date; select: string[]; lockedNodes: string[] }[];
}

export interface MonitoringSources {
  capabilities: readonly string[];
  /** Every module and submodule in the YANG context (import-only ones too: clients need them to compile). */
  modules: Iterable<ModuleSpec>;
  sessions: () => readonly SessionInfo[];
  statistics: Readonly<NetconfStatistics>;
  /** The locks module's view; absent: running, candidate and startup without locks. */
  datastores?: () => readonly DatastoreState[];
}

/** The formats <get-schema> serves (RFC 6022 schema-format identities). */
export const SCHEMA_FORMATS = ['yang', 'yin'] as const;

/** zero-based-counter32 wraps at 2^32. */
const counter = (n: number): number => n % 4294967296;

const time = (d: Date): string => d.toISOString();

function schemaEntries(modules: Iterable<ModuleSpec>): JsonValue[] {
  const out: JsonValue[] = [];
  const seen = new Set<string>();
  const add = (identifier: string, version: string, namespace: string): void => {
    const key = `${identifier}@${version}`;
    if (seen.has(key)) return;
    seen.add(key);
    for (const format of SCHEMA_FORMATS) {
      out.push({ identifier, version, format: `${MODULE}:${format}`, namespace, location: ['NETCONF'] });
    }
  };
  for (const m of modules) {
    add(m.name, m.revision ?? '', m.namespace);
    for (const sub of m.submodules) add(sub.name, sub.revision ?? '', m.namespace);
  }
  return out;
}

function sessionEntry(s: SessionInfo): JsonObject {
  const entry: JsonObject = {
    'session-id': s.id,
    transport: `${MODULE}:${s.transport}`,
    username: s.username,
    'login-time': time(s.loginTime),
    'in-rpcs': counter(s.counters.inRpcs),
    'in-bad-rpcs': counter(s.counters.inBadRpcs),
    'out-rpc-errors': counter(s.counters.outRpcErrors),
    'out-notifications': counter(s.counters.outNotifications),
  };
  if (s.sourceHost !== '') entry['source-host'] = s.sourceHost;
  return entry;
}

function datastoreEntry(d: DatastoreState): JsonObject {
  const entry: JsonObject = { name: d.name };
  if (d.globalLock !== undefined) {
    entry['locks'] = { 'global-lock': { 'locked-by-session': d.globalLock.lockedBySession, 'locked-time': time(d.globalLock.lockedTime) } };
  } else if (d.partialLocks !== undefined && d.partialLocks.length > 0) {
    entry['locks'] = {
      'partial-lock': d.partialLocks.map((p) => ({
        'lock-id': p.lockId,
        'locked-by-session': p.lockedBySession,
        'locked-time': time(p.lockedTime),
        select: p.select,
        'locked-node': p.lockedNodes,
      })),
    };
  }
  return entry;
}

/** /ietf-netconf-monitoring:netconf-state as RFC 7951 JSON. */
export function netconfStateJson(src: MonitoringSources): JsonObject {
  const st = src.statistics;
  const datastores = src.datastores?.() ?? [{ name: 'running' }, { name: 'candidate' }, { name: 'startup' }];
  const sessions = src.sessions();
  const state: JsonObject = {
    capabilities: { capability: [...src.capabilities] },
    datastores: { datastore: datastores.map(datastoreEntry) },
    schemas: { schema: schemaEntries(src.modules) },
    statistics: {
      'netconf-start-time': time(st.netconfStartTime),
      'in-bad-hellos': counter(st.inBadHellos),
      'in-sessions': counter(st.inSessions),
      'dropped-sessions': counter(st.droppedSessions),
      'in-rpcs': counter(st.inRpcs),
      'in-bad-rpcs': counter(st.inBadRpcs),
      'out-rpc-errors': counter(st.outRpcErrors),
      'out-notifications': counter(st.outNotifications),
    },
  };
  if (sessions.length > 0) state['sessions'] = { session: sessions.map(sessionEntry) };
  return { [`${MODULE}:netconf-state`]: state };
}

/**
 * The same data as a state data tree. A decode failure here is a bug (we built the data), so
 * it throws with the codec's message.
 */
export function netconfStateTree(schema: Schema, src: MonitoringSources): DataTree {
  const r = decodeJson(schema, netconfStateJson(src), { datastore: 'state' });
  if (!r.ok) throw new Error(`ietf-netconf-monitoring state does not fit its schema: ${r.errors[0].message}`);
  return r.tree;
}
