// identityref (RFC 7950 §9.10). XML: "prefix:name", or "name" in the default namespace, the
// prefix resolved by the namespaces in scope (§9.10.3). JSON (RFC 7951 §6.8): "module:name", or
// "name" meaning the module of the leaf. The identity must exist and be derived from every base
// (not be the base itself). Canonical: "module:name". No whitespace is trimmed, as in libyang.
import type { TypeSpec } from '../schema-model.js';
import { fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import type { ValueContext, ValueResult } from './value.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function compileIdentityref(type: TypeSpec, expected: string): TypeCodec {
  const bases = type.bases ?? [];
  const check = (s: string, ctx: ValueContext, json: boolean): ValueResult => {
    const colon = s.indexOf(':');
    const prefix = colon < 0 ? '' : s.slice(0, colon);
    const name = colon < 0 ? s : s.slice(colon + 1);
    if (!IDENTIFIER.test(name) || (colon >= 0 && !IDENTIFIER.test(prefix))) {
      return fail(`${quote(s)} is not an identity name: expected ${json ? '"module:identity"' : '"prefix:identity"'} or "identity"`, expected);
    }
    let module: string | undefined;
    if (json) {
      module = colon < 0 ? ctx.localModule : ctx.resolvePrefix(prefix);
      if (module === undefined) return fail(`${quote(s)} names module ${quote(prefix)}, which is not loaded`, expected);
    } else {
      module = ctx.resolvePrefix(prefix);
      if (module === undefined) {
        return fail(colon < 0
          ? `${quote(s)} has no prefix and no default namespace is in scope to resolve it`
          : `${quote(s)} uses prefix ${quote(prefix)}, which is not declared in scope`, expected);
      }
    }
    const qname = `${module}:${name}`;
    if (!ctx.identities.hasIdentity(qname)) return fail(`${quote(s)}: identity ${qname} does not exist`, expected);
    for (const base of bases) {
      if (!ctx.identities.isDerivedFrom(qname, base)) {
        return fail(`${quote(s)}: identity ${qname} is not derived from ${base}`, expected);
      }
    }
    return ok(qname, 'identityref');
  };
  return {
    text: (s, ctx) => check(s, ctx, ctx.format === 'json'),
    json(json: unknown, ctx: ValueContext): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return check(json, ctx, true);
    },
  };
}

/** XML text of a canonical "module:name": the prefix the writer declares for the module. */
export function identityrefToXml(canonical: string, prefixFor: (module: string) => string): string {
  const colon = canonical.indexOf(':');
  if (colon < 0) return canonical;
  const prefix = prefixFor(canonical.slice(0, colon));
  return prefix === '' ? canonical.slice(colon + 1) : `${prefix}:${canonical.slice(colon + 1)}`;
}

/** RFC 7951 form: the module is left out when it is the leaf's own (§6.8 makes it optional). */
export function identityrefToJson(canonical: string, localModule: string): string {
  const colon = canonical.indexOf(':');
  return colon === localModule.length && canonical.startsWith(localModule) ? canonical.slice(colon + 1) : canonical;
}
