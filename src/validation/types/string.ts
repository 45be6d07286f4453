// string (RFC 7950 §9.4): length counts Unicode characters (code points, not UTF-16 units);
// every pattern must match (or, with invert-match, must not). The value is its own canonical form.
import type { PatternRestriction, TypeSpec } from '../schema-model.js';
import { brokenType, fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import { compileRange, inRange, parseLengthBound, type CompiledRange } from './range.js';
import type { ValueResult } from './value.js';
import { compileXsdRegex, isXsdRegexError } from './xsd-regex.js';

export interface CompiledPattern {
  re: RegExp;
  spec: PatternRestriction;
}

/** Compiles a type's patterns; a pattern that cannot be translated is returned as a reason. */
export function compilePatterns(patterns: readonly PatternRestriction[] | undefined): CompiledPattern[] | string {
  const out: CompiledPattern[] = [];
  for (const spec of patterns ?? []) {
    const re = compileXsdRegex(spec.regex);
    if (isXsdRegexError(re)) return `pattern ${quote(spec.regex)} is not usable: ${re.error} at offset ${re.position}`;
    out.push({ re, spec });
  }
  return out;
}

/** Number of code points; a UTF-16 surrogate pair counts once. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

export function checkPatterns(s: string, patterns: readonly CompiledPattern[], expected: string): ValueResult | undefined {
  for (const p of patterns) {
    if (p.re.test(s) === p.spec.invert) {
      const msg = p.spec.invert
        ? `${quote(s)} matches the pattern ${quote(p.spec.regex)} that ${expected} forbids`
        : `${quote(s)} does not match the pattern ${quote(p.spec.regex)} of ${expected}`;
      return fail(msg, expected, p.spec);
    }
  }
  return undefined;
}

export function lengthFail(shown: string, len: number, unit: string, range: CompiledRange<number>, expected: string): ValueResult {
  return fail(`${quote(shown)} has length ${len} ${unit}, outside the allowed length ${range.text} of ${expected}`, expected, range.info);
}

export function compileString(type: TypeSpec, expected: string): TypeCodec {
  const range = compileRange(type.length, parseLengthBound, 0, Number.MAX_SAFE_INTEGER, String);
  if (typeof range === 'string') return brokenType(range, expected);
  const patterns = compilePatterns(type.patterns);
  if (typeof patterns === 'string') return brokenType(patterns, expected);
  const bounds = range.restricted ? range.bounds : undefined;
  const text = (s: string): ValueResult => {
    if (bounds !== undefined) {
      const len = codePointLength(s);
      if (!inRange(len, bounds)) return lengthFail(s, len, len === 1 ? 'character' : 'characters', range, expected);
    }
    if (patterns.length !== 0) {
      const bad = checkPatterns(s, patterns, expected);
      if (bad !== undefined) return bad;
    }
    return ok(s, 'string');
  };
  return {
    text,
    json(json: unknown): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return text(json);
    },
  };
}
