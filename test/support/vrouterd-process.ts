// The real agent and real clients as child processes, for integration tests:
// - VrouterdProcess: `vrouterd` from this checkout's sources (node + tsx, as `npx tsx src/main.ts`)
//   on 127.0.0.1 and an ephemeral port, with a temporary state directory holding one user. It is
//   ready when its log says the NETCONF server listens; it can be killed (kill -9 too) and started
//   again on the same state directory; cleanup() stops it and removes the directory.
// - NcclientSession: one NETCONF session held by python3-ncclient (test/support/
//   ncclient-session-driver.py), driven request by request from the test; every answer is JSON
//   (ncclient's RPCError fields, or the reply's XML as a tree).
// Every child is also killed when the test process exits, so a failing or interrupted test never
// leaves a daemon behind; after hooks should still call cleanup() / close() themselves.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { usersFile } from '../../src/netconf/server.js';
import { UserStore } from '../../src/netconf/transport/user-store.js';
import { requireCommand } from './prerequisites.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(REPO, 'src', 'main.ts');
const DRIVER = fileURLToPath(new URL('./ncclient-session-driver.py', import.meta.url));
/** Debian's interpreter: python3-ncclient installs for it, not for a pyenv / venv python3 earlier on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

// ---- children that must not outlive the test process ----------------------------------------------

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- vrouterd -------------------------------------------------------------------------------------

export interface VrouterdOptions {
  /** RFC 7951 JSON of vrouter-agent:agent, written to a file and given with --config. */
  agentConfig?: Record<string, unknown>;
  username?: string;
  password?: string;
  /** Default 'debug': the log tail in a failure message then says what the server did. */
  logLevel?: string;
  /** More vrouterd arguments (--docker-socket …). */
  extraArgs?: readonly string[];
  /** Time allowed for one start (YANG compilation, host keys on the first start); default 60 s. */
  startTimeoutMs?: number;
}

export interface Credentials {
  host: string;
  port: number;
  username: string;
  password: string;
}

export class VrouterdProcess {
  /** Everything of this instance lives under root (removed by cleanup()). */
  readonly root: string;
  readonly stateDir: string;
  readonly username: string;
  readonly password: string;
  private child: ChildProcess | undefined;
  private currentPort = 0;
  private readonly configFile: string | undefined;
  private log = '';
  private cleaned = false;

  private constructor(root: string, private readonly options: VrouterdOptions) {
    this.root = root;
    this.stateDir = join(root, 'state');
    this.username = options.username ?? 'tester';
    this.password = options.password ?? 'integration test password';
    this.configFile = options.agentConfig === undefined ? undefined : join(root, 'agent.json');
  }

  /** Creates the state directory and user, starts vrouterd and waits until it listens. */
  static async start(options: VrouterdOptions = {}): Promise<VrouterdProcess> {
    const root = await mkdtemp(join(tmpdir(), 'vrouterd-it-'));
    const server = new VrouterdProcess(root, options);
    try {
      if (server.configFile !== undefined) await writeFile(server.configFile, JSON.stringify(options.agentConfig));
      await mkdir(server.stateDir, { recursive: true, mode: 0o700 });
      const users = await UserStore.open(usersFile(server.stateDir));
      await users.addUser(server.username, { password: server.password });
      await server.launch();
      return server;
    } catch (err) {
      await server.cleanup();
      throw err;
    }
  }

  get port(): number {
    return this.currentPort;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The process is running (it may still be starting). */
  get running(): boolean {
    const c = this.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  get credentials(): Credentials {
    return { host: '127.0.0.1', port: this.currentPort, username: this.username, password: this.password };
  }

  /** Everything vrouterd printed (stdout and stderr, all runs). */
  output(): string {
    return this.log;
  }

  logTail(lines = 25): string {
    return this.log.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Starts vrouterd again on the same state directory (after kill() or stop()); a new port. */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    this.log += '\n--- restart ---\n';
    await this.launch();
  }

  /** Sends `signal` (default SIGKILL: no shutdown path at all) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (c === undefined || !this.running) return;
    const exited = exitOf(c);
    c.kill(signal);
    await exited;
  }

  /** SIGTERM (a clean shutdown), SIGKILL after graceMs; resolves with the exit status. */
  async stop(graceMs = 10_000): Promise<number | null> {
    const c = this.child;
    if (c === undefined) return null;
    if (!this.running) return c.exitCode;
    const exited = exitOf(c);
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
    const { code } = await exited;
    clearTimeout(timer);
    return code;
  }

  /** Stops the process (if running) and removes the temporary directory; idempotent. */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    await this.stop(5_000);
    await rm(this.root, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = ['--import', 'tsx', MAIN, '--state-dir', this.stateDir, '--address', '127.0.0.1', '--port', '0',
      '--log-level', this.options.logLevel ?? 'debug'];
    if (this.configFile !== undefined) args.push('--config', this.configFile);
    args.push(...(this.options.extraArgs ?? []));
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    this.child = child;
    this.currentPort = 0;
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vrouterd did not listen within ${this.options.startTimeoutMs ?? 60_000} ms`)),
        this.options.startTimeoutMs ?? 60_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`vrouterd exited while starting (code ${code}, signal ${signal})`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        this.log += `${line}\n`;
        if (!line.includes('NETCONF server ready')) return;
        try {
          const port = (JSON.parse(line) as { port?: unknown }).port;
          if (typeof port === 'number') {
            clearTimeout(timer);
            resolve(port);
          }
        } catch {
          // not a JSON log line
        }
      });
      child.stderr.on('data', (d: Buffer) => {
        this.log += d.toString('utf8');
      });
    });
    try {
      this.currentPort = await ready;
    } catch (err) {
      if (this.running) await this.kill();
      throw new Error(`${(err as Error).message}\n--- vrouterd output:\n${this.logTail(40)}`, { cause: err });
    }
  }
}

// ---- ncclient sessions ----------------------------------------------------------------------------

/** Fails loudly (naming the Debian packages) unless Debian's python3 can import ncclient. */
export function requireNcclient(): void {
  requireCommand(DEBIAN_PYTHON, 'python3');
  const r = spawnSync(DEBIAN_PYTHON, ['-c', 'import ncclient, lxml, paramiko'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`ncclient is not importable by ${DEBIAN_PYTHON}: install the Debian package python3-ncclient `
      + `(it brings python3-paramiko and python3-lxml)\n${r.stderr}`);
  }
}

/** An XML element as the driver reports it. */
export interface XmlNode {
  ns: string | null;
  name: string;
  attrs?: Record<string, string>;
  /** Only for elements without child elements. */
  text?: string;
  /** "{namespace}local" when the text is a prefixed name whose prefix is in scope. */
  qname?: string;
  children: XmlNode[];
}

/** One <rpc-error> as ncclient's RPCError shows it. */
export interface NcError {
  type: string | null;
  tag: string | null;
  severity: string | null;
  appTag: string | null;
  path: string | null;
  /** The namespace bindings in scope on <error-path>. */
  pathNamespaces: Record<string, string>;
  message: string | null;
  messageLang?: string | null;
  /** <error-info> children by local name. */
  info: Record<string, string | null>;
}

export interface NcResult {
  ok: boolean;
  errors?: NcError[];
  exception?: { type: string; message: string; trace?: string };
  /** The <rpc-reply> as received. */
  xml?: string;
  reply?: XmlNode;
  /** get / get-config: the <data> element. */
  data?: XmlNode | null;
  /** get_schema: the schema text. */
  schema?: string;
  /** take_notification: null when none came in time. */
  notification?: XmlNode | null;
}

/** A filter for get / get-config. */
export type NcFilter = { type: 'subtree'; xml: string } | { type: 'xpath'; select: string; namespaces?: Record<string, string> };

export class NcclientSession {
  readonly sessionId: number;
  readonly capabilities: readonly string[];
  private readonly pending = new Map<number, (r: NcResult) => void>();
  private nextId = 1;
  private stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess, hello: { sessionId: string; capabilities: string[] }) {
    this.sessionId = Number(hello.sessionId);
    this.capabilities = hello.capabilities;
    this.exited = exitOf(child);
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
    });
    void this.exited.then(({ code, signal }) => {
      for (const [, resolve] of this.pending) {
        resolve({ ok: false, exception: { type: 'DriverExited', message: `the ncclient driver exited (code ${code}, signal ${signal}): ${this.stderr.slice(-2000)}` } });
      }
      this.pending.clear();
    });
  }

  /** Opens a session (ncclient connect, hello exchange). */
  static open(creds: Credentials, options: { rpcTimeoutSeconds?: number } = {}): Promise<NcclientSession> {
    const child = spawn(DEBIAN_PYTHON, [DRIVER, JSON.stringify({ ...creds, timeout: options.rpcTimeoutSeconds ?? 20 })],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    track(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    return new Promise((resolve, reject) => {
      let session: NcclientSession | undefined;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`ncclient did not connect within 30 s: ${stderr}`));
      }, 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (session === undefined) reject(new Error(`ncclient driver exited (code ${code}) before connecting: ${stderr}`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return; // not ours (a library printing something)
        }
        if (session === undefined) {
          clearTimeout(timer);
          if (msg.event === 'connected') {
            session = new NcclientSession(child, msg as unknown as { sessionId: string; capabilities: string[] });
            resolve(session);
          } else {
            reject(new Error(`ncclient could not connect: ${JSON.stringify(msg.exception)}\n${stderr}`));
          }
          return;
        }
        session.answer(msg);
      });
    });
  }

  private answer(msg: Record<string, unknown>): void {
    const id = msg.id as number;
    const resolve = this.pending.get(id);
    if (resolve === undefined) return;
    this.pending.delete(id);
    resolve(msg as unknown as NcResult);
  }

  /** Runs one driver operation (see ncclient-session-driver.py for the names and arguments). */
  call(op: string, args: Record<string, unknown> = {}): Promise<NcResult> {
    const stdin = this.child.stdin;
    if (stdin === null || stdin.destroyed || !stdin.writable || this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.resolve({ ok: false, exception: { type: 'DriverExited', message: 'the ncclient driver is not running' } });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      stdin.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  get(args: { filter?: NcFilter; withDefaults?: string } = {}): Promise<NcResult> {
    return this.call('get', args);
  }

  getConfig(source: string, args: { filter?: NcFilter; withDefaults?: string } = {}): Promise<NcResult> {
    return this.call('get_config', { source, ...args });
  }

  editConfig(config: string, args: { target?: string; defaultOperation?: string; testOption?: string; errorOption?: string } = {}): Promise<NcResult> {
    return this.call('edit_config', { config, ...args });
  }

  commit(args: { confirmed?: boolean; timeout?: number; persist?: string; persistId?: string } = {}): Promise<NcResult> {
    return this.call('commit', args);
  }

  lock(target: string): Promise<NcResult> {
    return this.call('lock', { target });
  }

  unlock(target: string): Promise<NcResult> {
    return this.call('unlock', { target });
  }

  dispatch(xml: string): Promise<NcResult> {
    return this.call('dispatch', { xml });
  }

  /** The next notification within timeoutSeconds, or null. */
  async takeNotification(timeoutSeconds: number): Promise<XmlNode | null> {
    const r = await this.call('take_notification', { timeout: timeoutSeconds });
    if (!r.ok) throw new Error(`take_notification failed: ${describeResult(r)}`);
    return r.notification ?? null;
  }

  /** close-session, then the driver exits. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL of the client process: the TCP connection drops without close-session. */
  async killClient(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** A result as one line, for assertion messages. */
export function describeResult(r: NcResult): string {
  if (r.ok) return 'ok';
  if (r.exception !== undefined) return `exception ${r.exception.type}: ${r.exception.message}`;
  return (r.errors ?? []).map((e) => `${e.type}/${e.tag}${e.appTag === null ? '' : `(${e.appTag})`} path=${e.path} info=${JSON.stringify(e.info)}: ${e.message}`).join('; ');
}

/** Throws (with the errors) unless the reply is a success. */
export function expectOk(r: NcResult, what: string): NcResult {
  if (!r.ok) throw new Error(`${what}: expected success, got ${describeResult(r)}`);
  return r;
}

/** The single rpc-error of a failed reply (throws on success, on an exception or on several errors). */
export function expectError(r: NcResult, what: string): NcError {
  if (r.ok) throw new Error(`${what}: expected an rpc-error, got success: ${r.xml ?? ''}`);
  const errors = r.errors;
  if (errors === undefined) throw new Error(`${what}: expected an rpc-error, got ${describeResult(r)}`);
  const [first, ...rest] = errors;
  if (first === undefined || rest.length > 0) throw new Error(`${what}: expected one rpc-error, got ${describeResult(r)}`);
  return first;
}

/** Polls `probe` until it returns true (or throws after timeoutMs with `what`). */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000, stepMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await delay(stepMs);
  }
}

// ---- reading XmlNode trees --------------------------------------------------------------------------

/** Direct children with this local name (and namespace, when given). */
export function childrenNamed(node: XmlNode | null | undefined, name: string, ns?: string): XmlNode[] {
  if (node === null || node === undefined) return [];
  return node.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** Follows local names down from `node` (first match at each step). */
export function findPath(node: XmlNode | null | undefined, ...names: string[]): XmlNode | undefined {
  let cur: XmlNode | undefined = node ?? undefined;
  for (const n of names) {
    cur = childrenNamed(cur, n)[0];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Every node reached by following local names (all matches at each step). */
export function findAll(node: XmlNode | null | undefined, ...names: string[]): XmlNode[] {
  let level: XmlNode[] = node === null || node === undefined ? [] : [node];
  for (const n of names) level = level.flatMap((x) => childrenNamed(x, n));
  return level;
}

/** The text at a path below `node`, or undefined. */
export function textAt(node: XmlNode | null | undefined, ...names: string[]): string | undefined {
  return findPath(node, ...names)?.text;
}

/** The list entry among `entries` whose key leaf `key` has `value`. */
export function entryWith(entries: readonly XmlNode[], key: string, value: string): XmlNode | undefined {
  return entries.find((e) => textAt(e, key) === value);
}
