// The contract between the evaluator and the function libraries (core-functions.ts,
// yang-functions.ts): what a function implementation may ask, and how it is described to the
// resolver (arity, argument types, result type) for compile-time checks.
import type { ValueScope, XPathNodeAdapter } from './node-adapter.js';
import type { XPathValue, XPathValueType } from './values.js';

/** A value type known before evaluation, or 'unknown' (a variable). */
export type StaticType = XPathValueType | 'unknown';

export interface CallContext<N> {
  /** The context node, position and size of the expression calling the function. */
  readonly node: N;
  readonly position: number;
  readonly size: number;
  /** The node current() returns: the context node the whole expression started at. */
  readonly current: N;
  readonly adapter: XPathNodeAdapter<N>;
  /** How prefixes in values (identity names) resolve for this expression. */
  readonly scope: ValueScope;
  /** The function's name, for messages. */
  readonly name: string;
  stringValue(node: N): string;
  toString(v: XPathValue<N>): string;
  toNumber(v: XPathValue<N>): number;
  toBoolean(v: XPathValue<N>): boolean;
  /** The nodes of argument `index`; fails (as an XPath error) when it is not a node-set. */
  nodes(v: XPathValue<N>, index: number): readonly N[];
  /** The nodes a leafref or instance-identifier leaf refers to. */
  deref(node: N): readonly N[];
  /** Raises an XPath error at the call's position. */
  fail(message: string, detail?: string): never;
}

export type XPathFunction = <N>(c: CallContext<N>, args: readonly XPathValue<N>[]) => XPathValue<N>;

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  /** Indices of the arguments that must be node-sets (checked at compile time when possible). */
  nodeSetArgs?: readonly number[];
  returns: XPathValueType;
  /**
   * 'node': called without arguments it reads the context node (string(), name()…);
   * 'position': it reads the context position or size (position(), last()).
   */
  context?: 'node' | 'position';
  impl: XPathFunction;
}
