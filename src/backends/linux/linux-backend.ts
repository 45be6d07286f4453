// The Linux backend of a running agent: one ip runner, its descriptors in one transaction engine,
// the commit applier, the presence sources (kernel monitor, Docker events) and the resync paths:
//
//   - start-up: retrieve what the kernel holds, adopt what the running configuration describes,
//     create what is missing (start());
//   - on request (the vrouter-agent resync RPC) and every `resyncIntervalMs` (vrouter-agent
//     agent/resync/interval): the same against the configuration last applied (resync());
//   - when a presence source lost events (a monitor restarted).
//
// Objects vrouterd did not create are never deleted by a resync (engine.resync); the engine's
// queue keeps resyncs, commits and events one at a time.
import type { Logger } from 'pino';

import { TransactionEngine, type TransactionOutcome } from '../../commit/engine.js';
import type { Item } from '../../commit/item.js';
import { DescriptorRegistry } from '../../commit/registry.js';
import { readInterruptedWork, settleInterrupted, type InterruptedWork } from '../../commit/crash-recovery.js';
import { TransactionLogWriter } from '../../commit/transaction-log.js';
import { TransactionLogFile } from '../../commit/transaction-log-file.js';
import { systemTimers, type Timers } from '../../datastore/confirmed-commit.js';
import type { DataTree } from '../../datastore/data-tree.js';
import type { Backend } from '../backend.js';
import { ContainerLookup } from './container-lookup.js';
import { linuxDescriptors } from './descriptors.js';
import { DockerPresence } from './docker-presence.js';
import { IpRunner } from './ip-runner.js';
import { KernelPresence } from './kernel-presence.js';
import { LinuxApplier } from './linux-applier.js';
import type { PresenceEvents, PresenceSource } from './presence.js';
import { itemPath, translateLinux, type TranslateResult } from './translate.js';

export interface LinuxBackendOptions {
  logger?: Logger;
  runner?: IpRunner;
  /** Watch the kernel (`ip monitor`, /run/netns) for pending items; default true. */
  kernelPresence?: boolean;
  /** More presence sources (Docker). */
  sources?: readonly PresenceSource[];
  /** Where the engine writes its transactions (JSON lines). */
  log?: TransactionLogWriter;
  /**
   * The transaction log file (instead of `log`): the engine writes to it, and start() first
   * settles what a crash interrupted (crash-recovery.ts).
   */
  logFile?: string;
  /** The Docker engine's socket for container attachments; default /var/run/docker.sock. */
  dockerSocket?: string;
  /** Period of the automatic resync; 0 or absent: only at start-up and on request. */
  resyncIntervalMs?: number;
  timers?: Timers;
}

/**
 * Start-up (start): makes the engine's view match the kernel for the running configuration
 * (objects that already exist are adopted, missing ones created), then starts the presence
 * sources and the periodic resync.
 */
export interface LinuxBackend extends Backend {
  readonly runner: IpRunner;
  readonly engine: TransactionEngine;
  readonly applier: LinuxApplier;
}

export function createLinuxBackend(options: LinuxBackendOptions = {}): LinuxBackend {
  const runner = options.runner ?? new IpRunner();
  const registry = new DescriptorRegistry();
  // One Docker client for the attachment descriptor and the presence source; it connects only
  // when the configuration has a container attachment.
  const containers = new ContainerLookup({ socketPath: options.dockerSocket ?? '/var/run/docker.sock' });
  for (const d of linuxDescriptors(runner, { containers })) registry.register(d);
  if (options.log !== undefined && options.logFile !== undefined) throw new Error('linux backend: give log or logFile, not both');
  const logFile = options.logFile === undefined ? undefined : new TransactionLogFile(options.logFile);
  const log = logFile === undefined ? options.log : new TransactionLogWriter(logFile.sink);
  const engine = new TransactionEngine({ registry, ...(log === undefined ? {} : { log }) });
  const logger = options.logger?.child({ component: 'linux' });
  const timers = options.timers ?? systemTimers;
  const sources: PresenceSource[] = [
    ...(options.kernelPresence === false ? [] : [new KernelPresence({ runner, ...(logger === undefined ? {} : { logger }) })]),
    new DockerPresence({ containers, ...(logger === undefined ? {} : { logger }) }),
    ...(options.sources ?? []),
  ];
  let translation: TranslateResult | undefined;
  let timer: unknown;
  let closed = false;

  const applied = (result: TranslateResult): void => {
    translation = result;
    for (const s of sources) s.watch(result.items);
  };
  const applier = new LinuxApplier({
    engine, onApplied: applied, prepare: (context) => startupResync(context.before), ...(logger === undefined ? {} : { logger }),
  });

  const report = (what: string, outcome: TransactionOutcome): void => {
    if (outcome.ok) {
      if ((outcome.plan?.ops.length ?? 0) > 0) logger?.info({ engineTx: outcome.transactionId, ops: outcome.plan?.ops.length }, `linux ${what} applied`);
    } else {
      logger?.warn({ engineTx: outcome.transactionId, key: outcome.error?.key, err: outcome.error?.message }, `linux ${what} could not do everything`);
    }
  };

  const resyncWith = async (desired: readonly Item[] | undefined, reason: string, ownKeys?: Iterable<string>): Promise<TransactionOutcome> => {
    const outcome = await engine.resync(await engine.retrieve(['linux']), {
      ...(desired === undefined ? {} : { desired }),
      ...(ownKeys === undefined ? {} : { ownKeys }),
    });
    report(`resync (${reason})`, outcome);
    return outcome;
  };

  const resync = (reason: string): Promise<TransactionOutcome> => resyncWith(undefined, reason);
  const quietResync = (reason: string): void => {
    if (closed) return;
    resync(reason).catch((err: unknown) => logger?.error({ err }, `linux resync (${reason}) failed`));
  };

  const events: PresenceEvents = {
    appeared: (key) => {
      if (closed) return;
      engine.keyAppeared(key).then((o) => report(`event (${key} appeared)`, o))
        .catch((err: unknown) => logger?.error({ err, key }, 'linux event failed'));
    },
    disappeared: (key, stillGone) => {
      if (closed) return;
      engine.keyDisappeared(key, stillGone).then((o) => report(`event (${key} disappeared)`, o))
        .catch((err: unknown) => logger?.error({ err, key }, 'linux event failed'));
    },
    resync: quietResync,
  };

  const schedule = (): void => {
    const every = options.resyncIntervalMs ?? 0;
    if (every <= 0 || closed) return;
    timer = timers.setTimeout(() => {
      resync('periodic')
        .catch((err: unknown) => logger?.error({ err }, 'linux periodic resync failed'))
        .finally(schedule);
    }, every);
  };

  // The start-up resync runs once, before the first apply: a confirmed commit left pending by a
  // crash is reverted while the datastores load, before start(), and its apply must plan against
  // what the kernel holds, not against an empty engine.
  let synced: Promise<void> | undefined;
  const startupResync = (running: DataTree): Promise<void> => (synced ??= (async () => {
    const result = translateLinux(running);
    if (result.problems.length > 0) logger?.warn({ problems: result.problems }, 'running configuration has Linux problems');
    translation = result;
    try {
      let interrupted: InterruptedWork | undefined;
      if (logFile !== undefined && log !== undefined) {
        // Unreadable log: resync without claiming anything (never delete what may not be ours).
        interrupted = await readInterruptedWork(logFile.path)
          .catch((err: unknown) => void logger?.error({ err, file: logFile.path }, 'transaction log unreadable: interrupted transactions are not reconciled'));
        if (interrupted !== undefined && interrupted.transactions.length > 0) {
          logger?.warn({ transactions: interrupted.transactions.map((t) => t.id), keys: interrupted.ownKeys.length }, 'reconciling transactions a crash interrupted');
        }
      }
      const outcome = await resyncWith(result.items, 'start-up', interrupted?.ownKeys);
      if (outcome.ok && interrupted !== undefined && log !== undefined) await settleInterrupted(log, interrupted, outcome.transactionId);
    } catch (err) {
      logger?.error({ err }, 'linux start-up resync failed');
    }
  })());

  return {
    name: 'linux',
    runner,
    engine,
    applier,
    async start(running) {
      await startupResync(running);
      const items = translation?.items ?? [];
      for (const s of sources) {
        try {
          s.watch(items);
          await s.start(events);
        } catch (err) {
          logger?.error({ err, source: s.name }, 'a presence source could not start: pending items wait for the next resync');
        }
      }
      schedule();
    },
    resync,
    snapshot: () => engine.snapshot(),
    async dryRun(config) {
      const result = translateLinux(config);
      const [problem] = result.problems;
      if (problem !== undefined) return { ok: false, message: problem.message, path: problem.path };
      const r = await engine.dryRun(result.items);
      if (r.ok) return { ok: true, plan: r.plan, itemPath: (key) => itemPath(result, key) };
      const path = r.error.key === undefined ? undefined : itemPath(result, r.error.key);
      return { ok: false, message: r.error.message, ...(path === undefined ? {} : { path }) };
    },
    itemPath: (key) => (translation === undefined ? undefined : itemPath(translation, key)),
    async close() {
      closed = true;
      timers.clearTimeout(timer);
      await Promise.all(sources.map((s) => s.stop().catch((err: unknown) => logger?.warn({ err, source: s.name }, 'stopping a presence source failed'))));
      await engine.idle();
      await logFile?.close();
    },
  };
}
