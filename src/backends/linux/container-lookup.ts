// Docker containers for the Linux backend's container attachment: find a container by name and the
// PID that gives its network namespace, and watch the engine's event stream so that a pending
// attachment is applied when its container starts.
//
// The network namespace of a running container is the one of its init process: iproute2 accepts
// both `ip link set X netns PID` and `ip link set X netns /proc/PID/ns/net` (both checked against a
// real engine); the PID form is what netnsTarget() returns, for `ip -batch` lines. The PID is in the
// PID namespace of dockerd, so vrouterd must share it (run on the host, or with --pid=host).
//
// Outcomes of a lookup:
//   - the container exists → { id, name, running, pid } (pid null unless it runs);
//   - no container has that name → undefined (the attachment stays pending);
//   - the engine cannot be reached, times out or answers with an error → a DockerEngineError that
//     names the socket (the caller reports it; the attachment is neither applied nor dropped).
//
// The event stream (watchContainers) delivers container start/die/destroy as triggers, not state:
// after every (re)connection the caller must look its containers up again ('connected' with
// resync: true), since events that happened while no stream was open are lost.
//
// All I/O goes through DockerApi (a structural subset of dockerode) and Timers, so the logic runs in
// unit tests against a fake client.

import { StringDecoder } from 'node:string_decoder';

import Docker from 'dockerode';

import { systemTimers, type Timers } from '../../datastore/confirmed-commit.js';

// ---- the subset of dockerode this module uses -----------------------------------------------------

/** The fields of GET /containers/NAME/json that the lookup reads. */
export interface InspectedContainer {
  Id: string;
  /** With Docker's leading slash: "/web". */
  Name: string;
  State: { Running: boolean; Pid: number; Status?: string };
}

export interface DockerEventsOptions {
  since?: number;
  filters?: { type?: 'container'[]; event?: string[] };
  abortSignal?: AbortSignal;
}

/** The fields of one GET /containers/json entry that runningNames reads. */
export interface ListedContainer {
  /** With Docker's leading slash: ["/web"]. */
  Names: string[];
}

/** What the module needs from a Docker client; dockerode's Docker satisfies it. */
export interface DockerApi {
  getContainer(id: string): { inspect(options?: { abortSignal?: AbortSignal }): Promise<InspectedContainer> };
  getEvents(options?: DockerEventsOptions): Promise<NodeJS.ReadableStream>;
  /** Running containers (GET /containers/json); optional: without it runningNames() answers undefined. */
  listContainers?(options?: { abortSignal?: AbortSignal }): Promise<ListedContainer[]>;
}

/** A dockerode client for the engine listening on a unix socket (no request timeout: the event
 * stream stays open; lookups carry their own). */
export function dockerodeClient(socketPath: string): DockerApi {
  return new Docker({ socketPath });
}

// ---- results and errors ---------------------------------------------------------------------------

export interface ContainerState {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  running: boolean;
  /** The PID of the container's init process (its network namespace), or null when it does not run. */
  pid: number | null;
}

export type DockerEngineErrorKind = 'unreachable' | 'timeout' | 'api';

/** The engine could not answer: the message names the socket and what went wrong. */
export class DockerEngineError extends Error {
  override readonly name = 'DockerEngineError';
  constructor(
    readonly kind: DockerEngineErrorKind,
    readonly socketPath: string,
    detail: string,
    /** errno code of a failed connection (ENOENT, ECONNREFUSED, EACCES...). */
    readonly code?: string,
    /** HTTP status of an API error. */
    readonly statusCode?: number,
  ) {
    super(
      kind === 'unreachable'
        ? `Docker engine unreachable at unix://${socketPath}: ${detail}`
        : kind === 'timeout'
          ? `Docker engine at unix://${socketPath} did not answer: ${detail}`
          : `Docker engine at unix://${socketPath} answered with an error: ${detail}`,
    );
  }
}

/** Docker's rule for container names (without the leading slash). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isValidContainerName(name: string): boolean {
  return CONTAINER_NAME.test(name) && name.length <= 255;
}

/** The argument of `ip link set X netns …` that moves X into the container's network namespace. */
export function netnsTarget(state: ContainerState): string | undefined {
  return state.pid === null ? undefined : String(state.pid);
}

/** The network namespace file of a running container. */
export function netnsPath(state: ContainerState): string | undefined {
  return state.pid === null ? undefined : `/proc/${state.pid}/ns/net`;
}

interface ErrorFields {
  message: string;
  code: string | undefined;
  statusCode: number | undefined;
  /** Docker's own error text (the JSON body of an API error). */
  dockerMessage: string | undefined;
  aborted: boolean;
}

function errorFields(err: unknown): ErrorFields {
  if (typeof err !== 'object' || err === null) {
    return { message: String(err), code: undefined, statusCode: undefined, dockerMessage: undefined, aborted: false };
  }
  const e = err as Record<string, unknown>;
  const json = e['json'];
  const jsonMessage = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['message'] : undefined;
  return {
    message: typeof e['message'] === 'string' ? e['message'] : 'request failed',
    code: typeof e['code'] === 'string' ? e['code'] : undefined,
    statusCode: typeof e['statusCode'] === 'number' ? e['statusCode'] : undefined,
    dockerMessage: typeof jsonMessage === 'string' ? jsonMessage : undefined,
    aborted: e['name'] === 'AbortError',
  };
}

/** A failed request as a DockerEngineError (an HTTP status means the engine answered). */
export function engineError(socketPath: string, err: unknown): DockerEngineError {
  if (err instanceof DockerEngineError) return err;
  const f = errorFields(err);
  if (f.statusCode !== undefined) {
    return new DockerEngineError('api', socketPath, `HTTP ${f.statusCode}: ${f.dockerMessage ?? f.message}`, f.code, f.statusCode);
  }
  if (f.aborted) return new DockerEngineError('timeout', socketPath, f.message, f.code);
  const hint = f.code === 'ENOENT' || f.code === 'ECONNREFUSED' ? ' (is dockerd running?)' : f.code === 'EACCES' ? ' (permission denied on the socket)' : '';
  return new DockerEngineError('unreachable', socketPath, `${f.message}${hint}`, f.code);
}

// ---- events ---------------------------------------------------------------------------------------

export type ContainerAction = 'start' | 'die' | 'destroy';
const ACTIONS: readonly ContainerAction[] = ['start', 'die', 'destroy'];

export type ContainerWatchEvent =
  | {
    type: 'container'; action: ContainerAction; id: string;
    /** Without the leading slash; '' when the engine did not say. */
    name: string;
    /** Seconds since the epoch, as the engine stamped it. */
    time: number;
    /** For 'die'. */
    exitCode?: number;
  }
  /** The stream is open; resync is true after a reconnection: look the containers up again. */
  | { type: 'connected'; resync: boolean }
  /** The stream could not be opened or ended; a reconnection follows after retryInMs. */
  | { type: 'disconnected'; error: string; retryInMs: number };

/** Parses one line of the /events stream; undefined for anything but a container start/die/destroy. */
export function parseContainerEvent(line: string): Extract<ContainerWatchEvent, { type: 'container' }> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const type = r['Type'] ?? 'container';
  const action = r['Action'] ?? r['status'];
  if (type !== 'container' || typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) return undefined;
  const actor = typeof r['Actor'] === 'object' && r['Actor'] !== null ? (r['Actor'] as Record<string, unknown>) : {};
  const attrs = typeof actor['Attributes'] === 'object' && actor['Attributes'] !== null ? (actor['Attributes'] as Record<string, unknown>) : {};
  const id = typeof actor['ID'] === 'string' ? actor['ID'] : typeof r['id'] === 'string' ? r['id'] : undefined;
  if (id === undefined || id === '') return undefined;
  const name = typeof attrs['name'] === 'string' ? attrs['name'].replace(/^\//, '') : '';
  const time = typeof r['time'] === 'number' ? r['time'] : 0;
  const event: Extract<ContainerWatchEvent, { type: 'container' }> = { type: 'container', action: action as ContainerAction, id, name, time };
  const exitCode = typeof attrs['exitCode'] === 'string' ? Number(attrs['exitCode']) : NaN;
  if (action === 'die' && Number.isInteger(exitCode)) event.exitCode = exitCode;
  return event;
}

export interface WatchOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface ContainerWatch {
  /** Closes the stream; no reconnection, no further events. */
  stop(): void;
}

// ---- the lookup -----------------------------------------------------------------------------------

export interface ContainerLookupOptions {
  /** The engine's unix socket, named in every error. */
  socketPath: string;
  /** Default: dockerode on socketPath. */
  client?: DockerApi;
  timers?: Timers;
  /** Clock in ms (the `since` of the event stream); default Date.now. */
  clock?: () => number;
  /** Per lookup; default 5000 ms. */
  timeoutMs?: number;
}

export class ContainerLookup {
  readonly socketPath: string;
  private readonly client: DockerApi;
  private readonly timers: Timers;
  private readonly clock: () => number;
  private readonly timeoutMs: number;

  constructor(options: ContainerLookupOptions) {
    this.socketPath = options.socketPath;
    this.client = options.client ?? dockerodeClient(options.socketPath);
    this.timers = options.timers ?? systemTimers;
    this.clock = options.clock ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** The container called `name`, undefined if there is none; rejects with DockerEngineError. */
  async lookup(name: string): Promise<ContainerState | undefined> {
    if (!isValidContainerName(name)) throw new RangeError(`invalid Docker container name: ${JSON.stringify(name)}`);
    const abort = new AbortController();
    let timer: unknown;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = this.timers.setTimeout(() => {
        reject(new DockerEngineError('timeout', this.socketPath, `no answer to the lookup of container ${name} within ${this.timeoutMs} ms`));
        abort.abort();
      }, this.timeoutMs);
    });
    let info: InspectedContainer;
    try {
      info = await Promise.race([this.client.getContainer(name).inspect({ abortSignal: abort.signal }), timeout]);
    } catch (err) {
      if (errorFields(err).statusCode === 404) return undefined;
      throw engineError(this.socketPath, err);
    } finally {
      this.timers.clearTimeout(timer);
    }
    const foundName = info.Name.replace(/^\//, '');
    // The engine also resolves an ID or an ID prefix: "cafe" may be another container's ID.
    if (foundName !== name) return undefined;
    const running = info.State.Running && info.State.Pid > 0;
    return { id: info.Id, name: foundName, running, pid: running ? info.State.Pid : null };
  }

  /**
   * The names (without the slash) of the containers running now, for a resync that must know which
   * containers are there before any event arrives; undefined when the client cannot list them.
   * Rejects with DockerEngineError.
   */
  async runningNames(): Promise<string[] | undefined> {
    if (this.client.listContainers === undefined) return undefined;
    const abort = new AbortController();
    let timer: unknown;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = this.timers.setTimeout(() => {
        reject(new DockerEngineError('timeout', this.socketPath, `no answer to the list of running containers within ${this.timeoutMs} ms`));
        abort.abort();
      }, this.timeoutMs);
    });
    try {
      const list = await Promise.race([this.client.listContainers({ abortSignal: abort.signal }), timeout]);
      // A legacy --link alias is listed as "/other/alias": not a name of this container.
      return list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')).filter((n) => !n.includes('/')));
    } catch (err) {
      throw engineError(this.socketPath, err);
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  /**
   * Follows container start/die/destroy on the engine's event stream, reconnecting with a doubling
   * backoff when the stream cannot be opened or ends. The stream asks for events since one second
   * before each connection, so a start in the moment the subscription is made is not lost (a
   * duplicate is harmless: events are triggers).
   */
  watchContainers(onEvent: (event: ContainerWatchEvent) => void, options: WatchOptions = {}): ContainerWatch {
    const initialBackoffMs = options.initialBackoffMs ?? 200;
    const maxBackoffMs = options.maxBackoffMs ?? 10_000;
    let backoffMs = initialBackoffMs;
    let stopped = false;
    let connections = 0;
    let generation = 0;
    let stream: NodeJS.ReadableStream | undefined;
    let retryTimer: unknown;
    let abort: AbortController | undefined;

    const close = (s: NodeJS.ReadableStream | undefined): void => {
      const destroy = (s as { destroy?: unknown } | undefined)?.destroy;
      if (typeof destroy === 'function') (destroy as (this: unknown) => void).call(s);
    };

    const retry = (gen: number, error: string): void => {
      if (stopped || gen !== generation) return;
      generation++;
      close(stream);
      stream = undefined;
      const wait = backoffMs;
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      onEvent({ type: 'disconnected', error, retryInMs: wait });
      retryTimer = this.timers.setTimeout(() => {
        retryTimer = undefined;
        connect();
      }, wait);
    };

    const connect = (): void => {
      if (stopped) return;
      const gen = generation;
      abort = new AbortController();
      const since = Math.floor(this.clock() / 1000) - 1;
      this.client
        .getEvents({ since, filters: { type: ['container'], event: [...ACTIONS] }, abortSignal: abort.signal })
        .then((s) => {
          if (stopped || gen !== generation) {
            close(s);
            return;
          }
          stream = s;
          const decode = new StringDecoder('utf8');
          let buffer = '';
          s.on('data', (chunk: Buffer | string) => {
            if (gen !== generation) return;
            buffer += typeof chunk === 'string' ? chunk : decode.write(chunk);
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (line === '') continue;
              const event = parseContainerEvent(line);
              if (event !== undefined && !stopped) onEvent(event);
            }
          });
          s.on('error', (err: unknown) => retry(gen, engineError(this.socketPath, err).message));
          s.on('end', () => retry(gen, `Docker engine at unix://${this.socketPath} closed the event stream`));
          s.on('close', () => retry(gen, `Docker engine at unix://${this.socketPath} closed the event stream`));
          backoffMs = initialBackoffMs;
          onEvent({ type: 'connected', resync: connections++ > 0 });
        })
        .catch((err: unknown) => retry(gen, engineError(this.socketPath, err).message));
    };

    connect();
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        generation++;
        if (retryTimer !== undefined) this.timers.clearTimeout(retryTimer);
        abort?.abort();
        close(stream);
        stream = undefined;
      },
    };
  }
}
