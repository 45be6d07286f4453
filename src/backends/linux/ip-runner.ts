// The process edge of the Linux backend: runs the `ip` binary (never a shell, argv arrays only)
// through an injected spawn function, with a timeout on every call.
//
//   - runBatch: `ip [-n NS] [-force] -batch -`, the script on stdin. iproute2 reports a failing
//     command as its error text (the kernel's words: "RTNETLINK answers: File exists", "Error: …",
//     'Cannot find device "x"') followed by `Command failed -:LINE`; that is mapped back to the
//     line and its command. Some argument errors make ip exit at once without a line number (e.g.
//     `Error: any valid prefix is expected …`); those come back with `line: null`.
//   - `-force` trade-off: without it ip stops at the first failing line, so everything before it
//     is applied and nothing after it — exactly what the executor's revert needs to know. With it ip
//     carries on after failures and every failing line is reported (`failures`), but the lines
//     after a failure may have run against a state the plan did not expect. Default: no -force.
//   - When ip stops early the rest of the script hits a closed pipe: stdin has an 'error' handler,
//     so EPIPE is ignored and the failure is read from stderr as usual.
//   - readJson / readLinks / readAddresses / readRoutes / readState: `ip [-n NS] -json …`, parsed
//     with json-parse.ts. Namespaces and forwarding use the argv of batch-render.ts.
//
// Children run with LC_ALL=C so strerror text is the same everywhere.

import { spawn as nodeSpawn } from 'node:child_process';

import { systemTimers, type Timers } from '../../datastore/confirmed-commit.js';
import { renderForwarding, renderNamespaceCreate, renderNamespaceDelete } from './batch-render.js';
import type { CurrentState } from './diff.js';
import {
  parseAddresses, parseLinks, parseRoutes,
  type CurrentAddress, type CurrentLink, type CurrentRoutes, type ParseResult,
} from './json-parse.js';
import type { ForwardingSpec } from './link-spec.js';

/** The parts of a child's stdin the runner uses. */
export interface ChildInput {
  on(event: 'error', listener: (err: Error) => void): unknown;
  end(data?: string): unknown;
}

/** The parts of a child's stdout/stderr the runner uses. */
export interface ChildOutput {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
}

/** The parts of a child process the runner and the monitor use (node's ChildProcess fits). */
export interface ChildProcessLike {
  readonly pid?: number | undefined;
  readonly stdin: ChildInput | null;
  readonly stdout: ChildOutput | null;
  readonly stderr: ChildOutput | null;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'spawn', listener: () => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export interface SpawnOptionsLike {
  stdio: ['pipe' | 'ignore', 'pipe', 'pipe'];
  env: NodeJS.ProcessEnv;
}

/** `child_process.spawn`, or a fake in tests. Never called with a shell. */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptionsLike) => ChildProcessLike;

export const systemSpawn: SpawnFn = (command, args, options) =>
  nodeSpawn(command, [...args], { stdio: options.stdio, env: options.env, shell: false });

export interface IpRunnerOptions {
  spawn?: SpawnFn;
  timers?: Timers;
  clock?: () => number;
  /** Path of the ip binary; default `ip` (looked up on PATH by the spawn call). */
  ipPath?: string;
  /** Default timeout of reads and small commands (ms); default 15 s. */
  timeoutMs?: number;
  /** Default timeout of a batch (ms); default 120 s (10k routes take about 250 ms). */
  batchTimeoutMs?: number;
}

export interface RunResult {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started at all (ENOENT …). */
  spawnError?: Error;
  durationMs: number;
}

export interface BatchOptions {
  /** Run with `-force` (carry on after failures); see the trade-off above. Default false. */
  force?: boolean;
  timeoutMs?: number;
}

export interface BatchLineFailure {
  /** 1-based line number in the script. */
  line: number;
  command: string;
  message: string;
}

export interface BatchSuccess {
  ok: true;
  /** Number of non-empty lines run. */
  lines: number;
  /** Warnings ip printed while succeeding (usually ''). */
  stderr: string;
  durationMs: number;
}

export interface BatchFailure {
  ok: false;
  /**
   * 'command': a numbered line failed; 'exit': ip exited non-zero without naming a line (argument
   * error, missing namespace, killed); 'timeout': killed after the timeout; 'spawn': not started.
   */
  reason: 'command' | 'exit' | 'timeout' | 'spawn';
  /** Line of the first failing command, or null when ip did not name one. */
  line: number | null;
  command: string | null;
  /** The error text as ip/the kernel printed it. */
  message: string;
  /** Every numbered failure in order (more than one only with -force). */
  failures: BatchLineFailure[];
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  durationMs: number;
}

export type BatchResult = BatchSuccess | BatchFailure;

export interface NetnsEntry {
  name: string;
  /** The namespace id as seen from the namespace ip runs in, when one is assigned. */
  id?: number;
}

/** A non-batch ip command that failed, timed out or did not start. */
export class IpCommandError extends Error {
  constructor(readonly result: RunResult) {
    super(describeFailure(result));
    this.name = 'IpCommandError';
  }
}

function describeFailure(r: RunResult): string {
  const cmd = r.argv.join(' ');
  if (r.spawnError !== undefined) return `cannot run ${cmd}: ${r.spawnError.message}`;
  if (r.timedOut) return `${cmd} timed out after ${r.durationMs} ms`;
  const how = r.exitCode !== null ? `exit code ${r.exitCode}` : `signal ${r.signal ?? '?'}`;
  const text = r.stderr.trim();
  return `${cmd} failed (${how})${text !== '' ? `: ${text}` : ''}`;
}

const FAILED_LINE = /^Command failed (.*):(\d+)$/u;

/**
 * Map ip's stderr after a batch back to numbered failures. The text of a failure is the non-empty
 * lines since the previous `Command failed` marker; text after the last marker is returned as
 * `trailing` (an error that made ip exit without a line number).
 */
export function parseBatchErrors(stderr: string, scriptLines: readonly string[]): {
  failures: BatchLineFailure[];
  trailing: string;
} {
  const failures: BatchLineFailure[] = [];
  let pending: string[] = [];
  for (const raw of stderr.split('\n')) {
    const text = raw.replace(/\r$/u, '');
    const m = FAILED_LINE.exec(text);
    if (m === null) {
      if (text.trim() !== '') pending.push(text);
      continue;
    }
    const line = Number(m[2]);
    failures.push({ line, command: scriptLines[line - 1] ?? '', message: pending.join('\n') });
    pending = [];
  }
  return { failures, trailing: pending.join('\n') };
}

function namespaceArgs(namespace: string | null): string[] {
  return namespace === null ? [] : ['-n', namespace];
}

function parsed<T>(r: ParseResult<T>, argv: readonly string[]): T {
  if (!r.ok) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
  return r.value;
}

export class IpRunner {
  private readonly spawnFn: SpawnFn;
  private readonly timers: Timers;
  private readonly clock: () => number;
  readonly ipPath: string;
  private readonly timeoutMs: number;
  private readonly batchTimeoutMs: number;

  constructor(options: IpRunnerOptions = {}) {
    this.spawnFn = options.spawn ?? systemSpawn;
    this.timers = options.timers ?? systemTimers;
    this.clock = options.clock ?? Date.now;
    this.ipPath = options.ipPath ?? 'ip';
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.batchTimeoutMs = options.batchTimeoutMs ?? 120_000;
  }

  /** Run `ip ARGS` (input, if any, on stdin); never throws, never rejects. */
  run(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const argv = [this.ipPath, ...args];
    const started = this.clock();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<RunResult>((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const toBuffer = (c: Buffer | string): Buffer => (typeof c === 'string' ? Buffer.from(c) : c);
      let done = false;
      let timer: unknown = undefined; // armed after spawn; finish() may run before that
      const finish = (r: Partial<RunResult>): void => {
        if (done) return;
        done = true;
        if (timer !== undefined) this.timers.clearTimeout(timer);
        resolve({
          argv, exitCode: null, signal: null, timedOut: false,
          stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
          durationMs: this.clock() - started, ...r,
        });
      };
      let child: ChildProcessLike;
      try {
        child = this.spawnFn(this.ipPath, args, {
          stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
          env: { ...process.env, LC_ALL: 'C' },
        });
      } catch (e) {
        finish({ spawnError: e instanceof Error ? e : new Error(String(e)) });
        return;
      }
      child.stdout?.on('data', (c) => out.push(toBuffer(c)));
      child.stderr?.on('data', (c) => err.push(toBuffer(c)));
      child.on('error', (e) => {
        // Spawn failure (ENOENT, EACCES …); a failed kill() after exit is also reported here.
        if (!done) finish({ spawnError: e });
      });
      child.on('close', (code, signal) => finish({ exitCode: code, signal }));
      timer = this.timers.setTimeout(() => {
        if (done) return;
        child.kill('SIGKILL');
        finish({ timedOut: true });
      }, timeoutMs);
      if (options.input !== undefined && child.stdin !== null) {
        // EPIPE when ip exits before reading everything (a batch that stopped at a failure).
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input);
      }
    });
  }

  /** Run a checked command; rejects with IpCommandError unless it exited 0. */
  async check(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const r = await this.run(args, options);
    if (r.exitCode !== 0 || r.timedOut || r.spawnError !== undefined) throw new IpCommandError(r);
    return r;
  }

  /** `ip [-n NS] [-force] -batch -` with `script` on stdin; failures are a result, not a rejection. */
  async runBatch(namespace: string | null, script: string, options: BatchOptions = {}): Promise<BatchResult> {
    const scriptLines = script.split('\n');
    const count = scriptLines.filter((l) => l.trim() !== '').length;
    if (count === 0) return { ok: true, lines: 0, stderr: '', durationMs: 0 };
    const input = script.endsWith('\n') ? script : `${script}\n`;
    const args = [...namespaceArgs(namespace), ...(options.force === true ? ['-force'] : []), '-batch', '-'];
    const r = await this.run(args, { input, timeoutMs: options.timeoutMs ?? this.batchTimeoutMs });
    const { failures, trailing } = parseBatchErrors(r.stderr, scriptLines);
    const base = { exitCode: r.exitCode, signal: r.signal, stderr: r.stderr, durationMs: r.durationMs, failures };
    if (r.spawnError !== undefined) {
      return { ok: false, reason: 'spawn', line: null, command: null, message: describeFailure(r), ...base };
    }
    if (r.timedOut) {
      const first = failures[0];
      return {
        ok: false, reason: 'timeout', line: first?.line ?? null, command: first?.command ?? null,
        message: describeFailure(r), ...base,
      };
    }
    if (r.exitCode === 0 && failures.length === 0) {
      return { ok: true, lines: count, stderr: r.stderr, durationMs: r.durationMs };
    }
    const first = failures[0];
    if (first !== undefined) return { ok: false, reason: 'command', ...first, ...base };
    return {
      ok: false, reason: 'exit', line: null, command: null,
      message: trailing !== '' ? trailing : describeFailure(r), ...base,
    };
  }

  /** `ip [-n NS] -json ARGS`; resolves with the JSON text, rejects with IpCommandError. */
  async readJson(namespace: string | null, args: readonly string[]): Promise<string> {
    const r = await this.check([...namespaceArgs(namespace), '-json', ...args]);
    return r.stdout;
  }

  async readLinks(namespace: string | null): Promise<CurrentLink[]> {
    const args = ['-d', 'link', 'show'];
    return parsed(parseLinks(await this.readJson(namespace, args)), ['ip', '-json', ...args]);
  }

  async readAddresses(namespace: string | null): Promise<CurrentAddress[]> {
    const args = ['addr', 'show'];
    return parsed(parseAddresses(await this.readJson(namespace, args)), ['ip', '-json', ...args]);
  }

  async readRoutes(namespace: string | null): Promise<CurrentRoutes> {
    const args = ['route', 'show', 'table', 'all'];
    return parsed(parseRoutes(await this.readJson(namespace, args)), ['ip', '-json', ...args]);
  }

  /** Links, addresses and routes of one namespace, in the shape diffNamespace takes. */
  async readState(namespace: string | null): Promise<CurrentState> {
    const [links, addresses, routes] = await Promise.all([
      this.readLinks(namespace), this.readAddresses(namespace), this.readRoutes(namespace),
    ]);
    return { links, addresses, routes: routes.routes };
  }

  /** `ip -json netns list`: the named namespaces (those under /run/netns). */
  async listNamespaces(): Promise<NetnsEntry[]> {
    const text = await this.readJson(null, ['netns', 'list']);
    let doc: unknown;
    try {
      doc = JSON.parse(text.trim() === '' ? '[]' : text);
    } catch (e) {
      throw new Error(`ip -json netns list: not JSON: ${(e as Error).message}`, { cause: e });
    }
    if (!Array.isArray(doc)) throw new Error('ip -json netns list: expected a JSON array');
    const out: NetnsEntry[] = [];
    for (const item of doc as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { name, id } = item as { name?: unknown; id?: unknown };
      if (typeof name !== 'string') continue;
      out.push(typeof id === 'number' ? { name, id } : { name });
    }
    return out;
  }

  async namespaceExists(name: string): Promise<boolean> {
    return (await this.listNamespaces()).some((n) => n.name === name);
  }

  /** `ip netns add NAME` and bring its loopback up (renderNamespaceCreate). */
  async addNamespace(name: string): Promise<void> {
    for (const argv of renderNamespaceCreate({ name })) await this.check(this.ipArgs(argv));
  }

  /** `ip netns del NAME`; fails when it does not exist. */
  async deleteNamespace(name: string): Promise<void> {
    for (const argv of renderNamespaceDelete({ name })) await this.check(this.ipArgs(argv));
  }

  /** The forwarding sysctls inside the namespace (renderForwarding). */
  async setForwarding(spec: ForwardingSpec): Promise<void> {
    for (const argv of renderForwarding(spec)) await this.check(this.ipArgs(argv));
  }

  /** batch-render's argv start with `ip`; run them with this runner's binary. */
  private ipArgs(argv: readonly string[]): string[] {
    if (argv[0] !== 'ip') throw new Error(`not an ip command: ${argv.join(' ')}`);
    return argv.slice(1);
  }
}
