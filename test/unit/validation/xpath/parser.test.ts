import { strict as assert } from 'node:assert';
import type { Expr, Step } from '../../../../src/validation/xpath/ast.js';
import { tokenize } from '../../../../src/validation/xpath/lexer.js';
import { parseXPath } from '../../../../src/validation/xpath/parser.js';
import { compileXPath, isXPathError } from '../../../../src/validation/xpath/index.js';

/** A compact rendering of the AST, to compare structure and precedence. */
function show(e: Expr): string {
  switch (e.type) {
    case 'number': return String(e.value);
    case 'literal': return JSON.stringify(e.value);
    case 'variable': return `$${e.name}`;
    case 'call': return `${e.prefix !== undefined ? `${e.prefix}:` : ''}${e.name}(${e.args.map(show).join(', ')})`;
    case 'binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'negate': return `-${show(e.operand)}`;
    case 'path': return `${e.absolute ? '/' : ''}${e.steps.map(showStep).join('/')}`;
    case 'filter': return `{${show(e.primary)}}${e.predicates.map((p) => `[${show(p)}]`).join('')}${e.steps.map((s) => `/${showStep(s)}`).join('')}`;
  }
}

function showStep(s: Step): string {
  const t = s.test;
  let test: string;
  switch (t.kind) {
    case 'name': test = t.prefix !== undefined ? `${t.prefix}:${t.local}` : t.local; break;
    case 'any-name': test = '*'; break;
    case 'prefix-any': test = `${t.prefix}:*`; break;
    case 'node-type': test = `${t.type}(${t.target !== undefined ? JSON.stringify(t.target) : ''})`; break;
  }
  return `${s.axis}::${test}${s.predicates.map((p) => `[${show(p)}]`).join('')}`;
}

function parse(text: string): string {
  const e = parseXPath(text);
  if (isXPathError(e)) throw new Error(e.message);
  return show(e);
}

function parseError(text: string): string {
  const e = parseXPath(text);
  if (!isXPathError(e)) throw new Error(`expected an error for ${text}`);
  return e.message;
}

describe('xpath parser', () => {
  describe('location paths', () => {
    it('parses abbreviated steps', () => {
      assert.equal(parse('.'), 'self::node()');
      assert.equal(parse('..'), 'parent::node()');
      assert.equal(parse('@id'), 'attribute::id');
      assert.equal(parse('/'), '/');
      assert.equal(parse('/a/b'), '/child::a/child::b');
      assert.equal(parse('//a'), '/descendant-or-self::node()/child::a');
      assert.equal(parse('a//b'), 'child::a/descendant-or-self::node()/child::b');
      assert.equal(parse('../x'), 'parent::node()/child::x');
      assert.equal(parse('./x'), 'self::node()/child::x');
    });

    it('parses all 13 axes', () => {
      for (const axis of ['ancestor', 'ancestor-or-self', 'attribute', 'child', 'descendant', 'descendant-or-self',
        'following', 'following-sibling', 'namespace', 'parent', 'preceding', 'preceding-sibling', 'self']) {
        assert.equal(parse(`${axis}::x`), `${axis}::x`);
        assert.equal(parse(`${axis} :: x`), `${axis}::x`);
      }
    });

    it('parses node tests', () => {
      assert.equal(parse('node()'), 'child::node()');
      assert.equal(parse('text()'), 'child::text()');
      assert.equal(parse('comment()'), 'child::comment()');
      assert.equal(parse("processing-instruction('x')"), 'child::processing-instruction("x")');
      assert.equal(parse('*'), 'child::*');
      assert.equal(parse('if:*'), 'child::if:*');
      assert.equal(parse('if:interface'), 'child::if:interface');
      assert.equal(parse('a-b.c_d'), 'child::a-b.c_d');
    });

    it('parses predicates', () => {
      assert.equal(parse("a[b='x'][2]"), 'child::a[(child::b = "x")][2]');
      assert.equal(parse('a[b[c]]'), 'child::a[child::b[child::c]]');
    });

    it('treats names of operators and node types as names where a name is expected', () => {
      assert.equal(parse('and'), 'child::and');
      assert.equal(parse('div/mod'), 'child::div/child::mod');
      assert.equal(parse('text'), 'child::text');
      assert.equal(parse('node/or or or'), '(child::node/child::or or child::or)');
      assert.equal(parse('child::div'), 'child::div');
    });
  });

  describe('expressions', () => {
    it('gives operators their XPath 1.0 precedence', () => {
      assert.equal(parse('1 + 2 * 3'), '(1 + (2 * 3))');
      assert.equal(parse('1 * 2 + 3'), '((1 * 2) + 3)');
      assert.equal(parse('a or b and c'), '(child::a or (child::b and child::c))');
      assert.equal(parse('a = b < c'), '(child::a = (child::b < child::c))');
      assert.equal(parse('1 < 2 = 3 > 4'), '((1 < 2) = (3 > 4))');
      assert.equal(parse('-a | b'), '-(child::a | child::b)');
      assert.equal(parse('1 + 2 = 3 and 4 div 2 mod 3 != 0'), '(((1 + 2) = 3) and (((4 div 2) mod 3) != 0))');
    });

    it('is left-associative', () => {
      assert.equal(parse('1 - 2 - 3'), '((1 - 2) - 3)');
      assert.equal(parse('8 div 4 div 2'), '((8 div 4) div 2)');
      assert.equal(parse('a | b | c'), '((child::a | child::b) | child::c)');
      assert.equal(parse('1 = 2 != 3'), '((1 = 2) != 3)');
    });

    it('parses unary minus, repeated', () => {
      assert.equal(parse('--1'), '--1');
      assert.equal(parse('1 - -1'), '(1 - -1)');
      assert.equal(parse('1--1'), '(1 - -1)');
    });

    it('tells * the operator from * the name test', () => {
      assert.equal(parse('* * *'), '(child::* * child::*)');
      assert.equal(parse('a*b'), '(child::a * child::b)');
      assert.equal(parse('2*.5'), '(2 * 0.5)');
      assert.equal(parse('a/*'), 'child::a/child::*');
      assert.equal(parse('(*)'), 'child::*');
    });

    it('parses literals, numbers, variables and function calls', () => {
      assert.equal(parse('"it\'s"'), '"it\'s"');
      assert.equal(parse("'say \"hi\"'"), '"say \\"hi\\""');
      assert.equal(parse('12.50'), '12.5');
      assert.equal(parse('.5'), '0.5');
      assert.equal(parse('5.'), '5');
      assert.equal(parse('$x + $p:y'), '($x + $p:y)');
      assert.equal(parse("concat('a', 'b', 'c')"), 'concat("a", "b", "c")');
      assert.equal(parse('count ( a )'), 'count(child::a)');
      assert.equal(parse('true()'), 'true()');
    });

    it('parses filter expressions with predicates and paths', () => {
      assert.equal(parse('(a|b)[1]'), '{(child::a | child::b)}[1]');
      assert.equal(parse('current()/../x'), '{current()}/parent::node()/child::x');
      assert.equal(parse('deref(.)//y'), '{deref(self::node())}/descendant-or-self::node()/child::y');
      assert.equal(parse('$n[2]/a'), '{$n}[2]/child::a');
    });

    it('accepts whitespace between tokens, including newlines', () => {
      assert.equal(parse(' /if:interfaces\n  /if:interface [ if:name = "x" ] '), '/child::if:interfaces/child::if:interface[(child::if:name = "x")]');
    });
  });

  describe('errors', () => {
    it('reports the column of an unexpected token', () => {
      assert.equal(parseError('count(a, b))'), "unexpected ')' at column 12");
      assert.equal(parseError("/if:interfaces)"), "unexpected ')' at column 15");
      assert.match(parseError('/a/b[c = 1]]'), /^unexpected '\]' at column 12/);
      assert.match(parseError('a = )'), /^unexpected '\)' at column 5; expected an expression$/);
      assert.match(parseError('(1 + 2'), /^unexpected end of expression at column 7; expected '\)' to close the '\(' at column 1$/);
      assert.match(parseError('a[1'), /^unexpected end of expression at column 4; expected '\]'/);
      assert.match(parseError('a/'), /^unexpected end of expression at column 3; expected a step after '\/'$/);
      assert.match(parseError('a//'), /expected a step after '\/\/'$/);
      assert.match(parseError('//'), /expected a step after '\/\/'$/);
      assert.match(parseError('f(a b)'), /^unexpected 'b' at column 5/);
      assert.match(parseError(''), /^empty expression at column 1$/);
      assert.match(parseError('   '), /^empty expression/);
      assert.match(parseError('a[]'), /^unexpected '\]' at column 3; expected a predicate expression/);
      assert.match(parseError('()'), /^unexpected '\)' at column 2; expected an expression inside/);
    });

    it('reports lexical errors', () => {
      assert.match(parseError("'abc"), /^unterminated string literal at column 1; no closing '$/);
      assert.match(parseError('a ! b'), /^unexpected '!' at column 3; did you mean '!='\?$/);
      assert.match(parseError('a # b'), /^unexpected '#' at column 3$/);
      assert.match(parseError('if: name'), /^expected a name or '\*' after 'if:' at column 4$/);
      assert.match(parseError('$'), /^expected a variable name after '\$' at column 1$/);
      assert.match(parseError('a:b:c'), /^unexpected ':' at column 4/);
    });

    it('reports unknown axes and misused node types', () => {
      assert.match(parseError('sideways::a'), /^unknown axis 'sideways' at column 1; the axes are ancestor, /);
      assert.match(parseError('node(1)'), /^unexpected number 1 at column 6; expected '\)' \(node\(\) takes no arguments\)$/);
      assert.match(parseError('child::'), /^unexpected end of expression at column 8; expected a node test/);
      assert.match(parseError('.[1]'), /^unexpected '\[' at column 2/);
    });

    it('reports line and column in multi-line expressions', () => {
      const e = parseXPath('a = 1 and\n  b = )');
      assert.ok(isXPathError(e));
      assert.equal(e.line, 2);
      assert.equal(e.column, 7);
      assert.equal(e.position, 16);
      assert.match(e.message, /^unexpected '\)' at line 2, column 7/);
    });

    it('refuses absurd nesting without blowing the stack', () => {
      assert.match(parseError(`${'('.repeat(5000)}1${')'.repeat(5000)}`), /nested more than 200 levels deep/);
      assert.match(parseError(`${'-'.repeat(5000)}1`), /nested more than 200 levels deep/);
    });

    it('refuses operator chains too long to evaluate, as an error', () => {
      const r = compileXPath(Array(50000).fill('1').join(' + '), {});
      assert.ok(isXPathError(r));
      assert.match(r.message, /^expression too complex at column 1/);
      assert.ok(!isXPathError(compileXPath(Array(500).fill('1').join(' + '), {})));
    });

    it('never throws, whatever the input', () => {
      const junk = ['[', ']', '(', ')', '/', '//', '@', '::', ',', '|', '*', 'a', 'b:c', "'s'", '1', '$v', 'and', '-', 'f(', 'node()', '..', '.'];
      let seed = 7;
      for (let i = 0; i < 2000; i++) {
        let text = '';
        const n = 1 + (i % 9);
        for (let j = 0; j < n; j++) {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          text += `${junk[seed % junk.length] ?? ''} `;
        }
        const r = parseXPath(text);
        if (isXPathError(r)) assert.ok(r.column >= 1 && r.column <= text.length + 1, text);
      }
    });
  });

  describe('tokenizer', () => {
    it('classifies names by what follows them', () => {
      const kinds = tokenize('child::node() and f(x) or p:g(1)').map((t) => t.kind);
      assert.deepEqual(kinds, ['axis-name', '::', 'node-type', '(', ')', 'operator', 'function-name', '(', 'name-test', ')', 'operator', 'function-name', '(', 'number', ')', 'eof']);
    });
  });

  describe('compile-time checks', () => {
    const err = (text: string, prefixes: Record<string, string> = { if: 'ietf-interfaces' }): string => {
      const r = compileXPath(text, prefixes);
      if (!isXPathError(r)) throw new Error(`expected an error for ${text}`);
      return r.message;
    };

    it('refuses unknown prefixes with their column', () => {
      assert.match(err('/if:interfaces/ip:ipv4'), /^unknown prefix 'ip' at column 16/);
      assert.match(err('count(foo:*)'), /^unknown prefix 'foo' at column 7/);
      assert.match(err("derived-from(., 'x:y')"), /^unknown prefix 'x' in identity "x:y" at column 17$/);
    });

    it('refuses unknown functions and wrong arities', () => {
      assert.match(err('frobnicate(1)'), /^unknown function 'frobnicate\(\)' at column 1/);
      assert.match(err('if:count(a)'), /^unknown function 'if:count\(\)' at column 1/);
      assert.match(err('1 + count()'), /^count\(\) takes 1 argument, not 0 at column 5$/);
      assert.match(err("concat('a')"), /^concat\(\) takes at least 2 arguments, not 1 at column 1$/);
      assert.match(err("substring('a')"), /^substring\(\) takes 2 to 3 arguments, not 1/);
      assert.match(err('true(1)'), /^true\(\) takes 0 arguments, not 1/);
    });

    it('refuses scalars where node-sets are required', () => {
      assert.match(err("count('a')"), /^argument 1 of count\(\) must be a node-set, not a string at column 7$/);
      assert.match(err('sum(1 + 2)'), /^argument 1 of sum\(\) must be a node-set, not a number/);
      assert.match(err("'a' | b"), /^'\|' needs node-sets on both sides, but one side is a string at column 5$/);
      assert.match(err("'a'[1]"), /^a predicate needs a node-set, but the expression before it is a string at column 1$/);
      assert.match(err('string(.)/a'), /^a '\/' step needs a node-set, but the expression before it is a string/);
    });

    it('checks literal re-match() patterns', () => {
      assert.match(err("re-match(., '[a-')"), /^invalid regular expression in re-match\(\) at column 13; /);
    });

    it('accepts what it should', () => {
      for (const text of ['/', '/if:interfaces/if:interface[if:name = current()/../name]', "re-match(., '\\d+')", 'count($v)', '$v | $w']) {
        assert.ok(!isXPathError(compileXPath(text, { if: 'ietf-interfaces' })), text);
      }
    });

    it('caches compiled expressions by text and prefix map', () => {
      const a = compileXPath('/if:interfaces', { if: 'ietf-interfaces', x: 'y' });
      const b = compileXPath('/if:interfaces', { x: 'y', if: 'ietf-interfaces' });
      const c = compileXPath('/if:interfaces', { if: 'other-module' });
      const d = compileXPath('/if:interfaces', new Map([['if', 'ietf-interfaces'], ['x', 'y']]));
      assert.equal(a, b);
      assert.equal(a, d);
      assert.notEqual(a, c);
      assert.notEqual(a, compileXPath('/if:interfaces', { if: 'ietf-interfaces', x: 'y' }, { unprefixed: 'any' }));
    });
  });
});
