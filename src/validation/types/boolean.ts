// boolean (RFC 7950 §9.5): exactly "true" or "false"; RFC 7951 §6.3: JSON true/false.
import { fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import type { ValueResult } from './value.js';

const TRUE = ok('true', 'boolean');
const FALSE = ok('false', 'boolean');

export function compileBoolean(expected: string): TypeCodec {
  return {
    text(s: string): ValueResult {
      if (s === 'true') return TRUE;
      if (s === 'false') return FALSE;
      return fail(`${quote(s)} is not a boolean: expected "true" or "false"`, expected);
    },
    json(json: unknown): ValueResult {
      if (json === true) return TRUE;
      if (json === false) return FALSE;
      return wrongJson(json, expected, 'JSON true or false');
    },
  };
}
