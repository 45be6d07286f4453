// Compile-time pass over a parsed expression: maps name-test prefixes to modules (an unknown
// prefix is an error), checks function names, arities and node-set arguments, checks literal
// re-match() patterns and derived-from() identity prefixes, marks key predicates that an index
// can answer, and rewrites `//name[p]` to `descendant::name[p]` when p does not use positions.
// Returns a new tree; throws XPathFailure (turned into an XPathError by compileXPath).
import type { Expr, KeyedPredicate, NodeTest, Step } from './ast.js';
import type { FunctionSpec, StaticType } from './call-context.js';
import { CORE_FUNCTIONS } from './core-functions.js';
import { XPathFailure } from './xpath-error.js';
import { checkPattern, YANG_FUNCTIONS } from './yang-functions.js';

/** prefix → module name: a plain object (as in the schema export), a Map, or a function. */
export type PrefixMap =
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | ((prefix: string) => string | undefined);

/**
 * What an unprefixed element name means:
 * - 'context-module': the module of the node the evaluation starts at (YANG 1.1 §6.4.1, for
 *   must/when when the caller does not know the module; prefer `{ module }` when it does); when
 *   that node is the root, which has no module, any module;
 * - `{ module }`: that module (must/when/leafref: the module the expression belongs to);
 * - 'any': an element of any module with that name (lenient NETCONF filters);
 * - 'inherit': the module of the previous name step, as in RFC 7951 paths and
 *   instance-identifiers (a first step without a prefix matches any module).
 */
export type UnprefixedNames = 'context-module' | 'any' | 'inherit' | { module: string };

export function isPrefixMapInstance(map: PrefixMap): map is ReadonlyMap<string, string> {
  return map instanceof Map;
}

export function prefixResolver(map: PrefixMap): (prefix: string) => string | undefined {
  if (typeof map === 'function') return map;
  if (isPrefixMapInstance(map)) return (p) => map.get(p);
  return (p) => (Object.hasOwn(map, p) ? map[p] : undefined);
}

export function functionSpec(name: string): FunctionSpec | undefined {
  return CORE_FUNCTIONS.get(name) ?? YANG_FUNCTIONS.get(name);
}

/** The type an expression is known to have before evaluation. */
export function staticType(e: Expr): StaticType {
  switch (e.type) {
    case 'number': case 'negate': return 'number';
    case 'literal': return 'string';
    case 'variable': return 'unknown';
    case 'call': return functionSpec(e.name)?.returns ?? 'unknown';
    case 'path': case 'filter': return 'node-set';
    case 'binary':
      switch (e.op) {
        case '+': case '-': case '*': case 'div': case 'mod': return 'number';
        case '|': return 'node-set';
        default: return 'boolean';
      }
  }
}

/** Does `e` read the context position or size (outside nested predicates)? */
function usesPosition(e: Expr): boolean {
  switch (e.type) {
    case 'call':
      return functionSpec(e.name)?.context === 'position' || e.args.some(usesPosition);
    case 'binary': return usesPosition(e.left) || usesPosition(e.right);
    case 'negate': return usesPosition(e.operand);
    case 'filter': return usesPosition(e.primary);
    default: return false;
  }
}

/** Does `e` give the same value whatever the context node, position and size? */
export function isContextFree(e: Expr): boolean {
  switch (e.type) {
    case 'number': case 'literal': case 'variable': return true;
    case 'call': {
      const spec = functionSpec(e.name);
      if (spec === undefined || spec.context === 'position') return false;
      if (spec.context === 'node' && (e.args.length === 0 || e.name === 'lang')) return false;
      return e.args.every(isContextFree);
    }
    case 'binary': return isContextFree(e.left) && isContextFree(e.right);
    case 'negate': return isContextFree(e.operand);
    case 'path': return e.absolute;
    case 'filter': return isContextFree(e.primary);
  }
}

const IDENTITY_LITERAL = /^[ \t\n\r]*(?:([^\s:]+):)?[^\s:]+[ \t\n\r]*$/;

export class Resolver {
  private readonly fixedModule: string | undefined;

  constructor(private readonly resolvePrefix: (prefix: string) => string | undefined, private readonly unprefixed: UnprefixedNames) {
    this.fixedModule = typeof unprefixed === 'object' ? unprefixed.module : undefined;
  }

  expr(e: Expr, inherited?: string): Expr {
    switch (e.type) {
      case 'number': case 'literal': case 'variable':
        return e;
      case 'negate':
        return { ...e, operand: this.expr(e.operand, inherited) };
      case 'binary': {
        const left = this.expr(e.left, inherited);
        const right = this.expr(e.right, inherited);
        if (e.op === '|') {
          for (const side of [left, right]) {
            const t = staticType(side);
            if (t !== 'node-set' && t !== 'unknown') throw new XPathFailure(`'|' needs node-sets on both sides, but one side is a ${t}`, e.pos);
          }
        }
        return { ...e, left, right };
      }
      case 'call':
        return this.call(e, inherited);
      case 'path':
        return { ...e, steps: this.steps(e.steps, e.absolute ? undefined : inherited) };
      case 'filter': {
        const primary = this.expr(e.primary, inherited);
        const t = staticType(primary);
        if (t !== 'node-set' && t !== 'unknown') {
          const what = e.predicates.length > 0 ? 'a predicate' : "a '/' step";
          throw new XPathFailure(`${what} needs a node-set, but the expression before it is a ${t}`, e.pos);
        }
        return {
          ...e,
          primary,
          predicates: e.predicates.map((p) => this.expr(p, undefined)),
          steps: this.steps(e.steps, undefined),
        };
      }
    }
  }

  private call(e: Extract<Expr, { type: 'call' }>, inherited: string | undefined): Expr {
    const shown = e.prefix !== undefined ? `${e.prefix}:${e.name}` : e.name;
    const spec = e.prefix === undefined ? functionSpec(e.name) : undefined;
    if (spec === undefined) {
      throw new XPathFailure(`unknown function '${shown}()'`, e.pos, 'XPath 1.0 core and YANG 1.1 functions are available');
    }
    if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
      const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}`
        : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      throw new XPathFailure(`${shown}() takes ${want} argument${want === '1' ? '' : 's'}, not ${e.args.length}`, e.pos);
    }
    const args = e.args.map((a) => this.expr(a, inherited));
    for (const i of spec.nodeSetArgs ?? []) {
      const a = args[i];
      if (a === undefined) continue;
      const t = staticType(a);
      if (t !== 'node-set' && t !== 'unknown') {
        throw new XPathFailure(`argument ${i + 1} of ${shown}() must be a node-set, not a ${t}`, a.pos);
      }
    }
    const second = args[1];
    if (e.name === 're-match' && second?.type === 'literal') {
      const problem = checkPattern(second.value);
      if (problem !== undefined) throw new XPathFailure(`invalid regular expression in re-match()`, second.pos, problem);
    }
    if ((e.name === 'derived-from' || e.name === 'derived-from-or-self') && second?.type === 'literal') {
      const m = IDENTITY_LITERAL.exec(second.value);
      if (m === null) throw new XPathFailure(`${shown}() needs an identity name, not ${JSON.stringify(second.value)}`, second.pos);
      const prefix = m[1];
      if (prefix !== undefined && this.resolvePrefix(prefix) === undefined) {
        throw new XPathFailure(`unknown prefix '${prefix}' in identity ${JSON.stringify(second.value.trim())}`, second.pos);
      }
    }
    return { ...e, args };
  }

  private steps(steps: readonly Step[], inherited: string | undefined): Step[] {
    const out: Step[] = [];
    let module = inherited;
    for (const s of steps) {
      const test = this.nodeTest(s.test, s.pos, module);
      if (this.unprefixed === 'inherit' && (test.kind === 'name' || test.kind === 'prefix-any') && test.module !== undefined) {
        module = test.module;
      }
      const predicates = s.predicates.map((p) => this.expr(p, module));
      const step: Step = { axis: s.axis, test, predicates, pos: s.pos };
      const keyed = keyedPredicate(step);
      if (keyed !== undefined) step.keyed = keyed;
      out.push(step);
    }
    return rewriteDescendants(out);
  }

  private nodeTest(t: NodeTest, pos: number, inherited: string | undefined): NodeTest {
    if (t.kind === 'name' || t.kind === 'prefix-any') {
      if (t.prefix === undefined) {
        const module = this.unprefixed === 'inherit' ? inherited : this.fixedModule;
        return { ...t, module };
      }
      const module = this.resolvePrefix(t.prefix);
      if (module === undefined) {
        throw new XPathFailure(`unknown prefix '${t.prefix}'`, pos, `declare it, or use a module name as the prefix`);
      }
      return { ...t, module };
    }
    return t;
  }
}

/** `[k1 = v1 and k2 = v2 …]` on a child name step, each k a child name, each v context-free. */
function keyedPredicate(step: Step): KeyedPredicate | undefined {
  const first = step.predicates[0];
  if (step.axis !== 'child' || step.test.kind !== 'name' || first === undefined) return undefined;
  const conjuncts: Expr[] = [];
  const collect = (e: Expr): void => {
    if (e.type === 'binary' && e.op === 'and') {
      collect(e.left);
      collect(e.right);
    } else {
      conjuncts.push(e);
    }
  };
  collect(first);
  const keys: KeyedPredicate['keys'] = [];
  for (const c of conjuncts) {
    if (c.type !== 'binary' || c.op !== '=') return undefined;
    const key = childName(c.left) ?? childName(c.right);
    const value = childName(c.left) !== undefined ? c.right : c.left;
    if (key === undefined || !isContextFree(value)) return undefined;
    if (keys.some((k) => k.local === key.local)) return undefined;
    keys.push({ local: key.local, prefix: key.prefix, module: key.module, value });
  }
  return { keys };
}

function childName(e: Expr): Extract<NodeTest, { kind: 'name' }> | undefined {
  if (e.type !== 'path' || e.absolute || e.steps.length !== 1) return undefined;
  const s = e.steps[0];
  if (s === undefined || s.axis !== 'child' || s.predicates.length > 0 || s.test.kind !== 'name') return undefined;
  return s.test;
}

/** descendant-or-self::node()/child::T[p] → descendant::T[p] when no p reads positions. */
function rewriteDescendants(steps: Step[]): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as Step;
    const next = steps[i + 1];
    if (
      next !== undefined
      && s.axis === 'descendant-or-self' && s.test.kind === 'node-type' && s.test.type === 'node' && s.predicates.length === 0
      && next.axis === 'child' && next.test.kind !== 'node-type'
      && next.predicates.every((p) => {
        const t = staticType(p);
        return (t === 'boolean' || t === 'node-set' || t === 'string') && !usesPosition(p);
      })
    ) {
      out.push({ axis: 'descendant', test: next.test, predicates: next.predicates, pos: s.pos });
      i++;
      continue;
    }
    out.push(s);
  }
  return out;
}
