// union (RFC 7950 §9.12): the first member type, in order, that accepts the value wins and gives
// the value its base and canonical form. For JSON (RFC 7951 §6.10) each member's own JSON rule
// applies, so a JSON number can only match numeric members encoded as numbers (int8..uint32) and
// a JSON string only the string-encoded ones.
import type { TypeSpec } from '../schema-model.js';
import { fail, quote, describeJson, type CompileType, type TypeCodec } from './codec.js';
import type { ValueContext, ValueError, ValueResult } from './value.js';

export function compileUnion(type: TypeSpec, expected: string, compile: CompileType): TypeCodec {
  const members = (type.members ?? []).map((m) => compile(m));
  const refuse = (shown: string, errors: ValueError[]): ValueResult => {
    // With one member its own error says it best, app-tag included.
    if (errors.length === 1) {
      const only = errors[0] as ValueError;
      return { ok: false, error: { ...only, expected } };
    }
    const why = errors.map((e) => `${e.expected}: ${e.message}`).join('; ');
    return fail(`${shown} matches no member type of ${expected} (${why})`, expected);
  };
  return {
    text(s: string, ctx: ValueContext): ValueResult {
      const errors: ValueError[] = [];
      for (const m of members) {
        const r = m.text(s, ctx);
        if (r.ok) return r;
        errors.push(r.error);
      }
      return refuse(quote(s), errors);
    },
    json(json: unknown, ctx: ValueContext): ValueResult {
      const errors: ValueError[] = [];
      for (const m of members) {
        const r = m.json(json, ctx);
        if (r.ok) return r;
        errors.push(r.error);
      }
      return refuse(describeJson(json), errors);
    },
  };
}
