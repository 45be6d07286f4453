// empty (RFC 7950 §9.11): no value at all; RFC 7951 §6.9: the JSON value [null].
import { fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import type { ValueResult } from './value.js';

const EMPTY = ok('', 'empty');

export function compileEmpty(expected: string): TypeCodec {
  return {
    text(s: string): ValueResult {
      if (s === '') return EMPTY;
      return fail(`${quote(s)} is not allowed: a leaf of type empty has no value`, expected);
    },
    json(json: unknown): ValueResult {
      if (Array.isArray(json) && json.length === 1 && json[0] === null) return EMPTY;
      return wrongJson(json, expected, '[null]');
    },
  };
}
