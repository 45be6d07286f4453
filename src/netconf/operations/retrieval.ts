// What <get> and <get-config> share once they have their data: with-defaults first, then the
// filter (RFC 6243 §3 defines the modes by the data the server reports, and a filter selects
// from that data; see datastore/with-defaults.ts), then the <data> reply, with wd:default="true"
// on the nodes report-all-tagged marks (the encoder's attributes hook).
import type { DataTree } from '../../datastore/data-tree.js';
import { applyWithDefaults, defaultAttributes, type WithDefaultsMode } from '../../datastore/with-defaults.js';
import { applyFilter, type FilterSpec } from './filter-param.js';
import type { RpcOutcome } from './registry.js';

export function retrievalReply(tree: DataTree, mode: WithDefaultsMode, filter: FilterSpec | undefined, content: 'config' | 'all'): RpcOutcome {
  const reported = applyWithDefaults(tree, mode, { content });
  const answer = filter === undefined ? reported.tree : applyFilter(reported.tree, filter, reported.tagged);
  if (mode === 'report-all-tagged' && reported.tagged.size > 0) {
    return { kind: 'data', tree: answer, encode: { attributes: defaultAttributes(reported.tagged) } };
  }
  return { kind: 'data', tree: answer };
}
