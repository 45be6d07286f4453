// Recursive-descent parser for the XPath 1.0 grammar (§2 location paths, §3 expressions).
// Precedence, lowest first: or, and, = !=, < <= > >=, + -, * div mod, unary -, |, paths.
// All binary operators are left-associative. Errors come back as an XPathError value.
import { AXES, type Axis, type Expr, type NodeTest, type NodeType, type Step } from './ast.js';
import { describeToken, tokenize, type Operator, type Token } from './lexer.js';
import { XPathFailure, xpathError, type XPathError } from './xpath-error.js';

/** Deeper nesting than this is refused rather than risking the stack. */
const MAX_DEPTH = 200;

/** Parses an expression; never throws. */
export function parseXPath(text: string): Expr | XPathError {
  try {
    return new Parser(text, tokenize(text)).parseAll();
  } catch (e) {
    if (e instanceof XPathFailure) return xpathError(text, e.position, e.message, e.detail);
    throw e;
  }
}

const SELF_NODE: NodeTest = { kind: 'node-type', type: 'node' };

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly tokens: Token[]) {}

  parseAll(): Expr {
    if (this.peek().kind === 'eof') throw new XPathFailure('empty expression', 0);
    const e = this.expr();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t);
    return e;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isOp(op: Operator, t: Token = this.peek()): boolean {
    return t.kind === 'operator' && t.op === op;
  }

  private unexpected(t: Token, expected?: string): XPathFailure {
    const what = t.kind === 'eof' ? 'unexpected end of expression' : `unexpected ${describeToken(t)}`;
    return new XPathFailure(what, t.pos, expected !== undefined ? `expected ${expected}` : undefined);
  }

  private expect(kind: Token['kind'], expected: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw this.unexpected(t, expected);
    return this.next();
  }

  private expr(): Expr {
    if (++this.depth > MAX_DEPTH) {
      throw new XPathFailure(`expression nested more than ${MAX_DEPTH} levels deep`, this.peek().pos);
    }
    const e = this.binary(0);
    this.depth--;
    return e;
  }

  // Binary levels from lowest precedence; level 5 is UnaryExpr.
  private static readonly LEVELS: readonly (readonly Operator[])[] = [
    ['or'], ['and'], ['=', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', 'div', 'mod'],
  ];

  private binary(level: number): Expr {
    const ops = Parser.LEVELS[level];
    if (ops === undefined) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'operator' || !ops.includes(t.op)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { type: 'binary', op: t.op as Exclude<Operator, '/' | '//'>, left, right, pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isOp('-', t)) {
      this.next();
      if (++this.depth > MAX_DEPTH) throw new XPathFailure(`expression nested more than ${MAX_DEPTH} levels deep`, t.pos);
      const operand = this.unary();
      this.depth--;
      return { type: 'negate', operand, pos: t.pos };
    }
    return this.union();
  }

  private union(): Expr {
    let left = this.pathExpr();
    for (;;) {
      const t = this.peek();
      if (!this.isOp('|', t)) return left;
      this.next();
      const right = this.pathExpr();
      left = { type: 'binary', op: '|', left, right, pos: t.pos };
    }
  }

  private pathExpr(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'variable': case '(': case 'literal': case 'number': case 'function-name':
        return this.filterExpr();
      default:
        return this.locationPath();
    }
  }

  private filterExpr(): Expr {
    const start = this.peek();
    const primary = this.primary();
    const predicates = this.predicates();
    const steps: Step[] = [];
    const t = this.peek();
    if (this.isOp('/', t) || this.isOp('//', t)) {
      this.relativePath(steps);
    }
    if (predicates.length === 0 && steps.length === 0) return primary;
    return { type: 'filter', primary, predicates, steps, pos: start.pos };
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'variable':
        return { type: 'variable', name: t.name, pos: t.pos };
      case 'literal':
        return { type: 'literal', value: t.value, pos: t.pos };
      case 'number':
        return { type: 'number', value: t.value, pos: t.pos };
      case '(': {
        if (this.peek().kind === ')') throw this.unexpected(this.peek(), 'an expression inside ( )');
        const e = this.expr();
        this.expect(')', `')' to close the '(' at column ${this.columnOf(t.pos)}`);
        return e;
      }
      case 'function-name': {
        this.expect('(', "'('");
        const args: Expr[] = [];
        if (this.peek().kind !== ')') {
          for (;;) {
            args.push(this.expr());
            const sep = this.peek();
            if (sep.kind === ',') {
              this.next();
              continue;
            }
            if (sep.kind === ')') break;
            throw this.unexpected(sep, `',' or ')' in the arguments of ${describeToken(t)}`);
          }
        }
        this.next();
        return { type: 'call', prefix: t.prefix, name: t.local, args, pos: t.pos };
      }
      default:
        throw this.unexpected(t, 'an expression');
    }
  }

  private predicates(): Expr[] {
    const out: Expr[] = [];
    while (this.peek().kind === '[') {
      const open = this.next();
      if (this.peek().kind === ']') throw this.unexpected(this.peek(), 'a predicate expression inside [ ]');
      out.push(this.expr());
      this.expect(']', `']' to close the '[' at column ${this.columnOf(open.pos)}`);
    }
    return out;
  }

  private locationPath(): Expr {
    const t = this.peek();
    const steps: Step[] = [];
    if (this.isOp('/', t)) {
      this.next();
      // "/" alone selects the root; it is followed by a step only if one starts here.
      if (this.startsStep(this.peek())) this.steps(steps);
      return { type: 'path', absolute: true, steps, pos: t.pos };
    }
    if (this.isOp('//', t)) {
      this.next();
      steps.push(descendantOrSelf(t.pos));
      if (!this.startsStep(this.peek())) throw this.unexpected(this.peek(), "a step after '//'");
      this.steps(steps);
      return { type: 'path', absolute: true, steps, pos: t.pos };
    }
    if (!this.startsStep(t)) throw this.unexpected(t, 'an expression');
    this.steps(steps);
    return { type: 'path', absolute: false, steps, pos: t.pos };
  }

  /** After a FilterExpr: ('/' | '//') RelativeLocationPath. */
  private relativePath(steps: Step[]): void {
    const t = this.next();
    if (this.isOp('//', t)) steps.push(descendantOrSelf(t.pos));
    if (!this.startsStep(this.peek())) throw this.unexpected(this.peek(), `a step after '${this.isOp('//', t) ? '//' : '/'}'`);
    this.steps(steps);
  }

  private startsStep(t: Token): boolean {
    switch (t.kind) {
      case 'name-test': case 'node-type': case 'axis-name': case '@': case '.': case '..':
        return true;
      default:
        return false;
    }
  }

  /** RelativeLocationPath: Step (('/' | '//') Step)*. */
  private steps(out: Step[]): void {
    out.push(this.step());
    for (;;) {
      const t = this.peek();
      if (this.isOp('/', t)) {
        this.next();
      } else if (this.isOp('//', t)) {
        this.next();
        out.push(descendantOrSelf(t.pos));
      } else {
        return;
      }
      if (!this.startsStep(this.peek())) throw this.unexpected(this.peek(), `a step after '${this.isOp('//', t) ? '//' : '/'}'`);
      out.push(this.step());
    }
  }

  private step(): Step {
    const t = this.next();
    if (t.kind === '.') return { axis: 'self', test: SELF_NODE, predicates: [], pos: t.pos };
    if (t.kind === '..') return { axis: 'parent', test: SELF_NODE, predicates: [], pos: t.pos };
    let axis: Axis = 'child';
    let testToken = t;
    if (t.kind === '@') {
      axis = 'attribute';
      testToken = this.next();
    } else if (t.kind === 'axis-name') {
      if (!AXES.has(t.name)) {
        throw new XPathFailure(`unknown axis '${t.name}'`, t.pos, `the axes are ${[...AXES].join(', ')}`);
      }
      axis = t.name as Axis;
      this.expect('::', "'::'");
      testToken = this.next();
    }
    const test = this.nodeTest(testToken);
    const predicates = this.predicates();
    return { axis, test, predicates, pos: t.pos };
  }

  private nodeTest(t: Token): NodeTest {
    if (t.kind === 'name-test') {
      if (t.local === '*') return t.prefix === undefined ? { kind: 'any-name' } : { kind: 'prefix-any', prefix: t.prefix };
      return { kind: 'name', prefix: t.prefix, local: t.local };
    }
    if (t.kind === 'node-type') {
      this.expect('(', "'('");
      let target: string | undefined;
      if (t.name === 'processing-instruction' && this.peek().kind === 'literal') {
        const lit = this.next();
        if (lit.kind === 'literal') target = lit.value;
      }
      const close = this.peek();
      if (close.kind !== ')') {
        throw this.unexpected(close, t.name === 'processing-instruction' ? "a literal or ')'" : `')' (${t.name}() takes no arguments)`);
      }
      this.next();
      return { kind: 'node-type', type: t.name as NodeType, target };
    }
    throw this.unexpected(t, 'a node test (a name, *, prefix:*, node(), text())');
  }

  private columnOf(pos: number): number {
    const lineStart = this.text.lastIndexOf('\n', pos - 1) + 1;
    return pos - lineStart + 1;
  }
}

function descendantOrSelf(pos: number): Step {
  return { axis: 'descendant-or-self', test: SELF_NODE, predicates: [], pos };
}
