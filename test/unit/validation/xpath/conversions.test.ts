import { strict as assert } from 'node:assert';
import { numberToString, stringToNumber } from '../../../../src/validation/xpath/index.js';
import { canonicalizeBuiltin } from '../../../../src/validation/xpath/comparison.js';
import { value } from './test-tree.js';

const truthy = (expr: string): void => assert.equal(value(expr), true, expr);
const falsy = (expr: string): void => assert.equal(value(expr), false, expr);

describe('xpath conversions and comparisons', () => {
  describe('number → string (§4.2)', () => {
    it('follows the spec for special values, integers and fractions', () => {
      const cases: [number, string][] = [
        [NaN, 'NaN'], [0, '0'], [-0, '0'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
        [1, '1'], [-2, '-2'], [1.5, '1.5'], [-0.25, '-0.25'], [0.1 + 0.2, '0.30000000000000004'],
        [1e21, '1000000000000000000000'], [1.5e22, '15000000000000000000000'], [1e-7, '0.0000001'],
        [-1.25e-8, '-0.0000000125'], [123456789012, '123456789012'], [2 ** 53, '9007199254740992'],
      ];
      for (const [n, s] of cases) assert.equal(numberToString(n), s, String(n));
    });

    it('string() of numbers', () => {
      assert.equal(value('string(1 div 0)'), 'Infinity');
      assert.equal(value('string(-1 div 0)'), '-Infinity');
      assert.equal(value('string(0 div 0)'), 'NaN');
      assert.equal(value('string(-0)'), '0');
      assert.equal(value('string(0 * -1)'), '0');
      assert.equal(value('string(1.0)'), '1');
      assert.equal(value('string(0.5)'), '0.5');
      assert.equal(value('string(1000000 * 1000000 * 1000000 * 1000)'), '1000000000000000000000');
    });
  });

  describe('string → number (§4.4)', () => {
    it('accepts only XPath Number syntax with optional minus and whitespace', () => {
      const cases: [string, number][] = [
        [' 12 ', 12], ['-1.5', -1.5], ['.5', 0.5], ['5.', 5], ['-.5', -0.5], ['\t3\n', 3], ['007', 7], ['-0', -0],
      ];
      for (const [s, n] of cases) assert.ok(Object.is(stringToNumber(s), n), JSON.stringify(s));
      for (const s of ['', ' ', '+1', '1e3', 'Infinity', '-Infinity', 'NaN', '0x10', '1 2', '--1', '- 1', '1.2.3', '١٢']) {
        assert.ok(Number.isNaN(stringToNumber(s)), JSON.stringify(s));
      }
    });

    it('number() of strings, booleans and node-sets', () => {
      assert.equal(value("number(' 42 ')"), 42);
      assert.ok(Number.isNaN(value("number('')")));
      assert.ok(Number.isNaN(value("number('1e2')")));
      assert.equal(value('number(true())'), 1);
      assert.equal(value('number(false())'), 0);
      assert.equal(value('number(/system/count)'), 3); // the first in document order
      assert.ok(Number.isNaN(value('number(/nothing)')));
      assert.ok(Number.isNaN(value('number(/system/hostname)')));
    });
  });

  describe('boolean() (§4.3)', () => {
    it('converts each type', () => {
      for (const e of ['boolean(1)', 'boolean(-1)', 'boolean(1 div 0)', "boolean('false')", "boolean(' ')", 'boolean(/system)', 'boolean(/system/empty)']) truthy(e);
      for (const e of ['boolean(0)', 'boolean(-0)', 'boolean(0 div 0)', "boolean('')", 'boolean(/nothing)']) falsy(e);
    });
  });

  describe('string() of node-sets', () => {
    it('is the string-value of the first node in document order', () => {
      assert.equal(value('string(/system/count)'), '3');
      assert.equal(value('string(/nothing)'), '');
      assert.equal(value('string(/system/empty)'), '');
      assert.equal(value("string(/interfaces/interface[1]/ip:ipv4/ip:address[1])"), '10.0.0.124');
      assert.equal(value('string(/interfaces/interface[3])'), 'loiana-if-type:softwareLoopbacktrue');
    });
  });

  describe('comparisons (§3.4)', () => {
    it('node-set with node-set: some pair of string-values', () => {
      truthy('/interfaces/interface/if:name = /system/uplink');
      falsy('//ip:mtu = //ip:prefix-length');
      truthy('/system/count != /system/count');
      falsy('/system/hostname != /system/hostname');
      falsy('/nothing = /nothing');
      falsy('/nothing != /nothing');
      falsy('/nothing != /system/hostname');
      truthy('/system/count < /system/count');
      falsy('/system/count < /system/count[. = 1]');
      truthy('/system/count <= /system/count[. = 1]');
      truthy('/system/count > /system/count[. = 2]');
      falsy('/system/hostname < /system/count');
    });

    it('node-set with number: some node whose number compares', () => {
      truthy('/system/count = 2');
      truthy('/system/count != 2');
      falsy('/system/count[. = 1] != 1');
      truthy('//ip:mtu = 1500.0');
      falsy('/system/hostname = 0');
      truthy('/system/count > 2');
      falsy('/system/count > 3');
      truthy('/system/count >= 3');
      truthy('2 > /system/count');
      falsy('3 < /system/count');
      truthy('3 <= /system/count');
      falsy('/nothing < 1');
      falsy('/nothing != 1');
    });

    it('node-set with string: some node whose string-value compares', () => {
      truthy("/system/hostname = 'r1'");
      falsy("/system/hostname != 'r1'");
      truthy("/system/count = '2'");
      truthy("'2' = /system/count");
      truthy("/system/count < '2'");
      falsy("/system/count > '3'");
      falsy("/nothing = ''");
      falsy("/nothing != ''");
    });

    it('node-set with boolean: the boolean of the node-set', () => {
      truthy('/system/hostname = true()');
      truthy('/nothing = false()');
      truthy('true() != /nothing');
      falsy('/system/empty = false()');
      falsy('/system/hostname < true()');
      truthy('/nothing < true()');
      truthy('false() < /system');
    });

    it('scalars: boolean beats number beats string for = and !=; numbers for < > <= >=', () => {
      truthy("1 = '1'");
      truthy("'1.0' = 1");
      falsy("'1.0' = '1'");
      truthy("true() = 'x'");
      truthy("false() = ''");
      truthy('0 = false()');
      truthy("2 = true()");
      falsy("'abc' != 'abc'");
      truthy("number('x') != number('x')");
      falsy("number('x') = number('x')");
      falsy("'a' < 'b'");
      falsy("'a' >= 'a'");
      truthy("'1' < '2'");
      truthy('true() > false()');
      truthy("'10' > 9");
      truthy('-0 = 0');
      falsy('0 div 0 < 1 div 0');
    });
  });

  describe('arithmetic (§3.5)', () => {
    it('is IEEE 754 double arithmetic with a truncating mod', () => {
      assert.equal(value('1 div 0'), Infinity);
      assert.equal(value('-1 div 0'), -Infinity);
      assert.ok(Number.isNaN(value('0 div 0')));
      assert.equal(value('1 div (0 * -1)'), -Infinity);
      assert.equal(value('5 mod 2'), 1);
      assert.equal(value('5 mod -2'), 1);
      assert.equal(value('-5 mod 2'), -1);
      assert.equal(value('-5 mod -2'), -1);
      assert.equal(value('5.5 mod 2'), 1.5);
      assert.ok(Number.isNaN(value('1 mod 0')));
      assert.equal(value("- '3'"), -3);
      assert.ok(Number.isNaN(value("'a' + 1")));
      assert.equal(value('true() + true()'), 2);
      assert.equal(value('//ip:mtu[1] + 1'), 1501);
      assert.equal(value('0.1 + 0.2'), 0.30000000000000004);
      assert.ok(Object.is(value('-0'), -0));
    });
  });

  describe('typed leaves compared with strings, as libyang does', () => {
    it('canonicalizes the string by the leaf type', () => {
      truthy("//ip:mtu = '01500'");
      truthy("//ip:mtu = '+1500'");
      truthy("//ip:mtu = ' 1500 '");
      falsy("//ip:mtu = '1500.0'");
      truthy("/interfaces/interface[1]/if:enabled = ' true'");
      falsy("/interfaces/interface[1]/if:enabled = 'True'");
      truthy("/system/speed = '5'");
      truthy("/system/speed = '5.00'");
      truthy("/system/speed = '05.0'");
      falsy("/system/speed = '5.1'");
    });

    it('resolves identityref prefixes through the expression', () => {
      truthy("/interfaces/interface[1]/if:type = 'ianaift:ethernetCsmacd'");
      truthy("/interfaces/interface[1]/if:type = 'iana-if-type:ethernetCsmacd'");
      falsy("/interfaces/interface[1]/if:type = 'if:ethernetCsmacd'");
      falsy("/interfaces/interface[1]/if:type != 'ianaift:ethernetCsmacd'");
      truthy("/interfaces/interface/if:type != 'ianaift:ethernetCsmacd'");
      truthy("string(/interfaces/interface[1]/if:type) = 'iana-if-type:ethernetCsmacd'");
      falsy("string(/interfaces/interface[1]/if:type) = 'ianaift:ethernetCsmacd'");
    });

    it('canonicalizeBuiltin', () => {
      const scope = { resolvePrefix: (p: string) => (p === 'x' ? 'mod-x' : undefined), defaultModule: 'own' };
      assert.equal(canonicalizeBuiltin('identityref', 'x:id', scope), 'mod-x:id');
      assert.equal(canonicalizeBuiltin('identityref', ' id ', scope), 'own:id');
      assert.equal(canonicalizeBuiltin('identityref', 'y:id', scope), undefined);
      assert.equal(canonicalizeBuiltin('int8', '-007', scope), '-7');
      assert.equal(canonicalizeBuiltin('uint64', '18446744073709551615', scope), '18446744073709551615');
      assert.equal(canonicalizeBuiltin('int32', '1.0', scope), undefined);
      assert.equal(canonicalizeBuiltin('decimal64', '-0.00', scope), '0.0');
      assert.equal(canonicalizeBuiltin('decimal64', '.50', scope), '0.5');
      assert.equal(canonicalizeBuiltin('decimal64', '12', scope), '12.0');
      assert.equal(canonicalizeBuiltin('decimal64', '.', scope), undefined);
      assert.equal(canonicalizeBuiltin('boolean', 'true ', scope), 'true');
      assert.equal(canonicalizeBuiltin('string', ' a', scope), undefined);
    });
  });
});
