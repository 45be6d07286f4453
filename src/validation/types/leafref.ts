// leafref (RFC 7950 §9.9): the value must be valid for the referenced leaf's type, and takes
// that type's canonical form and base. Whether the referenced instance exists (require-instance)
// is checked later, by validation over the data tree.
import type { TypeSpec } from '../schema-model.js';
import type { CompileType, TypeCodec } from './codec.js';

const UNRESTRICTED_STRING: TypeSpec = { base: 'string' };

export function compileLeafref(type: TypeSpec, compile: CompileType): TypeCodec {
  // An export without the target type would be a schema bug; checking as a string keeps data flowing.
  return compile(type.target ?? UNRESTRICTED_STRING);
}
