import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { canon, jsonErr, jsonOk, textErr, textOk } from './helpers.js';

const t = (base: TypeSpec['base'], range?: [string, string][], extra: Partial<TypeSpec> = {}): TypeSpec => ({
  base,
  ...(range ? { range: { intervals: range.map(([min, max]) => ({ min, max })) } } : {}),
  ...extra,
});

describe('value layer: integers', () => {
  it('accepts an optional sign and decimal digits; canonical drops "+" and leading zeros', () => {
    assert.equal(canon(t('uint8'), '5'), '5');
    assert.equal(canon(t('uint8'), '+5'), '5');
    assert.equal(canon(t('uint8'), '007'), '7');
    assert.equal(canon(t('int8'), '-0'), '0');
    assert.equal(canon(t('int8'), '-007'), '-7');
    assert.equal(canon(t('int64'), '-00'), '0');
    assert.equal(canon(t('uint64'), '+000000000000000000000000000018446744073709551615'), '18446744073709551615');
  });

  it('trims surrounding XML whitespace like libyang (XSD whiteSpace collapse for numbers)', () => {
    assert.equal(canon(t('uint8'), ' 5'), '5');
    assert.equal(canon(t('uint8'), '5 \n'), '5');
    assert.equal(canon(t('int64'), '\t-9 '), '-9');
  });

  it('refuses other lexical forms (RFC 7950 §9.2.1: decimal only)', () => {
    for (const bad of ['', '+', '-', '0x5', '05h', '1e2', '1.0', '5 5', '--5', '+-5', '٣', 'five', ' ']) {
      const e = textErr(t('int32'), bad);
      assert.match(e.message, /not a valid int32/);
      assert.equal(e.expected, 'int32 in -2147483648..2147483647');
    }
  });

  it('checks every built-in type\'s bounds exactly', () => {
    const cases: [TypeSpec['base'], string, string][] = [
      ['int8', '-128', '127'], ['int16', '-32768', '32767'], ['int32', '-2147483648', '2147483647'],
      ['int64', '-9223372036854775808', '9223372036854775807'],
      ['uint8', '0', '255'], ['uint16', '0', '65535'], ['uint32', '0', '4294967295'], ['uint64', '0', '18446744073709551615'],
    ];
    for (const [base, lo, hi] of cases) {
      assert.equal(canon(t(base), lo), lo);
      assert.equal(canon(t(base), hi), hi);
      const below = (BigInt(lo) - 1n).toString();
      const above = (BigInt(hi) + 1n).toString();
      assert.match(textErr(t(base), below).message, new RegExp(`out of range ${lo}\\.\\.${hi} for ${base}`));
      assert.match(textErr(t(base), above).message, /out of range/);
    }
    assert.equal(textErr(t('uint8'), '300').message, '"300" is out of range 0..255 for uint8');
    assert.match(textErr(t('uint64'), '99999999999999999999999999').message, /out of range/);
  });

  it('checks range restrictions, with the module\'s error-message and error-app-tag', () => {
    const ty: TypeSpec = {
      base: 'uint16',
      range: { intervals: [{ min: '1', max: '10' }, { min: '100', max: '100' }, { min: '200', max: 'max' }], errorMessage: 'bad mtu', errorAppTag: 'mtu-range' },
    };
    assert.equal(canon(ty, '1'), '1');
    assert.equal(canon(ty, '100'), '100');
    assert.equal(canon(ty, '65535'), '65535');
    const e = textErr(ty, '50');
    assert.equal(e.message, 'bad mtu');
    assert.equal(e.errorMessage, 'bad mtu');
    assert.equal(e.errorAppTag, 'mtu-range');
    assert.equal(e.expected, 'uint16 in 1..10 | 100 | 200..max');
    const plain = textErr(t('int64', [['-5', '5']]), '6');
    assert.equal(plain.message, '"6" is out of range -5..5 for int64 in -5..5');
    assert.equal(plain.errorAppTag, undefined);
    assert.equal(canon(t('int64', [['min', '-9223372036854775807']]), '-9223372036854775808'), '-9223372036854775808');
  });

  it('JSON: int8..uint32 are numbers, int64/uint64 strings (RFC 7951 §6.1)', () => {
    assert.deepEqual(jsonOk(t('uint32'), 4294967295), { canonical: '4294967295', base: 'uint32' });
    assert.equal(jsonOk(t('int8'), -0).canonical, '0');
    assert.match(jsonErr(t('uint8'), '5').message, /JSON number/);
    assert.match(jsonErr(t('uint8'), 5.5).message, /not an integer/);
    assert.match(jsonErr(t('uint8'), 256).message, /out of range/);
    assert.match(jsonErr(t('uint8'), null).message, /null/);
    assert.equal(jsonOk(t('int64'), '-9223372036854775808').canonical, '-9223372036854775808');
    assert.equal(jsonOk(t('uint64'), '18446744073709551615').canonical, '18446744073709551615');
    assert.match(jsonErr(t('int64'), 5).message, /JSON string/);
    assert.match(jsonErr(t('uint64'), '-1').message, /out of range/);
  });

  it('reports the base type that accepted the value', () => {
    assert.equal(textOk(t('uint16'), '8').base, 'uint16');
    assert.equal(textOk(t('int64'), '8').base, 'int64');
  });

  it('a broken range bound refuses values with a reason instead of throwing', () => {
    const e = textErr(t('uint8', [['one', '2']]), '1');
    assert.match(e.message, /cannot check values: invalid range bound/);
  });
});
