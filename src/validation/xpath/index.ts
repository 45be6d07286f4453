// vrouterd's XPath 1.0 engine with the YANG 1.1 extensions (RFC 7950 §6.4, §10), over any tree
// that implements XPathNodeAdapter. Used for NETCONF :xpath filters (RFC 6241 §8.9) and for
// must / when / leafref evaluation.
//
//   const c = compileXPath("/if:interfaces/if:interface[if:name='eth0']", { if: 'ietf-interfaces' });
//   if (isXPathError(c)) … c.message …
//   const r = evaluate(c, root, adapter);          // XPathResult<N> | XPathError
import { compileXPath, tooComplex, type CompiledXPath, type CompileOptions } from './compile.js';
import { Evaluation, type EvaluateOptions } from './evaluator.js';
import type { XPathNodeAdapter } from './node-adapter.js';
import { isPrefixMapInstance, type PrefixMap } from './resolver.js';
import type { XPathValue } from './values.js';
import { XPathFailure, xpathError, type XPathError } from './xpath-error.js';

export { compileXPath, type CompiledXPath, type CompileOptions };
export type { EvaluateOptions, VariableValue } from './evaluator.js';
export type { ValueScope, XPathNodeAdapter, XPathNodeKind } from './node-adapter.js';
export type { PrefixMap, UnprefixedNames } from './resolver.js';
export { canonicalizeBuiltin } from './comparison.js';
export { isXPathError, type XPathError } from './xpath-error.js';
export { numberToString, stringToNumber } from './values.js';

/** An evaluation result: a node-set (document order, no duplicates) or a string, number or boolean. */
export type XPathResult<N> = XPathValue<N>;

/**
 * Evaluates a compiled expression with `contextNode` as the context node (position 1, size 1).
 * Errors (an unbound variable, a function given a string where it needs a node-set, an invalid
 * re-match() pattern) come back as an XPathError; nothing is thrown.
 */
export function evaluate<N>(
  compiled: CompiledXPath,
  contextNode: N,
  adapter: XPathNodeAdapter<N>,
  options: EvaluateOptions<N> = {},
): XPathResult<N> | XPathError {
  try {
    return new Evaluation(adapter, compiled, options.current ?? contextNode, options.variables).run(contextNode);
  } catch (e) {
    if (e instanceof XPathFailure) return xpathError(compiled.text, e.position, e.message, e.detail);
    if (e instanceof RangeError) return tooComplex(compiled.text);
    throw e;
  }
}

/** evaluate() converted with boolean() — the verdict of a must or when expression. */
export function evaluateBoolean<N>(
  compiled: CompiledXPath,
  contextNode: N,
  adapter: XPathNodeAdapter<N>,
  options: EvaluateOptions<N> = {},
): boolean | XPathError {
  const r = evaluate(compiled, contextNode, adapter, options);
  if ('kind' in r) return r;
  switch (r.type) {
    case 'boolean': return r.value;
    case 'number': return r.value !== 0 && !Number.isNaN(r.value);
    case 'string': return r.value !== '';
    case 'node-set': return r.nodes.length > 0;
  }
}

/**
 * The prefix map of a NETCONF :xpath filter: the prefixes declared on the filter element, plus
 * (a vrouterd extension) every module name used as a prefix of itself. Declared prefixes win.
 */
export function filterPrefixes(declared: PrefixMap, moduleNames: Iterable<string>): PrefixMap {
  const modules = new Set(moduleNames);
  if (typeof declared === 'function') return (p: string) => declared(p) ?? (modules.has(p) ? p : undefined);
  const merged = new Map<string, string>();
  for (const m of modules) merged.set(m, m);
  const entries = isPrefixMapInstance(declared) ? [...declared.entries()] : Object.entries(declared);
  for (const [p, m] of entries) merged.set(p, m);
  return merged;
}
