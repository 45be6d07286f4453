// The datastore layer as one object the NETCONF side uses: running / candidate / startup
// (DatastoreSet), their locks, their persistence under the state directory, the commit pipeline,
// the confirmed-commit state machine and the commit history — created together, in the one
// order that works:
//
//   Persistence.open(dir) ─▶ loadAll() ─▶ bootConfiguration (saved running, else startup, else empty)
//   ─▶ CommitHistory(records) ─▶ DatastoreSet ⇄ CommitPipeline (copy-config to running commits)
//   ─▶ ConfirmedCommit ─▶ LockManager(policy: candidate modifiers, confirmed-commit owner, discard)
//   ─▶ confirmed.restore(stored): a confirmed commit pending when the agent stopped reverts now
//      (RFC 6241 §8.4), before the first session can read running.
//
// Also the translation of the layer's DatastoreError into <rpc-error> (JSON instance path →
// XML error-path), used by every datastore operation.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CommitHistory } from '../datastore/commit-history.js';
import { CommitPipeline, type CommitApplier, type ConfigChangeEvent } from '../datastore/commit.js';
import { ConfirmedCommit, type ConfirmedCommitEvent, type Timers } from '../datastore/confirmed-commit.js';
import type { DataTree } from '../datastore/data-tree.js';
import { DatastoreSet, type DatastoreError, type DatastoreName, type DatastoreResult, type SessionRef } from '../datastore/datastore-set.js';
import { LockManager } from '../datastore/locks.js';
import { bootConfiguration, Persistence } from '../datastore/persistence.js';
import type { YangContext } from '../validation/libyang.js';
import type { Schema } from '../validation/schema.js';
import type { DatastoreState } from './monitoring.js';
import { jsonPathToXml, RpcErrorException, type RpcError } from './rpc-error.js';

/** The folder under the agent's state directory that holds the datastores. */
export const DATASTORE_DIR = 'datastores';

export interface DatastoreSettings {
  /** :writable-running: edit-config / copy-config may target running (through the commit pipeline). */
  writableRunning: boolean;
  /** Commits kept in the history (vrouter-agent agent/commit-history/max-entries; default 50). */
  historyMaxEntries?: number;
  /** Offer :startup (default true). */
  startupEnabled?: boolean;
}

export interface DatastoreServicesOptions {
  schema: Schema;
  /** Validates datastores (libyang). */
  yang: Pick<YangContext, 'validate'>;
  /** Where running.json, startup.json, confirmed-commit.json and history/ live. */
  directory: string;
  settings: DatastoreSettings;
  logger: Logger;
  /** The backends, in apply order (startServer passes the Linux backend's applier). */
  appliers?: readonly CommitApplier[];
  /** RFC 6470 netconf-config-change (the notifications module plugs in here). */
  onConfigChange?: (event: ConfigChangeEvent) => void;
  /** RFC 6470 netconf-confirmed-commit. */
  onConfirmedCommitEvent?: (event: ConfirmedCommitEvent) => void;
  /** Tests: the confirmed-commit timers and clock. */
  timers?: Timers;
  now?: () => number;
}

export interface DatastoreServices {
  readonly datastores: DatastoreSet;
  readonly locks: LockManager;
  readonly persistence: Persistence;
  readonly pipeline: CommitPipeline;
  readonly confirmed: ConfirmedCommit;
  readonly history: CommitHistory;
  readonly settings: Readonly<DatastoreSettings>;
  /** Where running came from at start-up. */
  readonly bootSource: 'running' | 'startup' | 'empty';
  /** The /netconf-state/datastores view (locks) for ietf-netconf-monitoring. */
  monitoringState(): DatastoreState[];
  /** A session ended: its locks go (uncommitted candidate changes under its lock are discarded), then its unconfirmed commit reverts. */
  sessionEnded(sessionId: number): Promise<void>;
  /** Agent shutdown: stops the confirmed-commit timer (its state stays on disk) and waits for pending writes. */
  close(): Promise<void>;
}

/** The datastore directory inside an agent state directory. */
export function datastoreDirectory(stateDir: string): string {
  return join(stateDir, DATASTORE_DIR);
}

/** Opens the state, builds the layer, and reverts a confirmed commit left pending by a previous run. */
export async function createDatastoreServices(options: DatastoreServicesOptions): Promise<DatastoreServices> {
  const { schema, logger } = options;
  const log = logger.child({ component: 'datastore' });
  const persistence = await Persistence.open(options.directory, schema);
  const state = await persistence.loadAll();
  if (state.droppedHistory.length > 0) {
    log.warn({ dropped: state.droppedHistory }, 'commit history records that do not match the saved running configuration were removed');
  }
  const boot = bootConfiguration(schema, state);
  const history = new CommitHistory(schema, persistence, state.history, {
    ...(options.settings.historyMaxEntries === undefined ? {} : { limit: options.settings.historyMaxEntries }),
    onError: (err) => log.warn({ err }, 'an old commit history record could not be removed'),
  });

  // DatastoreSet and CommitPipeline refer to each other: copy-config to running commits through
  // the pipeline, and the pipeline publishes the new running into the set.
  const late: { pipeline?: CommitPipeline } = {};
  const writeRunning = async (tree: DataTree, by: SessionRef): Promise<DatastoreResult> => {
    if (late.pipeline === undefined) throw new Error('the commit pipeline is not ready');
    const outcome = await late.pipeline.commitTree(tree, { by: { user: by.user, sessionId: by.sessionId }, operation: 'copy-config' });
    return outcome.ok ? { ok: true } : outcome;
  };
  const datastores = new DatastoreSet({
    schema,
    running: boot.running,
    ...(state.startup === undefined ? {} : { startup: state.startup.tree }),
    startupEnabled: options.settings.startupEnabled ?? true,
    startupStore: persistence,
    ...(options.settings.writableRunning ? { writeRunning } : {}),
  });
  const pipeline = new CommitPipeline({
    schema,
    validator: options.yang,
    datastores,
    store: persistence,
    history,
    lastCommit: boot.lastCommit,
    ...(options.appliers === undefined ? {} : { appliers: options.appliers }),
    onConfigChange: (event) => {
      log.info({ tx: event.commitId, changes: event.edits.length, by: event.changedBy }, 'running configuration changed');
      options.onConfigChange?.(event);
    },
    onWarning: (message, err) => log.warn({ err }, message),
  });
  late.pipeline = pipeline;
  const confirmed = new ConfirmedCommit({
    store: persistence,
    commit: (request) => pipeline.commit(request),
    commitTree: (tree, request) => pipeline.commitTree(tree, request),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    ...(options.now === undefined ? {} : { now: options.now }),
    onEvent: (event) => {
      log.info({ event: event.event, reason: event.reason, session: event.session?.sessionId }, 'confirmed commit');
      options.onConfirmedCommitEvent?.(event);
    },
    onError: (message, err) => log.error({ err }, message),
  });
  const startupEnabled = datastores.startupEnabled;
  const locks = new LockManager({
    candidateModifiedBy: () => datastores.candidateModifiedBy(),
    confirmedCommitSession: () => confirmed.owner(),
    discardCandidate: () => datastores.discardChanges(),
  }, { datastores: startupEnabled ? ['running', 'candidate', 'startup'] : ['running', 'candidate'] });

  if (state.confirmedCommit !== undefined) {
    log.warn({ deadline: state.confirmedCommit.pending.deadline, session: state.confirmedCommit.pending.sessionId },
      'a confirmed commit was pending when the agent stopped: reverting to the configuration before it');
  }
  await confirmed.restore(state.confirmedCommit);
  log.info({ source: boot.source, lastCommit: pipeline.lastCommit, history: history.size, directory: options.directory }, 'datastores loaded');

  return {
    datastores,
    locks,
    persistence,
    pipeline,
    confirmed,
    history,
    settings: { ...options.settings },
    bootSource: boot.source,
    monitoringState: () => locks.snapshot().map((d) => (d.globalLock === undefined
      ? { name: d.name }
      : { name: d.name, globalLock: { lockedBySession: d.globalLock.lockedBySession, lockedTime: new Date(d.globalLock.lockedTime) } })),
    sessionEnded: async (sessionId) => {
      locks.releaseSession(sessionId);
      await confirmed.sessionEnded(sessionId);
    },
    close: async () => {
      confirmed.dispose();
      await confirmed.idle();
      await pipeline.idle();
      await persistence.flush();
      await history.flush();
    },
  };
}

/**
 * The datastore layer of a server, for an operation handler; a core built without one (unit
 * tests of the session layer) answers operation-not-supported.
 */
export function requireDatastore(server: { readonly datastore?: DatastoreServices }): DatastoreServices {
  if (server.datastore !== undefined) return server.datastore;
  throw new RpcErrorException({ type: 'protocol', tag: 'operation-not-supported', message: 'this server runs without configuration datastores' });
}

// ---- DatastoreError → rpc-error ------------------------------------------------------------------

/** One datastore-layer error as an rpc-error: the JSON path becomes an XML error-path, session-id / bad-element go to error-info. */
export function datastoreRpcError(e: DatastoreError, schema: Schema): RpcError {
  const out: RpcError = { type: e.type, tag: e.tag, message: e.message };
  if (e.appTag !== undefined) out.appTag = e.appTag;
  if (e.path !== undefined && e.path !== '') {
    const path = jsonPathToXml(e.path, schema);
    if (path !== undefined) {
      out.path = path;
      if (!e.message.includes(e.path)) out.message = `${e.message} (at ${e.path})`;
    } else if (!e.message.includes(e.path)) {
      out.message = `${e.message} (at ${e.path})`;
    }
  }
  // missing-element names the missing node (RFC 6241 appendix A): the last step of its path.
  const badElement = e.badElement ?? (e.tag === 'missing-element' && e.path !== undefined ? lastStep(e.path) : undefined);
  if (e.sessionId !== undefined || badElement !== undefined) {
    out.info = {
      ...(e.sessionId === undefined ? {} : { sessionId: e.sessionId }),
      ...(badElement === undefined ? {} : { badElement }),
    };
  }
  return out;
}

/** "/m:a/b[k='x/y']/c" → "c" (undefined when the path does not end in a plain name). */
function lastStep(path: string): string | undefined {
  const m = /\/(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)$/.exec(path);
  return m?.[1];
}

export function datastoreRpcErrors(errors: readonly [DatastoreError, ...DatastoreError[]], schema: Schema): [RpcError, ...RpcError[]] {
  const [first, ...rest] = errors;
  return [datastoreRpcError(first, schema), ...rest.map((e) => datastoreRpcError(e, schema))];
}

/** The datastore names as they appear in <source> / <target>. */
export const DATASTORE_NAMES: readonly DatastoreName[] = Object.freeze(['running', 'candidate', 'startup']);
