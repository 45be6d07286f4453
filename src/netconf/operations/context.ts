// What an operation handler sees besides its request: the calling session, the server's
// services, a logger and an abort signal. The datastore layer (datastores, locks, commit) is
// NetconfServices.datastore, created in server.ts (startServer) or by the caller of NetconfCore.
import type { Logger } from 'pino';
import type { Backend } from '../../backends/backend.js';
import type { DataTree } from '../../datastore/data-tree.js';
import type { Schema } from '../../validation/schema.js';
import type { YangContext } from '../../validation/libyang.js';
import type { DatastoreServices } from '../datastore-services.js';
import type { NotificationBus, NotificationTarget } from '../notifications.js';

/** RFC 6022 per-session counters. */
export interface SessionCounters {
  inRpcs: number;
  inBadRpcs: number;
  outRpcErrors: number;
  outNotifications: number;
}

/** A session as monitoring, kill-session and the end hooks see it. */
export interface SessionInfo {
  /** NETCONF session-id (1..2^32-1). */
  readonly id: number;
  readonly username: string;
  /** The peer's address ('' when the transport has none). */
  readonly sourceHost: string;
  /** ietf-netconf-monitoring transport identity, e.g. 'netconf-ssh'. */
  readonly transport: string;
  readonly loginTime: Date;
  /** Set once the hello exchange is done. */
  readonly baseVersion: '1.0' | '1.1' | undefined;
  readonly clientCapabilities: readonly string[];
  readonly counters: Readonly<SessionCounters>;
}

/** The session an operation runs in. */
export interface CallingSession extends SessionInfo, NotificationTarget {
  /**
   * Ends this session gracefully (close-session): requests queued behind the current one are
   * ignored, the end hooks run (locks released), the transport closes. Call it after the reply
   * is written, i.e. from RpcOutcome.afterReply.
   */
  close(): Promise<void>;
}

/** Why a session ended (RFC 6470 termination-reason). */
export type TerminationReason = 'closed' | 'killed' | 'dropped' | 'timeout' | 'bad-hello' | 'other';

export interface SessionDirectory {
  get(id: number): SessionInfo | undefined;
  /** Every open session (hello phase included), by increasing id. */
  list(): SessionInfo[];
  /** Ends session `id` as killed by session `by`; resolves once its end hooks ran (locks released). */
  kill(id: number, by: number): Promise<void>;
}

/** Agent settings the NETCONF layer uses (from the vrouter-agent module's agent/netconf container). */
export interface NetconfSettings {
  /** Advertise :writable-running (edits to running go through the commit path). */
  writableRunning: boolean;
  /** Largest inbound message, bytes. */
  maxMessageSize: number;
  /** Idle timeout in ms; 0 = none. */
  idleTimeoutMs: number;
}

/** Everything an operation may use of the running server. */
export interface NetconfServices {
  readonly yang: YangContext;
  readonly schema: Schema;
  readonly sessions: SessionDirectory;
  readonly notifications: NotificationBus;
  /** The capabilities in the server's <hello>. */
  readonly capabilities: readonly string[];
  readonly settings: Readonly<NetconfSettings>;
  /** /ietf-netconf-monitoring:netconf-state as a state data tree, built from the live objects now (for <get>). */
  netconfState(): DataTree;
  /**
   * Running / candidate / startup, locks, commit pipeline, confirmed commit, history
   * (datastore-services.ts). Absent only in a core built without datastores (some unit tests):
   * the datastore operations then answer operation-not-supported (requireDatastore).
   */
  readonly datastore?: DatastoreServices;
  /** When this agent process started (vrouter-agent:agent-state/start-time). */
  readonly startTime: Date;
  /** The backends behind the commit (engine-state, dry-run, resync); empty without any. */
  readonly backends: readonly Backend[];
}

export interface OperationContext {
  readonly session: CallingSession;
  readonly server: NetconfServices;
  /** Carries the session id, message-id and operation name on every line. */
  readonly log: Logger;
  /** Aborted when the session ends while the operation runs (kill-session, transport loss). */
  readonly signal: AbortSignal;
}
