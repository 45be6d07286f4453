// <edit-config> (RFC 6241 §7.2) on the candidate, or on running when :writable-running is
// configured (§8.2).
//
// - <config> is decoded while the message is parsed, with its edit attributes (operation,
//   insert, key, value, wd:default); <url> → operation-not-supported (no :url).
// - default-operation merge (default) / replace / none, error-option stop-on-error (default) /
//   continue-on-error / rollback-on-error: the edit engine (datastore/edit/apply-edit.ts) works
//   on a copy-on-write clone, so stop and rollback leave the datastore as it was, and
//   continue-on-error stores what succeeded and answers every error.
// - test-option (:validate:1.1): test-only validates the result with the YANG engine and stores
//   nothing. For running every edit is validated, whatever the test-option (RFC 7950 §8.3.3: the
//   constraints of running MUST hold at the end of edit-config), and goes through the commit
//   pipeline (validate, persist, history record, notification). For the candidate,
//   test-then-set and set store the result after the per-node checks (types, keys, structure);
//   RFC 7950 §8.3.3 delays the datastore-wide constraints (mandatory, must, leafref, unique …)
//   to <commit> / <validate>, so a configuration can be built in several edits.
// - A datastore locked by another session → in-use with its session-id (locks.ts).
// - startup is no edit-config target (RFC 6241 config-target: candidate, running).
import { authorOf } from '../../datastore/commit.js';
import type { DatastoreName } from '../../datastore/datastore-set.js';
import type { DataTree } from '../../datastore/data-tree.js';
import { applyEdit, type EditError, type EditRequest } from '../../datastore/edit/apply-edit.js';
import { requireDatastore } from '../datastore-services.js';
import { fromDecodeErrors, type RpcError } from '../rpc-error.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { dataParameter, decodeData, type DataOptions } from './content.js';
import type { OperationContext } from './context.js';
import {
  baseParams, checkParameters, checkWritable, datastoreChoice, enumParam, reject, rejectDatastore, validateConfig,
} from './params.js';
import { fail, ok, type OperationDefinition, type RpcOutcome } from './registry.js';

const CONFIG: DataOptions = { editAttributes: true };

/** How often an edit of running is recomputed when another commit changed running meanwhile. */
const RUNNING_RETRIES = 3;

/** "/a:b/c[k='x']" → { name: 'c', predicate: "[k='x']" }. */
function lastStep(path: string): { name: string; predicate: string } | undefined {
  const m = /\/(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\[[^\]]*\])*)$/.exec(path);
  return m === null ? undefined : { name: m[1] ?? '', predicate: m[2] ?? '' };
}

/** An edit engine error as an rpc-error (error-path from the engine's XML path). */
export function editRpcError(e: EditError): RpcError {
  const out: RpcError = { type: e.type, tag: e.tag, message: e.message };
  if (e.appTag !== undefined) out.appTag = e.appTag;
  if (e.xmlPath !== undefined) out.path = e.xmlPath;
  const step = lastStep(e.path);
  if (e.tag === 'bad-attribute' && step !== undefined) {
    // insert before / after with a bad anchor: the anchor is in `key` (list) or `value` (leaf-list).
    out.info = { badAttribute: step.predicate.startsWith('[.') ? 'value' : 'key', badElement: step.name };
  }
  return out;
}

function editErrors(errors: readonly EditError[]): RpcError[] {
  return errors.map(editRpcError);
}

/** The engine's failure (stop-on-error, rollback-on-error: nothing was stored). */
function rejectEdit(errors: readonly [EditError, ...EditError[]]): never {
  const [first, ...rest] = errors;
  reject(editRpcError(first), ...rest.map(editRpcError));
}

/** ok, or the errors continue-on-error collected (the rest of the edit was stored). */
function answer(partial: readonly EditError[]): RpcOutcome {
  const [first, ...rest] = editErrors(partial);
  return first === undefined ? ok() : fail(first, ...rest);
}

async function editCandidate(ctx: OperationContext, edit: EditRequest, testOnly: boolean): Promise<RpcOutcome> {
  const ds = requireDatastore(ctx.server).datastores;
  const result = applyEdit(ds.candidate, edit);
  if (!result.ok) rejectEdit(result.errors);
  if (testOnly) return testResult(ctx, result.tree, result.errors);
  // Read and written with no await in between: no other edit can slip in.
  ds.setCandidate(result.tree, ctx.session.id, result.changes.changes.length > 0);
  ctx.log.debug({ changes: result.changes.changes.length, skipped: result.errors.length }, 'candidate edited');
  return answer(result.errors);
}

async function testResult(ctx: OperationContext, tree: DataTree, partial: readonly EditError[]): Promise<RpcOutcome> {
  const errors = [...editErrors(partial), ...(await validateConfig(ctx.server, tree))];
  const [first, ...rest] = errors;
  return first === undefined ? ok() : fail(first, ...rest);
}

async function editRunning(ctx: OperationContext, edit: EditRequest, testOnly: boolean): Promise<RpcOutcome> {
  const services = requireDatastore(ctx.server);
  const by = authorOf({ sessionId: ctx.session.id, user: ctx.session.username }, ctx.session.sourceHost === '' ? undefined : ctx.session.sourceHost);
  for (let attempt = 0; ; attempt++) {
    const base = services.datastores.running;
    const result = applyEdit(base, edit);
    if (!result.ok) rejectEdit(result.errors);
    if (testOnly) return testResult(ctx, result.tree, result.errors);
    if (result.changes.changes.length === 0) return answer(result.errors);
    let moved = false;
    const outcome = await services.pipeline.commitTree(result.tree, {
      by,
      operation: 'edit-config',
      // Commits queue: if one ran between reading running and this commit, the edit is
      // recomputed on the newer running instead of overwriting it.
      beforeApply: (before) => {
        if (before === base) return Promise.resolve();
        moved = true;
        return Promise.reject(new Error('running changed while the edit was prepared'));
      },
    });
    if (outcome.ok) {
      ctx.log.info({ tx: outcome.commitId, changes: outcome.changes.changes.length }, 'running edited');
      return answer(result.errors);
    }
    if (!moved || attempt >= RUNNING_RETRIES) rejectDatastore(outcome.errors, ctx.server);
  }
}

export const editConfig: OperationDefinition = {
  namespace: NETCONF_BASE_NS,
  name: 'edit-config',
  streamed: [dataParameter(['config'], CONFIG)],
  handler: async (request, ctx) => {
    const op = request.operation;
    const services = ctx.server;
    checkParameters(op, baseParams('target', 'default-operation', 'test-option', 'error-option', 'config', 'url'));
    requireDatastore(services);
    const writable: DatastoreName[] = services.settings.writableRunning ? ['candidate', 'running'] : ['candidate'];
    const target = datastoreChoice(op, 'target', {
      datastores: writable,
      refused: {
        running: 'running is not writable here (no :writable-running): edit the candidate, then <commit>',
        startup: 'startup is no edit-config target: edit the candidate, <commit>, then <copy-config> running to startup',
      },
    });
    if (target.kind !== 'datastore') throw new Error('edit-config: unexpected target');
    const defaultOperation = enumParam(op, 'default-operation', ['merge', 'replace', 'none'] as const, 'merge');
    const testOption = enumParam(op, 'test-option', ['test-then-set', 'set', 'test-only'] as const, 'test-then-set');
    const errorOption = enumParam(op, 'error-option', ['stop-on-error', 'continue-on-error', 'rollback-on-error'] as const, 'stop-on-error');
    if (op.child(NETCONF_BASE_NS, 'url') !== undefined) {
      reject({ type: 'protocol', tag: 'operation-not-supported', info: { badElement: 'url' },
        message: '<url> is not supported: this server has no :url capability; send the configuration in <config>' });
    }
    const configEl = op.child(NETCONF_BASE_NS, 'config');
    if (configEl === undefined) {
      reject({ type: 'protocol', tag: 'missing-element', info: { badElement: 'config' },
        message: '<edit-config> needs a <config> holding the edit' });
    }
    const testOnly = testOption === 'test-only';
    if (!testOnly) checkWritable(services, target.name, ctx.session.id);
    const decoded = decodeData(configEl, services.schema, CONFIG);
    if (!decoded.ok) reject(...fromDecodeErrors(decoded.errors));
    const edit: EditRequest = { edit: decoded.tree, attributes: decoded.attributes, defaultOperation, errorOption };
    return target.name === 'running' ? editRunning(ctx, edit, testOnly) : editCandidate(ctx, edit, testOnly);
  },
};
