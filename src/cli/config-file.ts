// The agent's configuration file: RFC 7951 JSON of the vrouter-agent module's `agent` container,
//   { "vrouter-agent:agent": { "netconf": { "port": 830, "idle-timeout": 600 }, "log-level": "debug" } }
// decoded with the YANG codec (every value checked by its type, unknown members refused), then
// validated by libyang (must / when / mandatory). Absent leaves take the module's defaults, read
// from the compiled schema, so the YANG file is the one place they are written.
import { readFile } from 'node:fs/promises';
import type { InnerData } from '../datastore/data-tree.js';
import { decodeJson } from '../datastore/json-decoder.js';
import type { YangContext } from '../validation/libyang.js';
import type { ParentSchemaNode, Schema } from '../validation/schema.js';
import type { LogLevel } from './args.js';

const MODULE = 'vrouter-agent';

export interface AgentConfig {
  netconf: {
    address: string;
    port: number;
    maxSessions: number;
    idleTimeoutSeconds: number;
    maxMessageSize: number;
    writableRunning: boolean;
  };
  commitHistory: { maxEntries: number };
  resync: { intervalSeconds: number; backends: string[] };
  logLevel: LogLevel;
}

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

/** Walks the decoded tree along the schema, falling back to each leaf's YANG default. */
class Reader {
  constructor(private readonly schema: Schema) {}

  container(parent: InnerData | undefined, parentSchema: ParentSchemaNode | null, name: string): { data: InnerData | undefined; schema: ParentSchemaNode } {
    const ref = this.schema.child(parentSchema, MODULE, name);
    if (ref === undefined || ref.node.kind !== 'container') throw new Error(`${MODULE} has no container ${name}: is the module the expected revision?`);
    return { data: parent?.container(ref.node), schema: ref.node };
  }

  leaf(parent: { data: InnerData | undefined; schema: ParentSchemaNode }, name: string): string {
    const ref = this.schema.child(parent.schema, MODULE, name);
    if (ref === undefined || ref.node.kind !== 'leaf') throw new Error(`${MODULE} has no leaf ${name}`);
    const value = parent.data?.leaf(ref.node)?.value.canonical ?? ref.node.default;
    if (value === undefined) throw new Error(`${MODULE} leaf ${name} has neither a value nor a default`);
    return value;
  }

  leafList(parent: { data: InnerData | undefined; schema: ParentSchemaNode }, name: string): string[] {
    const ref = this.schema.child(parent.schema, MODULE, name);
    if (ref === undefined || ref.node.kind !== 'leaf-list') throw new Error(`${MODULE} has no leaf-list ${name}`);
    const entries = parent.data?.entries(ref.node);
    return entries === undefined ? [] : [...entries].map((e) => e.value.canonical);
  }
}

/** The settings in a parsed document (undefined: no file, all defaults). Throws ConfigFileError naming the path. */
export async function agentConfigFromJson(doc: unknown, yang: YangContext, schema: Schema, source: string): Promise<AgentConfig> {
  const decoded = decodeJson(schema, doc ?? {}, { datastore: 'config' });
  if (!decoded.ok) throw new ConfigFileError(`${source}: ${decoded.errors[0].message}`);
  const tree = decoded.tree;
  for (const node of tree.root.childNodes()) {
    if (node.schema.module !== MODULE || node.schema.name !== 'agent') {
      throw new ConfigFileError(`${source}: only "${MODULE}:agent" belongs in the agent configuration file, not /${node.schema.module}:${node.schema.name}`);
    }
  }
  if (doc !== undefined) {
    const errors = await yang.validate(JSON.stringify(doc), { datastore: 'config', presentOnly: true });
    const first = errors[0];
    if (first !== undefined) throw new ConfigFileError(`${source}: ${first.path === '' ? '' : `${first.path}: `}${first.message}`);
  }
  const r = new Reader(schema);
  const agent = r.container(tree.root, null, 'agent');
  const netconf = r.container(agent.data, agent.schema, 'netconf');
  const history = r.container(agent.data, agent.schema, 'commit-history');
  const resync = r.container(agent.data, agent.schema, 'resync');
  return {
    netconf: {
      address: r.leaf(netconf, 'address'),
      port: Number(r.leaf(netconf, 'port')),
      maxSessions: Number(r.leaf(netconf, 'max-sessions')),
      idleTimeoutSeconds: Number(r.leaf(netconf, 'idle-timeout')),
      maxMessageSize: Number(r.leaf(netconf, 'max-message-size')),
      writableRunning: r.leaf(netconf, 'writable-running') === 'true',
    },
    commitHistory: { maxEntries: Number(r.leaf(history, 'max-entries')) },
    resync: { intervalSeconds: Number(r.leaf(resync, 'interval')), backends: r.leafList(resync, 'backends') },
    logLevel: r.leaf(agent, 'log-level') as LogLevel,
  };
}

/** Reads and checks the file (no file: the defaults). */
export async function loadAgentConfig(file: string | undefined, yang: YangContext, schema: Schema): Promise<AgentConfig> {
  if (file === undefined) return agentConfigFromJson(undefined, yang, schema, 'defaults');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`cannot read the configuration file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return agentConfigFromJson(doc, yang, schema, file);
}
