// Parse + resolve, memoized by (text, prefix map, unprefixed-name rule): must/when expressions
// and filters repeat, and compiling is much dearer than looking up.
import type { Expr } from './ast.js';
import type { StaticType } from './call-context.js';
import { parseXPath } from './parser.js';
import { isPrefixMapInstance, prefixResolver, Resolver, staticType, type PrefixMap, type UnprefixedNames } from './resolver.js';
import { isXPathError, XPathFailure, xpathError, type XPathError } from './xpath-error.js';

export interface CompiledXPath {
  readonly text: string;
  /** The resolved expression tree. */
  readonly expr: Expr;
  readonly resolvePrefix: (prefix: string) => string | undefined;
  readonly unprefixed: UnprefixedNames;
  /** The result type known before evaluation ('unknown' only with variables). */
  readonly resultType: StaticType;
}

export interface CompileOptions {
  /** What an unprefixed element name means; default 'context-module'. */
  unprefixed?: UnprefixedNames;
  /** Skip the memo (for one-off expressions). */
  noCache?: boolean;
}

const MAX_CACHED = 4096;
const cache = new Map<string, CompiledXPath | XPathError>();
const functionCaches = new WeakMap<(prefix: string) => string | undefined, Map<string, CompiledXPath | XPathError>>();

function unprefixedKey(u: UnprefixedNames): string {
  return typeof u === 'object' ? `m:${u.module}` : u;
}

function prefixKey(prefixes: Exclude<PrefixMap, (p: string) => string | undefined>): string {
  const entries = isPrefixMapInstance(prefixes) ? [...prefixes.entries()] : Object.entries(prefixes);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.map(([p, m]) => `${p}=${m}`).join(' ');
}

/**
 * Compiles an expression. `prefixes` maps the prefixes it may use to module names; a name test
 * or identity literal with any other prefix is an error. Never throws.
 */
export function compileXPath(text: string, prefixes: PrefixMap, options: CompileOptions = {}): CompiledXPath | XPathError {
  const unprefixed = options.unprefixed ?? 'context-module';
  if (options.noCache === true) return compileUncached(text, prefixes, unprefixed);
  let memo: Map<string, CompiledXPath | XPathError>;
  let key: string;
  if (typeof prefixes === 'function') {
    memo = functionCaches.get(prefixes) ?? new Map<string, CompiledXPath | XPathError>();
    functionCaches.set(prefixes, memo);
    key = `${unprefixedKey(unprefixed)}\u0001${text}`;
  } else {
    memo = cache;
    key = `${unprefixedKey(unprefixed)}\u0001${prefixKey(prefixes)}\u0001${text}`;
  }
  const hit = memo.get(key);
  if (hit !== undefined) {
    // Most recently used last, so that eviction drops the least recently used.
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  const compiled = compileUncached(text, prefixes, unprefixed);
  memo.set(key, compiled);
  if (memo.size > MAX_CACHED) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
  return compiled;
}

function compileUncached(text: string, prefixes: PrefixMap, unprefixed: UnprefixedNames): CompiledXPath | XPathError {
  const parsed = parseXPath(text);
  if (isXPathError(parsed)) return parsed;
  const resolvePrefix = prefixResolver(prefixes);
  try {
    const expr = new Resolver(resolvePrefix, unprefixed).expr(parsed);
    return { text, expr, resolvePrefix, unprefixed, resultType: staticType(expr) };
  } catch (e) {
    if (e instanceof XPathFailure) return xpathError(text, e.position, e.message, e.detail);
    if (e instanceof RangeError) return tooComplex(text);
    throw e;
  }
}

/** A chain of thousands of operators exhausts the stack; that is the expression's fault, not a crash. */
export function tooComplex(text: string): XPathError {
  return xpathError(text, 0, 'expression too complex', 'it chains or nests operators too deeply');
}
