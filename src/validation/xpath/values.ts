// The four XPath 1.0 value types (§1) and the conversions between the non-node-set ones
// (§4.2 string(), §4.3 boolean(), §4.4 number()). Node-set conversions need the tree and live in
// the evaluator; they use these for the final step.

/** A node-set is always in document order and without duplicates. */
export type XPathValue<N> =
  | { type: 'node-set'; nodes: readonly N[] }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean };

export type XPathValueType = XPathValue<unknown>['type'];

export const TRUE: XPathValue<never> = { type: 'boolean', value: true };
export const FALSE: XPathValue<never> = { type: 'boolean', value: false };
export const EMPTY_STRING: XPathValue<never> = { type: 'string', value: '' };

export function bool<N>(value: boolean): XPathValue<N> {
  return value ? TRUE : FALSE;
}

export function num<N>(value: number): XPathValue<N> {
  return { type: 'number', value };
}

export function str<N>(value: string): XPathValue<N> {
  return { type: 'string', value };
}

export function nodeSet<N>(nodes: readonly N[]): XPathValue<N> {
  return { type: 'node-set', nodes };
}

/**
 * number → string (§4.2): NaN, Infinity, -Infinity; 0 for both zeros; integers without a decimal
 * point; otherwise plain decimal notation (never an exponent) with the fewest digits that
 * identify the number.
 */
export function numberToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === 0) return '0';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // Expand JavaScript's exponent form: "-1.25e-7" → "-0.000000125", "1e+21" → "1000…".
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

// §4.4: optional whitespace, an optional minus, a Number, optional whitespace — nothing else
// (no "+", no exponent, no "Infinity", no hex; the empty string is NaN).
const XPATH_NUMBER = /^[ \t\n\r]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\n\r]*$/;

export function stringToNumber(s: string): number {
  return XPATH_NUMBER.test(s) ? Number(s.trim()) : NaN;
}

export function numberToBoolean(n: number): boolean {
  return n !== 0 && !Number.isNaN(n);
}
