// The XPath 1.0 core function library (§4). Strings are sequences of characters (Unicode code
// points), so string-length('😀') is 1. YANG trees have no IDs and no xml:lang: id() selects
// nothing, lang() is false.
import type { CallContext, FunctionSpec, XPathFunction } from './call-context.js';
import { bool, EMPTY_STRING, nodeSet, num, str, type XPathValue } from './values.js';

const XML_SPACE_RUN = /[ \t\n\r]+/g;

/** The argument, or the context node as a node-set when the argument is omitted. */
function argOrContext<N>(c: CallContext<N>, args: readonly XPathValue<N>[]): XPathValue<N> {
  return args[0] ?? nodeSet([c.node]);
}

/** The first node (in document order) of an optional node-set argument, default the context node. */
function firstNode<N>(c: CallContext<N>, args: readonly XPathValue<N>[]): N | undefined {
  const a = args[0];
  if (a === undefined) return c.node;
  return c.nodes(a, 0)[0];
}

function stringArg<N>(c: CallContext<N>, args: readonly XPathValue<N>[], i: number): string {
  const a = args[i];
  return a === undefined ? '' : c.toString(a);
}

function numberArg<N>(c: CallContext<N>, args: readonly XPathValue<N>[], i: number): number {
  const a = args[i];
  return a === undefined ? NaN : c.toNumber(a);
}

const last: XPathFunction = (c) => num(c.size);
const position: XPathFunction = (c) => num(c.position);
const count: XPathFunction = (c, args) => num(c.nodes(args[0] ?? nodeSet([]), 0).length);
const id: XPathFunction = () => nodeSet([]);

const localName: XPathFunction = (c, args) => {
  const n = firstNode(c, args);
  return n === undefined || c.adapter.kind(n) !== 'element' ? EMPTY_STRING : str(c.adapter.localName(n));
};

const namespaceUri: XPathFunction = (c, args) => {
  const n = firstNode(c, args);
  if (n === undefined || c.adapter.kind(n) !== 'element') return EMPTY_STRING;
  return str(c.adapter.namespaceUri?.(n) ?? '');
};

/** The module-qualified name "module:name" (RFC 7951 style: documents have no prefixes here). */
const name: XPathFunction = (c, args) => {
  const n = firstNode(c, args);
  if (n === undefined || c.adapter.kind(n) !== 'element') return EMPTY_STRING;
  const module = c.adapter.moduleName(n);
  const local = c.adapter.localName(n);
  return str(module === '' ? local : `${module}:${local}`);
};

const string: XPathFunction = (c, args) => str(c.toString(argOrContext(c, args)));

const concat: XPathFunction = (c, args) => {
  let out = '';
  for (const a of args) out += c.toString(a);
  return str(out);
};

const startsWith: XPathFunction = (c, args) => bool(stringArg(c, args, 0).startsWith(stringArg(c, args, 1)));
const contains: XPathFunction = (c, args) => bool(stringArg(c, args, 0).includes(stringArg(c, args, 1)));

const substringBefore: XPathFunction = (c, args) => {
  const s = stringArg(c, args, 0);
  const i = s.indexOf(stringArg(c, args, 1));
  return i < 0 ? EMPTY_STRING : str(s.slice(0, i));
};

const substringAfter: XPathFunction = (c, args) => {
  const s = stringArg(c, args, 0);
  const t = stringArg(c, args, 1);
  const i = s.indexOf(t);
  return i < 0 ? EMPTY_STRING : str(s.slice(i + t.length));
};

/**
 * §4.2: the characters at positions p (1-based) with round(start) <= p < round(start) + round(length),
 * compared as IEEE doubles — so NaN bounds select nothing and -Infinity + Infinity is NaN.
 */
const substring: XPathFunction = (c, args) => {
  const s = stringArg(c, args, 0);
  const first = Math.round(numberArg(c, args, 1));
  const hasLength = args.length > 2;
  const end = hasLength ? first + Math.round(numberArg(c, args, 2)) : Infinity;
  if (!(first < end)) return EMPTY_STRING; // also NaN
  let out = '';
  let p = 0;
  for (const ch of s) {
    p++;
    if (p >= first && p < end) out += ch;
    else if (p >= end) break;
  }
  return str(out);
};

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < s.length) {
      const v = s.charCodeAt(i + 1);
      if (v >= 0xdc00 && v <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const stringLength: XPathFunction = (c, args) => num(codePointLength(c.toString(argOrContext(c, args))));

const normalizeSpace: XPathFunction = (c, args) =>
  str(c.toString(argOrContext(c, args)).replace(XML_SPACE_RUN, ' ').replace(/^ | $/g, ''));

/** §4.2 translate(): a character of `from` maps to the one at the same place in `to`, or is removed. */
const translate: XPathFunction = (c, args) => {
  const s = stringArg(c, args, 0);
  const from = [...stringArg(c, args, 1)];
  const to = [...stringArg(c, args, 2)];
  const map = new Map<string, string>();
  from.forEach((ch, i) => {
    if (!map.has(ch)) map.set(ch, to[i] ?? '');
  });
  if (map.size === 0) return str(s);
  let out = '';
  for (const ch of s) out += map.get(ch) ?? ch;
  return str(out);
};

const boolean: XPathFunction = (c, args) => bool(args[0] !== undefined && c.toBoolean(args[0]));
const not: XPathFunction = (c, args) => bool(!(args[0] !== undefined && c.toBoolean(args[0])));
const trueFn: XPathFunction = () => bool(true);
const falseFn: XPathFunction = () => bool(false);
const lang: XPathFunction = () => bool(false);

const number: XPathFunction = (c, args) => num(c.toNumber(argOrContext(c, args)));

const sum: XPathFunction = (c, args) => {
  let total = 0;
  for (const n of c.nodes(args[0] ?? nodeSet([]), 0)) total += c.toNumber(str(c.stringValue(n)));
  return num(total);
};

const floor: XPathFunction = (c, args) => num(Math.floor(numberArg(c, args, 0)));
const ceiling: XPathFunction = (c, args) => num(Math.ceil(numberArg(c, args, 0)));
/** Nearest integer, halves toward +Infinity; -0.5 <= x < 0 gives -0 (Math.round does exactly this). */
const round: XPathFunction = (c, args) => num(Math.round(numberArg(c, args, 0)));

export const CORE_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['last', { minArgs: 0, maxArgs: 0, returns: 'number', context: 'position', impl: last }],
  ['position', { minArgs: 0, maxArgs: 0, returns: 'number', context: 'position', impl: position }],
  ['count', { minArgs: 1, maxArgs: 1, nodeSetArgs: [0], returns: 'number', impl: count }],
  ['id', { minArgs: 1, maxArgs: 1, returns: 'node-set', impl: id }],
  ['local-name', { minArgs: 0, maxArgs: 1, nodeSetArgs: [0], returns: 'string', context: 'node', impl: localName }],
  ['namespace-uri', { minArgs: 0, maxArgs: 1, nodeSetArgs: [0], returns: 'string', context: 'node', impl: namespaceUri }],
  ['name', { minArgs: 0, maxArgs: 1, nodeSetArgs: [0], returns: 'string', context: 'node', impl: name }],
  ['string', { minArgs: 0, maxArgs: 1, returns: 'string', context: 'node', impl: string }],
  ['concat', { minArgs: 2, maxArgs: Infinity, returns: 'string', impl: concat }],
  ['starts-with', { minArgs: 2, maxArgs: 2, returns: 'boolean', impl: startsWith }],
  ['contains', { minArgs: 2, maxArgs: 2, returns: 'boolean', impl: contains }],
  ['substring-before', { minArgs: 2, maxArgs: 2, returns: 'string', impl: substringBefore }],
  ['substring-after', { minArgs: 2, maxArgs: 2, returns: 'string', impl: substringAfter }],
  ['substring', { minArgs: 2, maxArgs: 3, returns: 'string', impl: substring }],
  ['string-length', { minArgs: 0, maxArgs: 1, returns: 'number', context: 'node', impl: stringLength }],
  ['normalize-space', { minArgs: 0, maxArgs: 1, returns: 'string', context: 'node', impl: normalizeSpace }],
  ['translate', { minArgs: 3, maxArgs: 3, returns: 'string', impl: translate }],
  ['boolean', { minArgs: 1, maxArgs: 1, returns: 'boolean', impl: boolean }],
  ['not', { minArgs: 1, maxArgs: 1, returns: 'boolean', impl: not }],
  ['true', { minArgs: 0, maxArgs: 0, returns: 'boolean', impl: trueFn }],
  ['false', { minArgs: 0, maxArgs: 0, returns: 'boolean', impl: falseFn }],
  ['lang', { minArgs: 1, maxArgs: 1, returns: 'boolean', context: 'node', impl: lang }],
  ['number', { minArgs: 0, maxArgs: 1, returns: 'number', context: 'node', impl: number }],
  ['sum', { minArgs: 1, maxArgs: 1, nodeSetArgs: [0], returns: 'number', impl: sum }],
  ['floor', { minArgs: 1, maxArgs: 1, returns: 'number', impl: floor }],
  ['ceiling', { minArgs: 1, maxArgs: 1, returns: 'number', impl: ceiling }],
  ['round', { minArgs: 1, maxArgs: 1, returns: 'number', impl: round }],
]);
