// Shared set-up of the datastore operation tests (get, get-config, edit-config, copy-config,
// delete-config, lock, unlock, validate, discard-changes): a real NetconfCore over the served
// module set with the real datastore layer in a temp state directory, and raw NETCONF clients on
// in-memory pipes (../session/harness.ts). No tests here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../../../src/backends/backend.js';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { toJson } from '../../../../src/datastore/json-encoder.js';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import { createDatastoreServices, type DatastoreServices } from '../../../../src/netconf/datastore-services.js';
import { NetconfCore } from '../../../../src/netconf/server.js';
import type { XmlElement } from '../../../../src/netconf/xml/element.js';
import { Schema } from '../../../../src/validation/schema.js';
import { BASE_NS, captureLogs, DEFAULT_SETTINGS, established, isOk, rpcErrors, sharedYang, type RawClient } from '../session/harness.js';

export { BASE_NS, isOk, rpcErrors };
export const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
export const IANA_NS = 'urn:ietf:params:xml:ns:yang:iana-if-type';
export const IP_NS = 'urn:ietf:params:xml:ns:yang:ietf-ip';
export const AGENT_NS = 'urn:vrouterd:params:xml:ns:yang:vrouter-agent';
export const MON_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
export const YANGLIB_NS = 'urn:ietf:params:xml:ns:yang:ietf-yang-library';
export const WD_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';
export const WD_ATTR_NS = 'urn:ietf:params:xml:ns:netconf:default:1.0';

let schemaPromise: Promise<Schema> | undefined;
/** One Schema for every world (read-only). */
export async function sharedSchema(): Promise<Schema> {
  schemaPromise ??= sharedYang().then((y) => new Schema(y.exportSchema()));
  return schemaPromise;
}

export interface WorldOptions {
  writableRunning?: boolean;
  historyMaxEntries?: number;
  /** Reuse a state directory (a restart); default: a fresh temp dir. */
  dir?: string;
  /** Backends behind the commit (their appliers run in the pipeline). */
  backends?: readonly Backend[];
}

export interface World {
  core: NetconfCore;
  ds: DatastoreServices;
  schema: Schema;
  dir: string;
  /** An established session (NETCONF 1.1) of `username`. */
  open(username?: string): Promise<RawClient>;
  /** A datastore's content as RFC 7951 JSON. */
  json(tree: DataTree): Record<string, unknown>;
  /** Stops the core and the datastore layer; keeps the directory (a restart can reuse it). */
  stop(): Promise<void>;
  /** stop() and removes the directory. */
  close(): Promise<void>;
}

export async function makeWorld(options: WorldOptions = {}): Promise<World> {
  const yang = await sharedYang();
  const schema = await sharedSchema();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'vrouterd-ds-op-')));
  const logs = captureLogs('silent');
  const writableRunning = options.writableRunning ?? false;
  const ds = await createDatastoreServices({
    schema, yang, directory: dir, logger: logs.logger,
    settings: { writableRunning, ...(options.historyMaxEntries === undefined ? {} : { historyMaxEntries: options.historyMaxEntries }) },
    appliers: (options.backends ?? []).map((b) => b.applier),
  });
  const core = new NetconfCore({
    yang, settings: { ...DEFAULT_SETTINGS, writableRunning }, logger: logs.logger, datastore: ds, backends: options.backends ?? [],
  });
  const clients: RawClient[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const c of clients.splice(0)) c.stream.destroy();
      await core.closeAll();
      await ds.close();
    })();
    return stopped;
  };
  return {
    core, ds, schema, dir,
    open: async (username = 'alice') => {
      const c = await established(core, '1.1', { username });
      clients.push(c);
      return c;
    },
    json: (tree) => toJson(schema, tree),
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Decodes <config> content (XML text) into a tree. */
export function configTree(schema: Schema, xml: string): DataTree {
  const r = decodeXml(schema, `<config xmlns="${BASE_NS}">${xml}</config>`, { wrapped: true });
  assert.ok(r.ok, r.ok ? '' : r.errors[0].message);
  return r.tree;
}

/** <interfaces> with these interfaces (name → extra XML inside the entry), each of type ethernetCsmacd. */
export function interfacesXml(ifs: Record<string, string>): string {
  const entries = Object.entries(ifs).map(([name, extra]) =>
    `<interface><name>${name}</name><type xmlns:ianaift="${IANA_NS}">ianaift:ethernetCsmacd</type>${extra}</interface>`);
  return `<interfaces xmlns="${IF_NS}">${entries.join('')}</interfaces>`;
}

/** The interface names of an RFC 7951 document (sorted). */
export function interfaceNames(json: Record<string, unknown>): string[] {
  const ifs = (json['ietf-interfaces:interfaces'] as { interface?: { name: string }[] } | undefined)?.interface ?? [];
  return ifs.map((i) => i.name).sort();
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

export type ReplyError = ReturnType<typeof rpcErrors>[number];

/** Every rpc-error of an rpc that must fail. */
export async function errorsOf(c: RawClient, body: string): Promise<[ReplyError, ...ReplyError[]]> {
  const errors = rpcErrors(await call(c, body));
  const [first, ...rest] = errors;
  assert.ok(first !== undefined, `expected an rpc-error for ${body}`);
  return [first, ...rest];
}

/** The first rpc-error of an rpc that must fail. */
export async function errorOf(c: RawClient, body: string): Promise<ReplyError> {
  return (await errorsOf(c, body))[0];
}

/** The <data> element of a get / get-config reply (fails on an error reply). */
export async function dataOf(c: RawClient, body: string): Promise<XmlElement> {
  const reply = await call(c, body);
  const data = reply.child(BASE_NS, 'data');
  assert.ok(data !== undefined, `expected <data> for ${body}, got ${JSON.stringify(rpcErrors(reply))}`);
  return data;
}

/** The first descendant element with this name (depth first), for assertions. */
export function find(el: XmlElement, name: string, namespace?: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.name === name && (namespace === undefined || c.namespace === namespace)) return c;
    const below = find(c, name, namespace);
    if (below !== undefined) return below;
  }
  return undefined;
}

/** Every descendant element with this name. */
export function findAll(el: XmlElement, name: string, namespace?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === name && (namespace === undefined || c.namespace === namespace)) out.push(c);
    out.push(...findAll(c, name, namespace));
  }
  return out;
}

/** The names of the interfaces in a <data> element. */
export function dataInterfaceNames(data: XmlElement): string[] {
  return findAll(data, 'interface', IF_NS).map((i) => i.child(IF_NS, 'name')?.text ?? '?').sort();
}

export const getConfigRpc = (source: string, extra = ''): string => `<get-config><source><${source}/></source>${extra}</get-config>`;
export const editRpc = (target: string, config: string, extra = ''): string =>
  `<edit-config><target><${target}/></target>${extra}<config>${config}</config></edit-config>`;
