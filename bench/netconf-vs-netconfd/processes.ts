// Child processes of the benchmark: every server and client it starts runs in its own process
// group with its output in a log file, is stopped by its process-group id, and is registered
// with the Cleanup so that a failure or Ctrl-C never leaves a daemon behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';

/** Things to undo at the end, in reverse order of registration; runs once. */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<void> | void; sync?: () => void }[] = [];
  private done = false;

  /** `sync` is the fallback used when the process is exiting and cannot await. */
  add(what: string, run: () => Promise<void> | void, sync?: () => void): void {
    if (this.done) {
      // too late to queue (interrupted while starting something): undo it right away
      void Promise.resolve().then(run).catch(() => undefined);
      return;
    }
    this.steps.push({ what, run, sync });
  }

  /** True once cleanup has begun: start nothing new. */
  get closed(): boolean {
    return this.done;
  }

  async run(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (err) {
        console.error(`cleanup: ${step.what}: ${(err as Error).message}`);
      }
    }
  }

  /** Best effort from a synchronous context ('exit' handler). */
  runSync(): void {
    if (this.done) return;
    this.done = true;
    for (const step of this.steps.reverse()) {
      try {
        if (step.sync) step.sync();
        else void step.run();
      } catch {
        // exiting anyway
      }
    }
  }
}

export interface Daemon {
  name: string;
  pid: number;
  logPath: string;
  /** Resolves when the process has exited, with a description of how. */
  exited: Promise<string>;
  hasExited(): boolean;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM to the process group, SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function readTail(path: string, lines = 15): string {
  try {
    const text = readFileSync(path, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logPath: string;
}

/** Starts a long-running process in its own process group, stdout+stderr into logPath. */
export function startDaemon(name: string, command: string, args: string[], options: StartOptions, cleanup: Cleanup): Daemon {
  if (cleanup.closed) throw new Error(`interrupted: not starting ${name}`);
  const fd = openSync(options.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  let exitedFlag = false;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      exitedFlag = true;
      resolve(`could not start ${command}: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve(signal ? `killed by ${signal}` : `exited with status ${code}`);
    });
  });
  const pid = child.pid ?? -1;
  const daemon: Daemon = {
    name,
    pid,
    logPath: options.logPath,
    exited,
    hasExited: () => exitedFlag,
    logTail: (lines = 15) => readTail(options.logPath, lines),
    async stop(graceMs = 5000) {
      if (exitedFlag || pid < 0) return;
      killGroup(pid, 'SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        killGroup(pid, 'SIGKILL');
        await exited;
      } else {
        // the leader is gone; make sure nothing it forked (e.g. sshd's session children) stays
        killGroup(pid, 'SIGKILL');
      }
    },
  };
  cleanup.add(
    `stop ${name} (pid ${pid})`,
    () => daemon.stop(),
    () => killGroup(pid, 'SIGKILL'),
  );
  return daemon;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Called with each chunk of stderr as it arrives (progress lines). */
  onStderr?: (text: string) => void;
  cleanup?: Cleanup;
}

/** Runs a command to completion; kills its process group and rejects when timeoutMs passes. */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    const pid = child.pid;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
    }, options.timeoutMs);
    options.cleanup?.add(
      `stop ${command} (pid ${pid})`,
      () => {
        if (pid !== undefined && child.exitCode === null && child.signalCode === null) killGroup(pid, 'SIGKILL');
      },
      () => {
        if (pid !== undefined) killGroup(pid, 'SIGKILL');
      },
    );
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`${command} ${args.join(' ')}: no result after ${Math.round(options.timeoutMs / 1000)} s, killed` +
          (stderr.trim() ? `; its last output:\n${stderr.trim().split('\n').slice(-10).join('\n')}` : '')));
      } else {
        resolve({ code, signal, stdout, stderr });
      }
    });
  });
}

/** Like runCommand, but a non-zero exit is an error carrying the command's stderr. */
export async function runChecked(command: string, args: string[], options: RunOptions): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const why = result.signal ? `killed by ${result.signal}` : `exit status ${result.code}`;
    const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-10).join('\n');
    throw new Error(`${command} ${args.join(' ')}: ${why}${output ? `\n${output}` : ''}`);
  }
  return result.stdout;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `ready` every 50 ms until it is true. Fails when timeoutMs passes or when the daemon
 * exits first, with the daemon's log tail in the message.
 */
export async function waitUntil(what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number, daemon?: Daemon): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon?.hasExited()) {
      throw new Error(`${daemon.name} ${await daemon.exited} before ${what}; its log (${daemon.logPath}):\n${daemon.logTail()}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      const log = daemon ? `; ${daemon.name}'s log (${daemon.logPath}):\n${daemon.logTail()}` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${log}`);
    }
    await sleep(50);
  }
}

export function waitForPort(port: number, timeoutMs: number, daemon: Daemon): Promise<void> {
  return waitUntil(`127.0.0.1:${port} to accept connections`, () => tryConnect(port), timeoutMs, daemon);
}

export function waitForSocketFile(path: string, timeoutMs: number, daemon: Daemon): Promise<void> {
  return waitUntil(`the unix socket ${path}`, () => {
    try {
      return statSync(path).isSocket();
    } catch {
      return false;
    }
  }, timeoutMs, daemon);
}

export function removeQuietly(path: string): void {
  rmSync(path, { force: true, recursive: true });
}
