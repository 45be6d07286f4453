// Everything a running agent's NETCONF side is made of, wired together:
// - NetconfCore: YANG context + schema, operation table, notification bus, session registry
//   (ids, kill, end hooks), statistics and monitoring data. No sockets: tests drive it with an
//   in-memory stream pair, the SSH server hands it channels.
// - startServer(): the core plus host keys, the user store, the throttle and the SSH listener.
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Backend } from '../backends/backend.js';
import { createLinuxBackend } from '../backends/linux/linux-backend.js';
import type { DataTree } from '../datastore/data-tree.js';
import { YangContext, type ModuleRequest } from '../validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../validation/module-search-path.js';
import { Schema } from '../validation/schema.js';
import { serverCapabilities } from './capabilities.js';
import { bindConfigNotifications } from './config-notifications.js';
import { createDatastoreServices, datastoreDirectory, type DatastoreServices } from './datastore-services.js';
import { renderServerHello } from './hello.js';
import { netconfStateTree, newStatistics, type DatastoreState, type MonitoringSources, type NetconfStatistics } from './monitoring.js';
import { NotificationBus, sessionEndEvent, sessionStartEvent } from './notifications.js';
import type { NetconfServices, NetconfSettings, SessionDirectory, SessionInfo, TerminationReason } from './operations/context.js';
import { OPERATIONS } from './operations/index.js';
import { OperationRegistry, type OperationDefinition } from './operations/registry.js';
import { Session, type SessionHost } from './session.js';
import { AuthThrottle } from './transport/auth-throttle.js';
import { loadOrCreateHostKeys, type HostKeyType } from './transport/host-keys.js';
import { startSshServer, type SshServerHandle } from './transport/ssh-server.js';
import { UserStore } from './transport/user-store.js';

/** Runs when a session ends (release its locks, roll back an unconfirmed commit ...). */
export type SessionEndHook = (session: SessionInfo, reason: TerminationReason, killedBy: number | undefined) => void | Promise<void>;

export interface CoreOptions {
  yang: YangContext;
  settings: NetconfSettings;
  logger: Logger;
  /** Default: every operation of operations/index.ts. */
  operations?: readonly OperationDefinition[];
  /** Announce YANG 1.1 modules in the hello too (see capabilities.ts). */
  advertiseYang11Modules?: boolean;
  /**
   * The datastore layer (createDatastoreServices). The core registers its session-end hook
   * (locks released, then an unconfirmed commit reverted) and its monitoring view (locks).
   */
  datastore?: DatastoreServices;
  /** The backends behind the commit (engine-state in <get>, dry-run, resync). */
  backends?: readonly Backend[];
}

export interface OpenSessionInfo {
  username: string;
  sourceHost?: string;
  transport?: string;
  idleTimeoutMs?: number;
  helloTimeoutMs?: number;
}

const MAX_SESSION_ID = 4294967295;

export class NetconfCore implements SessionHost, SessionDirectory {
  readonly schema: Schema;
  readonly operations: OperationRegistry;
  readonly notifications: NotificationBus;
  readonly totals: NetconfStatistics = newStatistics();
  readonly capabilities: readonly string[];
  readonly services: NetconfServices;
  readonly logger: Logger;
  private readonly sessions = new Map<number, Session>();
  private readonly endHooks: SessionEndHook[] = [];
  private datastoreState: (() => readonly DatastoreState[]) | undefined;
  private nextId = 1;

  constructor(private readonly options: CoreOptions) {
    this.logger = options.logger.child({ component: 'netconf' });
    // One Schema for the datastores and the codecs: data nodes refer to its schema nodes.
    this.schema = options.datastore?.datastores.schema ?? new Schema(options.yang.exportSchema());
    this.operations = new OperationRegistry(options.operations ?? OPERATIONS);
    this.notifications = new NotificationBus((err, target) => this.logger.error({ err, session: target }, 'notification delivery failed'));
    const library = options.yang.yangLibrary();
    this.capabilities = serverCapabilities(this.schema.modules, {
      writableRunning: options.settings.writableRunning,
      moduleSetId: library.rfc7895['ietf-yang-library:modules-state']['module-set-id'],
      contentId: library.contentId,
      ...(options.advertiseYang11Modules === undefined ? {} : { advertiseYang11Modules: options.advertiseYang11Modules }),
    });
    this.services = {
      yang: options.yang,
      schema: this.schema,
      sessions: this,
      notifications: this.notifications,
      capabilities: this.capabilities,
      settings: { ...options.settings },
      netconfState: () => this.netconfState(),
      startTime: this.totals.netconfStartTime,
      ...(options.datastore === undefined ? {} : { datastore: options.datastore }),
      backends: options.backends ?? [],
    };
    const datastore = options.datastore;
    if (datastore !== undefined) {
      this.onSessionEnd((session) => datastore.sessionEnded(session.id));
      this.setDatastoreStateProvider(() => datastore.monitoringState());
    }
  }

  // ---- sessions --------------------------------------------------------------------------------

  /** Starts a NETCONF session on a byte stream (an SSH channel); sends the server hello. */
  openSession(stream: Duplex, info: OpenSessionInfo): Session {
    const session = new Session({
      id: this.allocateId(),
      stream,
      host: this,
      username: info.username,
      ...(info.sourceHost === undefined ? {} : { sourceHost: info.sourceHost }),
      ...(info.transport === undefined ? {} : { transport: info.transport }),
      ...(info.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: info.idleTimeoutMs }),
      ...(info.helloTimeoutMs === undefined ? {} : { helloTimeoutMs: info.helloTimeoutMs }),
    });
    this.sessions.set(session.id, session);
    session.start();
    return session;
  }

  /** Registers a hook run (in registration order, awaited) whenever a session ends. */
  onSessionEnd(hook: SessionEndHook): void {
    this.endHooks.push(hook);
  }

  get(id: number): Session | undefined {
    return this.sessions.get(id);
  }

  list(): Session[] {
    return [...this.sessions.values()].sort((a, b) => a.id - b.id);
  }

  kill(id: number, by: number): Promise<void> {
    const target = this.sessions.get(id);
    return target === undefined ? Promise.resolve() : target.terminate('killed', by);
  }

  /** Ends every session (server shutdown) and waits for their end paths. */
  async closeAll(reason: TerminationReason = 'other'): Promise<void> {
    await Promise.all(this.list().map((s) => s.terminate(reason)));
  }

  private allocateId(): number {
    for (let tries = 0; tries < MAX_SESSION_ID; tries++) {
      const id = this.nextId;
      this.nextId = id >= MAX_SESSION_ID ? 1 : id + 1;
      if (!this.sessions.has(id)) return id;
    }
    throw new Error('no free NETCONF session id');
  }

  // ---- SessionHost -----------------------------------------------------------------------------

  serverHello(sessionId: number): string {
    return renderServerHello(this.capabilities, sessionId);
  }

  established(session: Session): void {
    this.notifications.publish(sessionStartEvent(session));
  }

  async ended(session: Session, reason: TerminationReason, killedBy: number | undefined): Promise<void> {
    this.sessions.delete(session.id);
    this.notifications.unsubscribe(session.id);
    for (const hook of this.endHooks) {
      try {
        await hook(session, reason, killedBy);
      } catch (err) {
        this.logger.error({ err, session: session.id }, 'session end hook failed');
      }
    }
    // A session that never finished its hello had no session-start; bad-hello still says why it ended.
    if (session.baseVersion !== undefined || reason === 'bad-hello') {
      this.notifications.publish(sessionEndEvent(session, reason, killedBy));
    }
  }

  // ---- monitoring ------------------------------------------------------------------------------

  /** Plugs in the datastores / locks view of /netconf-state (the locks module). */
  setDatastoreStateProvider(provider: () => readonly DatastoreState[]): void {
    this.datastoreState = provider;
  }

  monitoringSources(): MonitoringSources {
    return {
      capabilities: this.capabilities,
      modules: this.schema.modules,
      sessions: () => this.list().filter((s) => s.baseVersion !== undefined),
      statistics: this.totals,
      ...(this.datastoreState === undefined ? {} : { datastores: this.datastoreState }),
    };
  }

  /** /ietf-netconf-monitoring:netconf-state as a state data tree, built now. */
  netconfState(): DataTree {
    return netconfStateTree(this.schema, this.monitoringSources());
  }
}

// ---- the YANG module set ------------------------------------------------------------------------

/** vrouterd's own modules, loaded after the standard ones. */
export const AGENT_MODULES: readonly ModuleRequest[] = Object.freeze([{ name: 'vrouter-agent' }, { name: 'vrouter-linux' }]);

/** "name" or "name@revision", as --module takes it. */
export function parseModuleSpec(spec: string): ModuleRequest {
  const at = spec.indexOf('@');
  if (at < 0) return { name: spec };
  return { name: spec.slice(0, at), revision: spec.slice(at + 1) };
}

/** The served module set: standard modules, the agent's, then `extra` (--module). */
export function loadYang(options: { searchDirs?: readonly string[]; extraDirs?: readonly string[]; modules?: readonly ModuleRequest[] } = {}): Promise<YangContext> {
  const searchDirs = [...(options.extraDirs ?? []), ...(options.searchDirs ?? defaultSearchDirs())];
  return YangContext.create({ searchDirs, modules: [...STANDARD_MODULES, ...AGENT_MODULES, ...(options.modules ?? [])] });
}

// ---- the running server -------------------------------------------------------------------------

export interface ServerConfig {
  address: string;
  /** 0 = an ephemeral port (tests). */
  port: number;
  /** Host keys and the user file live here. */
  stateDir: string;
  settings: NetconfSettings;
  maxSessions: number;
  logger: Logger;
  yang: YangContext;
  /** Default: `<stateDir>/users.json`. */
  users?: UserStore;
  /** Default: ed25519, ecdsa and rsa (RSA-3072 takes seconds to generate the first time). */
  hostKeyTypes?: readonly HostKeyType[];
  operations?: readonly OperationDefinition[];
  /** Commits kept for rollback (vrouter-agent commit-history/max-entries; default 50). */
  historyMaxEntries?: number;
  /** Default: created over `<stateDir>/datastores` (and closed with the server). */
  datastore?: DatastoreServices;
  /**
   * Drive the Linux kernel (iproute2) from commits: the vrouter-linux / ietf-interfaces /
   * ietf-routing configuration becomes namespaces, links, addresses and routes. Default true;
   * false (--no-linux) commits configuration without touching the kernel. Ignored when
   * `datastore` is given (its appliers are the caller's).
   */
  linux?: boolean;
  /** Period of the automatic backend resync (vrouter-agent agent/resync/interval); 0: none. */
  resyncIntervalSeconds?: number;
  /** The Docker engine's socket for container attachments; default /var/run/docker.sock. */
  dockerSocket?: string;
}

export interface ServerHandle {
  readonly core: NetconfCore;
  readonly users: UserStore;
  readonly ssh: SshServerHandle;
  readonly port: number;
  /** Ends every session, stops listening; resolves when all is closed. Idempotent. */
  close(): Promise<void>;
}

/** The users file inside a state directory. */
export function usersFile(stateDir: string): string {
  return join(stateDir, 'users.json');
}

export async function startServer(config: ServerConfig): Promise<ServerHandle> {
  const logger = config.logger;
  const ownDatastore = config.datastore === undefined;
  // The commit pipeline is built before the core and its notification bus: bind late.
  const notify = bindConfigNotifications();
  const linux = config.linux === false ? undefined : createLinuxBackend({
    logger,
    resyncIntervalMs: (config.resyncIntervalSeconds ?? 0) * 1000,
    // The sink creates the directory (owner-only) when it first opens the file.
    logFile: join(config.stateDir, 'transactions', 'linux.jsonl'),
    ...(config.dockerSocket === undefined ? {} : { dockerSocket: config.dockerSocket }),
  });
  if (linux === undefined) logger.info('the Linux backend is disabled: commits do not change the kernel');
  const datastore = config.datastore ?? (await createDatastoreServices({
    schema: new Schema(config.yang.exportSchema()),
    yang: config.yang,
    directory: datastoreDirectory(config.stateDir),
    settings: {
      writableRunning: config.settings.writableRunning,
      ...(config.historyMaxEntries === undefined ? {} : { historyMaxEntries: config.historyMaxEntries }),
    },
    logger,
    ...(linux === undefined ? {} : { appliers: [linux.applier] }),
    onConfigChange: notify.onConfigChange,
    onConfirmedCommitEvent: notify.onConfirmedCommitEvent,
  }));
  // Before any session can commit: the engine learns what the kernel already holds.
  const backends: Backend[] = linux === undefined || config.datastore !== undefined ? [] : [linux];
  for (const b of backends) await b.start(datastore.datastores.running);
  try {
    return await listen(config, datastore, ownDatastore, notify, backends);
  } catch (err) {
    await Promise.all(backends.map((b) => b.close()));
    if (ownDatastore) await datastore.close();
    throw err;
  }
}

async function listen(config: ServerConfig, datastore: DatastoreServices, ownDatastore: boolean,
  notify: ReturnType<typeof bindConfigNotifications>, backends: readonly Backend[]): Promise<ServerHandle> {
  const logger = config.logger;
  const core = new NetconfCore({
    yang: config.yang,
    settings: config.settings,
    logger,
    datastore,
    backends,
    ...(config.operations === undefined ? {} : { operations: config.operations }),
  });
  notify.attach(core.notifications, core.schema, core);
  const hostKeys = await loadOrCreateHostKeys(config.stateDir, config.hostKeyTypes === undefined ? {} : { types: config.hostKeyTypes });
  for (const k of hostKeys) {
    if (k.created) logger.info({ type: k.type, fingerprint: k.fingerprint }, 'generated a new SSH host key');
  }
  const users = config.users ?? (await UserStore.open(usersFile(config.stateDir)));
  const idle = config.settings.idleTimeoutMs;
  const ssh = await startSshServer({
    host: config.address,
    port: config.port,
    hostKeys,
    users,
    throttle: new AuthThrottle(),
    maxSessions: config.maxSessions,
    ...(idle > 0 ? { idleTimeoutMs: idle } : {}),
    logger,
    onSession: (channel, info) => {
      core.openSession(channel, {
        username: info.username,
        sourceHost: info.remoteAddress,
        idleTimeoutMs: info.idleTimeoutMs ?? 0,
      });
    },
  });
  logger.info({ address: config.address, port: ssh.port, capabilities: core.capabilities.length, users: users.size }, 'NETCONF server ready');
  let closing: Promise<void> | undefined;
  return {
    core,
    users,
    ssh,
    port: ssh.port,
    close: () => {
      closing ??= (async () => {
        await core.closeAll('other');
        await ssh.close();
        await Promise.all(backends.map((b) => b.close()));
        if (ownDatastore) await datastore.close();
      })();
      return closing;
    },
  };
}
