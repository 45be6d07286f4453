// The SSH edge of the NETCONF server (RFC 6242): ssh2 in server mode behind our own TCP listener.
// It authenticates users (decisions in Authenticator, delays from AuthThrottle), accepts only the
// `netconf` subsystem on session channels, enforces the session limit, and hands each subsystem
// channel to `onSession`. It knows nothing of NETCONF beyond the subsystem name.
//
// We own the net.Server and inject each socket into ssh2 (Server.injectSocket), so every socket has
// an 'error' listener from its first moment, unauthenticated connections can be bounded before any
// crypto runs, stalled logins time out, and close() can destroy what does not leave in time.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import ssh2, { type Algorithms, type AuthContext, type Connection, type ServerChannel, type Session } from 'ssh2';
import type { AuthThrottle } from './auth-throttle.js';
import { Authenticator, OFFERED_AUTH_METHODS, type AuthMethodName, type AuthRequest } from './authenticator.js';
import type { UserDirectory } from './user-store.js';

/**
 * Modern defaults first; aes*-ctr with hmac-sha2-256/512 (and their etm forms) stay enabled because
 * paramiko 2.12, and so ncclient and Ansible, has neither chacha20-poly1305 nor AES-GCM. SHA-1 is
 * dropped from MACs and host key signatures (ssh-rsa); RSA host keys sign with rsa-sha2-512/256.
 */
export const SSH_ALGORITHMS = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    // Not diffie-hellman-group-exchange-sha256: ssh2 1.17 lists it by default but its server side
    // is not implemented ("Group exchange not implemented for server"); a client choosing it fails.
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
    'diffie-hellman-group14-sha256',
  ],
  serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256'],
  cipher: [
    'chacha20-poly1305@openssh.com',
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'aes128-ctr',
    'aes192-ctr',
    'aes256-ctr',
  ],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
  compress: ['none', 'zlib@openssh.com'],
} as const satisfies Algorithms;

export interface SshSessionInfo {
  username: string;
  remoteAddress: string;
  remotePort: number;
  authMethod: AuthMethodName;
  /** The configured idle timeout: the session layer enforces it (it knows what "idle" means). */
  idleTimeoutMs: number | undefined;
  /** Ends the whole SSH connection this channel belongs to (idle timeout, kill-session). */
  disconnect(): void;
}

export interface SshServerOptions {
  host: string;
  /** 0 picks an ephemeral port (tests). */
  port: number;
  /** Private keys in a format ssh2 reads (HostKey from host-keys.ts fits). */
  hostKeys: readonly { privateKey: string | Buffer }[];
  users: UserDirectory;
  throttle: AuthThrottle;
  /** Concurrent NETCONF sessions (netconf subsystem channels) over all connections. */
  maxSessions: number;
  /** Passed to onSession; the transport itself never times sessions out. */
  idleTimeoutMs?: number;
  /** Connections that have not authenticated yet, at once (OpenSSH MaxStartups); default 10. */
  maxUnauthenticated?: number;
  /** Time to authenticate before the connection is dropped (OpenSSH LoginGraceTime); default 30 s. */
  loginGraceMs?: number;
  /** Refused authentication attempts per connection before it is dropped; default 10. */
  maxAuthTries?: number;
  /** SSH keepalive to detect dead peers; defaults 15 s and 3 (ssh2's). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Time close() gives clients to leave before their sockets are destroyed; default 1 s. */
  closeGraceMs?: number;
  /** The software version in the SSH identification string; default "vrouterd". */
  ident?: string;
  onSession: (channel: Duplex, info: SshSessionInfo) => void;
  logger: Logger;
}

export interface SshServerStats {
  /** Open TCP connections (authenticated or not). */
  connections: number;
  unauthenticatedConnections: number;
  /** Open netconf subsystem channels. */
  sessions: number;
  /** Totals since start. */
  acceptedConnections: number;
  /** Connections dropped because too many were unauthenticated. */
  refusedConnections: number;
  /** netconf subsystem requests turned away because maxSessions was reached. */
  refusedSessions: number;
}

export interface SshServerHandle {
  readonly host: string;
  /** The bound port (the ephemeral one when 0 was asked). */
  readonly port: number;
  stats(): SshServerStats;
  /** Stops listening, disconnects every client, resolves when all sockets are closed. */
  close(): Promise<void>;
}

interface Conn {
  id: number;
  socket: Socket;
  /** The key of byPeer (raw remote address and port, as ssh2 reports them). */
  peer: string;
  address: string;
  port: number;
  client?: Connection;
  authenticated: boolean;
  username?: string;
  authMethod?: AuthMethodName;
  refusedAttempts: number;
  timers: Set<NodeJS.Timeout>;
  sessions: Set<ServerChannel>;
  closed: boolean;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`, so IPv4 peers count the same on dual-stack listeners. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Calls a possibly absent ssh2 accept/reject (absent when the client wants no reply). */
function refuse(reject: (() => void) | undefined): void {
  reject?.();
}

const QUIET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED']);

export async function startSshServer(opts: SshServerOptions): Promise<SshServerHandle> {
  if (!Number.isInteger(opts.maxSessions) || opts.maxSessions < 1) throw new Error('maxSessions must be a positive integer');
  if (opts.hostKeys.length === 0) throw new Error('the SSH server needs at least one host key');
  const log = opts.logger.child({ component: 'ssh' });
  const maxUnauthenticated = opts.maxUnauthenticated ?? 10;
  const loginGraceMs = opts.loginGraceMs ?? 30_000;
  const maxAuthTries = opts.maxAuthTries ?? 10;
  const closeGraceMs = opts.closeGraceMs ?? 1000;
  const authenticator = new Authenticator(opts.users, opts.throttle);

  const conns = new Map<Socket, Conn>();
  /** ssh2 reports a connection by peer address and port; this finds our record for it. */
  const byPeer = new Map<string, Conn>();
  let nextId = 1;
  let activeSessions = 0;
  let closing = false;
  const totals = { acceptedConnections: 0, refusedConnections: 0, refusedSessions: 0 };

  const sshServer = new ssh2.Server({
    hostKeys: opts.hostKeys.map((k) => k.privateKey),
    algorithms: {
      kex: [...SSH_ALGORITHMS.kex],
      serverHostKey: [...SSH_ALGORITHMS.serverHostKey],
      cipher: [...SSH_ALGORITHMS.cipher],
      hmac: [...SSH_ALGORITHMS.hmac],
      compress: [...SSH_ALGORITHMS.compress],
    },
    ident: opts.ident ?? 'vrouterd',
    ...(opts.keepaliveIntervalMs === undefined ? {} : { keepaliveInterval: opts.keepaliveIntervalMs }),
    ...(opts.keepaliveCountMax === undefined ? {} : { keepaliveCountMax: opts.keepaliveCountMax }),
  });
  // ssh2's Server only re-emits errors of its internal listener, which never listens; be safe.
  sshServer.on('error', (err: Error) => log.error({ err }, 'ssh server error'));

  const peerKey = (address: string | undefined, port: number | undefined): string => `${address ?? ''}|${port ?? 0}`;

  function connLog(conn: Conn, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { conn: conn.id, address: conn.address, port: conn.port, ...(conn.username ? { user: conn.username } : {}), ...extra };
  }

  function logError(conn: Conn, err: Error & { code?: unknown; level?: unknown }, what: string): void {
    const quiet = typeof err.code === 'string' && QUIET_ERRORS.has(err.code);
    if (quiet || conn.closed || closing) log.debug(connLog(conn, { err: err.message, code: err.code }), `${what} (peer went away)`);
    else log.info(connLog(conn, { err: err.message, level: err.level }), what);
  }

  function later(conn: Conn, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      conn.timers.delete(timer);
      if (!conn.closed) fn();
    }, ms);
    conn.timers.add(timer);
  }

  function drop(conn: Conn, reason: string): void {
    if (conn.closed) return;
    log.info(connLog(conn, { reason }), 'ssh connection dropped');
    if (conn.client) {
      try {
        conn.client.end();
      } catch {
        // already gone
      }
      // A peer that does not answer the disconnect loses its socket shortly after.
      later(conn, closeGraceMs, () => conn.socket.destroy());
    } else {
      conn.socket.destroy();
    }
  }

  function onSocketClosed(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const t of conn.timers) clearTimeout(t);
    conn.timers.clear();
    conns.delete(conn.socket);
    if (byPeer.get(conn.peer) === conn) byPeer.delete(conn.peer);
    log.debug(connLog(conn), 'ssh connection closed');
  }

  function unauthenticatedCount(): number {
    let n = 0;
    for (const c of conns.values()) if (!c.authenticated) n++;
    return n;
  }

  async function onAuthentication(conn: Conn, ctx: AuthContext): Promise<void> {
    const request = toAuthRequest(ctx, conn.address);
    let decision;
    try {
      decision = await authenticator.decide(request);
    } catch (err) {
      log.error(connLog(conn, { err }), 'authentication check failed');
      decision = { outcome: 'reject', delayMs: 0, counted: false, reason: 'internal error' } as const;
    }
    if (conn.closed) return;
    const answer = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        log.debug(connLog(conn, { err: (err as Error).message }), 'authentication answer not delivered');
      }
    };
    switch (decision.outcome) {
      case 'accept':
        conn.authenticated = true;
        conn.username = ctx.username;
        conn.authMethod = decision.method;
        log.info(
          connLog(conn, {
            method: decision.method,
            ...(request.method === 'publickey' ? { keyAlgo: request.keyAlgo, hashAlgo: request.hashAlgo } : {}),
          }),
          'ssh user authenticated',
        );
        answer(() => ctx.accept());
        return;
      case 'key-ok':
        answer(() => ctx.accept());
        return;
      case 'reject': {
        if (request.method !== 'none') conn.refusedAttempts++;
        const fields = connLog(conn, { user: ctx.username, method: ctx.method, reason: decision.reason, delayMs: decision.delayMs });
        if (decision.counted) log.warn(fields, 'ssh authentication failed');
        else log.debug(fields, 'ssh authentication method refused');
        const finish = (): void => {
          answer(() => ctx.reject([...OFFERED_AUTH_METHODS]));
          if (conn.refusedAttempts >= maxAuthTries) drop(conn, `too many authentication attempts (${maxAuthTries})`);
        };
        if (decision.delayMs > 0) later(conn, decision.delayMs, finish);
        else finish();
        return;
      }
    }
  }

  function onSubsystem(conn: Conn, accept: () => ServerChannel | undefined, reject: (() => void) | undefined, name: string): void {
    if (name !== 'netconf') {
      log.info(connLog(conn, { subsystem: name }), 'refused subsystem (only netconf is served)');
      refuse(reject);
      return;
    }
    if (closing) {
      refuse(reject);
      return;
    }
    if (activeSessions >= opts.maxSessions) {
      totals.refusedSessions++;
      log.warn(connLog(conn, { maxSessions: opts.maxSessions }), 'refused NETCONF session: limit reached');
      // Accept, say why on stderr (shown by OpenSSH clients), exit 1 and close: a plain channel
      // failure would leave the user guessing.
      const channel = accept();
      if (!channel) return;
      channel.on('error', () => undefined);
      channel.stderr.on('error', () => undefined);
      channel.stderr.write(`vrouterd: too many NETCONF sessions (limit ${opts.maxSessions}); try again later\n`);
      channel.exit(1);
      channel.end();
      return;
    }
    const channel = accept();
    if (!channel) return;
    activeSessions++;
    conn.sessions.add(channel);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      activeSessions--;
      conn.sessions.delete(channel);
      log.info(connLog(conn, { sessions: activeSessions }), 'netconf channel closed');
    };
    channel.once('close', release);
    channel.on('error', (err: Error) => logError(conn, err, 'netconf channel error'));
    channel.stderr.on('error', () => undefined);
    log.info(connLog(conn, { sessions: activeSessions }), 'netconf channel opened');
    const info: SshSessionInfo = {
      username: conn.username ?? '',
      remoteAddress: conn.address,
      remotePort: conn.port,
      authMethod: conn.authMethod ?? 'password',
      idleTimeoutMs: opts.idleTimeoutMs,
      disconnect: () => drop(conn, 'disconnected by the session'),
    };
    try {
      opts.onSession(channel, info);
    } catch (err) {
      log.error(connLog(conn, { err }), 'session start failed');
      channel.destroy();
    }
  }

  function onSessionChannel(conn: Conn, session: Session): void {
    const refusedRequest = (what: string) => (_accept: unknown, reject: (() => void) | undefined) => {
      log.debug(connLog(conn, { request: what }), 'refused channel request');
      refuse(reject);
    };
    for (const what of ['env', 'pty', 'x11', 'auth-agent', 'signal', 'window-change', 'sftp'] as const) {
      session.on(what, refusedRequest(what));
    }
    session.on('shell', (_accept: unknown, reject: (() => void) | undefined) => {
      log.info(connLog(conn), 'refused shell (only the netconf subsystem is served)');
      refuse(reject);
    });
    session.on('exec', (_accept: unknown, reject: (() => void) | undefined, info: { command: string }) => {
      log.info(connLog(conn, { command: String(info.command).slice(0, 200) }), 'refused exec (only the netconf subsystem is served)');
      refuse(reject);
    });
    session.on(
      'subsystem',
      (accept: () => ServerChannel | undefined, reject: (() => void) | undefined, info: { name: string }) =>
        onSubsystem(conn, accept, reject, info.name),
    );
  }

  function onSshConnection(client: Connection, info: { ip: string; port: number; header?: { identRaw?: string } }): void {
    const conn = byPeer.get(peerKey(info.ip, info.port));
    if (!conn || conn.closed) {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    conn.client = client;
    client.on('error', (err: Error) => logError(conn, err, 'ssh connection error'));
    log.debug(connLog(conn, { client: info.header?.identRaw }), 'ssh client identified');
    client.on('handshake', (negotiated: unknown) => log.debug(connLog(conn, { negotiated }), 'ssh key exchange done'));
    client.on('authentication', (ctx: AuthContext) => {
      onAuthentication(conn, ctx).catch((err: unknown) => log.error(connLog(conn, { err }), 'authentication handler failed'));
    });
    client.on('ready', () => {
      client.on('session', (accept: () => Session | undefined, reject: (() => void) | undefined) => {
        if (closing) return refuse(reject);
        const session = accept();
        if (session) onSessionChannel(conn, session);
      });
    });
  }
  sshServer.on('connection', onSshConnection);

  const netServer: NetServer = createServer({ noDelay: true }, (socket) => {
    socket.on('error', (err: Error & { code?: string }) => {
      const conn = conns.get(socket);
      if (conn) logError(conn, err, 'ssh socket error');
    });
    if (closing || socket.remoteAddress === undefined) {
      socket.destroy();
      return;
    }
    const conn: Conn = {
      id: nextId++,
      socket,
      peer: peerKey(socket.remoteAddress, socket.remotePort),
      address: normalizeAddress(socket.remoteAddress),
      port: socket.remotePort ?? 0,
      authenticated: false,
      refusedAttempts: 0,
      timers: new Set(),
      sessions: new Set(),
      closed: false,
    };
    if (unauthenticatedCount() >= maxUnauthenticated) {
      totals.refusedConnections++;
      log.warn({ address: conn.address, port: conn.port, maxUnauthenticated }, 'ssh connection refused: too many unauthenticated connections');
      socket.destroy();
      return;
    }
    totals.acceptedConnections++;
    conns.set(socket, conn);
    byPeer.set(conn.peer, conn);
    socket.once('close', () => onSocketClosed(conn));
    later(conn, loginGraceMs, () => {
      if (!conn.authenticated) drop(conn, `not authenticated within ${loginGraceMs} ms`);
    });
    log.debug(connLog(conn), 'ssh connection accepted');
    sshServer.injectSocket(socket);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    netServer.once('error', onError);
    netServer.listen(opts.port, opts.host, () => {
      netServer.off('error', onError);
      resolve();
    });
  });
  netServer.on('error', (err: Error) => log.error({ err }, 'ssh listener error'));
  const bound = netServer.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : opts.port;
  log.info({ host: opts.host, port, maxSessions: opts.maxSessions }, 'ssh server listening');

  let closed: Promise<void> | undefined;
  return {
    host: opts.host,
    port,
    stats: () => ({
      connections: conns.size,
      unauthenticatedConnections: unauthenticatedCount(),
      sessions: activeSessions,
      ...totals,
    }),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        netServer.close(() => resolve());
        for (const conn of [...conns.values()]) drop(conn, 'server shutting down');
        const force = setTimeout(() => {
          for (const conn of [...conns.values()]) conn.socket.destroy();
        }, closeGraceMs);
        force.unref();
      }).then(() => log.info({ port }, 'ssh server closed'));
      return closed;
    },
  };
}

function toAuthRequest(ctx: AuthContext, address: string): AuthRequest {
  const base = { username: ctx.username, address };
  switch (ctx.method) {
    case 'password':
      return { ...base, method: 'password', password: ctx.password };
    case 'publickey':
      return {
        ...base,
        method: 'publickey',
        keyAlgo: ctx.key.algo,
        keyData: ctx.key.data,
        ...(ctx.signature === undefined ? {} : { signature: ctx.signature }),
        ...(ctx.blob === undefined ? {} : { blob: ctx.blob }),
        ...(ctx.hashAlgo === undefined ? {} : { hashAlgo: ctx.hashAlgo }),
      };
    case 'none':
      return { ...base, method: 'none' };
    default:
      return { ...base, method: 'other', name: ctx.method };
  }
}
