// A private Docker engine for integration tests: Debian's dockerd (package docker.io) started by the
// test, with everything under one temp directory and nothing that touches the host's networking:
//
//   dockerd --config-file D/daemon.json ({}) --iptables=false --bridge=none --ip-forward=false
//           --ip-masq=false --data-root D/data --exec-root D/exec --pidfile D/docker.pid
//           -H unix://D/docker.sock
//
// dockerd supervises its own containerd under the exec-root (unless a system containerd listens on
// /run/containerd/containerd.sock, which dockerd would then use; start() refuses that case).
// An image is made by `docker import` of a busybox-static root filesystem built in D (/bin/busybox
// and applet symlinks); containers run with `--network none`.
//
// stop() removes every container, stops dockerd (and its containerd), unmounts whatever is still
// mounted under D and removes D; it is idempotent and runs its steps even when earlier ones fail.
// If the test process exits without stop() (process.exit, a crash), an 'exit' hook does the same
// synchronously, as far as it can.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Docker from 'dockerode';

import { requireCommand, requireRoot } from './prerequisites.js';

/** Applets linked to /bin/busybox in the image. */
export const BUSYBOX_APPLETS = ['sh', 'ip', 'ping', 'sleep', 'ifconfig', 'route'] as const;

const SYSTEM_CONTAINERD = '/run/containerd/containerd.sock';
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; resolves with its exit code and output (never rejects on exit != 0). */
export function run(command: string, args: readonly string[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null && typeof err.code !== 'number') {
        reject(new Error(`${command} ${args.join(' ')}: ${err.message}\n${stderr}`));
        return;
      }
      resolve({ code: err === null ? 0 : (err.code as number), stdout, stderr });
    });
  });
}

/** Like run(), but an exit code other than 0 is an error carrying stderr. */
export async function runOk(command: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const r = await run(command, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** True when the ELF file has no PT_INTERP program header, i.e. runs without a dynamic loader. */
export function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSyncFully(fd, header, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = header[4] === 2;
    const le = header[5] === 1;
    const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64 ? Number(le ? header.readBigUInt64LE(0x20) : header.readBigUInt64BE(0x20)) : u32(header, 0x1c);
    const phentsize = u16(header, is64 ? 0x36 : 0x2a);
    const phnum = u16(header, is64 ? 0x38 : 0x2c);
    const table = Buffer.alloc(phentsize * phnum);
    readSyncFully(fd, table, phoff);
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === 3) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}

function readSyncFully(fd: number, buffer: Buffer, position: number): void {
  const n = readSync(fd, buffer, 0, buffer.length, position);
  if (n !== buffer.length) throw new Error(`short read of an ELF header (${n} of ${buffer.length} bytes)`);
}

/** Finds a statically linked busybox (Debian's busybox-static installs /bin/busybox). */
export function requireStaticBusybox(): string {
  const path = requireCommand('busybox', 'busybox-static');
  if (!isStaticElf(path)) {
    throw new Error(`${path} is dynamically linked: install the Debian package busybox-static (the container image has no libc)`);
  }
  return path;
}

export interface DockerEngineOptions {
  /** Time allowed for dockerd to answer on its socket; default 30 s. */
  startTimeoutMs?: number;
}

/** Engines not stopped yet: torn down synchronously if the test process exits without stop(). */
const live = new Set<DockerEngine>();
let exitHook = false;

function track(engine: DockerEngine): void {
  live.add(engine);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const e of live) e.stopSync();
    });
  }
}

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** True while the process exists and is not a zombie (an unreaped child is gone for our purpose). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export class DockerEngine {
  readonly socketPath: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly logPath: string;
  /** dockerode on this engine's socket. */
  readonly client: Docker;
  /** The docker CLI on PATH. */
  readonly cli: string;
  private child: ChildProcess | undefined;
  private stopped = false;

  private constructor(readonly root: string, cli: string) {
    this.socketPath = join(root, 'docker.sock');
    this.dataRoot = join(root, 'data');
    this.execRoot = join(root, 'exec');
    this.logPath = join(root, 'dockerd.log');
    this.client = new Docker({ socketPath: this.socketPath });
    this.cli = cli;
  }

  /** Starts dockerd in a fresh temp directory and waits until it answers on its socket. */
  static async start(options: DockerEngineOptions = {}): Promise<DockerEngine> {
    requireRoot('dockerd needs root (mounts, namespaces, cgroups)');
    const dockerd = requireCommand('dockerd', 'docker.io');
    const cli = requireCommand('docker', 'docker.io');
    requireCommand('containerd', 'containerd (a dependency of docker.io)');
    requireCommand('runc', 'runc (a dependency of docker.io)');
    if (existsSync(SYSTEM_CONTAINERD)) {
      throw new Error(`a system containerd listens on ${SYSTEM_CONTAINERD}: dockerd would use it instead of a private one; stop it to run this test`);
    }
    const root = await mkdtemp(join(tmpdir(), 'vrt-dock-'));
    const engine = new DockerEngine(root, cli);
    try {
      await engine.launch(dockerd, options.startTimeoutMs ?? 30_000);
    } catch (err) {
      await engine.stop().catch(() => undefined);
      throw err;
    }
    return engine;
  }

  private async launch(dockerd: string, timeoutMs: number): Promise<void> {
    // Its own (empty) configuration: an /etc/docker/daemon.json of the host does not apply.
    const config = join(this.root, 'daemon.json');
    await writeFile(config, '{}\n');
    const log = await open(this.logPath, 'a');
    const args = [
      '--config-file', config,
      '--iptables=false', '--bridge=none', '--ip-forward=false', '--ip-masq=false',
      '--data-root', this.dataRoot, '--exec-root', this.execRoot, '--pidfile', join(this.root, 'docker.pid'),
      '-H', `unix://${this.socketPath}`,
    ];
    let child: ChildProcess;
    try {
      child = spawn(dockerd, args, { stdio: ['ignore', log.fd, log.fd] });
    } finally {
      await log.close();
    }
    this.child = child;
    track(this);
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (spawnError !== undefined) throw new Error(`dockerd could not start: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`dockerd exited (${child.exitCode ?? child.signalCode}) before answering:\n${await this.logTail()}`);
      }
      if (existsSync(this.socketPath)) {
        try {
          await this.client.ping();
          return;
        } catch {
          // not ready yet
        }
      }
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${this.socketPath} within ${timeoutMs} ms:\n${await this.logTail()}`);
      await delay(100);
    }
  }

  /** The last lines of dockerd's log, for failure messages. */
  async logTail(lines = 30): Promise<string> {
    try {
      return (await readFile(this.logPath, 'utf8')).split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '(no dockerd log)';
    }
  }

  /** Runs the docker CLI against this engine. */
  docker(args: readonly string[], timeoutMs = 30_000): Promise<CommandResult> {
    return run(this.cli, ['-H', `unix://${this.socketPath}`, ...args], timeoutMs);
  }

  /** Runs the docker CLI against this engine; exit != 0 is an error. */
  dockerOk(args: readonly string[], timeoutMs = 30_000): Promise<string> {
    return runOk(this.cli, ['-H', `unix://${this.socketPath}`, ...args], timeoutMs);
  }

  /** Builds a busybox-static root filesystem, `docker import`s it as `tag`; returns the image ID. */
  async importBusyboxImage(tag: string): Promise<string> {
    const busybox = requireStaticBusybox();
    requireCommand('tar', 'tar');
    const rootfs = join(this.root, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    for (const dir of ['proc', 'sys', 'dev', 'etc', 'tmp']) await mkdir(join(rootfs, dir), { recursive: true });
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
    await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
    for (const applet of BUSYBOX_APPLETS) await symlink('busybox', join(rootfs, 'bin', applet));
    const tarball = join(this.root, 'rootfs.tar');
    await runOk('tar', ['-C', rootfs, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.']);
    return (await this.dockerOk(['import', '--change', 'ENV PATH=/bin', tarball, tag])).trim();
  }

  /** Creates a container with no network running `sleep 3600`; started unless start is false. Returns its ID. */
  async createContainer(name: string, image: string, start = true): Promise<string> {
    const args = [start ? 'run' : 'create', ...(start ? ['-d'] : []), '--name', name, '--network', 'none', image, 'sleep', '3600'];
    return (await this.dockerOk(args)).trim();
  }

  /** Stops everything and removes the temp directory; safe to call twice and after a failed start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    live.delete(this);
    const problems: string[] = [];
    const child = this.child;
    const running = child !== undefined && child.exitCode === null && child.signalCode === null;
    if (running) {
      try {
        const containers = await this.client.listContainers({ all: true });
        for (const c of containers) {
          const r = await this.docker(['rm', '-f', c.Id], 20_000);
          if (r.code !== 0) problems.push(`docker rm -f ${c.Id}: ${r.stderr.trim()}`);
        }
      } catch (err) {
        problems.push(`removing containers: ${(err as Error).message}`);
      }
    }
    const containerdPid = this.containerdPid();
    if (child !== undefined && running) {
      child.kill('SIGTERM');
      if (!(await exited(child, 15_000))) {
        problems.push('dockerd did not stop on SIGTERM within 15 s: killed');
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
    }
    // dockerd stops its containerd on a clean shutdown; after a SIGKILL it would be left over.
    if (containerdPid !== undefined && pidAlive(containerdPid)) {
      process.kill(containerdPid, 'SIGTERM');
      for (let i = 0; i < 50 && pidAlive(containerdPid); i++) await delay(100);
      if (pidAlive(containerdPid)) process.kill(containerdPid, 'SIGKILL');
    }
    for (const mountPoint of this.mountsUnderRoot()) {
      const r = await run('umount', ['-l', mountPoint]).catch((err: Error) => ({ code: -1, stdout: '', stderr: err.message }));
      if (r.code !== 0 && this.mountsUnderRoot().includes(mountPoint)) problems.push(`umount ${mountPoint}: ${r.stderr.trim()}`);
    }
    try {
      await rm(this.root, { recursive: true, force: true });
    } catch (err) {
      problems.push(`removing ${this.root}: ${(err as Error).message}`);
    }
    if (problems.length > 0) throw new Error(`Docker engine teardown: ${problems.join('; ')}`);
  }

  /**
   * stop() for a process that exits without having called it (the 'exit' hook: no event loop, so
   * everything is synchronous and best effort).
   */
  stopSync(): void {
    if (this.stopped) return;
    this.stopped = true;
    live.delete(this);
    const child = this.child;
    if (child?.pid !== undefined && pidAlive(child.pid)) {
      const host = ['-H', `unix://${this.socketPath}`];
      const ids = spawnSync(this.cli, [...host, 'ps', '-aq'], { encoding: 'utf8', timeout: 10_000 }).stdout?.split('\n').filter((l) => l !== '') ?? [];
      if (ids.length > 0) spawnSync(this.cli, [...host, 'rm', '-f', ...ids], { timeout: 20_000 });
      const containerdPid = this.containerdPid();
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && pidAlive(child.pid); i++) sleepSync(100);
      if (pidAlive(child.pid)) child.kill('SIGKILL');
      if (containerdPid !== undefined && pidAlive(containerdPid)) process.kill(containerdPid, 'SIGKILL');
    }
    for (const mountPoint of this.mountsUnderRoot()) spawnSync('umount', ['-l', mountPoint], { timeout: 10_000 });
    try {
      rmSync(this.root, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }

  /** The PID of the containerd that dockerd supervises, from its pid file. */
  private containerdPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.execRoot, 'containerd', 'containerd.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Mount points at or below the temp directory, deepest first. */
  mountsUnderRoot(): string[] {
    const points: string[] = [];
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const field = line.split(' ')[4];
      if (field === undefined) continue;
      const point = field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
      if (point === this.root || point.startsWith(`${this.root}/`)) points.push(point);
    }
    return points.sort((a, b) => b.length - a.length);
  }
}
