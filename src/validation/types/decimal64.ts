// decimal64 (RFC 7950 §9.3). Values are held as bigints scaled by 10^fraction-digits, so every
// one of the 2^64 values is exact. Lexical: optional sign, digits, optionally "." and digits, with
// no more fraction digits than the type has. Canonical (§9.3.2): no "+", no leading zeros, at least
// one digit each side of the point, no trailing zeros after the first fraction digit.
// RFC 7951 §6.1: a JSON string.
import type { TypeSpec } from '../schema-model.js';
import { brokenType, fail, ok, quote, trimXmlSpace, wrongJson, type TypeCodec } from './codec.js';
import { compileRange, inRange, inRangeBig } from './range.js';
import type { ValueResult } from './value.js';

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
/** Canonical text: captures the integer digits and the fraction digits. "-0.0" is excluded below. */
const CANONICAL = /^-?(0|[1-9][0-9]*)\.([0-9]*[1-9]|0)$/;
const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 18; i++, p *= 10n) POW10.push(p);

/**
 * Parses "[+-]digits[.digits]" into value × 10^fd. Returns 'syntax' for a malformed text and
 * 'digits' when it has more than fd fraction digits.
 */
export function parseScaled(text: string, fd: number): bigint | 'syntax' | 'digits' {
  const n = text.length;
  let i = 0;
  let neg = false;
  if (n > 0) {
    const c = text.charCodeAt(0);
    if (c === 45) { neg = true; i = 1; } else if (c === 43) i = 1;
  }
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  if (intEnd === intStart) return 'syntax';
  let frac = '';
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return 'syntax';
    i++;
    const fracStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === fracStart || i !== n) return 'syntax';
    frac = text.slice(fracStart, n);
    // Trailing zeros beyond the type's precision do not change the value ("1.500" with 2 digits).
    let end = frac.length;
    while (end > fd && frac.charCodeAt(end - 1) === 48) end--;
    if (end > fd) return 'digits';
    frac = frac.slice(0, end);
  }
  const digits = text.slice(intStart, intEnd) + frac.padEnd(fd, '0');
  const v = BigInt(digits);
  return neg ? -v : v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The canonical text of value × 10^-fd. */
export function formatScaled(v: bigint, fd: number): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const p = POW10[fd] as bigint;
  const intPart = (abs / p).toString();
  let frac = (abs % p).toString().padStart(fd, '0');
  let end = frac.length;
  while (end > 1 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return `${neg ? '-' : ''}${intPart}.${frac}`;
}

export function compileDecimal64(type: TypeSpec, expected: string): TypeCodec {
  const fd = type.fractionDigits ?? 0;
  if (!Number.isInteger(fd) || fd < 1 || fd > 18) return brokenType(`fraction-digits ${fd} is not in 1..18`, expected);
  const parseBound = (s: string): bigint | undefined => {
    const v = parseScaled(s, fd);
    return typeof v === 'bigint' ? v : undefined;
  };
  const range = compileRange(type.range, parseBound, INT64_MIN, INT64_MAX, (v) => formatScaled(v, fd));
  if (typeof range === 'string') return brokenType(range, expected);
  const bounds = range.bounds;
  const numBounds = bounds.map(Number);
  const text = (raw: string): ValueResult => {
    const s = trimXmlSpace(raw);
    // Fast path, no BigInt: a value already in canonical form whose scaled value has at most 15
    // digits (exact as a double; comparisons with the rounded bounds keep their order).
    const m = CANONICAL.exec(s);
    if (m !== null) {
      const intDigits = (m[1] as string).length;
      const frac = m[2] as string;
      if (frac.length <= fd && intDigits + fd <= 15) {
        const n = Number((m[1] as string) + frac.padEnd(fd, '0'));
        const neg = s.charCodeAt(0) === 45;
        // "-0.0" is not canonical: it goes the slow way and becomes "0.0".
        if ((n !== 0 || !neg) && inRange(neg ? -n : n, numBounds)) return ok(s, 'decimal64');
      }
    }
    const v = parseScaled(s, fd);
    if (v === 'syntax') {
      return fail(`${quote(s)} is not a valid decimal64: expected an optional sign, digits, and optionally "." and digits (${expected})`, expected);
    }
    if (v === 'digits') return fail(`${quote(s)} has more than ${fd} fraction digits (${expected})`, expected);
    if (v < INT64_MIN || v > INT64_MAX) return fail(`${quote(s)} is out of range ${range.restricted ? formatScaled(INT64_MIN, fd) + '..' + formatScaled(INT64_MAX, fd) : range.text} for decimal64 with ${fd} fraction digits`, expected);
    if (!inRangeBig(v, bounds)) return fail(`${quote(s)} is out of range ${range.text} for ${expected}`, expected, range.info);
    return ok(formatScaled(v, fd), 'decimal64');
  };
  return {
    text,
    json(json: unknown): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return text(json);
    },
  };
}
