// `vrouterd [run]`: load the YANG module set, read and check the agent configuration, make sure
// someone can log in, start the NETCONF server, and stay up until SIGTERM / SIGINT. Everything is
// created here and passed down (no global state below this file).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import { PersistenceError } from '../datastore/persistence.js';
import { LibyangError, type YangContext } from '../validation/libyang.js';
import { Schema } from '../validation/schema.js';
import { loadYang, parseModuleSpec, startServer, usersFile, type ServerHandle } from '../netconf/server.js';
import { generatePassword } from '../netconf/transport/password-hash.js';
import { UserStore } from '../netconf/transport/user-store.js';
import type { RunArgs } from './args.js';
import { ConfigFileError, loadAgentConfig, type AgentConfig } from './config-file.js';

/** A failure the operator can fix, printed as one line without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

function describeLoadFailure(err: unknown): string {
  if (err instanceof LibyangError) return `cannot load the YANG modules: ${err.message}`;
  return `cannot load the YANG modules: ${(err as Error).message}`;
}

/** First start with --init-admin: an admin user with a random password, shown once. */
async function initAdmin(users: UserStore, log: Logger, out: NodeJS.WritableStream): Promise<void> {
  const password = generatePassword();
  await users.addUser('admin', { password });
  log.info({ user: 'admin', file: users.path }, 'created the first NETCONF user (password printed once on stdout, never logged)');
  out.write(`\nvrouterd: created NETCONF user "admin" with password ${password}\n`
    + '          (shown only this once; `vrouterd user del admin` then `vrouterd user add admin` to change it)\n\n');
}

export interface RunningAgent {
  server: ServerHandle;
  config: AgentConfig;
  logger: Logger;
  yang: YangContext;
  /** Closes the server and the YANG context; idempotent. */
  stop(): Promise<void>;
}

/** Starts the agent; throws StartupError for anything the operator must fix. */
export async function startAgent(args: RunArgs, out: NodeJS.WritableStream = process.stdout): Promise<RunningAgent> {
  const logger = pino({ level: args.logLevel ?? 'info', base: { pid: process.pid, name: 'vrouterd' } });
  let yang: YangContext;
  try {
    yang = await loadYang({ extraDirs: args.yangPaths, modules: args.modules.map(parseModuleSpec) });
  } catch (err) {
    throw new StartupError(describeLoadFailure(err));
  }
  try {
    const schema = new Schema(yang.exportSchema());
    let config: AgentConfig;
    try {
      config = await loadAgentConfig(args.config, yang, schema);
    } catch (err) {
      if (err instanceof ConfigFileError) throw new StartupError(`bad configuration: ${err.message}`);
      throw err;
    }
    logger.level = args.logLevel ?? config.logLevel;
    const netconf = { ...config.netconf };
    if (args.port !== undefined) netconf.port = args.port;
    if (args.address !== undefined) netconf.address = args.address;

    await mkdir(args.stateDir, { recursive: true, mode: 0o700 });
    const usersPath = usersFile(args.stateDir);
    const firstStart = !existsSync(usersPath);
    const users = await UserStore.open(usersPath);
    if (firstStart && args.initAdmin) await initAdmin(users, logger, out);
    if (users.size === 0) {
      logger.warn({ file: usersPath }, 'no NETCONF users: add one with `vrouterd user add NAME --state-dir ...`, then send SIGHUP');
    }
    logger.info({ modules: schema.contentId, config: args.config ?? 'defaults', stateDir: args.stateDir }, 'starting vrouterd');
    const server = await startServer({
      address: netconf.address,
      port: netconf.port,
      stateDir: args.stateDir,
      settings: {
        writableRunning: netconf.writableRunning,
        maxMessageSize: netconf.maxMessageSize,
        idleTimeoutMs: netconf.idleTimeoutSeconds * 1000,
      },
      maxSessions: netconf.maxSessions,
      historyMaxEntries: config.commitHistory.maxEntries,
      linux: args.noLinux !== true,
      resyncIntervalSeconds: config.resync.intervalSeconds,
      ...(args.dockerSocket === undefined ? {} : { dockerSocket: args.dockerSocket }),
      logger,
      yang,
      users,
    });
    let stopping: Promise<void> | undefined;
    return {
      server,
      config: { ...config, netconf },
      logger,
      yang,
      stop: () => {
        stopping ??= server.close().finally(() => yang.close());
        return stopping;
      },
    };
  } catch (err) {
    yang.close();
    if (err instanceof StartupError) throw err;
    if (err instanceof PersistenceError) throw new StartupError(`cannot load the stored configuration: ${err.message}`);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      throw new StartupError(`cannot listen: ${e.message}`);
    }
    throw err;
  }
}

/**
 * Runs until a signal: SIGTERM / SIGINT close gracefully (a second one exits at once), SIGHUP
 * reloads the user file. Uncaught exceptions are logged and end the process with status 70;
 * unhandled rejections are logged and the agent goes on. Resolves with the exit status.
 */
export async function runAgent(args: RunArgs): Promise<number> {
  const agent = await startAgent(args);
  const { logger, server } = agent;
  return new Promise<number>((resolveRun) => {
    let exitCode = 0;
    let done = false;
    // Log lines are written asynchronously: flush them before the process exits.
    const resolve = (code: number): void => {
      if (done) return;
      done = true;
      logger.flush(() => resolveRun(code));
    };
    const shutdown = (why: string, code: number): void => {
      exitCode = Math.max(exitCode, code);
      logger.info({ why }, 'shutting down');
      const force = setTimeout(() => resolve(Math.max(exitCode, 1)), 10_000);
      force.unref();
      agent.stop().then(
        () => resolve(exitCode),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(Math.max(exitCode, 1));
        },
      );
    };
    let signals = 0;
    const onStop = (signal: NodeJS.Signals): void => {
      if (++signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        resolve(1);
        return;
      }
      shutdown(signal, 0);
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', () => {
      server.users.reload().then(
        () => logger.info({ users: server.users.size }, 'user file reloaded'),
        (err: unknown) => logger.error({ err: (err as Error).message }, 'user file not reloaded; the previous users stay in force'),
      );
    });
    process.on('uncaughtException', (err) => {
      logger.fatal({ err }, 'uncaught exception: stopping');
      shutdown('uncaught exception', 70);
    });
    process.on('unhandledRejection', (reason) => {
      logger.error({ err: reason }, 'unhandled promise rejection (a bug); the agent goes on');
    });
  });
}
