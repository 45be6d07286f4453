// The transaction log on disk: a LogSink that appends JSON lines to one file (O_APPEND), and the
// reader start-up uses. Durability trade-off:
//
//   - plan line: written and fdatasync'ed before the sink resolves; the engine awaits it before
//     running anything, so the intent of every transaction that touched a backend is on disk
//     before the backend is touched. Never lost.
//   - op lines: buffered in memory and written (one write, one fdatasync) when `flushLines` are
//     waiting, when the oldest has waited `flushIntervalMs`, or with the next plan/outcome line.
//     10k ops cost ~10 fsyncs, not 10k. A crash loses at most the ops buffered since the last
//     flush (the kernel keeps what was written even on kill -9; a power loss can also drop what
//     was written but not yet fdatasync'ed). Nothing depends on them: start-up takes ownership
//     from the plan alone (crash-recovery.ts), op lines are for people reading the log.
//   - outcome and recovered lines: written and fdatasync'ed before the sink resolves (one more
//     fsync per transaction): a finished transaction is not mistaken for an interrupted one.
//
// Rotation: after an outcome (or recovered) line, when no transaction is open and the file has
// grown past `maxBytes`, it becomes `<path>.1` (replacing the previous one) and a new file is
// started. A transaction is never split between two files (only a later `recovered` line may
// land in the next one), so the reader needs only these two. A file can exceed maxBytes by one
// transaction.
//
// A crash can tear the last line (kill -9 during a write, power loss). The reader skips it; the
// writer starts its first write with a newline when the file does not end with one, so the
// fragment never glues itself to the next plan line.
import { createReadStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

import { syncDirectory } from '../netconf/transport/atomic-write.js';
import type { LineInfo, LogSink } from './transaction-log.js';

/** An open log file, append-only. */
export interface AppendHandle {
  /** Current size in bytes. */
  size(): Promise<number>;
  /** True when the file is empty or its last byte is a newline. */
  endsWithNewline(): Promise<boolean>;
  /** Appends all of `data` (looping over short writes). */
  append(data: Uint8Array): Promise<void>;
  /** fdatasync. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system operations the log needs (injected; tests record their order). */
export interface LogFileSystem {
  /** Opens (creating the file and its directory, owner-only) for appending. */
  openAppend(path: string): Promise<AppendHandle>;
  rename(from: string, to: string): Promise<void>;
  /** Makes a creation or rename in the directory durable. */
  syncDirectory(dir: string): Promise<void>;
  /** The file's lines (the last one possibly without newline); nothing when it does not exist. */
  readLines(path: string): AsyncIterable<string>;
}

export interface TransactionLogFileOptions {
  /** Rotate past this size (bytes, checked between transactions); default 64 MiB. */
  readonly maxBytes?: number;
  /** Write buffered op lines once this many wait; default 1024. */
  readonly flushLines?: number;
  /** …or once the oldest has waited this long (ms); default 100; 0: only by count and with plan/outcome. */
  readonly flushIntervalMs?: number;
  readonly fs?: LogFileSystem;
  readonly timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** The previous file kept by rotation. */
export function previousLogFile(path: string): string {
  return `${path}.1`;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class TransactionLogFile {
  /** The sink to give a TransactionLogWriter. */
  readonly sink: LogSink = (line, info) => this.append(line, info);
  private readonly fs: LogFileSystem;
  private readonly maxBytes: number;
  private readonly flushLines: number;
  private readonly flushIntervalMs: number;
  private readonly timers: NonNullable<TransactionLogFileOptions['timers']>;
  private handle: AppendHandle | undefined;
  private size = 0;
  /** The file does not end with a newline (a torn line, a failed write): start the next write with one. */
  private needsNewline = false;
  private pending: string[] = [];
  private readonly open = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private timer: unknown;
  private backgroundFailure: Error | undefined;
  private closed = false;

  constructor(readonly path: string, options: TransactionLogFileOptions = {}) {
    this.fs = options.fs ?? nodeLogFileSystem;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.flushLines = options.flushLines ?? 1024;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
  }

  /** Writes what is buffered (fdatasync'ed) and closes the file; later lines reopen it. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush(false);
    await this.chain;
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }

  private append(line: string, info: LineInfo): void | Promise<void> {
    this.closed = false;
    this.pending.push(`${line}\n`);
    switch (info.type) {
      case 'plan':
        this.open.add(info.txn);
        // The engine does not run a transaction whose plan could not be written: no outcome will come.
        return this.flush(false).catch((e: unknown) => {
          this.open.delete(info.txn);
          throw e;
        });
      case 'op': {
        const failed = this.takeBackgroundFailure();
        if (failed !== undefined) return Promise.reject(failed);
        if (this.pending.length >= this.flushLines) return this.flush(false);
        this.armTimer();
        return undefined;
      }
      default: {
        this.open.delete(info.txn);
        const failed = this.takeBackgroundFailure();
        const done = this.flush(this.open.size === 0);
        return failed === undefined ? done : done.then(() => Promise.reject(failed));
      }
    }
  }

  private takeBackgroundFailure(): Error | undefined {
    const f = this.backgroundFailure;
    this.backgroundFailure = undefined;
    return f;
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.flushIntervalMs <= 0) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.flush(false).catch((e: unknown) => {
        this.backgroundFailure ??= e instanceof Error ? e : new Error(JSON.stringify(e));
      });
    }, this.flushIntervalMs);
  }

  /** Queues a write of everything pending (lines added meanwhile join it) and its fdatasync. */
  private flush(mayRotate: boolean): Promise<void> {
    const run = this.chain.then(() => this.writeOut(mayRotate));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async writeOut(mayRotate: boolean): Promise<void> {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length > 0) {
      const handle = await this.ensureOpen();
      const text = (this.needsNewline ? '\n' : '') + this.pending.join('');
      this.pending = [];
      const data = Buffer.from(text, 'utf8');
      try {
        await handle.append(data);
      } catch (e) {
        // Part of it may be in the file: never let the next line continue a fragment.
        this.needsNewline = true;
        this.size = await handle.size().catch(() => this.size);
        throw e;
      }
      this.needsNewline = false;
      this.size += data.length;
      await handle.sync();
    }
    if (mayRotate && this.open.size === 0 && this.size >= this.maxBytes) await this.rotate();
  }

  private async ensureOpen(): Promise<AppendHandle> {
    if (this.handle !== undefined) return this.handle;
    const handle = await this.fs.openAppend(this.path);
    try {
      this.size = await handle.size();
      this.needsNewline = !(await handle.endsWithNewline());
      // The file may have just been created: make its name durable with it.
      await this.fs.syncDirectory(dirname(this.path));
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
    this.handle = handle;
    return handle;
  }

  private async rotate(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
    await this.fs.rename(this.path, previousLogFile(this.path));
    await this.fs.syncDirectory(dirname(this.path));
    this.size = 0;
    this.needsNewline = false;
  }
}

/** The lines of the previous file, then of the current one (what the reader of a rotated log needs). */
export async function* readLogFiles(path: string, fs: LogFileSystem = nodeLogFileSystem): AsyncGenerator<string> {
  yield* fs.readLines(previousLogFile(path));
  yield* fs.readLines(path);
}

// ---- node's file system ---------------------------------------------------------------------

const LOG_FILE_MODE = 0o600;
const LOG_DIR_MODE = 0o700;

export const nodeLogFileSystem: LogFileSystem = {
  async openAppend(path) {
    await mkdir(dirname(path), { recursive: true, mode: LOG_DIR_MODE });
    // a+: O_APPEND for every write, and reads for the last-byte check.
    const fh = await open(path, 'a+', LOG_FILE_MODE);
    return {
      size: async () => (await fh.stat()).size,
      endsWithNewline: async () => {
        const size = (await fh.stat()).size;
        if (size === 0) return true;
        const { buffer, bytesRead } = await fh.read(Buffer.alloc(1), 0, 1, size - 1);
        return bytesRead === 1 && buffer[0] === 0x0a;
      },
      append: async (data) => {
        let off = 0;
        while (off < data.length) {
          const { bytesWritten } = await fh.write(data, off, data.length - off);
          off += bytesWritten;
        }
      },
      sync: () => fh.datasync(),
      close: () => fh.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  syncDirectory: (dir) => syncDirectory(dir),
  async *readLines(path) {
    const stream = createReadStream(path, { encoding: 'utf8' });
    const opened = new Promise<boolean>((resolve, reject) => {
      stream.once('open', () => resolve(true));
      stream.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? resolve(false) : reject(err)));
    });
    if (!(await opened)) return;
    // crlfDelay: a torn "\r" is just part of a malformed line.
    yield* createInterface({ input: stream, crlfDelay: Infinity });
  },
};
