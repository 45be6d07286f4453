// Shared test fixtures for the value layer: contexts and a small identity hierarchy.
import assert from 'node:assert/strict';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { parseJson, parseText } from '../../../../src/validation/types/index.js';
import type { IdentityLookup, TypedValue, ValueContext, ValueError } from '../../../../src/validation/types/value.js';

/** identity → direct bases, "module:name". */
const IDENTITIES: Record<string, string[]> = {
  'ietf-interfaces:interface-type': [],
  'iana-if-type:iana-interface-type': ['ietf-interfaces:interface-type'],
  'iana-if-type:ethernetCsmacd': ['iana-if-type:iana-interface-type'],
  'iana-if-type:softwareLoopback': ['iana-if-type:iana-interface-type'],
  'm:base-a': [],
  'm:base-b': [],
  'm:a-only': ['m:base-a'],
  'm:both': ['m:base-a', 'm:base-b'],
  'm:grandchild': ['m:both'],
  'other:foreign': ['m:base-a'],
};

export const identities: IdentityLookup = {
  hasIdentity: (q) => Object.hasOwn(IDENTITIES, q),
  isDerivedFrom(identity, base) {
    const seen = new Set<string>();
    const walk = (id: string): boolean => {
      for (const b of IDENTITIES[id] ?? []) {
        if (b === base) return true;
        if (!seen.has(b)) {
          seen.add(b);
          if (walk(b)) return true;
        }
      }
      return false;
    };
    return walk(identity);
  },
};

const MODULES = new Set(['m', 'other', 'ietf-interfaces', 'iana-if-type', 'ex']);

/** XML context: prefixes in scope → modules ('' is the default namespace). */
export function xmlCtx(prefixes: Record<string, string> = { '': 'm', m: 'm', o: 'other', if: 'ietf-interfaces', ianaift: 'iana-if-type' }, localModule = 'm'): ValueContext {
  return {
    format: 'xml',
    resolvePrefix: (p) => (Object.hasOwn(prefixes, p) ? prefixes[p] : undefined),
    localModule,
    identities,
  };
}

export function jsonCtx(localModule = 'm'): ValueContext {
  return {
    format: 'json',
    resolvePrefix: (m) => (MODULES.has(m) ? m : undefined),
    localModule,
    identities,
  };
}

export function textOk(type: TypeSpec, text: string, ctx: ValueContext = xmlCtx()): TypedValue {
  const r = parseText(type, text, ctx);
  if (!r.ok) assert.fail(`expected ${JSON.stringify(text)} to be accepted, got: ${r.error.message}`);
  return r.value;
}

export function textErr(type: TypeSpec, text: string, ctx: ValueContext = xmlCtx()): ValueError {
  const r = parseText(type, text, ctx);
  if (r.ok) assert.fail(`expected ${JSON.stringify(text)} to be refused, got ${JSON.stringify(r.value)}`);
  return r.error;
}

export function jsonOk(type: TypeSpec, json: unknown, ctx: ValueContext = jsonCtx()): TypedValue {
  const r = parseJson(type, json, ctx);
  if (!r.ok) assert.fail(`expected ${JSON.stringify(json)} to be accepted, got: ${r.error.message}`);
  return r.value;
}

export function jsonErr(type: TypeSpec, json: unknown, ctx: ValueContext = jsonCtx()): ValueError {
  const r = parseJson(type, json, ctx);
  if (r.ok) assert.fail(`expected ${JSON.stringify(json)} to be refused, got ${JSON.stringify(r.value)}`);
  return r.error;
}

/** Canonical form of a text value. */
export function canon(type: TypeSpec, text: string, ctx?: ValueContext): string {
  return textOk(type, text, ctx).canonical;
}
