// Comparisons (XPath 1.0 §3.4), with one YANG refinement taken from libyang: when a leaf is
// compared with a string for (in)equality, the string is also tried as a value of the leaf's type
// and compared in canonical form — so `mtu = '01500'`, `enabled = ' true'` and
// `type = 'ianaift:ethernetCsmacd'` (prefix resolved through the expression's prefixes) hold.
import type { EqualityOp, RelationalOp } from './ast.js';
import type { ValueScope } from './node-adapter.js';
import type { ValueBase } from '../types/value.js';
import { numberToBoolean, numberToString, stringToNumber, type XPathValue } from './values.js';

/** What comparisons need to know about nodes (the evaluator implements it). */
export interface NodeStrings<N> {
  stringValue(node: N): string;
  /** `node = text` for one node: equal string-values, or `text` canonicalized by the node's type equals it. */
  equalsText(node: N, text: string): boolean;
}

export type ComparisonOp = EqualityOp | RelationalOp;

function relate(op: RelationalOp, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

function flip(op: RelationalOp): RelationalOp {
  switch (op) {
    case '<': return '>';
    case '<=': return '>=';
    case '>': return '<';
    case '>=': return '<=';
  }
}

function isEquality(op: ComparisonOp): op is EqualityOp {
  return op === '=' || op === '!=';
}

/** Converts a value that is not a node-set; `stringOfNodes` handles node-sets. */
function scalarToNumber<N>(v: XPathValue<N>): number {
  switch (v.type) {
    case 'number': return v.value;
    case 'string': return stringToNumber(v.value);
    case 'boolean': return v.value ? 1 : 0;
    case 'node-set': return NaN; // not reached: callers handle node-sets first
  }
}

function scalarToString<N>(v: XPathValue<N>): string {
  switch (v.type) {
    case 'number': return numberToString(v.value);
    case 'string': return v.value;
    case 'boolean': return v.value ? 'true' : 'false';
    case 'node-set': return '';
  }
}

function scalarToBoolean<N>(v: XPathValue<N>): boolean {
  switch (v.type) {
    case 'number': return numberToBoolean(v.value);
    case 'string': return v.value !== '';
    case 'boolean': return v.value;
    case 'node-set': return v.nodes.length > 0;
  }
}

/** Compares two values exactly as §3.4 says (node-set operand order matters for < > <= >=). */
export function compareValues<N>(op: ComparisonOp, left: XPathValue<N>, right: XPathValue<N>, nodes: NodeStrings<N>): boolean {
  if (left.type === 'node-set' && right.type === 'node-set') return compareNodeSets(op, left.nodes, right.nodes, nodes);
  if (left.type === 'node-set') return compareNodeSetScalar(op, left.nodes, right, nodes);
  if (right.type === 'node-set') {
    // "a op ns" is "ns op' a" with the relational operator mirrored; = and != are symmetric.
    return compareNodeSetScalar(isEquality(op) ? op : flip(op), right.nodes, left, nodes);
  }
  if (isEquality(op)) {
    let eq: boolean;
    if (left.type === 'boolean' || right.type === 'boolean') eq = scalarToBoolean(left) === scalarToBoolean(right);
    else if (left.type === 'number' || right.type === 'number') eq = scalarToNumber(left) === scalarToNumber(right);
    else eq = scalarToString(left) === scalarToString(right);
    return op === '=' ? eq : !eq;
  }
  return relate(op, scalarToNumber(left), scalarToNumber(right));
}

function compareNodeSetScalar<N>(op: ComparisonOp, set: readonly N[], other: XPathValue<N>, nodes: NodeStrings<N>): boolean {
  switch (other.type) {
    case 'boolean': {
      const b = set.length > 0;
      if (isEquality(op)) return (b === other.value) === (op === '=');
      return relate(op, b ? 1 : 0, other.value ? 1 : 0);
    }
    case 'number': {
      const n = other.value;
      for (const node of set) {
        const v = stringToNumber(nodes.stringValue(node));
        if (op === '=' ? v === n : op === '!=' ? v !== n : relate(op, v, n)) return true;
      }
      return false;
    }
    case 'string': {
      const s = other.value;
      if (isEquality(op)) {
        const want = op === '=';
        for (const node of set) if (nodes.equalsText(node, s) === want) return true;
        return false;
      }
      const n = stringToNumber(s);
      for (const node of set) if (relate(op, stringToNumber(nodes.stringValue(node)), n)) return true;
      return false;
    }
    case 'node-set':
      return compareNodeSets(op, set, other.nodes, nodes);
  }
}

function compareNodeSets<N>(op: ComparisonOp, left: readonly N[], right: readonly N[], nodes: NodeStrings<N>): boolean {
  if (left.length === 0 || right.length === 0) return false;
  if (isEquality(op)) {
    // Both sides' values are canonical, so plain string equality, as XPath 1.0 says. (libyang 2.1
    // also canonicalizes the left node's value by the right node's type, so its `s = n` and
    // `n = s` can differ for a string leaf "01" and a uint8 leaf 1; here both are false.)
    const rightValues = new Set<string>();
    for (const r of right) rightValues.add(nodes.stringValue(r));
    if (op === '=') {
      for (const l of left) if (rightValues.has(nodes.stringValue(l))) return true;
      return false;
    }
    // "!=": some pair differs, i.e. not every value on both sides is one and the same string.
    if (rightValues.size > 1) return true;
    const only = rightValues.values().next().value as string;
    for (const l of left) if (nodes.stringValue(l) !== only) return true;
    return false;
  }
  // Some pair (l, r) with number(l) op number(r): compare the extremes, ignoring NaN.
  let lMin = Infinity;
  let lMax = -Infinity;
  let rMin = Infinity;
  let rMax = -Infinity;
  for (const l of left) {
    const v = stringToNumber(nodes.stringValue(l));
    if (v < lMin) lMin = v;
    if (v > lMax) lMax = v;
  }
  for (const r of right) {
    const v = stringToNumber(nodes.stringValue(r));
    if (v < rMin) rMin = v;
    if (v > rMax) rMax = v;
  }
  if (lMin > lMax || rMin > rMax) return false; // a side had only NaN
  switch (op) {
    case '<': return lMin < rMax;
    case '<=': return lMin <= rMax;
    case '>': return lMax > rMin;
    case '>=': return lMax >= rMin;
  }
}

const XML_SPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/;
const NCNAME_SIMPLE = /^[^\s:]+$/;

/**
 * The canonical form of `text` as a value of a leaf of built-in type `base`, for the types whose
 * lexical space has more than one spelling per value: identityref ("prefix:name" or "name" →
 * "module:name", through `scope`), integers ("+01" → "1"), decimal64 ("5.00" → "5.0"; the
 * fraction-digits bound is not checked), boolean (surrounding whitespace). undefined when `text`
 * is not such a value, or the type has one spelling per value. Adapters may reuse it.
 */
export function canonicalizeBuiltin(base: ValueBase, text: string, scope: ValueScope): string | undefined {
  const t = text.replace(XML_SPACE, '');
  switch (base) {
    case 'identityref': {
      const colon = t.indexOf(':');
      if (colon < 0) {
        if (!NCNAME_SIMPLE.test(t) || scope.defaultModule === undefined) return undefined;
        return `${scope.defaultModule}:${t}`;
      }
      const prefix = t.slice(0, colon);
      const name = t.slice(colon + 1);
      if (!NCNAME_SIMPLE.test(prefix) || !NCNAME_SIMPLE.test(name)) return undefined;
      const module = scope.resolvePrefix(prefix);
      return module === undefined ? undefined : `${module}:${name}`;
    }
    case 'int8': case 'int16': case 'int32': case 'int64':
    case 'uint8': case 'uint16': case 'uint32': case 'uint64':
      return INTEGER.test(t) ? BigInt(t).toString() : undefined;
    case 'decimal64': {
      const m = DECIMAL.exec(t);
      if (m === null) return undefined;
      const [, sign = '', intPart = '', frac = ''] = m;
      if (intPart === '' && frac === '') return undefined;
      const i = intPart.replace(/^0+(?=[0-9])/, '') || '0';
      const f = frac.replace(/0+$/, '') || '0';
      const zero = /^0+$/.test(i) && f === '0';
      return `${sign === '-' && !zero ? '-' : ''}${i}.${f}`;
    }
    case 'boolean':
      return t === 'true' || t === 'false' ? t : undefined;
    default:
      return undefined;
  }
}
