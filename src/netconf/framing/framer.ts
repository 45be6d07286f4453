// Per-session framing state (RFC 6242 §4.1): every session starts with base:1.0 end-of-message
// framing for the hello exchange; if both peers announce base:1.1 the rest of the session
// is chunked. The switch must be exact to the byte: a client may send its hello and its first
// chunked <rpc> in one SSH packet. So the framer hands out the client's hello alone, holds
// whatever followed it, and decodes that only once the session has said which mode applies.

import { ChunkedDecoder, encodeChunked } from './chunked-framing.js';
import { EomDecoder, encodeEom } from './eom-framing.js';
import type { FeedResult, FramingError } from './framing-error.js';

/** Per-message limit when none is configured: large edit-configs (100k routes) fit comfortably. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

export interface FramerOptions {
  /** Largest inbound message in bytes (framing excluded). */
  maxMessageSize?: number;
  /** Largest chunk the encoder writes once chunked framing is in use. */
  maxChunkSize?: number;
}

/**
 * - `hello`: waiting for the peer's hello (EOM framing);
 * - `awaiting-mode`: the hello was handed out; input is held until useChunked() / useEom();
 * - `eom` / `chunked`: the negotiated framing for the rest of the session.
 */
export type FramerPhase = 'hello' | 'awaiting-mode' | 'eom' | 'chunked';

export class Framer {
  readonly #maxMessageSize: number;
  readonly #maxChunkSize: number | undefined;
  #phase: FramerPhase = 'hello';
  readonly #eom: EomDecoder;
  #chunked: ChunkedDecoder | undefined;
  /** Input that arrived after the hello while the mode is undecided. */
  #held: Buffer[] = [];
  #heldSize = 0;
  #error: FramingError | undefined;

  constructor(options: FramerOptions = {}) {
    this.#maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#maxChunkSize = options.maxChunkSize;
    this.#eom = new EomDecoder({ maxMessageSize: this.#maxMessageSize });
  }

  get phase(): FramerPhase {
    return this.#phase;
  }

  /** The framing error that ended this session's input, if any; further input is refused. */
  get error(): FramingError | undefined {
    return this.#error;
  }

  /**
   * Decode inbound bytes. Before the mode is known this yields at most the hello; bytes after
   * it are held and returned by useChunked() / useEom(). After an error, returns that error.
   */
  feed(data: Buffer): FeedResult {
    if (this.#error) return { messages: [], error: this.#error };
    switch (this.#phase) {
      case 'hello': {
        const { rest, ...result } = this.#eom.feed(data, 1);
        if (result.messages.length > 0) this.#phase = 'awaiting-mode';
        if (rest) this.#hold(rest);
        return this.#settle(result);
      }
      case 'awaiting-mode':
        this.#hold(data);
        return this.#settle({ messages: [] });
      case 'eom':
        return this.#settle(this.#eom.feed(data));
      case 'chunked':
        return this.#settle((this.#chunked as ChunkedDecoder).feed(data));
    }
  }

  /**
   * Both peers announced base:1.1: decode everything after the hello as chunked. Call it
   * synchronously after parsing the hello. Returns the messages already held.
   */
  useChunked(): FeedResult {
    if (this.#error) return { messages: [], error: this.#error };
    this.#requireAwaiting('useChunked');
    this.#chunked = new ChunkedDecoder({ maxMessageSize: this.#maxMessageSize, startOffset: this.#eom.offset });
    this.#phase = 'chunked';
    return this.#drainHeld();
  }

  /** base:1.1 was not announced by both peers: stay with end-of-message framing. */
  useEom(): FeedResult {
    if (this.#error) return { messages: [], error: this.#error };
    this.#requireAwaiting('useEom');
    this.#phase = 'eom';
    return this.#drainHeld();
  }

  /**
   * Frame an outbound message in the current mode. The server's own hello goes out before the
   * mode is decided and is therefore EOM-framed, as RFC 6242 requires.
   */
  encode(message: Buffer | string): Buffer {
    if (this.#phase === 'chunked') {
      return encodeChunked(message, this.#maxChunkSize === undefined ? {} : { maxChunkSize: this.#maxChunkSize });
    }
    return encodeEom(message);
  }

  #requireAwaiting(method: string): void {
    if (this.#phase !== 'awaiting-mode') {
      // A session bug, not a peer's fault: the mode is decided exactly once, after the hello.
      throw new Error(`Framer.${method}() called in phase '${this.#phase}', expected 'awaiting-mode'`);
    }
  }

  #hold(data: Buffer): void {
    if (data.length === 0) return;
    // Bound memory while the session decides; anything bigger than one message is not a hello reply.
    if (this.#heldSize + data.length > this.#maxMessageSize) {
      this.#error = {
        kind: 'message-too-large',
        message: `more than ${this.#maxMessageSize} bytes arrived before the framing mode was decided`,
        offset: this.#eom.offset + this.#maxMessageSize,
      };
      this.#held = [];
      return;
    }
    this.#held.push(data);
    this.#heldSize += data.length;
  }

  #drainHeld(): FeedResult {
    const held = this.#held.length === 1 ? (this.#held[0] as Buffer) : Buffer.concat(this.#held, this.#heldSize);
    this.#held = [];
    this.#heldSize = 0;
    if (held.length === 0) return { messages: [] };
    return this.feed(held);
  }

  /** Remember an error so that every later call reports it. */
  #settle(result: FeedResult): FeedResult {
    if (result.error) this.#error = result.error;
    else if (this.#error) return { ...result, error: this.#error };
    return result;
  }
}
