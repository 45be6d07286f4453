// Shared by the framing tests: text ↔ bytes, and feeding a decoder piece by piece.
import type { FeedResult, FramingError } from '../../../../src/netconf/framing/framing-error.js';

export const b = (s: string): Buffer => Buffer.from(s, 'utf8');

export const texts = (messages: Buffer[]): string[] => messages.map((m) => m.toString('utf8'));

/** Feeds every piece; collects messages and stops at the first error. */
export function decodeAll(decoder: { feed(piece: Buffer): FeedResult }, pieces: Buffer[]): { messages: Buffer[]; error?: FramingError } {
  const messages: Buffer[] = [];
  for (const piece of pieces) {
    const result = decoder.feed(piece);
    messages.push(...result.messages);
    if (result.error) return { messages, error: result.error };
  }
  return { messages };
}
