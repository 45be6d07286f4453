// binary (RFC 7950 §9.8): base64 (RFC 4648 §4) with padding, no whitespace or other characters
// (RFC 4648 §3.3; libyang refuses them too). length counts decoded octets. Canonical: the
// RFC 4648 §3.5 encoding, i.e. re-encoded so that unused pad bits are zero ("AAF=" → "AAE=").
// RFC 7951 §6.6: a JSON string.
import type { TypeSpec } from '../schema-model.js';
import { brokenType, fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import { compileRange, inRange, parseLengthBound } from './range.js';
import { lengthFail } from './string.js';
import type { ValueResult } from './value.js';

// 1 for every base64 alphabet character.
const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

/** Checks base64 syntax; returns the decoded length, or a reason. */
export function base64Length(s: string): number | string {
  const n = s.length;
  if (n % 4 !== 0) return `its length ${n} is not a multiple of 4`;
  let pad = 0;
  if (n > 0 && s.charCodeAt(n - 1) === 61) pad = s.charCodeAt(n - 2) === 61 ? 2 : 1;
  for (let i = 0; i < n - pad; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || ALPHABET[c] !== 1) {
      const shown = c === 61 ? '"=" before the end' : `character ${JSON.stringify(s[i])}`;
      return `it has ${shown} at offset ${i}, which is not base64`;
    }
  }
  return (n / 4) * 3 - pad;
}

export function compileBinary(type: TypeSpec, expected: string): TypeCodec {
  const range = compileRange(type.length, parseLengthBound, 0, Number.MAX_SAFE_INTEGER, String);
  if (typeof range === 'string') return brokenType(range, expected);
  const text = (s: string): ValueResult => {
    const len = base64Length(s);
    if (typeof len === 'string') return fail(`${quote(s)} is not valid base64: ${len}`, expected);
    if (range.restricted && !inRange(len, range.bounds)) {
      return lengthFail(s, len, len === 1 ? 'octet' : 'octets', range, expected);
    }
    // Only the last character before the padding can carry non-zero pad bits.
    const canonical = lastCharCanonical(s) ? s : Buffer.from(s, 'base64').toString('base64');
    return ok(canonical, 'binary');
  };
  return {
    text,
    json(json: unknown): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return text(json);
    },
  };
}

const INDEX = (c: number): number =>
  c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 43 ? 62 : 63;

/** true when the pad bits in the last data character are zero (the usual case: no re-encoding). */
function lastCharCanonical(s: string): boolean {
  const n = s.length;
  if (n === 0 || s.charCodeAt(n - 1) !== 61) return true;
  const two = s.charCodeAt(n - 2) === 61;
  const v = INDEX(s.charCodeAt(n - (two ? 3 : 2)));
  return two ? (v & 0x0f) === 0 : (v & 0x03) === 0;
}
