// One long-running `ip [-n NS] -o -ts monitor link address route` child per namespace, its lines
// fed to MonitorParser and delivered as typed events to a callback.
//
// The events are triggers, not state: whenever the child was (re)started the caller must re-read
// the namespace with `ip -json`, because changes made while no monitor ran were missed. So:
//   - 'started' is emitted once the child is running (after `settleMs`, since ip subscribes to
//     netlink just after exec and prints nothing to say so); `resync: true` on every restart;
//   - 'exited' is emitted when the child dies unexpectedly (with the stderr tail), followed by a
//     restart after an exponential backoff (initialBackoffMs doubling up to maxBackoffMs, back to
//     the initial delay once a child stayed up for stableMs);
//   - stop() ends the child with SIGTERM (SIGKILL after killTimeoutMs) and never restarts it.
// Spawn, timers and clock are injected.

import { StringDecoder } from 'node:string_decoder';

import { systemTimers, type Timers } from '../../datastore/confirmed-commit.js';
import { systemSpawn, type ChildProcessLike, type SpawnFn } from './ip-runner.js';
import { MonitorParser, type MonitorEvent } from './monitor-parse.js';

export type LinkMonitorEvent =
  | { type: 'change'; namespace: string | null; event: MonitorEvent }
  /** The child runs; `resync` is true after a restart: re-read the namespace now. */
  | { type: 'started'; namespace: string | null; pid: number | undefined; restarts: number; resync: boolean }
  /** The child died (or could not start); a restart follows after `restartInMs`. */
  | {
    type: 'exited'; namespace: string | null; code: number | null; signal: string | null;
    error?: string; stderr: string; restartInMs: number;
  };

export interface LinkMonitorOptions {
  /** Namespace name (`ip -n NS`), or null for the namespace vrouterd runs in. */
  namespace: string | null;
  onEvent: (event: LinkMonitorEvent) => void;
  spawn?: SpawnFn;
  timers?: Timers;
  clock?: () => number;
  ipPath?: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  stableMs?: number;
  settleMs?: number;
  killTimeoutMs?: number;
}

const STDERR_TAIL = 4096;

/** Decodes output chunks as UTF-8 without splitting a character across chunks. */
function utf8Decoder(): (chunk: Buffer | string) => string {
  const decoder = new StringDecoder('utf8');
  return (chunk) => (typeof chunk === 'string' ? chunk : decoder.write(chunk));
}

export class LinkMonitor {
  private readonly namespace: string | null;
  private readonly onEvent: (event: LinkMonitorEvent) => void;
  private readonly spawnFn: SpawnFn;
  private readonly timers: Timers;
  private readonly clock: () => number;
  private readonly ipPath: string;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableMs: number;
  private readonly settleMs: number;
  private readonly killTimeoutMs: number;

  private child: ChildProcessLike | undefined;
  /** Increments per child, so late events of an old child are ignored. */
  private generation = 0;
  private restartTimer: unknown;
  private settleTimer: unknown;
  private backoffMs: number;
  private startedAt = 0;
  private running = false;
  private exitWaiters: (() => void)[] = [];
  /** Number of restarts after unexpected exits. */
  restarts = 0;

  constructor(options: LinkMonitorOptions) {
    this.namespace = options.namespace;
    this.onEvent = options.onEvent;
    this.spawnFn = options.spawn ?? systemSpawn;
    this.timers = options.timers ?? systemTimers;
    this.clock = options.clock ?? Date.now;
    this.ipPath = options.ipPath ?? 'ip';
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.stableMs = options.stableMs ?? 10_000;
    this.settleMs = options.settleMs ?? 50;
    this.killTimeoutMs = options.killTimeoutMs ?? 2_000;
    this.backoffMs = this.initialBackoffMs;
  }

  /** The argv after the binary. */
  get args(): string[] {
    return [...(this.namespace !== null ? ['-n', this.namespace] : []), '-o', '-ts', 'monitor', 'link', 'address', 'route'];
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Start the child; a second call while running does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.backoffMs = this.initialBackoffMs;
    this.spawnChild(false);
  }

  private spawnChild(resync: boolean): void {
    const gen = ++this.generation;
    const parser = new MonitorParser(this.namespace !== null ? { namespace: this.namespace } : {});
    const decode = utf8Decoder();
    const decodeErr = utf8Decoder();
    let stderr = '';
    let child: ChildProcessLike;
    this.startedAt = this.clock();
    try {
      child = this.spawnFn(this.ipPath, this.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      this.died(gen, null, null, e instanceof Error ? e.message : String(e), '');
      return;
    }
    this.child = child;
    child.stdout?.on('data', (chunk) => {
      if (gen !== this.generation || !this.running) return;
      for (const event of parser.push(decode(chunk))) this.onEvent({ type: 'change', namespace: this.namespace, event });
    });
    child.stderr?.on('data', (chunk) => {
      stderr = (stderr + decodeErr(chunk)).slice(-STDERR_TAIL);
    });
    child.on('spawn', () => {
      if (gen !== this.generation) return;
      this.settleTimer = this.timers.setTimeout(() => {
        this.settleTimer = undefined;
        if (gen !== this.generation || !this.running) return;
        this.onEvent({ type: 'started', namespace: this.namespace, pid: child.pid, restarts: this.restarts, resync });
      }, this.settleMs);
    });
    child.on('error', (e) => this.died(gen, null, null, e.message, stderr));
    child.on('close', (code, signal) => this.died(gen, code, signal, undefined, stderr));
  }

  private died(gen: number, code: number | null, signal: string | null, error: string | undefined, stderr: string): void {
    if (gen !== this.generation) return;
    this.generation++;
    this.child = undefined;
    if (this.settleTimer !== undefined) {
      this.timers.clearTimeout(this.settleTimer);
      this.settleTimer = undefined;
    }
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w();
    if (!this.running) return;
    if (this.clock() - this.startedAt >= this.stableMs) this.backoffMs = this.initialBackoffMs;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.onEvent({
      type: 'exited', namespace: this.namespace, code, signal,
      ...(error !== undefined ? { error } : {}), stderr, restartInMs: delay,
    });
    this.restartTimer = this.timers.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.running) return;
      this.restarts++;
      this.spawnChild(true);
    }, delay);
  }

  /** Kill the child and do not restart it; resolves once it has exited (or was SIGKILLed). */
  stop(): Promise<void> {
    this.running = false;
    if (this.restartTimer !== undefined) {
      this.timers.clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    if (this.settleTimer !== undefined) {
      this.timers.clearTimeout(this.settleTimer);
      this.settleTimer = undefined;
    }
    const child = this.child;
    if (child === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let killTimer: unknown;
      let finalTimer: unknown;
      const done = (): void => {
        if (killTimer !== undefined) this.timers.clearTimeout(killTimer);
        if (finalTimer !== undefined) this.timers.clearTimeout(finalTimer);
        resolve();
      };
      this.exitWaiters.push(done);
      child.kill('SIGTERM');
      killTimer = this.timers.setTimeout(() => {
        killTimer = undefined;
        child.kill('SIGKILL');
        // A child that ignores even SIGKILL's close (a fake, a zombie pipe holder): give up waiting.
        finalTimer = this.timers.setTimeout(() => {
          finalTimer = undefined;
          const i = this.exitWaiters.indexOf(done);
          if (i >= 0) this.exitWaiters.splice(i, 1);
          this.generation++;
          this.child = undefined;
          resolve();
        }, this.killTimeoutMs);
      }, this.killTimeoutMs);
    });
  }
}
