// The Docker engine as a presence source: reports docker/container/<name> present while the
// container runs, so that a container attachment (linux/container/<name>) is applied when its
// container starts and taken back to pending when it dies.
//
//   - watch(items): the container names the configuration needs (the docker/container/<name>
//     dependencies of its items). The event stream (ContainerLookup.watchContainers, which
//     reconnects with backoff by itself) is open only while there is at least one: a vrouterd
//     without container attachments never talks to Docker.
//   - On every (re)connection of the stream every watched container is looked up: running ones are
//     reported present, the others gone (events during a disconnection are lost). A name that
//     watch() adds while the stream is connected is looked up at once.
//   - start → looked up, then reported present; die / destroy → reported gone, confirmed in the
//     engine's queue by another lookup (stillGone).
//   - Restarts: a container that restarted has a new init process and so a new network namespace;
//     the pair made in the old one died with it. So "gone" means not running *or* running with
//     another PID than the one last reported present, captured when the die event arrives: a die
//     whose check runs after the quick restart of `docker restart` still takes the attachment back
//     to pending, and the start that follows re-applies it. A reconnection that finds a container
//     running with another PID reports it gone, then present, for the same reason.
//   - An engine that cannot be reached is logged (once per outage, then at debug level) and never
//     fails anything: the stream keeps retrying, and its reconnection looks everything up again.

import type { Logger } from 'pino';

import { splitKey, type Item } from '../../commit/item.js';
import type { ContainerLookup, ContainerState, ContainerWatch, ContainerWatchEvent, WatchOptions } from './container-lookup.js';
import type { PresenceEvents, PresenceSource } from './presence.js';
import { dockerContainerKey, translatedDependencies } from './translate-keys.js';

export interface DockerPresenceOptions {
  containers: ContainerLookup;
  logger?: Logger;
  /** Backoff of the event stream's reconnection (ContainerLookup.watchContainers). */
  watch?: WatchOptions;
}

/** The names of the Docker containers an item set needs (its docker/container/<name> dependencies). */
export function containerNamesOf(items: readonly Item[]): Set<string> {
  const out = new Set<string>();
  for (const item of items) {
    for (const d of translatedDependencies(item)) {
      const p = splitKey(d);
      if (p.length === 3 && p[0] === 'docker' && p[1] === 'container') out.add(p[2]!);
    }
  }
  return out;
}

export class DockerPresence implements PresenceSource {
  readonly name = 'docker';
  private readonly containers: ContainerLookup;
  private readonly logger: Logger | undefined;
  private readonly watchOptions: WatchOptions;
  private events: PresenceEvents | undefined;
  private wanted = new Set<string>();
  /** PID of each container last reported present. */
  private readonly pids = new Map<string, number>();
  private stream: ContainerWatch | undefined;
  private connected = false;
  /** Whether the current outage was logged at warn level already. */
  private outageLogged = false;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(options: DockerPresenceOptions) {
    this.containers = options.containers;
    this.logger = options.logger;
    this.watchOptions = options.watch ?? {};
  }

  start(events: PresenceEvents): Promise<void> {
    this.events = events;
    this.reconcileStream();
    return Promise.resolve();
  }

  watch(items: readonly Item[]): void {
    const next = containerNamesOf(items);
    const added = [...next].filter((n) => !this.wanted.has(n));
    for (const n of this.wanted) if (!next.has(n)) this.pids.delete(n);
    this.wanted = next;
    if (this.events === undefined || this.stopped) return;
    this.reconcileStream();
    // Not connected: the stream's 'connected' event looks every wanted name up.
    if (this.connected) for (const n of added) this.track(this.check(n));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.stop();
    this.stream = undefined;
    this.connected = false;
    await Promise.all([...this.inFlight]);
  }

  /** The stream is open while some container is wanted. */
  private reconcileStream(): void {
    if (this.stopped) return;
    if (this.wanted.size > 0 && this.stream === undefined) {
      this.stream = this.containers.watchContainers((e) => this.onStreamEvent(e), this.watchOptions);
    } else if (this.wanted.size === 0 && this.stream !== undefined) {
      this.stream.stop();
      this.stream = undefined;
      this.connected = false;
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private onStreamEvent(e: ContainerWatchEvent): void {
    if (this.stopped) return;
    switch (e.type) {
      case 'connected':
        this.connected = true;
        if (this.outageLogged) this.logger?.info({ socket: this.containers.socketPath }, 'Docker engine reachable again');
        this.outageLogged = false;
        for (const n of this.wanted) this.track(this.check(n));
        return;
      case 'disconnected':
        this.connected = false;
        if (!this.outageLogged) {
          this.outageLogged = true;
          this.logger?.warn({ err: e.error, retryInMs: e.retryInMs }, 'Docker event stream unavailable: container attachments wait; retrying');
        } else {
          this.logger?.debug({ err: e.error, retryInMs: e.retryInMs }, 'Docker event stream still unavailable');
        }
        return;
      case 'container':
        if (!this.wanted.has(e.name)) return;
        if (e.action === 'start') {
          this.track(this.check(e.name));
        } else {
          // The init process died: its namespace (and the pair in it) is gone unless a lookup in
          // the engine's queue finds the container running with the same PID.
          const pid = this.pids.get(e.name);
          this.pids.delete(e.name);
          this.events?.disappeared(dockerContainerKey(e.name), () => this.stillGone(e.name, pid));
        }
    }
  }

  /** Looks `name` up and reports what it finds. */
  private async check(name: string): Promise<void> {
    let state: ContainerState | undefined;
    try {
      state = await this.containers.lookup(name);
    } catch (err) {
      this.logger?.warn({ err, container: name }, 'Docker container lookup failed: the next reconnection looks it up again');
      return;
    }
    const events = this.events;
    if (this.stopped || events === undefined || !this.wanted.has(name)) return;
    const key = dockerContainerKey(name);
    const before = this.pids.get(name);
    if (state?.running === true && state.pid !== null) {
      if (before !== undefined && before !== state.pid) events.disappeared(key, () => this.stillGone(name, before));
      this.pids.set(name, state.pid);
      events.appeared(key);
      return;
    }
    this.pids.delete(name);
    events.disappeared(key, () => this.stillGone(name, before));
  }

  /** Gone: no such container, not running, or running with another PID than `pid` (when known). */
  private async stillGone(name: string, pid: number | undefined): Promise<boolean> {
    try {
      const state = await this.containers.lookup(name);
      return state === undefined || !state.running || (pid !== undefined && state.pid !== pid);
    } catch (err) {
      // A die or destroy came from the engine itself: trust it when the engine cannot confirm.
      this.logger?.debug({ err, container: name }, 'Docker container lookup failed while confirming it is gone');
      return true;
    }
  }
}
