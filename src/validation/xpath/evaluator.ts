// Evaluation over the XPath 1.0 data model (§5) through an adapter: node-sets are always in
// document order without duplicates; numbers are IEEE doubles; conversions and comparisons are
// §3.4 and §4 (see comparison.ts, values.ts). One Evaluation object lives for one call.
import { REVERSE_AXES, type Expr, type Step } from './ast.js';
import type { CallContext } from './call-context.js';
import { canonicalizeBuiltin, compareValues, type NodeStrings } from './comparison.js';
import { compileXPath, type CompiledXPath } from './compile.js';
import { DocumentOrder } from './document-order.js';
import type { ValueScope, XPathNodeAdapter } from './node-adapter.js';
import { functionSpec } from './resolver.js';
import { axisNodes } from './axes.js';
import { keyedLookup } from './key-lookup.js';
import { isXPathError, XPathFailure } from './xpath-error.js';
import { bool, nodeSet, num, numberToBoolean, numberToString, str, stringToNumber, type XPathValue } from './values.js';

export type VariableValue<N> = XPathValue<N> | string | number | boolean;

export interface EvaluateOptions<N> {
  /** Values for `$name` references; a reference to an unbound variable is an error. */
  variables?: Readonly<Record<string, VariableValue<N>>>;
  /** The node current() returns; default the context node. */
  current?: N;
}

/** Module names as prefixes: how instance-identifier values (RFC 7951 form) are compiled. */
const moduleNamesAsPrefixes = (prefix: string): string => prefix;

export class Evaluation<N> implements NodeStrings<N> {
  readonly scope: ValueScope;
  /** The module of unprefixed name tests that the resolver left open; undefined: any module. */
  readonly defaultNameModule: string | undefined;
  private readonly variables = new Map<string, XPathValue<N>>();

  constructor(
    readonly adapter: XPathNodeAdapter<N>,
    readonly compiled: CompiledXPath,
    readonly current: N,
    variables: Readonly<Record<string, VariableValue<N>>> | undefined,
    readonly order: DocumentOrder<N> = new DocumentOrder(adapter),
  ) {
    const u = compiled.unprefixed;
    let module: string | undefined;
    if (typeof u === 'object') module = u.module;
    else if (u === 'context-module') module = adapter.moduleName(current) || undefined;
    this.defaultNameModule = module;
    this.scope = { resolvePrefix: compiled.resolvePrefix, defaultModule: module };
    for (const [name, v] of Object.entries(variables ?? {})) this.variables.set(name, this.toValue(v));
  }

  private toValue(v: VariableValue<N>): XPathValue<N> {
    if (typeof v === 'string') return str(v);
    if (typeof v === 'number') return num(v);
    if (typeof v === 'boolean') return bool(v);
    return v.type === 'node-set' ? nodeSet(this.order.sortUnique(v.nodes)) : v;
  }

  run(contextNode: N): XPathValue<N> {
    return this.eval(this.compiled.expr, contextNode, 1, 1);
  }

  // ---- conversions (§4) ----

  stringValue(node: N): string {
    const a = this.adapter;
    const v = a.value(node);
    if (v !== undefined) return v;
    if (a.kind(node) === 'text') return '';
    // An inner node: the concatenation of the values below it, in document order.
    let out = '';
    const stack: N[] = [node];
    while (stack.length > 0) {
      const n = stack.pop() as N;
      const value = n === node ? undefined : a.value(n);
      if (value !== undefined) {
        out += value;
        continue;
      }
      const children = a.children(n);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as N);
    }
    return out;
  }

  equalsText(node: N, text: string): boolean {
    const a = this.adapter;
    const v = this.stringValue(node);
    if (v === text) return true;
    if (a.value(node) === undefined) return false;
    // A string has one spelling per value: nothing to canonicalize (and scans stay cheap).
    const base = a.typeBase?.(node);
    if (base === 'string') return false;
    let canonical: string | undefined;
    if (a.canonicalize !== undefined) canonical = a.canonicalize(node, text, this.scope);
    else if (base !== undefined) canonical = canonicalizeBuiltin(base, text, this.scope);
    return canonical !== undefined && canonical === v;
  }

  toString(v: XPathValue<N>): string {
    switch (v.type) {
      case 'string': return v.value;
      case 'number': return numberToString(v.value);
      case 'boolean': return v.value ? 'true' : 'false';
      case 'node-set': {
        const first = v.nodes[0];
        return first === undefined ? '' : this.stringValue(first);
      }
    }
  }

  toNumber(v: XPathValue<N>): number {
    switch (v.type) {
      case 'number': return v.value;
      case 'boolean': return v.value ? 1 : 0;
      default: return stringToNumber(this.toString(v));
    }
  }

  toBoolean(v: XPathValue<N>): boolean {
    switch (v.type) {
      case 'boolean': return v.value;
      case 'number': return numberToBoolean(v.value);
      case 'string': return v.value !== '';
      case 'node-set': return v.nodes.length > 0;
    }
  }

  // ---- expressions ----

  eval(e: Expr, node: N, position: number, size: number): XPathValue<N> {
    switch (e.type) {
      case 'number': return num(e.value);
      case 'literal': return str(e.value);
      case 'variable': {
        const v = this.variables.get(e.name);
        if (v === undefined) throw new XPathFailure(`variable '$${e.name}' is not bound`, e.pos);
        return v;
      }
      case 'negate': return num(-this.toNumber(this.eval(e.operand, node, position, size)));
      case 'binary': return this.binary(e, node, position, size);
      case 'call': return this.call(e, node, position, size);
      case 'path': {
        const start = e.absolute ? this.root(node) : node;
        return nodeSet(this.steps([start], e.steps));
      }
      case 'filter': {
        const v = this.eval(e.primary, node, position, size);
        if (v.type !== 'node-set') {
          throw new XPathFailure(`a predicate or '/' step needs a node-set, but the expression before it gave a ${v.type}`, e.pos);
        }
        let nodes = v.nodes;
        for (const p of e.predicates) nodes = this.predicate(nodes, p);
        return nodeSet(this.steps(nodes, e.steps));
      }
    }
  }

  private binary(e: Extract<Expr, { type: 'binary' }>, node: N, position: number, size: number): XPathValue<N> {
    switch (e.op) {
      case 'or':
        return bool(this.toBoolean(this.eval(e.left, node, position, size)) || this.toBoolean(this.eval(e.right, node, position, size)));
      case 'and':
        return bool(this.toBoolean(this.eval(e.left, node, position, size)) && this.toBoolean(this.eval(e.right, node, position, size)));
      case '=': case '!=': case '<': case '<=': case '>': case '>=':
        return bool(compareValues(e.op, this.eval(e.left, node, position, size), this.eval(e.right, node, position, size), this));
      case '|': {
        const l = this.eval(e.left, node, position, size);
        const r = this.eval(e.right, node, position, size);
        if (l.type !== 'node-set' || r.type !== 'node-set') {
          throw new XPathFailure(`'|' needs node-sets on both sides, but got a ${l.type === 'node-set' ? r.type : l.type}`, e.pos);
        }
        if (l.nodes.length === 0) return r;
        if (r.nodes.length === 0) return l;
        return nodeSet(this.order.merge(l.nodes, r.nodes));
      }
      default: {
        const a = this.toNumber(this.eval(e.left, node, position, size));
        const b = this.toNumber(this.eval(e.right, node, position, size));
        switch (e.op) {
          case '+': return num(a + b);
          case '-': return num(a - b);
          case '*': return num(a * b);
          case 'div': return num(a / b);
          case 'mod': return num(a % b); // truncating remainder, as §3.5 says
        }
      }
    }
  }

  private call(e: Extract<Expr, { type: 'call' }>, node: N, position: number, size: number): XPathValue<N> {
    const spec = functionSpec(e.name);
    if (spec === undefined) throw new XPathFailure(`unknown function '${e.name}()'`, e.pos);
    const args: XPathValue<N>[] = [];
    for (const a of e.args) args.push(this.eval(a, node, position, size));
    return spec.impl(new Frame(this, node, position, size, e.name, e.pos, e.args), args);
  }

  root(node: N): N {
    let n = node;
    for (let p = this.adapter.parent(n); p !== undefined; p = this.adapter.parent(p)) n = p;
    return n;
  }

  /** Applies one predicate to nodes in the order positions count in. */
  predicate(nodes: readonly N[], pred: Expr): N[] {
    if (pred.type === 'number') {
      const i = pred.value;
      const hit = Number.isInteger(i) ? nodes[i - 1] : undefined;
      return hit === undefined ? [] : [hit];
    }
    const out: N[] = [];
    const size = nodes.length;
    for (let i = 0; i < size; i++) {
      const n = nodes[i] as N;
      const v = this.eval(pred, n, i + 1, size);
      if (v.type === 'number' ? v.value === i + 1 : this.toBoolean(v)) out.push(n);
    }
    return out;
  }

  steps(start: readonly N[], steps: readonly Step[]): readonly N[] {
    let nodes = start;
    for (const s of steps) {
      if (nodes.length === 0) break;
      nodes = this.step(nodes, s);
    }
    return nodes;
  }

  private step(contexts: readonly N[], step: Step): readonly N[] {
    if (contexts.length === 1) return this.stepFrom(contexts[0] as N, step);
    const out: N[] = [];
    for (const c of contexts) {
      const r = this.stepFrom(c, step);
      for (const n of r) out.push(n);
    }
    switch (step.axis) {
      case 'self':
        return out;
      case 'child': case 'descendant': case 'descendant-or-self': case 'attribute': case 'namespace':
        // Nodes of one depth have disjoint subtrees in document order: the results are already sorted.
        return this.sameDepth(contexts) ? out : this.order.sortUnique(out);
      case 'parent':
        return this.sameDepth(contexts) ? dedupeAdjacent(out) : this.order.sortUnique(out);
      default:
        return this.order.sortUnique(out);
    }
  }

  private sameDepth(nodes: readonly N[]): boolean {
    const first = nodes[0];
    if (first === undefined) return true;
    const d = this.order.depth(first);
    for (let i = 1; i < nodes.length; i++) if (this.order.depth(nodes[i] as N) !== d) return false;
    return true;
  }

  /** One step from one context node, in document order. */
  private stepFrom(node: N, step: Step): readonly N[] {
    let nodes: readonly N[] | undefined;
    let firstPredicate = 0;
    if (step.keyed !== undefined && this.adapter.findListEntries !== undefined) {
      nodes = keyedLookup(this, node, step);
      if (nodes !== undefined) firstPredicate = 1;
    }
    nodes ??= axisNodes(this, node, step);
    for (let i = firstPredicate; i < step.predicates.length && nodes.length > 0; i++) {
      nodes = this.predicate(nodes, step.predicates[i] as Expr);
    }
    if (REVERSE_AXES.has(step.axis) && nodes.length > 1) return [...nodes].reverse();
    return nodes;
  }

  // ---- deref() ----

  deref(node: N, pos: number): readonly N[] {
    const a = this.adapter;
    if (a.deref !== undefined) return this.order.sortUnique(a.deref(node) ?? []);
    const value = a.value(node);
    if (value === undefined) return [];
    const path = a.leafrefPath?.(node);
    if (path !== undefined) {
      const compiled = compileXPath(path.text, path.prefixes, { unprefixed: { module: a.moduleName(node) } });
      if (isXPathError(compiled)) throw new XPathFailure(`deref(): the leafref path of '${a.localName(node)}' does not compile: ${compiled.message}`, pos);
      const targets = new Evaluation(a, compiled, node, undefined, this.order).run(node);
      if (targets.type !== 'node-set') return [];
      return targets.nodes.filter((t) => this.stringValue(t) === value);
    }
    if (a.typeBase?.(node) === 'instance-identifier') {
      const compiled = compileXPath(value, moduleNamesAsPrefixes, { unprefixed: 'inherit' });
      if (isXPathError(compiled)) throw new XPathFailure(`deref(): '${value}' is not an instance-identifier: ${compiled.message}`, pos);
      const targets = new Evaluation(a, compiled, node, undefined, this.order).run(this.root(node));
      return targets.type === 'node-set' ? targets.nodes : [];
    }
    return [];
  }
}

function dedupeAdjacent<N>(nodes: readonly N[]): N[] {
  const out: N[] = [];
  for (const n of nodes) if (out[out.length - 1] !== n) out.push(n);
  return out;
}

/** What a function sees of the evaluation. */
class Frame<N> implements CallContext<N> {
  constructor(
    private readonly ev: Evaluation<N>,
    readonly node: N,
    readonly position: number,
    readonly size: number,
    readonly name: string,
    private readonly pos: number,
    private readonly argExprs: readonly Expr[],
  ) {}

  get current(): N { return this.ev.current; }
  get adapter(): XPathNodeAdapter<N> { return this.ev.adapter; }
  get scope(): ValueScope { return this.ev.scope; }
  stringValue(node: N): string { return this.ev.stringValue(node); }
  toString(v: XPathValue<N>): string { return this.ev.toString(v); }
  toNumber(v: XPathValue<N>): number { return this.ev.toNumber(v); }
  toBoolean(v: XPathValue<N>): boolean { return this.ev.toBoolean(v); }
  deref(node: N): readonly N[] { return this.ev.deref(node, this.pos); }

  nodes(v: XPathValue<N>, index: number): readonly N[] {
    if (v.type === 'node-set') return v.nodes;
    const at = this.argExprs[index]?.pos ?? this.pos;
    throw new XPathFailure(`argument ${index + 1} of ${this.name}() must be a node-set, not a ${v.type}`, at);
  }

  fail(message: string, detail?: string): never {
    throw new XPathFailure(message, this.pos, detail);
  }
}
