// bits (RFC 7950 §9.7): a space-separated list of the names of the set bits; "" sets none.
// Canonical (§9.7.2): the names in position order, separated by one space. Like libyang, any XML
// whitespace separates names, and a name given twice is refused. RFC 7951 §6.5: a JSON string.
import type { TypeSpec } from '../schema-model.js';
import { fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import type { ValueResult } from './value.js';

const SEPARATOR = /[ \t\n\r]+/;

export function compileBits(type: TypeSpec, expected: string): TypeCodec {
  const members = [...(type.bits ?? [])].sort((a, b) => a.position - b.position);
  const index = new Map<string, number>();
  members.forEach((b, i) => index.set(b.name, i));
  const text = (s: string): ValueResult => {
    const names = s.split(SEPARATOR);
    const set = new Array<boolean>(members.length).fill(false);
    let count = 0;
    for (const name of names) {
      if (name === '') continue; // leading/trailing whitespace
      const i = index.get(name);
      if (i === undefined) return fail(`${quote(name)} in ${quote(s)} is not a bit of ${expected}`, expected);
      if (set[i] === true) return fail(`bit ${quote(name)} is given twice in ${quote(s)}`, expected);
      set[i] = true;
      count++;
    }
    if (count === 0) return ok('', 'bits');
    let out = '';
    for (let i = 0; i < members.length; i++) {
      if (set[i] === true) out = out === '' ? (members[i]?.name ?? '') : `${out} ${members[i]?.name ?? ''}`;
    }
    return ok(out, 'bits');
  };
  return {
    text,
    json(json: unknown): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return text(json);
    },
  };
}
