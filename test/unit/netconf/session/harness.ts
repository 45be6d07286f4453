// Test harness for the NETCONF session layer without SSH: an in-memory stream pair, a NetconfCore
// over the real YANG module set, and a small raw-protocol client that frames what it sends and
// de-frames what it receives (with the project's own Framer, as a client would).
import { Duplex } from 'node:stream';
import pino, { type Logger } from 'pino';
import { SaxesParser } from 'saxes';
import { encodeChunked } from '../../../../src/netconf/framing/chunked-framing.js';
import { encodeEom } from '../../../../src/netconf/framing/eom-framing.js';
import { Framer } from '../../../../src/netconf/framing/framer.js';
import { NetconfCore, loadYang, type OpenSessionInfo } from '../../../../src/netconf/server.js';
import type { Session } from '../../../../src/netconf/session.js';
import type { NetconfSettings } from '../../../../src/netconf/operations/context.js';
import type { OperationDefinition } from '../../../../src/netconf/operations/registry.js';
import { OPERATIONS } from '../../../../src/netconf/operations/index.js';
import { XmlElement } from '../../../../src/netconf/xml/element.js';
import type { YangContext } from '../../../../src/validation/libyang.js';

export const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const BASE10 = 'urn:ietf:params:netconf:base:1.0';
export const BASE11 = 'urn:ietf:params:netconf:base:1.1';

/** One end of an in-memory byte pipe; what one end writes, the other reads. */
class PipeEnd extends Duplex {
  peer: PipeEnd | undefined;
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.peer !== undefined && !this.peer.destroyed) this.peer.push(chunk);
    cb();
  }
  override _final(cb: (err?: Error | null) => void): void {
    if (this.peer !== undefined && !this.peer.destroyed) this.peer.push(null);
    cb();
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const p = this.peer;
    if (p !== undefined && !p.destroyed && !p.readableEnded) p.push(null);
    cb(err);
  }
}

export function duplexPair(): [Duplex, Duplex] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

let yangPromise: Promise<YangContext> | undefined;
/** One YANG context for the whole test run (60 ms to build, read-only afterwards). */
export function sharedYang(): Promise<YangContext> {
  yangPromise ??= loadYang();
  return yangPromise;
}

export interface LogCapture {
  logger: Logger;
  lines: Record<string, unknown>[];
}

export function captureLogs(level: pino.LevelWithSilent = 'debug'): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

export const DEFAULT_SETTINGS: NetconfSettings = { writableRunning: false, maxMessageSize: 1 << 20, idleTimeoutMs: 0 };

export async function makeCore(opts: { settings?: Partial<NetconfSettings>; operations?: readonly OperationDefinition[]; logs?: LogCapture } = {}): Promise<NetconfCore> {
  return new NetconfCore({
    yang: await sharedYang(),
    settings: { ...DEFAULT_SETTINGS, ...opts.settings },
    logger: (opts.logs ?? captureLogs('silent')).logger,
    operations: opts.operations ?? OPERATIONS,
  });
}

/** Parses a whole XML document into the light element tree (for assertions). */
export function parseXml(text: string): XmlElement {
  const p = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  p.on('opentag', (tag) => {
    const el = new XmlElement(tag, stack[stack.length - 1] ?? null);
    stack[stack.length - 1]?.nodes.push(el);
    root ??= el;
    stack.push(el);
  });
  p.on('text', (t) => stack[stack.length - 1]?.nodes.push(t));
  p.on('closetag', () => stack.pop());
  p.write(text).close();
  if (root === undefined) throw new Error('no root element');
  return root;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw-protocol NETCONF client on one end of a pipe. */
export class RawClient {
  readonly messages: string[] = [];
  readonly framer = new Framer();
  ended = false;
  framingMode: 'eom' | 'chunked' = 'eom';
  private waiters: (() => void)[] = [];

  constructor(readonly stream: Duplex, readonly session: Session) {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => {
      this.ended = true;
      stream.end();
      this.wake();
    });
    stream.on('error', () => undefined);
  }

  private helloSent = false;

  private onData(chunk: Buffer): void {
    const r = this.framer.feed(chunk);
    for (const m of r.messages) this.messages.push(m.toString('utf8'));
    this.decideMode();
    this.wake();
  }

  /** Once both hellos are known (the server always announces base:1.1), the client's own announcement decides. */
  private decideMode(): void {
    if (!this.helloSent || this.framer.phase !== 'awaiting-mode') return;
    const held = this.framingMode === 'chunked' ? this.framer.useChunked() : this.framer.useEom();
    for (const m of held.messages) this.messages.push(m.toString('utf8'));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `cond` holds (checked on every message and at the end), or fails after `ms`. */
  async until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got:\n${this.messages.join('\n---\n')}`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), sleep(50)]);
    }
  }

  /** The server's hello (the first message). */
  async serverHello(): Promise<XmlElement> {
    await this.until('server hello', () => this.messages.length > 0);
    return parseXml(this.messages[0] as string);
  }

  write(bytes: string | Buffer): void {
    this.stream.write(bytes);
  }

  /** Frames a message in the current mode. */
  frame(xml: string): Buffer {
    return this.framingMode === 'chunked' ? encodeChunked(xml) : encodeEom(xml);
  }

  helloXml(version: '1.0' | '1.1' = '1.1'): string {
    const caps = version === '1.1' ? `<capability>${BASE10}</capability><capability>${BASE11}</capability>` : `<capability>${BASE10}</capability>`;
    return `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${BASE_NS}"><capabilities>${caps}</capabilities></hello>`;
  }

  /** Sends the client hello (EOM-framed) and switches this client's framing accordingly. */
  sendHello(version: '1.0' | '1.1' = '1.1'): void {
    this.sendHelloWith(version);
  }

  /** Sends the hello and already framed bytes in one write (a client that does not wait). */
  sendHelloWith(version: '1.0' | '1.1', ...more: Buffer[]): void {
    this.write(Buffer.concat([encodeEom(this.helloXml(version)), ...more]));
    this.framingMode = version === '1.1' ? 'chunked' : 'eom';
    this.helloSent = true;
    this.decideMode();
  }

  /** Sends `<rpc message-id=id>body</rpc>` framed. */
  sendRpc(id: string, body: string): void {
    this.write(this.frame(`<rpc xmlns="${BASE_NS}" message-id="${id}">${body}</rpc>`));
  }

  /** The reply with this message-id (waits for it). */
  async reply(id: string, ms = 5000): Promise<XmlElement> {
    let found: XmlElement | undefined;
    await this.until(`reply ${id}`, () => {
      for (const m of this.messages) {
        if (!m.includes('rpc-reply')) continue;
        const el = parseXml(m);
        if (el.name === 'rpc-reply' && el.attribute('message-id') === id) {
          found = el;
          return true;
        }
      }
      return false;
    }, ms);
    return found as XmlElement;
  }

  /** Replies (and other messages) after the hello, parsed. */
  parsed(): XmlElement[] {
    return this.messages.slice(1).map(parseXml);
  }

  async rpc(id: string, body: string): Promise<XmlElement> {
    this.sendRpc(id, body);
    return this.reply(id);
  }
}

/** Opens a session on a fresh pipe and returns the raw client for it. */
export function connect(core: NetconfCore, info: Partial<OpenSessionInfo> = {}): RawClient {
  const [server, client] = duplexPair();
  const session = core.openSession(server, { username: 'alice', sourceHost: '192.0.2.10', ...info });
  return new RawClient(client, session);
}

/** Connects and completes the hello exchange. */
export async function established(core: NetconfCore, version: '1.0' | '1.1' = '1.1', info: Partial<OpenSessionInfo> = {}): Promise<RawClient> {
  const c = connect(core, info);
  await c.serverHello();
  c.sendHello(version);
  await c.until('session established', () => c.session.phase === 'established');
  return c;
}

/** The rpc-errors of a reply, as { tag, type, message, info } objects. */
export function rpcErrors(reply: XmlElement): { tag: string; type: string; message: string; appTag?: string; info: Record<string, string>; path?: string }[] {
  return reply.childrenNamed(BASE_NS, 'rpc-error').map((e) => {
    const info: Record<string, string> = {};
    for (const c of e.child(BASE_NS, 'error-info')?.children ?? []) info[c.name] = c.text;
    const appTag = e.child(BASE_NS, 'error-app-tag')?.text;
    const path = e.child(BASE_NS, 'error-path')?.text;
    return {
      tag: e.child(BASE_NS, 'error-tag')?.text ?? '',
      type: e.child(BASE_NS, 'error-type')?.text ?? '',
      message: e.child(BASE_NS, 'error-message')?.text ?? '',
      info,
      ...(appTag === undefined ? {} : { appTag }),
      ...(path === undefined ? {} : { path }),
    };
  });
}

export function isOk(reply: XmlElement): boolean {
  return reply.child(BASE_NS, 'ok') !== undefined && reply.child(BASE_NS, 'rpc-error') === undefined;
}
