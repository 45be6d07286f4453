// The value layer's contract: how a lexical value (XML text or RFC 7951 JSON) becomes a typed,
// canonical value, and back. One file per built-in type implements it (see ./index.ts).
import type { BuiltinType, TypeSpec } from '../schema-model.js';

/** A base type a value can finally have (a union or leafref resolves to one of its members). */
export type ValueBase = Exclude<BuiltinType, 'union' | 'leafref'>;

/**
 * A checked value. `canonical` is the YANG 1.1 canonical form (RFC 7950 §9), with two
 * module-name forms that make values comparable whatever prefixes the input used:
 * - identityref: "module:identity" (always module-qualified);
 * - instance-identifier: the RFC 7951 JSON form, "/module:node/child[key='v']".
 * `empty` is the empty string; `bits` are the set bit names in position order, space separated.
 */
export interface TypedValue {
  canonical: string;
  /** The base type that accepted the value (the union member or the leafref target). */
  base: ValueBase;
}

/** Why a value was refused, in words a person can act on. */
export interface ValueError {
  /** "\"300\" is out of range 0..255 for uint8" */
  message: string;
  /** What the type expects, e.g. "uint8 in 0..255", "ietf-inet-types:ipv4-address". */
  expected: string;
  /** error-app-tag from the restriction, if the module gave one. */
  errorAppTag?: string;
  /** error-message from the restriction, if the module gave one (then it is also `message`). */
  errorMessage?: string;
}

export type ValueResult = { ok: true; value: TypedValue } | { ok: false; error: ValueError };

/** What the value layer needs to know about identities (the schema index implements it). */
export interface IdentityLookup {
  /** true when "module:name" is an identity of a loaded module. */
  hasIdentity(qname: string): boolean;
  /** true when `identity` is derived (directly or not) from `base`; both "module:name". */
  isDerivedFrom(identity: string, base: string): boolean;
}

/** Where a lexical value came from, so that prefixes in it can be resolved. */
export interface ValueContext {
  format: 'xml' | 'json';
  /**
   * XML: the namespace prefix in scope → module name ('' for the default namespace).
   * JSON: a module name → itself when the module exists.
   * undefined when the prefix is unknown.
   */
  resolvePrefix(prefix: string): string | undefined;
  /** The module of the node holding the value: JSON identityrefs may omit it (RFC 7951 §6.8). */
  localModule: string;
  identities: IdentityLookup;
}

/** Parses and checks a value given as text (XML text content, or a JSON string). */
export type ParseText = (type: TypeSpec, text: string, ctx: ValueContext) => ValueResult;

/**
 * Parses and checks an RFC 7951 JSON value: numbers for int8..uint32, strings for int64/uint64/
 * decimal64 and everything else, booleans, [null] for empty.
 */
export type ParseJson = (type: TypeSpec, json: unknown, ctx: ValueContext) => ValueResult;

/** Writes a value as XML text; `prefixFor` gives (and declares) the prefix for a module. */
export type FormatXml = (value: TypedValue, prefixFor: (module: string) => string) => string;

/** Writes a value as RFC 7951 JSON; `localModule` lets identityrefs of the same module drop it. */
export type FormatJson = (value: TypedValue, localModule: string) => string | number | boolean | [null];
