// <copy-config> (RFC 6241 §7.3): source running / candidate / startup or an inline <config>;
// target candidate, startup (:startup), or running (:writable-running only, §8.2: through the
// commit pipeline — validated, persisted, recorded, notified). <url> → operation-not-supported.
//
// - Same source and target → invalid-value (DatastoreSet.copy).
// - Startup is validated first (RFC 7950 §8.3.3: its constraints hold at the end of
//   copy-config); the candidate is not (constraints are checked at <commit> / <validate>).
// - The target locked by another session → in-use with its session-id.
// - The with-defaults parameter (RFC 6243 §4.5.3) only matters for a <url> target; it is
//   accepted and checked, nothing else.
// The copy is all or nothing: the new tree is built completely, then published.
import type { DatastoreName } from '../../datastore/datastore-set.js';
import type { DataTree } from '../../datastore/data-tree.js';
import { requireDatastore } from '../datastore-services.js';
import { fromDecodeErrors } from '../rpc-error.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { dataParameter, decodeData, type DataOptions } from './content.js';
import { baseParams, checkParameters, checkWritable, datastoreChoice, reject, rejectDatastore, validateConfig } from './params.js';
import { ok, type OperationDefinition } from './registry.js';
import { readWithDefaults, WITH_DEFAULTS_PARAM } from './with-defaults-param.js';

const CONFIG: DataOptions = {};

export const copyConfig: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'copy-config',
  streamed: [dataParameter(['source', 'config'], CONFIG)],
  handler: async (request, ctx) => {
    const op = request.operation;
    const services = ctx.server;
    checkParameters(op, [...baseParams('target', 'source'), WITH_DEFAULTS_PARAM]);
    const ds = requireDatastore(services);
    const targets: DatastoreName[] = services.settings.writableRunning ? ['running', 'candidate', 'startup'] : ['candidate', 'startup'];
    const target = datastoreChoice(op, 'target', {
      datastores: targets,
      refused: { running: 'running is not writable here (no :writable-running): copy to the candidate, then <commit>' },
    });
    const source = datastoreChoice(op, 'source', { datastores: ['running', 'candidate', 'startup'], config: true });
    readWithDefaults(op);
    if (target.kind !== 'datastore') throw new Error('copy-config: unexpected target');
    checkWritable(services, target.name, ctx.session.id);

    let tree: DataTree | undefined;
    if (source.kind === 'config') {
      const decoded = decodeData(source.element, services.schema, CONFIG);
      if (!decoded.ok) reject(...fromDecodeErrors(decoded.errors));
      tree = decoded.tree;
    }
    if (target.name === 'startup' && ds.datastores.startupEnabled) {
      let content = tree;
      if (content === undefined && source.kind === 'datastore' && source.name !== 'startup') {
        const read = ds.datastores.read(source.name);
        if (!read.ok) rejectDatastore(read.errors, services);
        content = read.tree;
      }
      if (content !== undefined) {
        const [first, ...rest] = await validateConfig(services, content);
        if (first !== undefined) reject(first, ...rest);
      }
    }
    const by = { sessionId: ctx.session.id, user: ctx.session.username };
    const result = await ds.datastores.copy(tree === undefined && source.kind === 'datastore' ? source.name : { tree: tree as DataTree }, target.name, by);
    if (!result.ok) rejectDatastore(result.errors, services);
    ctx.log.info({ source: source.kind === 'config' ? 'config' : source.name, target: target.name }, 'configuration copied');
    return ok();
  },
};
