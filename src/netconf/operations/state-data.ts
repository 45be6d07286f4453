// The state data <get> returns besides running's configuration, one source per top-level node:
//
//   /ietf-netconf-monitoring:netconf-state    RFC 6022, built from the live sessions, locks, statistics
//   /ietf-yang-library:yang-library           RFC 8525, from libyang (YangContext.yangLibrary)
//   /ietf-yang-library:modules-state          RFC 7895 (deprecated, still read by older clients)
//   /vrouter-agent:agent-state                version, start time, YANG engine, module-set id
//   /vrouter-agent:engine-state               the backends' items and recent transactions (engine-state.ts)
//
// Each source is built only when the request's filter can select something under it
// (filter-param.ts maySelect: exact for subtree filters, conservative for XPath), so a
// <get> for one interface does not build the YANG library. The trees are RFC 7951 JSON decoded
// with the schema (every value checked against its module), then merged into the answer:
// a subtree absent from the configuration is grafted whole (O(1)), one present in both is merged
// node by node.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataTree, type InnerData, type InnerNode } from '../../datastore/data-tree.js';
import { decodeJson } from '../../datastore/json-decoder.js';
import type { JsonObject } from '../../datastore/json-encoder.js';
import { libyangVersion, type YangLibraryData } from '../../validation/libyang.js';
import { packageRoot } from '../../validation/module-search-path.js';
import type { NetconfServices } from './context.js';
import { engineStateJson } from './engine-state.js';
import { maySelect, type FilterSpec } from './filter-param.js';

interface BuildContext {
  services: NetconfServices;
  /** yangLibrary() once per request, shared by yang-library and modules-state. */
  library(): YangLibraryData;
}

interface StateSource {
  module: string;
  name: string;
  build(ctx: BuildContext): DataTree;
}

function decodeState(ctx: BuildContext, json: object, what: string): DataTree {
  const r = decodeJson(ctx.services.schema, json, { datastore: 'state' });
  // We built the data: a decode failure is a bug, reported with the codec's message.
  if (!r.ok) throw new Error(`${what} does not fit its schema: ${r.errors[0].message}`);
  return r.tree;
}

/** vrouterd's version, from its package.json. */
function readAgentVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Read once when the module loads: the version of the code that runs. */
export const AGENT_VERSION = readAgentVersion();

/** /vrouter-agent:agent-state as RFC 7951 JSON. */
export function agentStateJson(services: NetconfServices, moduleSetId: string): JsonObject {
  return {
    'vrouter-agent:agent-state': {
      version: AGENT_VERSION,
      'start-time': services.startTime.toISOString(),
      'yang-engine': `libyang ${libyangVersion()}`,
      'module-set-id': moduleSetId,
    },
  };
}

export const STATE_SOURCES: readonly StateSource[] = [
  { module: 'ietf-netconf-monitoring', name: 'netconf-state', build: (ctx) => ctx.services.netconfState() },
  { module: 'ietf-yang-library', name: 'yang-library', build: (ctx) => decodeState(ctx, ctx.library().rfc8525, 'ietf-yang-library yang-library') },
  { module: 'ietf-yang-library', name: 'modules-state', build: (ctx) => decodeState(ctx, ctx.library().rfc7895, 'ietf-yang-library modules-state') },
  { module: 'vrouter-agent', name: 'agent-state', build: (ctx) => decodeState(ctx, agentStateJson(ctx.services, ctx.library().contentId), 'vrouter-agent agent-state') },
  { module: 'vrouter-agent', name: 'engine-state', build: (ctx) => decodeState(ctx, engineStateJson(ctx.services.backends), 'vrouter-agent engine-state') },
];

/** The state trees the filter may select from (all of them without a filter). */
export function stateTrees(services: NetconfServices, filter: FilterSpec | undefined): DataTree[] {
  let library: YangLibraryData | undefined;
  const ctx: BuildContext = { services, library: () => (library ??= services.yang.yangLibrary()) };
  const out: DataTree[] = [];
  for (const source of STATE_SOURCES) {
    const namespace = services.schema.namespaceOf(source.module);
    if (namespace === undefined || !maySelect(filter, namespace, source.name)) continue;
    out.push(source.build(ctx));
  }
  return out;
}

/** `base` with the content of `others` merged in (a new tree; none of the inputs changes). */
export function mergeTrees(base: DataTree, others: readonly DataTree[]): DataTree {
  const out = base.clone();
  for (const other of others) mergeChildren(out, out.writableRoot(), other, other.root);
  out.seal();
  return out;
}

function mergeChildren(out: DataTree, target: InnerData, from: DataTree, source: InnerNode): void {
  for (const node of source.childNodes()) {
    switch (node.kind) {
      case 'container': {
        const existing = target.container(node.schema);
        if (existing === undefined) out.graft(target, node, from);
        else mergeChildren(out, out.writable(target, existing), from, node);
        break;
      }
      case 'list-entry': {
        if (node.keyValues.length === 0) {
          // A keyless (state) entry is always new: its set key is a per-set counter.
          const entry = out.newEntry(target, node.schema);
          out.attachEntry(target, entry, []);
          mergeChildren(out, entry, from, node);
          break;
        }
        const existing = target.entries(node.schema)?.get(node.key);
        if (existing === undefined) out.graft(target, node, from);
        else mergeChildren(out, out.writable(target, existing), from, node);
        break;
      }
      default:
        out.graft(target, node, from);
    }
  }
}
