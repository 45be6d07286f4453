// The YANG 1.1 function library (RFC 7950 §10): current(), re-match(), deref(),
// derived-from(), derived-from-or-self(), enum-value(), bit-is-set().
import type { CallContext, FunctionSpec, XPathFunction } from './call-context.js';
import { compileXsdRegex, isXsdRegexError } from '../types/xsd-regex.js';
import { bool, nodeSet, num } from './values.js';

const XML_SPACE_RUN = /[ \t\n\r]+/;

/** §10.1.1 current(): the initial context node. */
const current: XPathFunction = (c) => nodeSet([c.current]);

/** §10.2.1 re-match(subject, pattern): the whole subject matches the XSD regular expression. */
const reMatch: XPathFunction = (c, args) => {
  const subject = c.toString(args[0] ?? nodeSet([]));
  const pattern = c.toString(args[1] ?? nodeSet([]));
  const re = compileXsdRegex(pattern);
  if (isXsdRegexError(re)) return c.fail(`invalid regular expression ${JSON.stringify(pattern)} in re-match()`, `${re.error} at offset ${re.position}`);
  return bool(re.test(subject));
};

/** §10.3.1 deref(node-set): what the first node (a leafref or instance-identifier) refers to. */
const deref: XPathFunction = (c, args) => {
  const first = c.nodes(args[0] ?? nodeSet([]), 0)[0];
  return nodeSet(first === undefined ? [] : c.deref(first));
};

/**
 * Resolves an identity name from an argument: "prefix:name" through the expression's prefixes,
 * "name" in the expression's own module. Fails (as libyang does) for an unknown prefix or, when
 * the adapter can tell, an unknown identity.
 */
function identityArg<N>(c: CallContext<N>, text: string): string {
  const t = text.trim();
  const colon = t.indexOf(':');
  let module: string | undefined;
  let local: string;
  if (colon < 0) {
    module = c.scope.defaultModule;
    local = t;
    if (module === undefined) c.fail(`${c.name}(): identity '${t}' has no prefix and the expression has no default module`);
  } else {
    const prefix = t.slice(0, colon);
    local = t.slice(colon + 1);
    module = c.scope.resolvePrefix(prefix);
    if (module === undefined) c.fail(`${c.name}(): unknown prefix '${prefix}' in identity '${t}'`);
  }
  const qname = `${module}:${local}`;
  if (c.adapter.hasIdentity !== undefined && !c.adapter.hasIdentity(qname)) {
    c.fail(`${c.name}(): identity '${local}' not found in module '${module}'`);
  }
  return qname;
}

/** The identity a node holds ("module:name"), if it is an identityref leaf. */
function identityOf<N>(c: CallContext<N>, node: N): string | undefined {
  const value = c.adapter.value(node);
  if (value === undefined) return undefined;
  if (c.adapter.typeBase !== undefined && c.adapter.typeBase(node) !== 'identityref') return undefined;
  return value.includes(':') ? value : undefined;
}

function derivedFrom(orSelf: boolean): XPathFunction {
  return (c, args) => {
    const nodes = c.nodes(args[0] ?? nodeSet([]), 0);
    const base = identityArg(c, c.toString(args[1] ?? nodeSet([])));
    for (const n of nodes) {
      const id = identityOf(c, n);
      if (id === undefined) continue;
      if (orSelf && id === base) return bool(true);
      if (id !== base && c.adapter.isDerivedFrom?.(id, base) === true) return bool(true);
    }
    return bool(false);
  };
}

/** §10.5.1 enum-value(node-set): the integer value of the first node's enum, else NaN. */
const enumValue: XPathFunction = (c, args) => {
  const first = c.nodes(args[0] ?? nodeSet([]), 0)[0];
  if (first === undefined) return num(NaN);
  if (c.adapter.typeBase !== undefined && c.adapter.typeBase(first) !== 'enumeration') return num(NaN);
  return num(c.adapter.enumValue?.(first) ?? NaN);
};

/** §10.6.1 bit-is-set(node-set, bit-name): the first node is a bits leaf with that bit set. */
const bitIsSet: XPathFunction = (c, args) => {
  const first = c.nodes(args[0] ?? nodeSet([]), 0)[0];
  const bit = c.toString(args[1] ?? nodeSet([]));
  if (first === undefined) return bool(false);
  const value = c.adapter.value(first);
  if (value === undefined) return bool(false);
  if (c.adapter.typeBase !== undefined && c.adapter.typeBase(first) !== 'bits') return bool(false);
  return bool(value.split(XML_SPACE_RUN).includes(bit));
};

export const YANG_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['current', { minArgs: 0, maxArgs: 0, returns: 'node-set', impl: current }],
  ['re-match', { minArgs: 2, maxArgs: 2, returns: 'boolean', impl: reMatch }],
  ['deref', { minArgs: 1, maxArgs: 1, nodeSetArgs: [0], returns: 'node-set', impl: deref }],
  ['derived-from', { minArgs: 2, maxArgs: 2, nodeSetArgs: [0], returns: 'boolean', impl: derivedFrom(false) }],
  ['derived-from-or-self', { minArgs: 2, maxArgs: 2, nodeSetArgs: [0], returns: 'boolean', impl: derivedFrom(true) }],
  ['enum-value', { minArgs: 1, maxArgs: 1, nodeSetArgs: [0], returns: 'number', impl: enumValue }],
  ['bit-is-set', { minArgs: 2, maxArgs: 2, nodeSetArgs: [0], returns: 'boolean', impl: bitIsSet }],
]);

/** Re-exported for the resolver's compile-time pattern check. */
export function checkPattern(pattern: string): string | undefined {
  const re = compileXsdRegex(pattern);
  return isXsdRegexError(re) ? `${re.error} at offset ${re.position}` : undefined;
}
