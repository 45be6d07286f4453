// Shared set-up of the commit / cancel-commit / list-commits / rollback tests (no tests here):
// a real NetconfCore over the served module set with the real datastore layer in a temp dir,
// the confirmed-commit timers and clock faked, the RFC 6470 config notifications bound to the
// core's bus, and raw NETCONF clients on in-memory pipes (../session/harness.ts).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { toJson } from '../../../../src/datastore/json-encoder.js';
import { Persistence } from '../../../../src/datastore/persistence.js';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import { bindConfigNotifications } from '../../../../src/netconf/config-notifications.js';
import { createDatastoreServices, type DatastoreServices } from '../../../../src/netconf/datastore-services.js';
import { NetconfCore } from '../../../../src/netconf/server.js';
import { NOTIFICATION_NS } from '../../../../src/netconf/xml/namespaces.js';
import type { XmlElement } from '../../../../src/netconf/xml/element.js';
import { Schema } from '../../../../src/validation/schema.js';
import { captureLogs, DEFAULT_SETTINGS, established, isOk, parseXml, rpcErrors, sharedYang, type RawClient } from '../session/harness.js';

export const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
export const IANA_NS = 'urn:ietf:params:xml:ns:yang:iana-if-type';
export const AGENT_NS = 'urn:vrouterd:params:xml:ns:yang:vrouter-agent';
export const NCN = 'urn:ietf:params:xml:ns:yang:ietf-netconf-notifications';

import { FakeTime } from '../../../support/fake-time.js';
export { FakeTime };

let schemaPromise: Promise<Schema> | undefined;
/** One Schema for every world (read-only). */
async function sharedSchema(): Promise<Schema> {
  schemaPromise ??= sharedYang().then((y) => new Schema(y.exportSchema()));
  return schemaPromise;
}

export interface World {
  core: NetconfCore;
  ds: DatastoreServices;
  schema: Schema;
  time: FakeTime;
  dir: string;
  /** An established session (NETCONF 1.1) of `username`. */
  open(username?: string): Promise<RawClient>;
  /** Replaces the candidate with this <config> content, as an edit by `by`. */
  setCandidate(configXml: string, by: RawClient): void;
  /** Waits until queued commits and confirmed-commit work are done. */
  settle(): Promise<void>;
  /** Running as RFC 7951 JSON. */
  running(): Record<string, unknown>;
  /** Running as saved on disk (a fresh Persistence over the state directory). */
  runningOnDisk(): Promise<{ json: Record<string, unknown>; lastCommit: number | null } | undefined>;
  /** Ends everything and removes the temp dir. */
  close(): Promise<void>;
}

export async function makeWorld(options: { historyMaxEntries?: number } = {}): Promise<World> {
  const yang = await sharedYang();
  const schema = await sharedSchema();
  const dir = await mkdtemp(join(tmpdir(), 'vrouterd-commit-op-'));
  const time = new FakeTime();
  const logs = captureLogs('silent');
  const notify = bindConfigNotifications();
  const ds = await createDatastoreServices({
    schema, yang, directory: dir, settings: { writableRunning: false, ...options }, logger: logs.logger,
    timers: time, now: () => time.now,
    onConfigChange: notify.onConfigChange, onConfirmedCommitEvent: notify.onConfirmedCommitEvent,
  });
  const core = new NetconfCore({ yang, settings: DEFAULT_SETTINGS, logger: logs.logger, datastore: ds });
  notify.attach(core.notifications, core.schema, core);
  const clients: RawClient[] = [];
  const json = (t: DataTree): Record<string, unknown> => toJson(schema, t);
  return {
    core, ds, schema, time, dir,
    open: async (username = 'alice') => {
      const c = await established(core, '1.1', { username });
      clients.push(c);
      return c;
    },
    setCandidate: (configXml, by) => {
      const r = decodeXml(schema, `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${configXml}</config>`, { wrapped: true });
      assert.ok(r.ok, r.ok ? '' : r.errors[0].message);
      ds.datastores.setCandidate(r.tree, by.session.id);
    },
    settle: async () => {
      for (let i = 0; i < 3; i++) {
        await ds.confirmed.idle();
        await ds.pipeline.idle();
      }
    },
    running: () => json(ds.datastores.running),
    runningOnDisk: async () => {
      const p = await Persistence.open(dir, schema);
      const stored = await p.loadDatastore('running');
      return stored === undefined ? undefined : { json: json(stored.tree), lastCommit: stored.lastCommit };
    },
    close: async () => {
      for (const c of clients.splice(0)) c.stream.destroy();
      await core.closeAll();
      await ds.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** <interfaces> with these interfaces (name → description; '' for none), each of type ethernetCsmacd. */
export function interfacesXml(ifs: Record<string, string>): string {
  const entries = Object.entries(ifs).map(([name, descr]) =>
    `<interface><name>${name}</name>${descr === '' ? '' : `<description>${descr}</description>`}`
    + `<type xmlns:ianaift="${IANA_NS}">ianaift:ethernetCsmacd</type></interface>`);
  return `<interfaces xmlns="${IF_NS}">${entries.join('')}</interfaces>`;
}

/** The interface names (with descriptions) of a running JSON document, sorted (the list is ordered-by system). */
export function interfaceNames(json: Record<string, unknown>): string[] {
  const ifs = (json['ietf-interfaces:interfaces'] as { interface?: { name: string; description?: string }[] } | undefined)?.interface ?? [];
  return ifs.map((i) => (i.description === undefined ? i.name : `${i.name}:${i.description}`)).sort();
}

let seq = 0;
/** Sends an rpc and returns the reply. */
export async function call(c: RawClient, body: string): Promise<XmlElement> {
  return c.rpc(`m${++seq}`, body);
}

/** Sends an rpc that must answer <ok/>. */
export async function okCall(c: RawClient, body: string): Promise<XmlElement> {
  const reply = await call(c, body);
  assert.ok(isOk(reply), `expected <ok/> for ${body}, got ${JSON.stringify(rpcErrors(reply))}`);
  return reply;
}

/** The first rpc-error of an rpc that must fail. */
export async function errorOf(c: RawClient, body: string): Promise<ReturnType<typeof rpcErrors>[number]> {
  const [e] = rpcErrors(await call(c, body));
  assert.ok(e !== undefined, `expected an rpc-error for ${body}`);
  return e;
}

/** Subscribes the client to the NETCONF stream. */
export async function subscribe(c: RawClient): Promise<void> {
  await okCall(c, `<create-subscription xmlns="${NOTIFICATION_NS}"/>`);
}

/** The content elements of the notifications a client received with this name (RFC 6470 namespace). */
export function notificationsNamed(c: RawClient, name: string): XmlElement[] {
  return c.messages.slice(1).filter((m) => m.includes('<notification')).map(parseXml)
    .map((n) => n.child(NCN, name)).filter((e): e is XmlElement => e !== undefined);
}

export const COMMIT = '<commit/>';
export const confirmedCommit = (extra = ''): string => `<commit><confirmed/>${extra}</commit>`;
