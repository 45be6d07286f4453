// int8..int64, uint8..uint64 (RFC 7950 §9.2). Lexical form: optional sign then decimal digits
// only (§9.2.1 — no hex, no octal, no whitespace); canonical: no "+", no leading zeros (§9.2.2).
// 8..32-bit values are JS numbers and JSON numbers; 64-bit values are bigints and JSON strings
// (RFC 7951 §6.1).
import type { TypeSpec } from '../schema-model.js';
import { brokenType, fail, ok, quote, trimXmlSpace, wrongJson, type TypeCodec } from './codec.js';
import { compileRange, inRange, inRangeBig, type CompiledRange } from './range.js';
import type { ValueResult } from './value.js';

export type IntegerBase = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64';

const SMALL_BOUNDS: Record<string, [number, number]> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
};
const BIG_BOUNDS: Record<string, [bigint, bigint]> = {
  int64: [-9223372036854775808n, 9223372036854775807n],
  uint64: [0n, 18446744073709551615n],
};

export function isIntegerBase(base: string): base is IntegerBase {
  return base in SMALL_BOUNDS || base in BIG_BOUNDS;
}

/** true when `text` is an optional sign followed by one or more ASCII digits. */
export function isDecimalInteger(text: string): boolean {
  const n = text.length;
  let i = 0;
  if (n > 0) {
    const c = text.charCodeAt(0);
    if (c === 43 || c === 45) i = 1;
  }
  if (i === n) return false;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/** true when a valid decimal integer text is already canonical (no "+", no leading zero, no "-0"). */
function isCanonicalText(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 43) return false;
  if (c === 45) return text.charCodeAt(1) !== 48;
  return c !== 48 || text.length === 1;
}

/** Parses a decimal integer to a number in one pass (exact up to 2^53; beyond, only "too big" matters). */
function parseSmall(text: string): number | undefined {
  const n = text.length;
  if (n === 0) return undefined;
  const c = text.charCodeAt(0);
  let i = c === 43 || c === 45 ? 1 : 0;
  if (i === n) return undefined;
  let v = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return c === 45 ? -v : v;
}

function parseBig(text: string): bigint | undefined {
  if (!isDecimalInteger(text)) return undefined;
  // BigInt() accepts a leading "-" but not "+".
  return BigInt(text.charCodeAt(0) === 43 ? text.slice(1) : text);
}

function rangeFail<T extends number | bigint>(text: string, base: string, expected: string, range: CompiledRange<T>): ValueResult {
  const msg = range.restricted
    ? `${quote(text)} is out of range ${range.text} for ${expected}`
    : `${quote(text)} is out of range ${range.text} for ${base}`;
  return fail(msg, expected, range.info);
}

function notInteger(text: string, base: string, expected: string): ValueResult {
  return fail(`${quote(text)} is not a valid ${base}: expected an optional sign and decimal digits (${expected})`, expected);
}

export function compileInteger(type: TypeSpec, expected: string): TypeCodec {
  const base = type.base as IntegerBase;
  const small = SMALL_BOUNDS[base];
  if (small !== undefined) {
    const [lo, hi] = small;
    const range = compileRange(type.range, parseSmall, lo, hi, String);
    if (typeof range === 'string') return brokenType(range, expected);
    const bounds = range.bounds;
    const check = (v: number, shown: string): ValueResult => {
      if (v < lo || v > hi) return fail(`${quote(shown)} is out of range ${lo}..${hi} for ${base}`, expected);
      if (!inRange(v, bounds)) return rangeFail(shown, base, expected, range);
      // String(-0) is "0": the canonical form never has a sign on zero.
      return ok(isCanonicalText(shown) ? shown : String(v), base);
    };
    return {
      text(raw: string): ValueResult {
        const text = trimXmlSpace(raw);
        const v = parseSmall(text);
        if (v === undefined) return notInteger(text, base, expected);
        return check(v, text);
      },
      json(json: unknown): ValueResult {
        if (typeof json !== 'number') return wrongJson(json, expected, 'a JSON number');
        if (!Number.isInteger(json)) return fail(`${String(json)} is not an integer (${expected})`, expected);
        return check(json, String(json));
      },
    };
  }
  const big = BIG_BOUNDS[base];
  if (big === undefined) return brokenType(`unknown integer type ${base}`, expected);
  const [lo, hi] = big;
  const range = compileRange(type.range, parseBig, lo, hi, String);
  if (typeof range === 'string') return brokenType(range, expected);
  const bounds = range.bounds;
  // Fast path without BigInt for values of up to 15 digits: they and every comparison with the
  // bounds (rounded to doubles, which keeps their order relative to such values) are exact.
  const numBounds = bounds.map(Number);
  const textCodec = (raw: string): ValueResult => {
    const text = trimXmlSpace(raw);
    if (text.length <= 15) {
      const n = parseSmall(text);
      if (n !== undefined && inRange(n, numBounds)) return ok(isCanonicalText(text) ? text : String(n), base);
    }
    const v = parseBig(text);
    if (v === undefined) return notInteger(text, base, expected);
    if (v < lo || v > hi) return fail(`${quote(text)} is out of range ${lo}..${hi} for ${base}`, expected);
    if (!inRangeBig(v, bounds)) return rangeFail(text, base, expected, range);
    return ok(v.toString(), base);
  };
  return {
    text: textCodec,
    json(json: unknown): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return textCodec(json);
    },
  };
}

/** For other modules that need the bounds (describeType). */
export function integerBounds(base: IntegerBase): [string, string] {
  const s = SMALL_BOUNDS[base];
  if (s !== undefined) return [String(s[0]), String(s[1])];
  const b = BIG_BOUNDS[base] as [bigint, bigint];
  return [b[0].toString(), b[1].toString()];
}
