import { strict as assert } from 'node:assert';
import { defaultTree, error, nodeAt, select, value, type RunOptions } from './test-tree.js';

const at = (path: string): RunOptions => ({ context: nodeAt(defaultTree(), path) });
const eq = (expr: string, expected: string | number | boolean, o?: RunOptions): void => {
  const v = value(expr, o);
  if (typeof expected === 'number') assert.ok(Object.is(v, expected), `${expr}: ${String(v)} is not ${String(expected)}`);
  else assert.equal(v, expected, expr);
};
const ETH0 = '/interfaces/interface[eth0]';

describe('xpath core functions (§4)', () => {
  describe('node-set functions', () => {
    it('last() and position()', () => {
      assert.deepEqual(select('/system/count[position() = last()]'), ['/system/count[.=2]']);
      eq('count(/system/count[position() != last()])', 2);
    });

    it('count()', () => {
      eq('count(/interfaces/interface)', 3);
      eq('count(/nothing)', 0);
      eq('count(//ip:address)', 4);
      eq('count(//ip:address | //ip:address[1])', 4);
      eq('count(/)', 1);
    });

    it('id() selects nothing: YANG data has no IDs', () => {
      eq("count(id('eth0'))", 0);
      eq('count(id(/interfaces/interface/if:name))', 0);
    });

    it('local-name(), namespace-uri(), name()', () => {
      eq('local-name(/interfaces/interface)', 'interface');
      eq('local-name()', '', at('/'));
      eq('local-name()', 'mtu', at(`${ETH0}/ipv4/mtu`));
      eq('local-name(/nothing)', '');
      eq('local-name(/)', '');
      eq('namespace-uri(/interfaces)', 'urn:ietf:params:xml:ns:yang:ietf-interfaces');
      eq('namespace-uri(//ip:mtu)', 'urn:ietf:params:xml:ns:yang:ietf-ip');
      eq('namespace-uri(/nothing)', '');
      eq('name(//ip:mtu)', 'ietf-ip:mtu');
      eq('name()', 'ietf-interfaces:name', at(`${ETH0}/name`));
      eq('name(/)', '');
    });

    it('refuses a scalar where a node-set is needed, at run time', () => {
      assert.match(error('count($v)', { variables: { v: 'x' } }), /^argument 1 of count\(\) must be a node-set, not a string at column 7$/);
      assert.match(error('$v/a', { variables: { v: 1 } }), /needs a node-set, but the expression before it gave a number at column 1$/);
      assert.match(error('$v | /a', { variables: { v: true } }), /'\|' needs node-sets on both sides, but got a boolean/);
    });
  });

  describe('string functions', () => {
    it('string()', () => {
      eq('string()', '1500', at(`${ETH0}/ipv4/mtu`));
      eq('string(true())', 'true');
      eq('string(false())', 'false');
      eq("string('x')", 'x');
      eq('string(12.50)', '12.5');
    });

    it('concat()', () => {
      eq("concat('a', 1, true(), /system/hostname)", 'a1truer1');
      eq("concat('', '')", '');
    });

    it('starts-with() and contains()', () => {
      eq("starts-with('eth0', 'eth')", true);
      eq("starts-with('eth0', '')", true);
      eq("starts-with('', 'e')", false);
      eq("contains('10.0.0.1', '.0.')", true);
      eq("contains('abc', '')", true);
      eq("contains(/system/hostname, 'r')", true);
    });

    it('substring-before() and substring-after()', () => {
      eq("substring-before('1999/04/01', '/')", '1999');
      eq("substring-after('1999/04/01', '/')", '04/01');
      eq("substring-after('1999/04/01', '19')", '99/04/01');
      eq("substring-before('abc', 'x')", '');
      eq("substring-after('abc', 'x')", '');
      eq("substring-before('abc', '')", '');
      eq("substring-after('abc', '')", 'abc');
    });

    it('substring() with the spec rounding rules', () => {
      eq("substring('12345', 2, 3)", '234');
      eq("substring('12345', 2)", '2345');
      eq("substring('12345', 1.5, 2.6)", '234');
      eq("substring('12345', 0, 3)", '12');
      eq("substring('12345', 0 div 0, 3)", '');
      eq("substring('12345', 1, 0 div 0)", '');
      eq("substring('12345', -42, 1 div 0)", '12345');
      eq("substring('12345', -1 div 0, 1 div 0)", '');
      eq("substring('12345', -1 div 0)", '12345');
      eq("substring('12345', 1 div 0)", '');
      eq("substring('12345', 2.5)", '345');
      eq("substring('12345', 2.4999)", '2345');
      eq("substring('12345', -0.5, 2)", '1');
      eq("substring('12345', 5, -1)", '');
      eq("substring('12345', 6)", '');
      eq("substring('a😀b', 2, 1)", '😀');
    });

    it('string-length()', () => {
      eq("string-length('')", 0);
      eq("string-length('abc')", 3);
      eq("string-length('😀é')", 2);
      eq('string-length()', 4, at(`${ETH0}/ipv4/mtu`));
    });

    it('normalize-space()', () => {
      eq("normalize-space('  a \t b\n\nc  ')", 'a b c');
      eq("normalize-space('')", '');
      eq("normalize-space('   ')", '');
      eq("normalize-space('a\u00a0b')", 'a\u00a0b'); // only XML whitespace
      eq('normalize-space()', 'uplink', at(`${ETH0}/description`));
    });

    it('translate()', () => {
      eq("translate('bar', 'abc', 'ABC')", 'BAr');
      eq("translate('--aaa--', 'abc-', 'ABC')", 'AAA');
      eq("translate('aba', 'aa', 'xy')", 'xbx');
      eq("translate('abc', '', 'x')", 'abc');
      eq("translate('a😀c', '😀', 'b')", 'abc');
    });
  });

  describe('boolean functions', () => {
    it('boolean(), not(), true(), false(), lang()', () => {
      eq('not(true())', false);
      eq('not(/nothing)', true);
      eq("not('')", true);
      eq('not(0 div 0)', true);
      eq('true()', true);
      eq('false()', false);
      eq("lang('en')", false);
      eq('boolean(/interfaces/interface)', true);
    });
  });

  describe('number functions', () => {
    it('number()', () => {
      eq('number()', 1500, at(`${ETH0}/ipv4/mtu`));
      eq("number('  -3.25 ')", -3.25);
    });

    it('sum()', () => {
      eq('sum(/system/count)', 6);
      eq('sum(/nothing)', 0);
      eq('sum(//ip:prefix-length)', 144);
      assert.ok(Number.isNaN(value('sum(/system/count | /system/hostname)')));
    });

    it('floor() and ceiling()', () => {
      eq('floor(2.7)', 2);
      eq('floor(-2.2)', -3);
      eq('floor(-0)', -0);
      eq('ceiling(2.2)', 3);
      eq('ceiling(-2.7)', -2);
      eq('ceiling(-0.5)', -0);
      eq('floor(1 div 0)', Infinity);
      assert.ok(Number.isNaN(value('ceiling(0 div 0)')));
    });

    it('round(): half toward +Infinity, -0 kept', () => {
      eq('round(2.5)', 3);
      eq('round(-2.5)', -2);
      eq('round(2.4999)', 2);
      eq('round(-0.5)', -0);
      eq('round(-0.2)', -0);
      eq('round(-0)', -0);
      eq('round(0.5)', 1);
      eq('round(1 div 0)', Infinity);
      eq('round(-1 div 0)', -Infinity);
      assert.ok(Number.isNaN(value('round(0 div 0)')));
      eq('1 div round(-0.4)', -Infinity);
      eq('round(9007199254740993)', 9007199254740992);
    });
  });
});
