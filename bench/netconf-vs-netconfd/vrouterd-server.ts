// The server under study: vrouterd from this checkout, with a fresh state directory, the
// benchmark module on its YANG path, and one user who logs in with the client's key.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort, runChecked, runCommand, startDaemon, waitForPort } from './processes.js';
import type { BenchContext, ServerUnderTest } from './server-under-test.js';

const USER = 'bench';

/**
 * How vrouterd is started: `node dist/main.js` when --vrouterd-dist is given (after
 * `make build`), otherwise the TypeScript sources through tsx's loader (one node process, the
 * same code as `npx tsx src/main.ts`).
 */
export function vrouterdCommand(repoRoot: string, useDist: boolean): { command: string; args: string[]; entry: string } {
  // BENCH_VROUTERD_ENTRY: another entry file (another checkout's build, or a stand-in server)
  const override = process.env.BENCH_VROUTERD_ENTRY;
  const entry = override ? path.resolve(override) : useDist ? path.join(repoRoot, 'dist', 'main.js') : path.join(repoRoot, 'src', 'main.ts');
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  return { command: process.execPath, args, entry };
}

export function vrouterdPrerequisites(repoRoot: string, useDist: boolean): string[] {
  const { entry } = vrouterdCommand(repoRoot, useDist);
  if (existsSync(entry)) return [];
  return [useDist
    ? `${entry} is missing: run \`make build\` first (or leave out --vrouterd-dist to run the sources with tsx)`
    : `${entry} does not exist yet: vrouterd has no NETCONF server entry point in this checkout`];
}

/**
 * Gives vrouterd a user who logs in with the client's public key. The one place that knows the
 * `vrouterd user add` command line: change it here if the CLI's flags change.
 */
export async function addVrouterdUser(ctx: BenchContext, stateDir: string, user: string, publicKeyFile: string, useDist: boolean): Promise<void> {
  const { command, args } = vrouterdCommand(ctx.repoRoot, useDist);
  try {
    await runChecked(command, [...args, 'user', 'add', user, '--state-dir', stateDir, '--authorized-key', publicKeyFile], {
      cwd: ctx.repoRoot,
      timeoutMs: 60_000,
    });
  } catch (err) {
    throw new Error(`could not add the benchmark user with \`vrouterd user add\` (its flags are set in addVrouterdUser() ` +
      `in bench/netconf-vs-netconfd/vrouterd-server.ts): ${(err as Error).message}`, { cause: err });
  }
}

/** The flag that makes vrouterd listen on 127.0.0.1 only, if its --help names one. */
async function listenFlag(ctx: BenchContext, useDist: boolean): Promise<string[]> {
  const { command, args } = vrouterdCommand(ctx.repoRoot, useDist);
  const help = await runCommand(command, [...args, '--help'], { cwd: ctx.repoRoot, timeoutMs: 60_000 });
  const text = help.stdout + help.stderr;
  for (const flag of ['--listen-address', '--address', '--listen', '--host', '--bind']) {
    if (new RegExp(`${flag}\\b`).test(text)) return [flag, '127.0.0.1'];
  }
  return [];
}

export async function startVrouterd(ctx: BenchContext, useDist: boolean): Promise<ServerUnderTest> {
  const dir = path.join(ctx.tempDir, 'vrouterd');
  const stateDir = path.join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  const publicKeyFile = path.join(dir, 'client.pub');
  writeFileSync(publicKeyFile, ctx.clientPublicKey + '\n');
  const port = await freePort();

  await addVrouterdUser(ctx, stateDir, USER, publicKeyFile, useDist);
  const listen = await listenFlag(ctx, useDist);

  const { command, args } = vrouterdCommand(ctx.repoRoot, useDist);
  const vrouterd = startDaemon('vrouterd', command, [
    ...args,
    '--state-dir', stateDir,
    '--port', String(port),
    ...listen,
    '--yang-path', ctx.yangDir,
    '--module', ctx.moduleName,
  ], { cwd: ctx.repoRoot, logPath: path.join(dir, 'vrouterd.log') }, ctx.cleanup);
  // The first start generates host keys (RSA-3072 takes seconds) and compiles the modules.
  await waitForPort(port, 90_000, vrouterd);
  const commit = await runCommand('git', ['-C', ctx.repoRoot, 'rev-parse', '--short', 'HEAD'], { timeoutMs: 10_000 });
  const dirty = await runCommand('git', ['-C', ctx.repoRoot, 'status', '--porcelain', '--untracked-files=no'], { timeoutMs: 10_000 });
  const version = commit.code === 0 ? commit.stdout.trim() + (dirty.stdout.trim() ? '+local changes' : '') : 'unknown';
  ctx.log(`vrouterd side: 127.0.0.1:${port}${listen.length ? '' : ' (no listen-address flag in --help: default address)'}, pid ${vrouterd.pid}`);
  return {
    name: 'vrouterd',
    description: `vrouterd ${version} (node ${args.map((a) => (a.startsWith(ctx.repoRoot) ? path.relative(ctx.repoRoot, a) : a)).join(' ')}, node ${process.version})`,
    port,
    user: USER,
    logTail: () => `--- vrouterd (${vrouterd.logPath}):\n${vrouterd.logTail(10)}`,
    stop: () => vrouterd.stop(),
  };
}
