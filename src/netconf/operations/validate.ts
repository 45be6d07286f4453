// <validate> (RFC 6241 §8.6, :validate:1.1): a datastore (running, candidate, startup) or an
// inline <config> checked against the YANG modules by libyang as a configuration datastore.
// Every error libyang reports is answered, with an error-path converted from libyang's data
// path and its error-app-tag (must-violation, instance-required, too-many-elements …).
// <url> → operation-not-supported. Nothing is stored.
import type { DataTree } from '../../datastore/data-tree.js';
import { requireDatastore } from '../datastore-services.js';
import { fromDecodeErrors } from '../rpc-error.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { dataParameter, decodeData, type DataOptions } from './content.js';
import { baseParams, checkParameters, datastoreChoice, reject, rejectDatastore, validateConfig } from './params.js';
import { fail, ok, type OperationDefinition } from './registry.js';

const CONFIG: DataOptions = {};

export const validate: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'validate',
  streamed: [dataParameter(['source', 'config'], CONFIG)],
  handler: async (request, ctx) => {
    const op = request.operation;
    checkParameters(op, baseParams('source'));
    const ds = requireDatastore(ctx.server);
    const source = datastoreChoice(op, 'source', { datastores: ['running', 'candidate', 'startup'], config: true });
    let tree: DataTree;
    if (source.kind === 'config') {
      const decoded = decodeData(source.element, ctx.server.schema, CONFIG);
      if (!decoded.ok) reject(...fromDecodeErrors(decoded.errors));
      tree = decoded.tree;
    } else {
      const read = ds.datastores.read(source.name);
      if (!read.ok) rejectDatastore(read.errors, ctx.server);
      tree = read.tree;
    }
    const [first, ...rest] = await validateConfig(ctx.server, tree);
    return first === undefined ? ok() : fail(first, ...rest);
  },
};
