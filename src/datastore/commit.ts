// The commit pipeline: the one way running changes. For this stage:
//
//   validate (libyang, config datastore) ─▶ diff running → new (diffTrees, skips shared subtrees)
//   ─▶ hand the change set to the appliers in order (the backends, later; none now)
//   ─▶ make running durable and record history (both written at once; the reply waits for both)
//   ─▶ running := the new tree (the candidate's own nodes: nothing is copied)
//   ─▶ netconf-config-change event (RFC 6470)
//
// Commits run one at a time, in arrival order. A failing applier has the appliers before it
// called again with the opposite change (diffTrees(after, before)), and the commit fails with
// running untouched; so does a failure to save running. A commit that changes nothing succeeds
// without writing anything. Besides <commit> (candidate → running), commitTree() puts any tree in
// running the same way: copy-config to running, rollback to an earlier commit, the revert of a
// confirmed commit.
import type { ValidationError } from '../validation/libyang.js';
import type { Schema } from '../validation/schema.js';
import { buildCommitRecord, HistoryError, type CommitAuthor, type CommitHistory } from './commit-history.js';
import type { DataTree, Location } from './data-tree.js';
import type { DatastoreError, DatastoreSet, SessionRef } from './datastore-set.js';
import type { ErrorTag } from './decode-error.js';
import type { ChangeOp, ChangeSet } from './edit/change.js';
import { diffTrees } from './edit/diff.js';
import { encodeJson } from './json-encoder.js';

/** What validates a datastore: a YangContext. */
export interface DatastoreValidator {
  validate(json: string, options: { datastore: 'config' }): Promise<ValidationError[]>;
}

/** Where running is made durable: Persistence. */
export interface RunningStore {
  saveDatastore(name: 'running', tree: DataTree, lastCommit: number): Promise<void>;
}

/** What an applier is handed. */
export interface ApplyContext {
  /** The commit id, also the transaction id of the log lines that belong to it. */
  transactionId: number;
  before: DataTree;
  after: DataTree;
  changes: ChangeSet;
  by: CommitAuthor;
}

/** A consumer of committed changes (the backends); rejects to fail the commit (the error may carry ApplierErrorShape). */
export interface CommitApplier {
  readonly name: string;
  apply(context: ApplyContext): Promise<void>;
}

/** ietf-netconf-notifications edit-operation for a change (a move is a merge with insert). */
export type EditOperationName = 'create' | 'delete' | 'replace' | 'merge';

export interface ConfigChangeEdit {
  /** RFC 7951 instance path; `location` gives the XML form (xmlPath). */
  target: string;
  location: Location;
  operation: EditOperationName;
}

/** The content of an RFC 6470 netconf-config-change notification. */
export interface ConfigChangeEvent {
  changedBy: CommitAuthor;
  datastore: 'running';
  commitId: number;
  edits: ConfigChangeEdit[];
}

export interface CommitRequest {
  by: CommitAuthor;
  comment?: string;
  /** A confirmed commit (recorded as such in the history). */
  confirmed?: boolean;
  /** What asks ("commit", "copy-config", "rollback", ...); default "commit". */
  operation?: string;
  /** Validate the new configuration first (default true; a revert to a known state skips it). */
  validate?: boolean;
  /**
   * Runs once the new configuration is validated, before anything is applied, with the running
   * tree it replaces (confirmed-commit.ts persists its revert point here). Rejecting fails the commit.
   */
  beforeApply?: (before: DataTree) => Promise<void>;
}

export type CommitOutcome =
  | { ok: true; commitId: number | null; changes: ChangeSet; before: DataTree; after: DataTree }
  | { ok: false; errors: [DatastoreError, ...DatastoreError[]] };

export interface CommitPipelineOptions {
  schema: Schema;
  validator: DatastoreValidator;
  datastores: DatastoreSet;
  store: RunningStore;
  history: CommitHistory;
  /** The commit the stored running carries (persistence); ids continue after it. */
  lastCommit?: number | null;
  appliers?: readonly CommitApplier[];
  now?: () => Date;
  onConfigChange?: (event: ConfigChangeEvent) => void;
  /** Problems that do not fail a commit (history could not be written, an applier could not be reverted). */
  onWarning?: (message: string, err?: unknown) => void;
}

const TAGS: Record<ErrorTag, true> = {
  'in-use': true, 'invalid-value': true, 'too-big': true, 'missing-attribute': true, 'bad-attribute': true,
  'unknown-attribute': true, 'missing-element': true, 'bad-element': true, 'unknown-element': true,
  'unknown-namespace': true, 'access-denied': true, 'lock-denied': true, 'resource-denied': true,
  'rollback-failed': true, 'data-exists': true, 'data-missing': true, 'operation-not-supported': true,
  'operation-failed': true, 'partial-operation': true, 'malformed-message': true,
};

/** A libyang validation error as a datastore error (error-type application). */
export function fromValidationError(e: ValidationError): DatastoreError {
  const tag: ErrorTag = Object.hasOwn(TAGS, e.errorTag) ? e.errorTag as ErrorTag : 'operation-failed';
  const out: DatastoreError = { tag, type: 'application', message: e.message };
  if (e.path !== '') out.path = e.path;
  if (e.appTag !== undefined) out.appTag = e.appTag;
  return out;
}

/** <validate> (RFC 6241 §8.6): the whole datastore against the YANG modules; [] when valid. */
export async function validateDatastore(validator: DatastoreValidator, schema: Schema, tree: DataTree): Promise<DatastoreError[]> {
  const errors = await validator.validate(encodeJson(schema, tree), { datastore: 'config' });
  return errors.map(fromValidationError);
}

/**
 * What an applier's error may carry besides its message: `path` (RFC 7951 instance path of the
 * YANG node behind the failure, the rpc-error's error-path) and `tag` (an RFC 6241 error-tag).
 */
export interface ApplierErrorShape {
  path?: string;
  tag?: ErrorTag;
}

function applierErrorShape(err: unknown): ApplierErrorShape {
  if (err === null || typeof err !== 'object') return {};
  const { path, tag } = err as { path?: unknown; tag?: unknown };
  return {
    ...(typeof path === 'string' && path !== '' ? { path } : {}),
    ...(typeof tag === 'string' && Object.hasOwn(TAGS, tag) ? { tag: tag as ErrorTag } : {}),
  };
}

const NOTIFY_OP: Record<ChangeOp, EditOperationName> = { create: 'create', delete: 'delete', replace: 'replace', move: 'merge' };

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class CommitPipeline {
  private tail: Promise<unknown> = Promise.resolve();
  private lastId: number;

  constructor(private readonly options: CommitPipelineOptions) {
    this.lastId = Math.max(options.lastCommit ?? 0, options.history.newestId ?? 0);
  }

  /** Id of the last commit running includes (0: none yet). */
  get lastCommit(): number {
    return this.lastId;
  }

  /** <commit>: the candidate becomes running. */
  commit(request: CommitRequest): Promise<CommitOutcome> {
    const ds = this.options.datastores;
    return this.enqueue(() => this.run(() => ({ tree: ds.candidate.clone(), candidateVersion: ds.candidateVersion }), request));
  }

  /** `tree` becomes running (copy-config, rollback, revert). */
  commitTree(tree: DataTree, request: CommitRequest): Promise<CommitOutcome> {
    return this.enqueue(() => this.run(() => ({ tree: tree.clone() }), request));
  }

  /** Running becomes what it was right after commit `id` — through a commit of its own. */
  rollbackRunning(id: number, request: CommitRequest): Promise<CommitOutcome> {
    return this.enqueue(() => {
      const at = this.configurationAt(id);
      if (!at.ok) return Promise.resolve(at);
      return this.run(() => ({ tree: at.tree }), { operation: 'rollback', comment: `rollback to commit ${id}`, ...request });
    });
  }

  /** The configuration right after commit `id` (for "rollback candidate to id": DatastoreSet.setCandidate). */
  configurationAt(id: number): { ok: true; tree: DataTree } | { ok: false; errors: [DatastoreError] } {
    try {
      return { ok: true, tree: this.options.history.configurationAt(id, this.options.datastores.running) };
    } catch (err) {
      if (!(err instanceof HistoryError)) throw err;
      return { ok: false, errors: [{ tag: 'invalid-value', type: 'application', message: err.message }] };
    }
  }

  /** <validate> of any tree. */
  validate(tree: DataTree): Promise<DatastoreError[]> {
    return validateDatastore(this.options.validator, this.options.schema, tree);
  }

  /** Resolves when every queued commit has finished. */
  async idle(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async run(source: () => { tree: DataTree; candidateVersion?: number }, request: CommitRequest): Promise<CommitOutcome> {
    const o = this.options;
    const ds = o.datastores;
    const before = ds.running;
    const { tree: after, candidateVersion } = source();

    if (request.validate !== false) {
      const [first, ...rest] = await this.validate(after);
      if (first !== undefined) return { ok: false, errors: [first, ...rest] };
    }
    const changes = diffTrees(before, after);
    try {
      await request.beforeApply?.(before);
    } catch (err) {
      return { ok: false, errors: [{ tag: 'operation-failed', type: 'application', message: `commit refused: ${describe(err)}` }] };
    }
    if (changes.changes.length === 0) {
      ds.runningReplaced(before, candidateVersion);
      return { ok: true, commitId: null, changes, before, after: before };
    }

    const id = this.lastId + 1;
    const failed = await this.applyAll({ transactionId: id, before, after, changes, by: request.by });
    if (failed !== undefined) return { ok: false, errors: [failed] };

    const record = buildCommitRecord(o.schema, before, changes, {
      id, time: (o.now ?? (() => new Date()))(), author: request.by, operation: request.operation ?? 'commit',
      confirmed: request.confirmed ?? false, ...(request.comment !== undefined ? { comment: request.comment } : {}),
    });
    const [historySaved, runningSaved] = await Promise.allSettled([o.history.append(record), o.store.saveDatastore('running', after, id)]);
    if (runningSaved.status === 'rejected') {
      await this.revertAppliers(o.appliers ?? [], { transactionId: id, before, after, changes, by: request.by });
      if (historySaved.status === 'fulfilled') {
        await o.history.discardNewest(id).catch((err: unknown) => o.onWarning?.(`commit ${id}: its history record could not be removed`, err));
      }
      return { ok: false, errors: [{ tag: 'operation-failed', type: 'application',
        message: `the new configuration could not be saved, nothing was committed: ${describe(runningSaved.reason)}` }] };
    }
    if (historySaved.status === 'rejected') {
      o.onWarning?.(`commit ${id}: the history record could not be written; earlier commits can no longer be rolled back to`, historySaved.reason);
      o.history.invalidate();
    }
    this.lastId = id;
    ds.runningReplaced(after, candidateVersion);
    o.onConfigChange?.({
      changedBy: request.by,
      datastore: 'running',
      commitId: id,
      edits: changes.changes.map((c) => ({ target: c.path, location: (c.node ?? c.old) as Location, operation: NOTIFY_OP[c.op] })),
    });
    return { ok: true, commitId: id, changes, before, after };
  }

  /** Runs the appliers in order; on a failure reverts the ones done and returns the error. */
  private async applyAll(context: ApplyContext): Promise<DatastoreError | undefined> {
    const done: CommitApplier[] = [];
    for (const applier of this.options.appliers ?? []) {
      try {
        await applier.apply(context);
        done.push(applier);
      } catch (err) {
        const reverted = await this.revertAppliers(done, context);
        const shaped = applierErrorShape(err);
        return {
          tag: reverted ? shaped.tag ?? 'operation-failed' : 'rollback-failed',
          type: 'application',
          message: `${applier.name} could not apply the commit: ${describe(err)}${reverted ? '' : ' (and undoing what other backends did failed too)'}`,
          ...(shaped.path === undefined ? {} : { path: shaped.path }),
        };
      }
    }
    return undefined;
  }

  /** Hands the opposite change to appliers that applied `context`, last first; false if one failed. */
  private async revertAppliers(applied: readonly CommitApplier[], context: ApplyContext): Promise<boolean> {
    const back: ApplyContext = { ...context, before: context.after, after: context.before, changes: diffTrees(context.after, context.before) };
    let ok = true;
    for (const applier of [...applied].reverse()) {
      try {
        await applier.apply(back);
      } catch (err) {
        ok = false;
        this.options.onWarning?.(`commit ${context.transactionId}: ${applier.name} could not undo its changes`, err);
      }
    }
    return ok;
  }
}

/** The author of a commit made by a session. */
export function authorOf(session: SessionRef, sourceHost?: string): CommitAuthor {
  return sourceHost === undefined ? { user: session.user, sessionId: session.sessionId } : { user: session.user, sessionId: session.sessionId, sourceHost };
}
