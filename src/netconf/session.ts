// One NETCONF session over a byte stream (an SSH channel, or an in-memory pair in tests):
// framing, the hello exchange, strictly ordered RPC processing, replies, notifications, timers
// and the end of the session.
//
// - The server hello goes out at once; the client hello is parsed synchronously in the data
//   handler, so the switch to chunked framing happens before the bytes that follow it in the same
//   read are decoded (framer.useChunked()).
// - Messages are queued as bytes and parsed when their turn comes: the next RPC starts only after
//   the previous reply is written (awaiting 'drain'), whatever the handlers await. A large queue
//   pauses the stream.
// - A framing error (bad chunk header, message over the size limit) ends the session (RFC 6242
//   §4.2). A malformed message or a bad <rpc> gets an rpc-error and the session goes on.
// - The end of a session, whatever its cause, runs the host's end path once (locks released,
//   subscription removed, netconf-session-end published), then closes the stream.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { encodeXml } from '../datastore/xml-encoder.js';
import { Framer } from './framing/framer.js';
import type { FeedResult } from './framing/framing-error.js';
import { readClientHello } from './hello.js';
import type { NetconfStatistics } from './monitoring.js';
import type { CallingSession, NetconfServices, OperationContext, SessionCounters, TerminationReason } from './operations/context.js';
import { unsupportedOperation, type OperationRegistry, type RpcOutcome } from './operations/registry.js';
import { internalError, newCorrelationId, RpcErrorException, type RpcError } from './rpc-error.js';
import { parseMessage, type ParsedMessage, type RpcEnvelope } from './xml/message-parser.js';
import { NETCONF_BASE_NS } from './xml/namespaces.js';
import { OK_BODY, renderErrorsBody, renderReply } from './xml/reply.js';

/** What a session needs from the server that owns it. */
export interface SessionHost {
  readonly operations: OperationRegistry;
  readonly services: NetconfServices;
  /** Totals since start (RFC 6022 statistics); the session adds to them. */
  readonly totals: NetconfStatistics;
  readonly logger: Logger;
  /** The server <hello> for this session id. */
  serverHello(sessionId: number): string;
  /** The hello exchange succeeded (netconf-session-start). */
  established(session: Session): void;
  /** The session ended: release what it held, publish netconf-session-end. Awaited by kill-session. */
  ended(session: Session, reason: TerminationReason, killedBy: number | undefined): Promise<void>;
}

export interface SessionOptions {
  id: number;
  stream: Duplex;
  host: SessionHost;
  username: string;
  sourceHost?: string;
  /** ietf-netconf-monitoring transport identity; default 'netconf-ssh'. */
  transport?: string;
  /** Largest inbound message (bytes); default from the host settings. */
  maxMessageSize?: number;
  /** No RPC for this long ends the session (0 = never); default from the host settings. */
  idleTimeoutMs?: number;
  /** Time the client has to send its hello; default 60 s. */
  helloTimeoutMs?: number;
  /** After a graceful end, time before the stream is destroyed; default 2 s. */
  closeGraceMs?: number;
}

type State = 'hello' | 'established' | 'ending' | 'ended';

/** Reasons that count as dropped-sessions (RFC 6022: not close-session, not kill-session). */
const DROPPED: ReadonlySet<TerminationReason> = new Set(['dropped', 'timeout', 'other']);

export class Session implements CallingSession {
  readonly id: number;
  readonly username: string;
  readonly sourceHost: string;
  readonly transport: string;
  readonly loginTime = new Date();
  baseVersion: '1.0' | '1.1' | undefined;
  clientCapabilities: readonly string[] = [];
  readonly counters: SessionCounters = { inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 };

  private state: State = 'hello';
  private readonly stream: Duplex;
  private readonly host: SessionHost;
  private readonly framer: Framer;
  private readonly maxQueuedBytes: number;
  private readonly idleTimeoutMs: number;
  private readonly closeGraceMs: number;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private paused = false;
  private running = false;
  private peerEnded = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private ending: Promise<void> | undefined;
  private resolveEnded: () => void = () => undefined;
  private readonly endedPromise = new Promise<void>((resolve) => { this.resolveEnded = resolve; });
  private readonly log: Logger;

  constructor(private readonly options: SessionOptions) {
    this.id = options.id;
    this.username = options.username;
    this.sourceHost = options.sourceHost ?? '';
    this.transport = options.transport ?? 'netconf-ssh';
    this.stream = options.stream;
    this.host = options.host;
    const settings = options.host.services.settings;
    const maxMessageSize = options.maxMessageSize ?? settings.maxMessageSize;
    this.framer = new Framer({ maxMessageSize });
    this.maxQueuedBytes = Math.max(maxMessageSize, 1 << 20);
    this.idleTimeoutMs = options.idleTimeoutMs ?? settings.idleTimeoutMs;
    this.closeGraceMs = options.closeGraceMs ?? 2000;
    this.log = options.host.logger.child({ session: this.id, user: this.username });
  }

  /** 'hello' until the hello exchange is done, then 'established', 'ending', 'ended'. */
  get phase(): State {
    return this.state;
  }

  /** Resolves when the session has ended (its end path ran). */
  get ended(): Promise<void> {
    return this.endedPromise;
  }

  /** Sends the server hello and starts reading. */
  start(): void {
    const s = this.stream;
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('end', () => this.onPeerEnd());
    s.on('close', () => void this.terminate('dropped'));
    s.on('error', (err: Error & { code?: string }) => {
      // ECONNRESET and friends after close-session are normal; anything else is worth a line.
      this.log.debug({ err: err.message, code: err.code }, 'session stream error');
      void this.terminate('dropped');
    });
    this.host.totals.inSessions++;
    this.writeNow(this.host.serverHello(this.id));
    this.log.info({ address: this.sourceHost }, 'netconf session opened, server hello sent');
    this.arm(this.options.helloTimeoutMs ?? 60_000, () => {
      this.log.info('no client hello in time');
      void this.terminate('timeout');
    });
  }

  // ---- CallingSession / NotificationTarget -----------------------------------------------------

  close(): Promise<void> {
    return this.terminate('closed');
  }

  deliverNotification(message: string): void {
    if (this.state !== 'established') return;
    this.writeNow(message);
    this.counters.outNotifications++;
    this.host.totals.outNotifications++;
  }

  /** Ends the session for `reason`; idempotent, resolves when the end path has run. */
  terminate(reason: TerminationReason, killedBy?: number): Promise<void> {
    if (this.ending !== undefined) return this.ending;
    this.ending = this.endedPromise;
    const wasEstablished = this.state === 'established';
    this.state = 'ending';
    this.disarm();
    this.abort.abort();
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (DROPPED.has(reason)) this.host.totals.droppedSessions++;
    this.closeStream();
    this.log.info({ reason, ...(killedBy === undefined ? {} : { killedBy }), established: wasEstablished, ...this.counters }, 'netconf session ended');
    void this.host.ended(this, reason, killedBy)
      .catch((err: unknown) => this.log.error({ err }, 'session end hooks failed'))
      .finally(() => {
        this.state = 'ended';
        this.resolveEnded();
      });
    return this.ending;
  }

  // ---- input -----------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'ending' || this.state === 'ended') return;
    try {
      this.accept(this.framer.feed(chunk));
    } catch (err) {
      // A bug in this session's input path must not become an uncaught exception of the process.
      this.log.error({ err, ref: newCorrelationId() }, 'session input handling failed; ending the session');
      void this.terminate('other');
    }
  }

  private accept(result: FeedResult): void {
    for (const message of result.messages) {
      if (this.state === 'hello') this.onHello(message);
      else if (this.state === 'established') this.enqueue(message);
    }
    if (result.error !== undefined && this.state !== 'ending' && this.state !== 'ended') {
      this.log.warn({ kind: result.error.kind, offset: result.error.offset }, `framing error: ${result.error.message}`);
      void this.terminate('other');
    }
  }

  private onHello(message: Buffer): void {
    this.disarm();
    const parsed = parseMessage(message, { expect: 'hello' });
    const check = parsed.kind === 'hello' ? readClientHello(parsed.hello) : { ok: false as const, reason: badHelloReason(parsed) };
    if (!check.ok) {
      this.host.totals.inBadHellos++;
      this.log.warn({ reason: check.reason }, 'bad client hello');
      void this.terminate('bad-hello');
      return;
    }
    this.baseVersion = check.hello.version;
    this.clientCapabilities = check.hello.capabilities;
    this.state = 'established';
    // Synchronously, before any byte after the hello is decoded (RFC 6242 §4.1).
    const held = check.hello.version === '1.1' ? this.framer.useChunked() : this.framer.useEom();
    this.log.info({ version: check.hello.version }, 'netconf session established');
    this.host.established(this);
    this.armIdle();
    this.accept(held);
  }

  private onPeerEnd(): void {
    this.peerEnded = true;
    // Requests already received are still answered; the session ends once they are.
    if (this.state === 'hello' || (!this.running && this.queue.length === 0)) void this.terminate('dropped');
  }

  private enqueue(message: Buffer): void {
    this.queue.push(message);
    this.queuedBytes += message.length;
    if (!this.paused && this.queuedBytes > this.maxQueuedBytes) {
      this.paused = true;
      this.stream.pause();
    }
    this.disarm();
    if (!this.running) {
      this.pump().catch((err: unknown) => this.log.error({ err }, 'session request loop failed'));
    }
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.state === 'established' && this.queue.length > 0) {
        const message = this.queue.shift() as Buffer;
        this.queuedBytes -= message.length;
        if (this.paused && this.queuedBytes <= this.maxQueuedBytes / 2) {
          this.paused = false;
          this.stream.resume();
        }
        await this.process(message);
      }
    } finally {
      this.running = false;
    }
    if (this.state !== 'established') return;
    if (this.peerEnded) void this.terminate('dropped');
    else this.armIdle();
  }

  // ---- one request -----------------------------------------------------------------------------

  private async process(message: Buffer): Promise<void> {
    let parsed: ParsedMessage;
    try {
      parsed = parseMessage(message, { expect: 'rpc', lookup: this.host.operations.lookup, schema: this.host.services.schema });
    } catch (err) {
      // A sink factory threw: a bug, not the client's fault.
      this.countBad();
      await this.reply(undefined, { kind: 'errors', errors: [this.unexpected(err, this.log)] });
      return;
    }
    switch (parsed.kind) {
      case 'malformed':
        this.countBad();
        this.log.info({ reason: parsed.message }, 'malformed message');
        await this.reply(parsed.envelope, { kind: 'errors', errors: [this.malformedError(parsed.message)] });
        return;
      case 'bad-rpc':
        this.countBad();
        this.log.info({ reason: parsed.errors[0].message }, 'bad rpc');
        await this.reply(parsed.envelope, { kind: 'errors', errors: parsed.errors });
        return;
      case 'rpc': {
        this.counters.inRpcs++;
        this.host.totals.inRpcs++;
        const outcome = await this.run(parsed);
        await this.reply(parsed.envelope, outcome);
        if (outcome.afterReply !== undefined && this.state === 'established') {
          try {
            await outcome.afterReply();
          } catch (err) {
            this.log.error({ err }, 'after-reply step failed');
          }
        }
        return;
      }
      case 'hello': case 'bad-hello':
        return; // not produced when expecting an rpc
    }
  }

  private async run(parsed: Extract<ParsedMessage, { kind: 'rpc' }>): Promise<RpcOutcome> {
    const op = parsed.operation;
    const services = this.host.services;
    const def = parsed.known ? this.host.operations.get(op.namespace, op.name) : undefined;
    if (def === undefined) return { kind: 'errors', errors: [unsupportedOperation(services.schema, op)] };
    const log = this.log.child({ messageId: parsed.envelope.messageId.slice(0, 64), op: def.name });
    const ctx: OperationContext = { session: this, server: services, log, signal: this.abort.signal };
    const started = performance.now();
    try {
      const outcome = await def.handler({ messageId: parsed.envelope.messageId, operation: op }, ctx);
      log.debug({ ms: Math.round(performance.now() - started), outcome: outcome.kind }, 'rpc done');
      return outcome;
    } catch (err) {
      if (err instanceof RpcErrorException) return { kind: 'errors', errors: err.errors };
      return { kind: 'errors', errors: [this.unexpected(err, log)] };
    }
  }

  private async reply(envelope: RpcEnvelope | undefined, outcome: RpcOutcome): Promise<void> {
    if (this.state !== 'established') return; // killed or dropped meanwhile: nobody to answer
    let body: string;
    let isError = outcome.kind === 'errors';
    try {
      body = this.renderBody(outcome);
    } catch (err) {
      body = renderErrorsBody([this.unexpected(err, this.log)]);
      isError = true;
    }
    if (isError) {
      this.counters.outRpcErrors++;
      this.host.totals.outRpcErrors++;
    }
    await this.write(renderReply(envelope, body));
  }

  private renderBody(outcome: RpcOutcome): string {
    const schema = this.host.services.schema;
    switch (outcome.kind) {
      case 'ok': return OK_BODY;
      case 'data': return `<data>${encodeXml(schema, outcome.tree, { ...outcome.encode, defaultNamespace: NETCONF_BASE_NS })}</data>`;
      case 'output': return encodeXml(schema, outcome.tree, { defaultNamespace: NETCONF_BASE_NS });
      case 'xml': return outcome.xml;
      case 'errors': return renderErrorsBody(outcome.errors);
    }
  }

  /** RFC 6241 §4.3: malformed-message is new in base:1.1 and is not sent to base:1.0 clients. */
  private malformedError(message: string): RpcError {
    return this.baseVersion === '1.1'
      ? { type: 'rpc', tag: 'malformed-message', message }
      : { type: 'rpc', tag: 'operation-failed', message };
  }

  private unexpected(err: unknown, log: Logger): RpcError {
    const ref = newCorrelationId();
    log.error({ err, ref }, 'unexpected exception while handling a request');
    return internalError(ref);
  }

  private countBad(): void {
    this.counters.inBadRpcs++;
    this.host.totals.inBadRpcs++;
  }

  // ---- output ----------------------------------------------------------------------------------

  /** Frames and writes one message; false when the stream's buffer is full. */
  private writeNow(message: string): boolean {
    const s = this.stream;
    if (s.destroyed || !s.writable) return true;
    return s.write(this.framer.encode(message));
  }

  /** Writes one message and waits until the stream has taken it (or is gone). */
  private async write(message: string): Promise<void> {
    if (this.writeNow(message)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.abort.signal.addEventListener('abort', done);
    });
  }

  private closeStream(): void {
    const s = this.stream;
    if (s.destroyed) return;
    // end() flushes what is already written (close-session's <ok/>) before closing.
    if (s.writable) s.end();
    const force = setTimeout(() => s.destroy(), this.closeGraceMs);
    force.unref();
    s.once('close', () => clearTimeout(force));
  }

  // ---- timers ----------------------------------------------------------------------------------

  private arm(ms: number, fire: () => void): void {
    this.disarm();
    if (ms <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fire();
    }, ms);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The idle timeout runs while nothing is queued; a session with a subscription waits by design. */
  private armIdle(): void {
    if (this.host.services.notifications.isSubscribed(this.id)) {
      this.disarm();
      return;
    }
    this.arm(this.idleTimeoutMs, () => {
      this.log.info({ idleTimeoutMs: this.idleTimeoutMs }, 'idle timeout');
      void this.terminate('timeout');
    });
  }
}

function badHelloReason(parsed: ParsedMessage): string {
  if (parsed.kind === 'bad-hello') return parsed.message;
  return 'not a <hello>';
}
