// The configuration datastores of RFC 6241: running, candidate (:candidate, §8.3) and startup
// (:startup, §8.7), and the operations between them (copy-config, delete-config,
// discard-changes). Also the error shape every datastore operation answers with.
//
// - candidate is one tree shared by all sessions (§8.3). It starts as running.clone() (O(1),
//   copy-on-write), discard-changes makes it running.clone() again, and a commit makes it the new
//   running. The set remembers which sessions modified it since then: lock on candidate is
//   refused while another session's changes are pending (§7.5, locks.ts).
// - While candidate holds no changes it follows running: when running changes by another path
//   (copy-config or edit-config to running, rollback, confirmed-commit revert), an unmodified
//   candidate becomes the new running.clone(); a modified one is left alone.
// - startup is kept on disk through an injected store; after delete-config it reads as empty.
// - Writing running always goes through the commit pipeline (validation, backends, persistence,
//   history, notification): copy-config to running calls the injected `writeRunning`.
// Lock checks (may this session write that datastore?) are the caller's job, with locks.ts.
import type { Schema } from '../validation/schema.js';
import { DataTree } from './data-tree.js';
import type { ErrorTag, ErrorType } from './decode-error.js';
import { treesEqual } from './tree-equality.js';

export type DatastoreName = 'running' | 'candidate' | 'startup';

/** An error of a datastore operation, shaped for an <rpc-error>. */
export interface DatastoreError {
  tag: ErrorTag;
  type: ErrorType;
  message: string;
  /** RFC 7951 instance path of the offending node, when there is one. */
  path?: string;
  /** error-app-tag. */
  appTag?: string;
  /** error-info <session-id> (lock-denied, in-use: the session holding the lock). */
  sessionId?: number;
  /** error-info <bad-element> (e.g. "persist-id"). */
  badElement?: string;
}

export type DatastoreResult = { ok: true } | { ok: false; errors: [DatastoreError, ...DatastoreError[]] };

export const OK: DatastoreResult = Object.freeze({ ok: true });

export function failure(error: DatastoreError, ...more: DatastoreError[]): { ok: false; errors: [DatastoreError, ...DatastoreError[]] } {
  return { ok: false, errors: [error, ...more] };
}

/** A NETCONF session as the datastores see it. */
export interface SessionRef {
  sessionId: number;
  user: string;
}

/** Keeps startup on disk (persistence.ts). */
export interface StartupStore {
  saveStartup(tree: DataTree): Promise<void>;
  deleteStartup(): Promise<void>;
}

export interface DatastoreSetOptions {
  schema: Schema;
  running: DataTree;
  /** Startup as loaded; undefined: none stored (reads as empty). */
  startup?: DataTree;
  /** Whether :startup is offered (default true); without it startup is operation-not-supported. */
  startupEnabled?: boolean;
  startupStore?: StartupStore;
  /** Makes `tree` the new running through the commit pipeline (copy-config to running). */
  writeRunning?: (tree: DataTree, by: SessionRef) => Promise<DatastoreResult>;
}

/** What copy-config reads from: a datastore, or an inline <config> tree. */
export type CopySource = DatastoreName | { tree: DataTree };

export class DatastoreSet {
  readonly schema: Schema;
  private runningTree: DataTree;
  private candidateTree: DataTree;
  private startupTree: DataTree | undefined;
  private readonly modifiers = new Set<number>();
  private version = 0;

  constructor(private readonly options: DatastoreSetOptions) {
    this.schema = options.schema;
    this.runningTree = options.running;
    this.candidateTree = options.running.clone();
    this.startupTree = options.startup;
  }

  get startupEnabled(): boolean {
    return this.options.startupEnabled ?? true;
  }

  get running(): DataTree {
    return this.runningTree;
  }

  get candidate(): DataTree {
    return this.candidateTree;
  }

  /** Startup as it reads (empty after delete-config, or when none was ever saved). */
  get startup(): DataTree {
    this.startupTree ??= new DataTree(this.schema);
    return this.startupTree;
  }

  /** The datastore's tree for <get-config> / <validate>, or operation-not-supported. */
  read(name: DatastoreName): { ok: true; tree: DataTree } | { ok: false; errors: [DatastoreError, ...DatastoreError[]] } {
    if (name === 'startup' && !this.startupEnabled) return failure(notSupported('the startup datastore is not supported (no :startup capability)'));
    return { ok: true, tree: name === 'running' ? this.running : name === 'candidate' ? this.candidate : this.startup };
  }

  /** Sessions whose changes the candidate holds (since the last commit or discard). */
  candidateModifiedBy(): ReadonlySet<number> {
    return this.modifiers;
  }

  get candidateModified(): boolean {
    return this.modifiers.size > 0;
  }

  /** Bumped at every change of the candidate; lets a commit tell whether the candidate moved meanwhile. */
  get candidateVersion(): number {
    return this.version;
  }

  /** Stores the result of an edit of the candidate by a session (`changed`: the edit changed something). */
  setCandidate(tree: DataTree, sessionId: number, changed = true): void {
    this.candidateTree = tree;
    this.version++;
    if (changed) this.modifiers.add(sessionId);
  }

  /** discard-changes (§8.3.4.2): candidate becomes running again. */
  discardChanges(): void {
    this.candidateTree = this.runningTree.clone();
    this.modifiers.clear();
    this.version++;
  }

  /**
   * Called by the commit pipeline once `tree` is the durable running. `fromCandidate`: the
   * candidate version it was taken from (a commit); the candidate then holds no changes unless it
   * changed again meanwhile. Otherwise an unmodified candidate follows running.
   */
  runningReplaced(tree: DataTree, fromCandidate?: number): void {
    this.runningTree = tree;
    if (fromCandidate !== undefined && fromCandidate === this.version) {
      this.candidateTree = tree.clone();
      this.modifiers.clear();
      this.version++;
    } else if (fromCandidate === undefined && !this.candidateModified) {
      this.candidateTree = tree.clone();
      this.version++;
    }
  }

  /** copy-config (§7.3). Startup and running writes are durable when it resolves. */
  async copy(source: CopySource, target: DatastoreName, by: SessionRef): Promise<DatastoreResult> {
    if (typeof source === 'string') {
      if (source === target) return failure({ tag: 'invalid-value', type: 'protocol', message: `copy-config: source and target are both ${target}` });
      const read = this.read(source);
      if (!read.ok) return read;
      source = { tree: read.tree };
    }
    const tree = source.tree.clone();
    switch (target) {
      case 'candidate': {
        const same = treesEqual(tree, this.runningTree);
        this.candidateTree = tree;
        this.version++;
        if (same) this.modifiers.clear();
        else this.modifiers.add(by.sessionId);
        return OK;
      }
      case 'startup': {
        if (!this.startupEnabled) return failure(notSupported('the startup datastore is not supported (no :startup capability)'));
        await this.options.startupStore?.saveStartup(tree);
        this.startupTree = tree;
        return OK;
      }
      case 'running': {
        const write = this.options.writeRunning;
        if (write === undefined) return failure(notSupported('copy-config to running is not supported here'));
        return write(tree, by);
      }
    }
  }

  /** delete-config (§7.4): only startup can be deleted. */
  async delete(target: DatastoreName): Promise<DatastoreResult> {
    if (target !== 'startup') return failure(notSupported(`the ${target} datastore cannot be deleted`));
    if (!this.startupEnabled) return failure(notSupported('the startup datastore is not supported (no :startup capability)'));
    await this.options.startupStore?.deleteStartup();
    this.startupTree = undefined;
    return OK;
  }
}

function notSupported(message: string): DatastoreError {
  return { tag: 'operation-not-supported', type: 'protocol', message };
}
