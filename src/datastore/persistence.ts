// What the datastores keep on disk, under one state directory:
//
//   running.json            running, as RFC 7951 JSON in an envelope naming the last commit
//   startup.json            startup (:startup), same envelope; absent after delete-config
//   confirmed-commit.json   a pending confirmed commit and the configuration to revert to
//   history/commit-<id>.json  one commit record each (commit-history.ts), oldest pruned
//
// Every write is atomic (atomic-file.ts). Writes of one file are serialized and coalesced: when
// several saves of running queue up behind one in flight, only the newest content is written and
// every waiter resolves once it is durable — so a commit's reply waits for its own configuration
// (or a newer one) to be on disk, never for a backlog of stale ones. The tree is encoded when its
// turn comes (a clone is taken at enqueue time, which is O(1)).
//
// Loading is strict: a file that does not parse, has the wrong envelope, or holds data the schema
// refuses is a PersistenceError naming the file — never an empty datastore in its place.
import { join } from 'node:path';

import type { Schema } from '../validation/schema.js';
import { ensureDirectory, listDirectory, readIfExists, removeDurably, writeAtomic } from './atomic-file.js';
import { checkCommitRecord, reconcileHistory, type CommitRecord, type HistoryStore } from './commit-history.js';
import type { ConfirmedCommitStore } from './confirmed-commit.js';
import { DataTree } from './data-tree.js';
import type { StartupStore } from './datastore-set.js';
import { decodeJson } from './json-decoder.js';
import { toJson } from './json-encoder.js';

const FORMAT = 1;
const HISTORY_DIR = 'history';

/** A stored datastore is unreadable: the message names the file and what is wrong. */
export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';
  constructor(readonly file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
  }
}

export type StoredDatastoreName = 'running' | 'startup';

export interface StoredDatastore {
  tree: DataTree;
  /** Id of the last commit the content includes (running); null when none. */
  lastCommit: number | null;
  /** When it was saved (ISO 8601). */
  savedAt: string;
}

/** The pending confirmed commit as stored (confirmed-commit.ts owns its meaning). */
export interface StoredConfirmedCommit {
  sessionId: number;
  user: string;
  persist?: string;
  timeoutSeconds: number;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601: when it reverts unless confirmed. */
  deadline: string;
}

/** What a previous run left (Persistence.loadAll). */
export interface LoadedState {
  running?: StoredDatastore;
  startup?: StoredDatastore;
  confirmedCommit?: { pending: StoredConfirmedCommit; rollback: DataTree };
  /** Commit records that agree with running, oldest first. */
  history: CommitRecord[];
  /** Ids of records removed because they disagreed with running. */
  droppedHistory: number[];
}

/**
 * What running starts as. Running is durable by itself here (every commit is saved before its
 * reply), so the saved running wins; startup (:startup) is the configuration copied there on
 * purpose, used when no running was saved (first start, or running.json removed by the operator
 * to boot from startup); with neither, running starts empty.
 */
export function bootConfiguration(schema: Schema, state: LoadedState): { running: DataTree; lastCommit: number | null; source: 'running' | 'startup' | 'empty' } {
  if (state.running !== undefined) return { running: state.running.tree, lastCommit: state.running.lastCommit, source: 'running' };
  if (state.startup !== undefined) return { running: state.startup.tree.clone(), lastCommit: null, source: 'startup' };
  return { running: new DataTree(schema), lastCommit: null, source: 'empty' };
}

interface Envelope {
  format: number;
  kind: string;
  [member: string]: unknown;
}

type Job = { run: () => Promise<void>; waiters: { resolve: () => void; reject: (err: unknown) => void }[] };

/** Serializes the writes of one file; a queued job is replaced by a newer one (latest wins). */
class FileWriter {
  private queued: Job | undefined;
  private active: Promise<void> | undefined;

  submit(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.queued !== undefined) {
        this.queued.run = run;
        this.queued.waiters.push({ resolve, reject });
      } else {
        this.queued = { run, waiters: [{ resolve, reject }] };
      }
      if (this.active === undefined) this.pump();
    });
  }

  idle(): Promise<void> {
    return this.active ?? Promise.resolve();
  }

  private pump(): void {
    const job = this.queued;
    this.queued = undefined;
    if (job === undefined) {
      this.active = undefined;
      return;
    }
    this.active = job.run().then(
      () => { for (const w of job.waiters) w.resolve(); },
      (err: unknown) => { for (const w of job.waiters) w.reject(err); },
    ).then(() => this.pump());
  }
}

export class Persistence implements HistoryStore, StartupStore, ConfirmedCommitStore {
  private readonly writers = new Map<string, FileWriter>();

  private constructor(readonly directory: string, private readonly schema: Schema) {}

  /** Opens (creating if needed, owner-only) the state directory; removes temp files a crash left. */
  static async open(directory: string, schema: Schema): Promise<Persistence> {
    await ensureDirectory(directory);
    await ensureDirectory(join(directory, HISTORY_DIR));
    const p = new Persistence(directory, schema);
    for (const dir of [directory, join(directory, HISTORY_DIR)]) {
      for (const name of await listDirectory(dir)) {
        if (name.startsWith('.') && name.endsWith('.tmp')) await removeDurably(join(dir, name));
      }
    }
    return p;
  }

  fileOf(name: StoredDatastoreName | 'confirmed-commit'): string {
    return join(this.directory, `${name}.json`);
  }

  historyFileOf(id: number): string {
    return join(this.directory, HISTORY_DIR, `commit-${String(id).padStart(10, '0')}.json`);
  }

  // ---- running / startup ----

  async loadDatastore(name: StoredDatastoreName): Promise<StoredDatastore | undefined> {
    const file = this.fileOf(name);
    const env = await this.readEnvelope(file, `datastore:${name}`);
    if (env === undefined) return undefined;
    const lastCommit = env.lastCommit;
    if (lastCommit !== null && (typeof lastCommit !== 'number' || !Number.isSafeInteger(lastCommit))) {
      throw new PersistenceError(file, '"lastCommit" is neither an integer nor null');
    }
    return { tree: this.decodeData(file, env.data), lastCommit, savedAt: typeof env.savedAt === 'string' ? env.savedAt : '' };
  }

  /** Saves a datastore; resolves once this content (or a newer one) is durable. */
  saveDatastore(name: StoredDatastoreName, tree: DataTree, lastCommit: number | null = null): Promise<void> {
    const file = this.fileOf(name);
    const snapshot = tree.clone();
    return this.writer(file).submit(() => writeAtomic(file, this.encodeEnvelope(`datastore:${name}`, {
      lastCommit,
      savedAt: new Date().toISOString(),
      data: toJson(this.schema, snapshot),
    })));
  }

  /** Removes a stored datastore (startup after delete-config); durable on resolve. */
  deleteDatastore(name: StoredDatastoreName): Promise<void> {
    const file = this.fileOf(name);
    return this.writer(file).submit(async () => { await removeDurably(file); });
  }

  /** StartupStore (datastore-set.ts). */
  saveStartup(tree: DataTree): Promise<void> {
    return this.saveDatastore('startup', tree);
  }

  deleteStartup(): Promise<void> {
    return this.deleteDatastore('startup');
  }

  // ---- confirmed commit ----

  async loadConfirmedCommit(): Promise<{ pending: StoredConfirmedCommit; rollback: DataTree } | undefined> {
    const file = this.fileOf('confirmed-commit');
    const env = await this.readEnvelope(file, 'confirmed-commit');
    if (env === undefined) return undefined;
    const p = env.pending as Partial<StoredConfirmedCommit> | undefined;
    if (typeof p !== 'object' || p === null || typeof p.sessionId !== 'number' || typeof p.user !== 'string'
      || typeof p.timeoutSeconds !== 'number' || typeof p.startedAt !== 'string' || typeof p.deadline !== 'string'
      || (p.persist !== undefined && typeof p.persist !== 'string')) {
      throw new PersistenceError(file, '"pending" lacks sessionId, user, timeoutSeconds, startedAt or deadline');
    }
    return { pending: p as StoredConfirmedCommit, rollback: this.decodeData(file, env.rollback) };
  }

  saveConfirmedCommit(pending: StoredConfirmedCommit, rollback: DataTree): Promise<void> {
    const file = this.fileOf('confirmed-commit');
    const snapshot = rollback.clone();
    return this.writer(file).submit(() => writeAtomic(file, this.encodeEnvelope('confirmed-commit', {
      pending, rollback: toJson(this.schema, snapshot),
    })));
  }

  clearConfirmedCommit(): Promise<void> {
    const file = this.fileOf('confirmed-commit');
    return this.writer(file).submit(async () => { await removeDurably(file); });
  }

  // ---- history ----

  async writeCommitRecord(record: CommitRecord): Promise<void> {
    await writeAtomic(this.historyFileOf(record.id), JSON.stringify({ format: FORMAT, kind: 'commit', ...record }));
  }

  async removeCommitRecord(id: number): Promise<void> {
    await removeDurably(this.historyFileOf(id));
  }

  /** Every stored commit record, oldest first. */
  async loadCommitRecords(): Promise<CommitRecord[]> {
    const dir = join(this.directory, HISTORY_DIR);
    const out: CommitRecord[] = [];
    for (const name of (await listDirectory(dir)).sort()) {
      if (!/^commit-\d+\.json$/.test(name)) continue;
      const file = join(dir, name);
      const env = await this.readEnvelope(file, 'commit');
      if (env === undefined) continue;
      const { format: _f, kind: _k, ...rest } = env;
      const checked = checkCommitRecord(rest);
      if (typeof checked === 'string') throw new PersistenceError(file, `not a commit record: ${checked}`);
      if (file !== this.historyFileOf(checked.id)) throw new PersistenceError(file, `holds commit ${checked.id}`);
      out.push(checked);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * Everything at start-up. History records that disagree with running (reconcileHistory: newer
   * than its commit, or a broken chain) are removed from disk and listed in `droppedHistory`.
   */
  async loadAll(): Promise<LoadedState> {
    const running = await this.loadDatastore('running');
    const startup = await this.loadDatastore('startup');
    const confirmedCommit = await this.loadConfirmedCommit();
    const { keep, drop } = reconcileHistory(await this.loadCommitRecords(), running?.lastCommit ?? null);
    for (const r of drop) await this.removeCommitRecord(r.id);
    const state: LoadedState = { history: keep, droppedHistory: drop.map((r) => r.id) };
    if (running !== undefined) state.running = running;
    if (startup !== undefined) state.startup = startup;
    if (confirmedCommit !== undefined) state.confirmedCommit = confirmedCommit;
    return state;
  }

  /** Resolves when every queued write of running, startup and the confirmed-commit state is done. */
  async flush(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.idle()));
  }

  // ---- helpers ----

  private writer(file: string): FileWriter {
    let w = this.writers.get(file);
    if (w === undefined) {
      w = new FileWriter();
      this.writers.set(file, w);
    }
    return w;
  }

  private encodeEnvelope(kind: string, body: Record<string, unknown>): string {
    return `${JSON.stringify({ format: FORMAT, kind, ...body })}\n`;
  }

  private async readEnvelope(file: string, kind: string): Promise<Envelope | undefined> {
    const text = await readIfExists(file);
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new PersistenceError(file, `corrupt: the JSON does not parse (${(err as Error).message})`, { cause: err });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PersistenceError(file, 'corrupt: not a JSON object');
    const env = value as Envelope;
    if (env.format !== FORMAT) throw new PersistenceError(file, `unknown format ${JSON.stringify(env.format)} (expected ${FORMAT})`);
    if (env.kind !== kind) throw new PersistenceError(file, `holds ${JSON.stringify(env.kind)}, expected ${JSON.stringify(kind)}`);
    return env;
  }

  private decodeData(file: string, data: unknown): DataTree {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PersistenceError(file, 'the data is not a JSON object');
    const r = decodeJson(this.schema, data, { datastore: 'config' });
    if (!r.ok) {
      const e = r.errors[0];
      throw new PersistenceError(file, `the data does not match the loaded YANG modules at ${e.path}: ${e.message}`);
    }
    return r.tree;
  }
}
