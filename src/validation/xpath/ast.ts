// The XPath 1.0 expression tree (XPath 1.0 §2–§3). The parser builds it with the prefixes as
// written; the resolver (resolver.ts) copies it with prefixes mapped to module names. Every node
// keeps `pos`, its 0-based offset in the expression text, for error messages.

/** The 13 axes of XPath 1.0 §2.2. */
export type Axis =
  | 'ancestor' | 'ancestor-or-self' | 'attribute' | 'child' | 'descendant' | 'descendant-or-self'
  | 'following' | 'following-sibling' | 'namespace' | 'parent' | 'preceding' | 'preceding-sibling'
  | 'self';

export const AXES: ReadonlySet<string> = new Set<Axis>([
  'ancestor', 'ancestor-or-self', 'attribute', 'child', 'descendant', 'descendant-or-self',
  'following', 'following-sibling', 'namespace', 'parent', 'preceding', 'preceding-sibling', 'self',
]);

/** Axes whose proximity positions count in reverse document order (§2.4). */
export const REVERSE_AXES: ReadonlySet<Axis> = new Set<Axis>([
  'ancestor', 'ancestor-or-self', 'preceding', 'preceding-sibling',
]);

export type NodeType = 'node' | 'text' | 'comment' | 'processing-instruction';

export const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['node', 'text', 'comment', 'processing-instruction']);

/**
 * A node test. For `name` and `prefix-any`, `module` is filled in by the resolver: the module the
 * prefix maps to; undefined for an unprefixed name, whose module the evaluation decides (see
 * `UnprefixedNames`).
 */
export type NodeTest =
  | { kind: 'name'; prefix: string | undefined; local: string; module?: string | undefined }
  | { kind: 'any-name' }
  | { kind: 'prefix-any'; prefix: string; module?: string | undefined }
  | { kind: 'node-type'; type: NodeType; /** processing-instruction('target') */ target?: string | undefined };

export interface Step {
  axis: Axis;
  test: NodeTest;
  predicates: Expr[];
  pos: number;
  /**
   * Set by the resolver when the first predicate compares every named child with a value that
   * does not depend on the context node (`[k1 = 'a' and k2 = $v]`): an adapter with a list
   * index may answer it without a scan.
   */
  keyed?: KeyedPredicate | undefined;
}

/** `[k1 = e1 and k2 = e2 …]` on a child step: each key a child name, each value context-free. */
export interface KeyedPredicate {
  keys: { local: string; prefix: string | undefined; module?: string | undefined; value: Expr }[];
}

export type EqualityOp = '=' | '!=';
export type RelationalOp = '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | 'div' | 'mod';
export type BinaryOp = 'or' | 'and' | EqualityOp | RelationalOp | ArithmeticOp | '|';

export type Expr =
  | { type: 'number'; value: number; pos: number }
  | { type: 'literal'; value: string; pos: number }
  | { type: 'variable'; name: string; pos: number }
  | { type: 'call'; prefix: string | undefined; name: string; args: Expr[]; pos: number }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { type: 'negate'; operand: Expr; pos: number }
  /** A location path; `absolute` paths start at the root of the context node's tree. */
  | { type: 'path'; absolute: boolean; steps: Step[]; pos: number }
  /** FilterExpr (§3.3): a primary expression, its predicates, then optionally `/` steps. */
  | { type: 'filter'; primary: Expr; predicates: Expr[]; steps: Step[]; pos: number };

export type PathExpr = Extract<Expr, { type: 'path' }>;
export type CallExpr = Extract<Expr, { type: 'call' }>;
