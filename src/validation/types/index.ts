// The YANG value layer: lexical value ⇄ checked, canonical value, one file per built-in type
// (the arrangement of libyang's plugins_types). A TypeSpec is compiled once into a TypeCodec and
// cached by object identity, so a parse is a WeakMap lookup plus the type's own check.
import type { TypeSpec } from '../schema-model.js';
import { compileBinary } from './binary.js';
import { compileBits } from './bits.js';
import { compileBoolean } from './boolean.js';
import { brokenType, type TypeCodec } from './codec.js';
import { compileDecimal64 } from './decimal64.js';
import { describeType } from './describe.js';
import { compileEmpty } from './empty.js';
import { compileEnumeration } from './enumeration.js';
import { compileIdentityref } from './identityref.js';
import { compileInstanceIdentifier } from './instance-identifier.js';
import { compileInteger } from './integer.js';
import { compileLeafref } from './leafref.js';
import { compileString } from './string.js';
import { compileUnion } from './union.js';
import type { ParseJson, ParseText } from './value.js';
import { wellKnownTypedef } from './well-known.js';

export type { TypeCodec } from './codec.js';
export type {
  FormatJson, FormatXml, IdentityLookup, ParseJson, ParseText, TypedValue, ValueBase, ValueContext, ValueError,
  ValueResult,
} from './value.js';
export { describeType } from './describe.js';
export { formatJson, formatXml } from './format.js';
export { compileXsdRegex, isXsdRegexError, type XsdRegexError } from './xsd-regex.js';

const codecs = new WeakMap<TypeSpec, TypeCodec>();

/** The compiled checker for a type (cached; callers on a hot path may keep it themselves). */
export function codecFor(type: TypeSpec): TypeCodec {
  let c = codecs.get(type);
  if (c === undefined) {
    c = build(type);
    codecs.set(type, c);
  }
  return c;
}

function build(type: TypeSpec): TypeCodec {
  const expected = describeType(type);
  let codec: TypeCodec;
  switch (type.base) {
    case 'int8': case 'int16': case 'int32': case 'int64':
    case 'uint8': case 'uint16': case 'uint32': case 'uint64':
      codec = compileInteger(type, expected); break;
    case 'decimal64': codec = compileDecimal64(type, expected); break;
    case 'string': codec = compileString(type, expected); break;
    case 'binary': codec = compileBinary(type, expected); break;
    case 'boolean': codec = compileBoolean(expected); break;
    case 'empty': codec = compileEmpty(expected); break;
    case 'enumeration': codec = compileEnumeration(type, expected); break;
    case 'bits': codec = compileBits(type, expected); break;
    case 'identityref': codec = compileIdentityref(type, expected); break;
    case 'instance-identifier': codec = compileInstanceIdentifier(expected); break;
    case 'leafref': codec = compileLeafref(type, codecFor); break;
    case 'union': codec = compileUnion(type, expected, codecFor); break;
    default: codec = brokenType(`unknown built-in type ${String((type as { base: unknown }).base)}`, expected);
  }
  // libyang-compatible canonical forms for some ietf-inet-types / ietf-yang-types typedefs.
  return wellKnownTypedef(type, codec);
}

export const parseText: ParseText = (type, text, ctx) => codecFor(type).text(text, ctx);
export const parseJson: ParseJson = (type, json, ctx) => codecFor(type).json(json, ctx);
