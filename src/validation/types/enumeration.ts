// enumeration (RFC 7950 §9.6): the value is one of the assigned names, exactly; it is its own
// canonical form. RFC 7951 §6.4: a JSON string.
import type { TypeSpec } from '../schema-model.js';
import { fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import type { ValueResult } from './value.js';

export function compileEnumeration(type: TypeSpec, expected: string): TypeCodec {
  // Pre-built results: a lookup is the whole parse.
  const known = new Map<string, ValueResult>();
  for (const e of type.enums ?? []) known.set(e.name, ok(e.name, 'enumeration'));
  const text = (s: string): ValueResult =>
    known.get(s) ?? fail(`${quote(s)} is not a valid enum: expected ${expected}`, expected);
  return {
    text,
    json(json: unknown): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return text(json);
    },
  };
}
