// NETCONF base:1.1 chunked framing (RFC 6242 §4.2):
//
//   Chunked-Message = 1*chunk end-of-chunks
//   chunk           = LF HASH chunk-size LF chunk-data
//   end-of-chunks   = LF HASH HASH LF
//   chunk-size      = 1..4294967295, decimal, no leading zero
//
// Pure byte code: chunk data may split a UTF-8 character, so nothing here decodes text.
// Validation is strict (exactly LF, no CR, no whitespace), because a lenient reader would
// resynchronise on garbage and hand the XML layer something the peer never meant.

import { MAX_CHUNK_SIZE } from './framing-error.js';
import type { FeedResult, FramingError, FramingErrorKind } from './framing-error.js';

const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const LT = 0x3c;
const ZERO = 0x30;
const NINE = 0x39;

/** Chunk size the encoder uses when none is configured. */
export const DEFAULT_ENCODE_CHUNK_SIZE = 65536;

const END_OF_CHUNKS = Buffer.from('\n##\n', 'latin1');

/** Where the decoder is within the grammar above. */
type State =
  | 'header-lf' // expecting the LF that opens a chunk header or the end-of-chunks marker
  | 'header-hash' // expecting '#'
  | 'header-first' // after '#': a second '#' (end-of-chunks) or the first size digit
  | 'header-size' // more size digits or the LF that ends the header
  | 'data' // inside chunk-data
  | 'end-lf'; // after '##': the closing LF

export interface ChunkedDecoderOptions {
  /** Largest message (sum of its chunk-data) in bytes; default unlimited. */
  maxMessageSize?: number;
  /** Stream offset of the first byte this decoder will see (for error offsets). */
  startOffset?: number;
}

/** Printable form of a byte for error messages. */
function describeByte(byte: number): string {
  if (byte === LF) return 'LF';
  if (byte === CR) return 'CR';
  if (byte >= 0x21 && byte <= 0x7e) return `'${String.fromCharCode(byte)}'`;
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * Streaming decoder. Headers are parsed byte by byte (they are a few bytes); chunk data is
 * taken as slices of the input and concatenated once per message.
 */
export class ChunkedDecoder {
  readonly #maxMessageSize: number;
  #state: State = 'header-lf';
  /** Stream offset of the next byte. */
  #offset: number;
  /** chunk-size being parsed, then the chunk-data bytes still to come. */
  #chunkValue = 0;
  /** Chunks seen so far in the current message (a message needs at least one). */
  #chunks = 0;
  /** Stream offset of the LF that opened the current chunk header. */
  #headerOffset = 0;
  #parts: Buffer[] = [];
  #size = 0;
  #error: FramingError | undefined;

  constructor(options: ChunkedDecoderOptions = {}) {
    this.#maxMessageSize = options.maxMessageSize ?? Infinity;
    this.#offset = options.startOffset ?? 0;
  }

  /** Stream offset of the next byte to be fed. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes of an unfinished message currently held. */
  get bufferedBytes(): number {
    return this.#size;
  }

  /** True between messages (nothing of a next message seen yet). */
  get idle(): boolean {
    return this.#state === 'header-lf' && this.#chunks === 0 && !this.#error;
  }

  /** The framing error that stopped this decoder, if any. */
  get error(): FramingError | undefined {
    return this.#error;
  }

  /** Decode a chunk of any size; returns every message it completes, then the error if any. */
  feed(chunk: Buffer): FeedResult {
    const messages: Buffer[] = [];
    if (this.#error) return { messages, error: this.#error };
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.#state === 'data') {
        const take = Math.min(this.#chunkValue, len - pos);
        this.#parts.push(chunk.subarray(pos, pos + take));
        this.#size += take;
        this.#chunkValue -= take;
        pos += take;
        this.#offset += take;
        if (this.#chunkValue === 0) this.#state = 'header-lf';
        continue;
      }
      const byte = chunk[pos] as number;
      const step = this.#headerByte(byte);
      if (typeof step === 'object') {
        this.#fail(step);
        return { messages, error: step };
      }
      pos += 1;
      this.#offset += 1;
      if (step === 'end') {
        messages.push(Buffer.concat(this.#parts, this.#size));
        this.#parts = [];
        this.#size = 0;
        this.#chunks = 0;
      }
    }
    return { messages };
  }

  /**
   * Advance the header state machine by one byte: 'end' when it closed a message, a
   * FramingError when the byte is not allowed here.
   */
  #headerByte(byte: number): 'ok' | 'end' | FramingError {
    switch (this.#state) {
      case 'header-lf':
        if (byte === LF) {
          this.#headerOffset = this.#offset;
          this.#state = 'header-hash';
          return 'ok';
        }
        if (byte === LT && this.#chunks === 0) return this.#eomSuspected();
        return this.#problem(
          'bad-chunk-header',
          this.#chunks === 0
            ? `expected LF to start a chunk header, got ${describeByte(byte)}`
            : `expected LF after chunk data (chunk longer than its size?), got ${describeByte(byte)}`,
        );
      case 'header-hash':
        if (byte === HASH) {
          this.#state = 'header-first';
          return 'ok';
        }
        if (byte === LT && this.#chunks === 0) return this.#eomSuspected();
        return this.#problem('bad-chunk-header', `expected '#' after LF in chunk header, got ${describeByte(byte)}`);
      case 'header-first':
        if (byte === HASH) {
          if (this.#chunks === 0) {
            return this.#problem('bad-chunk-header', 'end-of-chunks marker before any chunk (empty message)');
          }
          this.#state = 'end-lf';
          return 'ok';
        }
        if (byte === ZERO) {
          return this.#problem('bad-chunk-size', 'chunk-size must not be 0 or start with 0');
        }
        if (byte > ZERO && byte <= NINE) {
          this.#chunkValue = byte - ZERO;
          this.#state = 'header-size';
          return 'ok';
        }
        return this.#problem('bad-chunk-header', `expected a chunk-size digit or '#', got ${describeByte(byte)}`);
      case 'header-size':
        if (byte >= ZERO && byte <= NINE) {
          this.#chunkValue = this.#chunkValue * 10 + (byte - ZERO);
          if (this.#chunkValue > MAX_CHUNK_SIZE) {
            return this.#problem('bad-chunk-size', `chunk-size exceeds ${MAX_CHUNK_SIZE}`);
          }
          return 'ok';
        }
        if (byte === LF) {
          if (this.#size + this.#chunkValue > this.#maxMessageSize) {
            return {
              kind: 'message-too-large',
              message: `message exceeds the limit of ${this.#maxMessageSize} bytes`,
              offset: this.#headerOffset,
            };
          }
          this.#chunks += 1;
          this.#state = 'data';
          return 'ok';
        }
        return this.#problem(
          'bad-chunk-header',
          `expected a digit or LF after chunk-size, got ${describeByte(byte)}${byte === CR ? ' (CRLF is not allowed)' : ''}`,
        );
      case 'end-lf':
        if (byte === LF) {
          this.#state = 'header-lf';
          return 'end';
        }
        return this.#problem('bad-chunk-header', `expected LF after '##', got ${describeByte(byte)}`);
      case 'data':
        // feed() handles data in bulk and never passes it here.
        throw new Error('unreachable: chunk data in header parser');
    }
  }

  #problem(kind: FramingErrorKind, message: string): FramingError {
    return { kind, message, offset: this.#offset };
  }

  #eomSuspected(): FramingError {
    return this.#problem(
      'eom-in-chunked',
      "expected a chunk header but got '<': the peer seems to use base:1.0 end-of-message framing although base:1.1 was negotiated",
    );
  }

  #fail(error: FramingError): void {
    this.#error = error;
    this.#parts = [];
    this.#size = 0;
  }
}

export interface ChunkedEncodeOptions {
  /** Largest chunk-data per chunk (1..4294967295); default 64 KiB. */
  maxChunkSize?: number;
}

/**
 * Frame one message for base:1.1, split into chunks of at most `maxChunkSize` bytes.
 * Returns one buffer so the transport makes one write (and few SSH packets).
 * Throws on an empty message: the grammar needs at least one chunk of at least one byte.
 */
export function encodeChunked(message: Buffer | string, options: ChunkedEncodeOptions = {}): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const max = options.maxChunkSize ?? DEFAULT_ENCODE_CHUNK_SIZE;
  if (!Number.isInteger(max) || max < 1 || max > MAX_CHUNK_SIZE) {
    throw new RangeError(`maxChunkSize must be an integer in 1..${MAX_CHUNK_SIZE}, got ${max}`);
  }
  if (body.length === 0) {
    throw new RangeError('an empty message cannot be sent with base:1.1 chunked framing');
  }
  const parts: Buffer[] = [];
  let total = 0;
  for (let pos = 0; pos < body.length; pos += max) {
    const data = body.subarray(pos, Math.min(pos + max, body.length));
    const header = Buffer.from(`\n#${data.length}\n`, 'latin1');
    parts.push(header, data);
    total += header.length + data.length;
  }
  parts.push(END_OF_CHUNKS);
  return Buffer.concat(parts, total + END_OF_CHUNKS.length);
}
