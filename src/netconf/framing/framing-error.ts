// Types shared by the NETCONF framing decoders (RFC 6242 §4.1 and §4.2).
// A framing violation is data, not an exception: the session decides what to do with it
// (RFC 6242 §4.2: a receiver that sees a framing error terminates the session).

export type FramingErrorKind =
  /** A chunk header or end-of-chunks marker is malformed (missing LF, non-digit, garbage). */
  | 'bad-chunk-header'
  /** A chunk-size is 0, has a leading zero, has more than 10 digits or exceeds 4294967295. */
  | 'bad-chunk-size'
  /** The message grew beyond the configured per-message limit. */
  | 'message-too-large'
  /** base:1.1 was negotiated but the peer sent what looks like a base:1.0 (end-of-message) message. */
  | 'eom-in-chunked';

export interface FramingError {
  kind: FramingErrorKind;
  /** A sentence a person can act on. */
  message: string;
  /** Byte offset in the inbound stream (counted from the first byte the decoder saw). */
  offset?: number;
}

/** What one feed() call yields: complete messages in arrival order, then the error if one occurred. */
export interface FeedResult {
  messages: Buffer[];
  error?: FramingError;
}

/** Largest chunk-size RFC 6242 §4.2 allows. */
export const MAX_CHUNK_SIZE = 4294967295;
