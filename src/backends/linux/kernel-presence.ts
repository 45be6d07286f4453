// The kernel as a presence source: which namespaces and which links exist, watched so that an item
// waiting for them is applied (or taken back to pending) as soon as they change.
//
//   - Namespaces: /run/netns (where `ip netns add` mounts them) is watched with fs.watch; on any
//     change the list is read again and compared with the last one. A new name reports
//     linux/netns/<name>; a vanished one reports it gone (checked again in the engine's queue).
//   - Links: one `ip -n NS -o -ts monitor` (LinkMonitor) per namespace the configuration mentions
//     and that exists. A new link reports linux/<ns>/device/<name>; a deleted one reports both
//     that key and the link item's key gone, each confirmed by `ip link show` in the engine's queue
//     (so a link vrouterd created and someone deleted is re-created: drift repair as it happens).
//   - Address and route events are not presence: nothing waits for them. Drift of those is
//     repaired by resync (on request and periodic).
//   - A monitor that restarted missed events: it asks for a resync.
//
// fs.watch, the monitors, the namespace listing and the timers are injected (unit tests drive them by hand).

import { mkdirSync, watch as fsWatch } from 'node:fs';
import type { Logger } from 'pino';

import { splitKey, type Item } from '../../commit/item.js';
import { systemTimers, type Timers } from '../../datastore/confirmed-commit.js';
import { systemSpawn, type IpRunner, type SpawnFn } from './ip-runner.js';
import { LinkMonitor, type LinkMonitorEvent } from './link-monitor.js';
import type { PresenceEvents, PresenceSource } from './presence.js';
import { deviceKey, LINUX_BACKEND, linkItemKey, namespaceOfPart, netnsKey, translatedDependencies } from './translate-keys.js';

/** A started watcher (a LinkMonitor, an fs watcher). */
export interface Stoppable {
  stop(): Promise<void> | void;
}

/** What the source needs of the ip runner. */
export type PresenceRunner = Pick<IpRunner, 'listNamespaces' | 'namespaceExists' | 'run'>;

export interface KernelPresenceOptions {
  runner: PresenceRunner;
  logger?: Logger;
  /** Where named namespaces live; default /run/netns. */
  netnsDir?: string;
  /** Calls `onChange` whenever something in `dir` changes. Default: fs.watch. */
  watchDir?: (dir: string, onChange: () => void) => Stoppable;
  /** Starts a link monitor for a namespace (null: the default one). Default: LinkMonitor. */
  startMonitor?: (namespace: string | null, onEvent: (event: LinkMonitorEvent) => void) => Stoppable;
  /** Coalesces bursts of directory events (ms); default 20. */
  settleMs?: number;
  timers?: Timers;
}

/** The namespaces an item set mentions: undefined stands for the default namespace. */
export function namespacesOf(items: readonly Item[]): Set<string | undefined> {
  const out = new Set<string | undefined>();
  const add = (key: string): void => {
    const p = splitKey(key);
    if (p[0] !== LINUX_BACKEND || p.length < 3) return;
    if (p[1] === 'netns') out.add(p[2]);
    else if (p[1] !== 'container') out.add(namespaceOfPart(p[1]!));
  };
  for (const item of items) {
    add(item.key);
    for (const d of translatedDependencies(item)) add(d);
  }
  return out;
}

/**
 * An `ip monitor` child holds its namespace open, so one orphaned by a crashed vrouterd would keep
 * a deleted namespace (and its veth ends) alive: setpriv (util-linux) makes the kernel kill the
 * child when vrouterd dies, however it dies.
 */
export const monitorSpawn: SpawnFn = (command, args, options) =>
  systemSpawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], options);

function defaultWatchDir(dir: string, onChange: () => void): Stoppable {
  // `ip netns add` creates the directory too; making it first lets the watch start before that.
  mkdirSync(dir, { recursive: true });
  const w = fsWatch(dir, { persistent: false }, onChange);
  return { stop: () => w.close() };
}

export class KernelPresence implements PresenceSource {
  readonly name = 'kernel';
  private readonly runner: PresenceRunner;
  private readonly logger: Logger | undefined;
  private readonly netnsDir: string;
  private readonly watchDir: (dir: string, onChange: () => void) => Stoppable;
  private readonly startMonitor: (namespace: string | null, onEvent: (event: LinkMonitorEvent) => void) => Stoppable;
  private readonly settleMs: number;
  private readonly timers: Timers;
  private events: PresenceEvents | undefined;
  private dirWatch: Stoppable | undefined;
  private wanted = new Set<string | undefined>();
  /** Named namespaces seen at the last listing. */
  private existing = new Set<string>();
  private readonly monitors = new Map<string | undefined, Stoppable>();
  private settleTimer: unknown;
  private listing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: KernelPresenceOptions) {
    this.runner = options.runner;
    this.logger = options.logger;
    this.netnsDir = options.netnsDir ?? '/run/netns';
    this.watchDir = options.watchDir ?? defaultWatchDir;
    this.startMonitor = options.startMonitor ?? ((namespace, onEvent): Stoppable => {
      const m = new LinkMonitor({ namespace, onEvent, spawn: monitorSpawn });
      m.start();
      return m;
    });
    this.settleMs = options.settleMs ?? 20;
    this.timers = options.timers ?? systemTimers;
  }

  async start(events: PresenceEvents): Promise<void> {
    this.events = events;
    this.dirWatch = this.watchDir(this.netnsDir, () => this.namespacesChanged());
    this.existing = new Set((await this.runner.listNamespaces()).map((n) => n.name));
    this.reconcileMonitors();
  }

  watch(items: readonly Item[]): void {
    this.wanted = namespacesOf(items);
    if (this.events !== undefined) this.reconcileMonitors();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.settleTimer !== undefined) this.timers.clearTimeout(this.settleTimer);
    await this.dirWatch?.stop();
    await Promise.all([...this.monitors.values()].map((m) => Promise.resolve(m.stop())));
    this.monitors.clear();
    await this.listing;
  }

  /** Monitors run for the wanted namespaces that exist, and only for those. */
  private reconcileMonitors(): void {
    if (this.stopped) return;
    for (const [ns, m] of [...this.monitors]) {
      if (!this.wanted.has(ns) || (ns !== undefined && !this.existing.has(ns))) {
        this.monitors.delete(ns);
        void Promise.resolve(m.stop());
      }
    }
    for (const ns of this.wanted) {
      if (this.monitors.has(ns) || (ns !== undefined && !this.existing.has(ns))) continue;
      this.monitors.set(ns, this.startMonitor(ns ?? null, (e) => this.monitorEvent(ns, e)));
    }
  }

  private namespacesChanged(): void {
    if (this.stopped || this.settleTimer !== undefined) return;
    this.settleTimer = this.timers.setTimeout(() => {
      this.settleTimer = undefined;
      this.listing = this.listing.then(() => this.relist());
    }, this.settleMs);
  }

  private async relist(): Promise<void> {
    if (this.stopped || this.events === undefined) return;
    let now: Set<string>;
    try {
      now = new Set((await this.runner.listNamespaces()).map((n) => n.name));
    } catch (err) {
      this.logger?.warn({ err }, 'listing the network namespaces failed');
      return;
    }
    const before = this.existing;
    this.existing = now;
    for (const name of now) {
      if (!before.has(name)) this.events.appeared(netnsKey(name));
    }
    for (const name of before) {
      if (!now.has(name)) this.events.disappeared(netnsKey(name), async () => !(await this.runner.namespaceExists(name)));
    }
    this.reconcileMonitors();
  }

  private monitorEvent(ns: string | undefined, e: LinkMonitorEvent): void {
    const events = this.events;
    if (this.stopped || events === undefined) return;
    switch (e.type) {
      case 'started':
        if (e.resync) events.resync(`link monitor of ${ns ?? 'the default namespace'} restarted`);
        return;
      case 'exited':
        this.logger?.warn({ namespace: ns, code: e.code, signal: e.signal, stderr: e.stderr, err: e.error }, 'link monitor exited');
        return;
      case 'change': {
        const { kind, action, name } = e.event;
        if (kind !== 'link' || name === undefined) return;
        if (action === 'new') {
          events.appeared(deviceKey(ns, name));
          return;
        }
        const gone = (): Promise<boolean> => this.linkGone(ns, name);
        events.disappeared(deviceKey(ns, name), gone);
        events.disappeared(linkItemKey(ns, name), gone);
      }
    }
  }

  private async linkGone(ns: string | undefined, name: string): Promise<boolean> {
    const r = await this.runner.run([...(ns === undefined ? [] : ['-n', ns]), 'link', 'show', 'dev', name]);
    // A namespace that is gone has no links either.
    return r.exitCode !== 0 && !r.timedOut && r.spawnError === undefined;
  }
}
