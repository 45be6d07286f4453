// Shared range/length checking for integers, decimal64, string and binary. The intervals arrive
// as decimal strings (schema-model.ts); they are parsed once per type into numbers or bigints.
import type { ErrorInfo, Interval, RangeRestriction } from '../schema-model.js';

export interface CompiledRange<T extends number | bigint> {
  /** Flat [min0, max0, min1, max1, ...]: one array, no per-interval objects to chase. */
  bounds: T[];
  /** The restriction as YANG writes it, for messages: "1..10 | 20". */
  text: string;
  info: ErrorInfo;
  /** true when a restriction was given (messages then say "range" instead of the type bound). */
  restricted: boolean;
}

/** "1..10 | 20" — YANG's own range syntax. */
export function intervalsText(intervals: readonly Interval[]): string {
  let s = '';
  for (const iv of intervals) {
    if (s !== '') s += ' | ';
    s += iv.min === iv.max ? iv.min : `${iv.min}..${iv.max}`;
  }
  return s;
}

/**
 * Parses a restriction with `parse` ("min"/"max" map to the type's own bounds); without one the
 * type's bounds are the single interval. Returns an error text for an unparsable bound.
 */
export function compileRange<T extends number | bigint>(
  r: RangeRestriction | undefined,
  parse: (s: string) => T | undefined,
  lo: T,
  hi: T,
  show: (v: T) => string,
): CompiledRange<T> | string {
  if (r === undefined || r.intervals.length === 0) {
    return { bounds: [lo, hi], text: `${show(lo)}..${show(hi)}`, info: {}, restricted: false };
  }
  const bounds: T[] = [];
  for (const iv of r.intervals) {
    const a = iv.min === 'min' ? lo : iv.min === 'max' ? hi : parse(iv.min);
    const b = iv.max === 'min' ? lo : iv.max === 'max' ? hi : parse(iv.max);
    if (a === undefined || b === undefined) return `invalid range bound in "${intervalsText(r.intervals)}"`;
    bounds.push(a, b);
  }
  const info: ErrorInfo = {};
  if (r.errorMessage !== undefined) info.errorMessage = r.errorMessage;
  if (r.errorAppTag !== undefined) info.errorAppTag = r.errorAppTag;
  return { bounds, text: intervalsText(r.intervals), info, restricted: true };
}

// Two copies on purpose: one function fed both numbers and bigints goes megamorphic in V8.
export function inRange(v: number, bounds: readonly number[]): boolean {
  for (let i = 0; i + 1 < bounds.length; i += 2) {
    if (v >= (bounds[i] as number) && v <= (bounds[i + 1] as number)) return true;
  }
  return false;
}

export function inRangeBig(v: bigint, bounds: readonly bigint[]): boolean {
  for (let i = 0; i + 1 < bounds.length; i += 2) {
    if (v >= (bounds[i] as bigint) && v <= (bounds[i + 1] as bigint)) return true;
  }
  return false;
}

/** Length bounds: non-negative integers; anything past 2^53 is as good as unbounded. */
export function parseLengthBound(s: string): number | undefined {
  if (!/^\+?[0-9]+$/.test(s)) return undefined;
  return Number(s);
}
