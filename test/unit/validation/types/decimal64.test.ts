import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { canon, jsonErr, jsonOk, textErr } from './helpers.js';

const dec = (fractionDigits: number, intervals?: [string, string][], info: { errorMessage?: string; errorAppTag?: string } = {}): TypeSpec => ({
  base: 'decimal64',
  fractionDigits,
  ...(intervals ? { range: { intervals: intervals.map(([min, max]) => ({ min, max })), ...info } } : {}),
});

describe('value layer: decimal64', () => {
  it('canonical form: no "+", no leading zeros, one digit at least each side, no trailing zeros (§9.3.2)', () => {
    const d2 = dec(2);
    assert.equal(canon(d2, '1'), '1.0');
    assert.equal(canon(d2, '12'), '12.0');
    assert.equal(canon(d2, '+001.50'), '1.5');
    assert.equal(canon(d2, '1.500'), '1.5'); // trailing zeros beyond fraction-digits: same value (libyang agrees)
    assert.equal(canon(d2, '-0.0'), '0.0');
    assert.equal(canon(d2, '-0.05'), '-0.05');
    assert.equal(canon(d2, '0.10'), '0.1');
    assert.equal(canon(d2, ' 1.5 '), '1.5');
  });

  it('refuses malformed values and too many fraction digits', () => {
    const d2 = dec(2);
    for (const bad of ['', '.', '1.', '.5', '+.5', '1..2', '1.2.3', '1e2', '0x1', '1,5', '- 1', 'NaN']) {
      assert.match(textErr(d2, bad).message, /not a valid decimal64/, bad);
    }
    assert.equal(textErr(d2, '1.505').message, '"1.505" has more than 2 fraction digits (decimal64 with 2 fraction digits in -92233720368547758.08..92233720368547758.07)');
  });

  it('covers the whole int64 span for every fraction-digits value, 1 and 18 at the edges', () => {
    const d1 = dec(1);
    assert.equal(canon(d1, '-922337203685477580.8'), '-922337203685477580.8');
    assert.equal(canon(d1, '922337203685477580.7'), '922337203685477580.7');
    assert.match(textErr(d1, '922337203685477580.8').message, /out of range -922337203685477580.8..922337203685477580.7/);
    const d18 = dec(18);
    assert.equal(canon(d18, '-9.223372036854775808'), '-9.223372036854775808');
    assert.equal(canon(d18, '9.223372036854775807'), '9.223372036854775807');
    assert.equal(canon(d18, '0.000000000000000001'), '0.000000000000000001');
    assert.equal(canon(d18, '-0.000000000000000001'), '-0.000000000000000001');
    assert.equal(canon(d18, '1'), '1.0');
    assert.match(textErr(d18, '9.223372036854775808').message, /out of range/);
    assert.match(textErr(d18, '10').message, /out of range/);
    assert.match(textErr(d18, '0.0000000000000000001').message, /more than 18 fraction digits/);
  });

  it('checks ranges written with fraction digits, with error-message and app-tag', () => {
    const ty = dec(3, [['-1.5', '-1.5'], ['0', '2.25'], ['10', 'max']], { errorMessage: 'nope', errorAppTag: 'dec-range' });
    assert.equal(canon(ty, '-1.500'), '-1.5');
    assert.equal(canon(ty, '2.250'), '2.25');
    assert.equal(canon(ty, '10'), '10.0');
    const e = textErr(ty, '2.251');
    assert.equal(e.message, 'nope');
    assert.equal(e.errorAppTag, 'dec-range');
    assert.equal(e.expected, 'decimal64 with 3 fraction digits in -1.5 | 0..2.25 | 10..max');
    assert.match(textErr(dec(2, [['0', '1']]), '1.01').message, /"1.01" is out of range 0..1/);
  });

  it('refuses fraction-digits outside 1..18 instead of throwing', () => {
    assert.match(textErr(dec(0), '1').message, /fraction-digits 0 is not in 1..18/);
    assert.match(textErr(dec(19), '1').message, /cannot check values/);
  });

  it('JSON: a string, never a number (RFC 7951 §6.1)', () => {
    assert.deepEqual(jsonOk(dec(2), '1.50'), { canonical: '1.5', base: 'decimal64' });
    assert.match(jsonErr(dec(2), 1.5).message, /JSON string/);
  });
});
