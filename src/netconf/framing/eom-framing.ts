// NETCONF base:1.0 end-of-message framing (RFC 6242 §4.3): each message is followed by
// the six bytes `]]>]]>`. Used for the hello exchange and for the whole session when either
// peer lacks base:1.1. Pure byte code: no sockets, no timers, no text decoding.

import type { FeedResult, FramingError } from './framing-error.js';

/** The end-of-message delimiter. */
export const EOM_DELIMITER: Buffer = Buffer.from(']]>]]>', 'latin1');
const DELIM_LEN = EOM_DELIMITER.length;
/** At most this many trailing bytes of buffered data can be the start of a split delimiter. */
const TAIL_LEN = DELIM_LEN - 1;

export interface EomDecoderOptions {
  /** Largest message body (delimiter excluded) in bytes; default unlimited. */
  maxMessageSize?: number;
  /** Stream offset of the first byte this decoder will see (for error offsets). */
  startOffset?: number;
}

export interface EomFeedResult extends FeedResult {
  /**
   * Set when feed() stopped early because `maxMessages` messages were produced: the bytes of
   * the chunk after the last delimiter, not consumed and not buffered. Lets the framer decode
   * them in another mode (the switch to chunked framing right after the hello).
   */
  rest?: Buffer;
}

/** Length of the longest suffix of `tail` that is a proper prefix of the delimiter. */
function partialDelimiterLength(tail: Buffer): number {
  for (let k = Math.min(TAIL_LEN, tail.length); k > 0; k--) {
    if (tail.compare(EOM_DELIMITER, 0, k, tail.length - k) === 0) return k;
  }
  return 0;
}

/**
 * Streaming decoder. Buffers the current message as a list of slices of the fed chunks and
 * concatenates once per message, so a large message costs O(n). Each chunk is scanned once
 * with the native indexOf; only a few bytes around chunk boundaries are looked at twice.
 */
export class EomDecoder {
  readonly #maxMessageSize: number;
  /** Slices of the current, unfinished message. */
  #parts: Buffer[] = [];
  #size = 0;
  /** Last (up to 5) bytes of the current message, to find a delimiter split across chunks. */
  #tail: Buffer = Buffer.alloc(0);
  /** Stream offset of the next byte to be fed. */
  #offset: number;
  #error: FramingError | undefined;

  constructor(options: EomDecoderOptions = {}) {
    this.#maxMessageSize = options.maxMessageSize ?? Infinity;
    this.#offset = options.startOffset ?? 0;
  }

  /** Stream offset of the next byte to be fed (after an early stop: of the first `rest` byte). */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes of an unfinished message currently held. */
  get bufferedBytes(): number {
    return this.#size;
  }

  /** The framing error that stopped this decoder, if any. */
  get error(): FramingError | undefined {
    return this.#error;
  }

  /**
   * Decode a chunk of any size. Returns every message completed by it; with `maxMessages`
   * stops after that many and returns the unconsumed remainder in `rest`.
   */
  feed(chunk: Buffer, maxMessages = Infinity): EomFeedResult {
    const messages: Buffer[] = [];
    if (this.#error) return { messages, error: this.#error };
    let pos = 0;
    while (pos < chunk.length) {
      if (messages.length >= maxMessages) {
        return { messages, rest: chunk.subarray(pos) };
      }
      const seg = chunk.subarray(pos);
      // A delimiter that starts in earlier data: search the old tail plus a few new bytes.
      if (this.#tail.length > 0) {
        const probe = Buffer.concat([this.#tail, seg.subarray(0, TAIL_LEN)]);
        const at = probe.indexOf(EOM_DELIMITER);
        if (at >= 0 && at < this.#tail.length) {
          const consumed = at + DELIM_LEN - this.#tail.length;
          // The delimiter's first bytes are already in #parts: cut them off.
          const length = this.#size - (this.#tail.length - at);
          if (length > this.#maxMessageSize) {
            this.#fail(this.#tooLarge(this.#offset - (this.#size - this.#maxMessageSize)));
            break;
          }
          messages.push(this.#finish(length));
          pos += consumed;
          this.#offset += consumed;
          continue;
        }
      }
      const at = seg.indexOf(EOM_DELIMITER);
      if (at >= 0) {
        if (!this.#append(seg.subarray(0, at), false)) break;
        messages.push(this.#finish(this.#size));
        pos += at + DELIM_LEN;
        this.#offset += DELIM_LEN; // #append counted the body
      } else {
        if (!this.#append(seg, true)) break;
        pos = chunk.length;
      }
    }
    return this.#error ? { messages, error: this.#error } : { messages };
  }

  /**
   * Add message bytes; false (and the decoder fails) if the limit is crossed. With `mayEndInDelimiter`
   * the trailing bytes that could begin a split delimiter are not counted yet.
   */
  #append(seg: Buffer, mayEndInDelimiter: boolean): boolean {
    if (seg.length === 0) return true;
    const tail =
      seg.length >= TAIL_LEN
        ? seg.subarray(seg.length - TAIL_LEN)
        : Buffer.concat([this.#tail, seg]).subarray(-TAIL_LEN);
    const pending = mayEndInDelimiter ? partialDelimiterLength(tail) : 0;
    const certain = this.#size + seg.length - pending;
    if (certain > this.#maxMessageSize) {
      const over = this.#maxMessageSize - this.#size; // index in seg of the first byte too many
      this.#fail(this.#tooLarge(this.#offset + Math.max(0, over)));
      return false;
    }
    this.#parts.push(seg);
    this.#size += seg.length;
    this.#offset += seg.length;
    this.#tail = tail;
    return true;
  }

  /** Concatenate the first `length` buffered bytes into one message and reset for the next. */
  #finish(length: number): Buffer {
    const message = Buffer.concat(this.#parts, this.#size).subarray(0, length);
    this.#parts = [];
    this.#size = 0;
    this.#tail = Buffer.alloc(0);
    return message;
  }

  #tooLarge(offset: number): FramingError {
    return {
      kind: 'message-too-large',
      message: `message exceeds the limit of ${this.#maxMessageSize} bytes`,
      offset,
    };
  }

  #fail(error: FramingError): void {
    this.#error = error;
    this.#parts = [];
    this.#size = 0;
    this.#tail = Buffer.alloc(0);
  }
}

/**
 * Frame one message for base:1.0. Throws if the body contains the delimiter: it could not be
 * decoded by the peer (a well-formed NETCONF message never contains it outside a comment/CDATA).
 */
export function encodeEom(message: Buffer | string): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  if (body.indexOf(EOM_DELIMITER) >= 0) {
    throw new RangeError('message contains "]]>]]>" and cannot be sent with base:1.0 framing');
  }
  return Buffer.concat([body, EOM_DELIMITER], body.length + DELIM_LEN);
}
