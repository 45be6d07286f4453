// What a type expects, in a few words, for error messages: "uint8 in 0..255",
// "ietf-inet-types:ipv4-address", "one of: up, down". Computed once per TypeSpec.
import type { TypeSpec } from '../schema-model.js';
import { formatScaled } from './decimal64.js';
import { integerBounds, isIntegerBase } from './integer.js';
import { intervalsText } from './range.js';

const cache = new WeakMap<TypeSpec, string>();
const MAX_LISTED = 12;

export function describeType(type: TypeSpec): string {
  let d = cache.get(type);
  if (d === undefined) {
    d = type.typedef ?? describeBase(type);
    cache.set(type, d);
  }
  return d;
}

function listed(names: string[]): string {
  return names.length <= MAX_LISTED ? names.join(', ') : `${names.slice(0, MAX_LISTED).join(', ')}, ... (${names.length} in all)`;
}

function lengthText(type: TypeSpec, unit: string): string {
  const l = type.length;
  return l !== undefined && l.intervals.length > 0 ? ` of length ${intervalsText(l.intervals)} ${unit}` : '';
}

function describeBase(type: TypeSpec): string {
  const base = type.base;
  if (isIntegerBase(base)) {
    const r = type.range;
    if (r !== undefined && r.intervals.length > 0) return `${base} in ${intervalsText(r.intervals)}`;
    const [lo, hi] = integerBounds(base);
    return `${base} in ${lo}..${hi}`;
  }
  switch (base) {
    case 'decimal64': {
      const fd = type.fractionDigits ?? 0;
      const r = type.range;
      const span = r !== undefined && r.intervals.length > 0
        ? intervalsText(r.intervals)
        : fd >= 1 && fd <= 18 ? `${formatScaled(-9223372036854775808n, fd)}..${formatScaled(9223372036854775807n, fd)}` : '';
      return `decimal64 with ${fd} fraction digits${span === '' ? '' : ` in ${span}`}`;
    }
    case 'string': {
      let s = `string${lengthText(type, 'characters')}`;
      const pats = type.patterns ?? [];
      if (pats.length === 1 && pats[0] !== undefined) {
        s += ` ${pats[0].invert ? 'not matching' : 'matching'} ${JSON.stringify(pats[0].regex)}`;
      } else if (pats.length > 1) {
        s += ` matching ${pats.length} patterns`;
      }
      return s;
    }
    case 'binary':
      return `binary (base64)${lengthText(type, 'octets')}`;
    case 'boolean':
      return 'boolean (true or false)';
    case 'empty':
      return 'empty (no value)';
    case 'enumeration':
      return `one of: ${listed((type.enums ?? []).map((e) => e.name))}`;
    case 'bits':
      return `bits from: ${listed((type.bits ?? []).map((b) => b.name))}`;
    case 'identityref': {
      const bases = type.bases ?? [];
      return `identityref derived from ${bases.length > 0 ? bases.join(' and ') : '(no base)'}`;
    }
    case 'instance-identifier':
      return 'instance-identifier';
    case 'leafref':
      return `leafref to ${type.path?.text ?? '?'}${type.target !== undefined ? ` (${describeType(type.target)})` : ''}`;
    case 'union':
      return `union of ${(type.members ?? []).map(describeType).join(' | ')}`;
    default:
      return base;
  }
}
