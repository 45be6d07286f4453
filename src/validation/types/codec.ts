// The per-type plug-in shape: each built-in type compiles a TypeSpec once into a TypeCodec whose
// closures hold the pre-parsed restrictions, so the hot path does no per-call set-up.
import type { TypeSpec } from '../schema-model.js';
import type { ValueBase, ValueContext, ValueError, ValueResult } from './value.js';

export interface TypeCodec {
  /** Parses XML text content (or a string that is already the lexical form). */
  text(text: string, ctx: ValueContext): ValueResult;
  /** Parses an RFC 7951 JSON value (already decoded by JSON.parse or a streaming parser). */
  json(json: unknown, ctx: ValueContext): ValueResult;
}

/** Compiles a member/target type (union, leafref); passed in to avoid an import cycle. */
export type CompileType = (type: TypeSpec) => TypeCodec;

export function ok(canonical: string, base: ValueBase): ValueResult {
  return { ok: true, value: { canonical, base } };
}

export function fail(message: string, expected: string, info?: { errorMessage?: string; errorAppTag?: string }): ValueResult {
  const error: ValueError = { message, expected };
  if (info?.errorMessage !== undefined) {
    error.errorMessage = info.errorMessage;
    error.message = info.errorMessage;
  }
  if (info?.errorAppTag !== undefined) error.errorAppTag = info.errorAppTag;
  return { ok: false, error };
}

/** A value quoted for a message, shortened so that a huge value cannot flood a log line. */
export function quote(value: string): string {
  const s = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(s);
}

/** A JSON value described for a message ("number 5", "string \"x\"", "array"). */
export function describeJson(json: unknown): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return json.length === 1 && json[0] === null ? '[null]' : 'an array';
  switch (typeof json) {
    case 'string': return `string ${quote(json)}`;
    case 'number': return `number ${String(json)}`;
    case 'boolean': return `boolean ${String(json)}`;
    case 'object': return 'an object';
    default: return typeof json;
  }
}

/** The common refusal for a JSON value of the wrong JSON kind (RFC 7951 §6). */
export function wrongJson(json: unknown, expected: string, want: string): ValueResult {
  return fail(`${describeJson(json)} is not a valid ${expected} value: RFC 7951 encodes it as ${want}`, expected);
}

/** A type whose restriction could not be compiled: refuse every value with the reason, never throw. */
export function brokenType(reason: string, expected: string): TypeCodec {
  const r = (): ValueResult => fail(`the type cannot check values: ${reason}`, expected);
  return { text: r, json: r };
}

/** XML whitespace at either end? (One or two char reads: the usual value has none.) */
function hasOuterSpace(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(n - 1);
  return a === 32 || a === 9 || a === 10 || a === 13 || b === 32 || b === 9 || b === 10 || b === 13;
}

/**
 * Numbers are XSD types with whiteSpace "collapse", and libyang accepts " 5 " for a uint8 and
 * " 1.5" for a decimal64: strip surrounding XML whitespace for them (and only for them).
 */
export function trimXmlSpace(s: string): string {
  return hasOuterSpace(s) ? s.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '') : s;
}
