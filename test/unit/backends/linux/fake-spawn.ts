// A fake `spawn` for the ip runner and the link monitor: records every call and hands the test a
// FakeChild whose output, exit and stdin behaviour it drives by hand.
import { EventEmitter } from 'node:events';

import type {
  ChildInput, ChildOutput, ChildProcessLike, SpawnFn, SpawnOptionsLike,
} from '../../../../src/backends/linux/ip-runner.js';

export class FakeStdin extends EventEmitter implements ChildInput {
  written = '';
  ended = false;
  /** When set, end() emits this error asynchronously (as a real pipe does on EPIPE). */
  failWith: NodeJS.ErrnoException | undefined;

  end(data?: string): this {
    if (data !== undefined) this.written += data;
    this.ended = true;
    const err = this.failWith;
    if (err !== undefined) setImmediate(() => this.emit('error', err));
    return this;
  }
}

export class FakeOutput extends EventEmitter implements ChildOutput {}

export class FakeChild extends EventEmitter implements ChildProcessLike {
  readonly stdin: FakeStdin | null;
  readonly stdout = new FakeOutput();
  readonly stderr = new FakeOutput();
  readonly signals: NodeJS.Signals[] = [];
  exited = false;
  /** Whether kill() makes the child exit (a well-behaved process); false = it ignores signals. */
  exitOnKill = true;

  constructor(readonly command: string, readonly args: readonly string[], readonly options: SpawnOptionsLike, readonly pid: number) {
    super();
    this.stdin = options.stdio[0] === 'pipe' ? new FakeStdin() : null;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (this.exitOnKill) setImmediate(() => this.exit(null, signal));
    return true;
  }

  /** Announce a successful exec, as node does with 'spawn'. */
  started(): void {
    this.emit('spawn');
  }

  out(text: string | Buffer): void {
    this.stdout.emit('data', typeof text === 'string' ? Buffer.from(text) : text);
  }

  err(text: string): void {
    this.stderr.emit('data', Buffer.from(text));
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code, signal);
    this.emit('close', code, signal);
  }
}

export class FakeSpawn {
  readonly children: FakeChild[] = [];
  /** Called with each new child (synchronously inside spawn); script its behaviour here. */
  onSpawn: ((child: FakeChild) => void) | undefined;
  /** When set, spawn throws this instead of returning a child. */
  throwOnSpawn: Error | undefined;
  private nextPid = 1000;

  readonly spawn: SpawnFn = (command, args, options) => {
    if (this.throwOnSpawn !== undefined) throw this.throwOnSpawn;
    const child = new FakeChild(command, args, options, this.nextPid++);
    this.children.push(child);
    this.onSpawn?.(child);
    return child;
  };

  get last(): FakeChild {
    const c = this.children[this.children.length - 1];
    if (c === undefined) throw new Error('nothing was spawned');
    return c;
  }
}

/** Let pending setImmediate callbacks (fake exits, EPIPE) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
