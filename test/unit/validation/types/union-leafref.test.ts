import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { canon, jsonErr, jsonOk, textErr, textOk } from './helpers.js';

const int8: TypeSpec = { base: 'int8' };
const str: TypeSpec = { base: 'string' };
const i64: TypeSpec = { base: 'int64' };
const en: TypeSpec = { base: 'enumeration', enums: [{ name: 'auto', value: 0 }] };

describe('value layer: union', () => {
  it('the first member that accepts the value wins, in order', () => {
    const u: TypeSpec = { base: 'union', members: [int8, str] };
    assert.deepEqual(textOk(u, '+05'), { canonical: '5', base: 'int8' });
    assert.deepEqual(textOk(u, '300'), { canonical: '300', base: 'string' });
    const rev: TypeSpec = { base: 'union', members: [str, int8] };
    assert.deepEqual(textOk(rev, '+05'), { canonical: '+05', base: 'string' });
  });

  it('JSON: a number only matches number-encoded members, a string only string-encoded ones', () => {
    const u: TypeSpec = { base: 'union', members: [int8, str] };
    assert.deepEqual(jsonOk(u, 5), { canonical: '5', base: 'int8' });
    assert.deepEqual(jsonOk(u, '5'), { canonical: '5', base: 'string' });
    assert.match(jsonErr(u, 300).message, /number 300 matches no member type/); // libyang refuses it too
    const u64: TypeSpec = { base: 'union', members: [i64, en] };
    assert.deepEqual(jsonOk(u64, '5'), { canonical: '5', base: 'int64' });
    assert.deepEqual(jsonOk(u64, 'auto'), { canonical: 'auto', base: 'enumeration' });
    jsonErr(u64, 5);
  });

  it('a refusal lists what every member said', () => {
    const u: TypeSpec = { base: 'union', typedef: 'm:mtu-or-auto', members: [{ base: 'uint16', range: { intervals: [{ min: '68', max: '9000' }] } }, en] };
    const e = textErr(u, '10');
    assert.equal(e.expected, 'm:mtu-or-auto');
    assert.match(e.message, /^"10" matches no member type of m:mtu-or-auto \(uint16 in 68..9000: .*out of range.*; one of: auto: .*\)$/);
  });

  it('a one-member union passes its member\'s error (and app-tag) through', () => {
    const u: TypeSpec = { base: 'union', members: [{ base: 'string', patterns: [{ regex: 'a', invert: false, errorAppTag: 'tag' }] }] };
    assert.equal(textErr(u, 'b').errorAppTag, 'tag');
  });

  it('nested unions and member identityrefs resolve prefixes from the same context', () => {
    const u: TypeSpec = {
      base: 'union',
      members: [{ base: 'union', members: [{ base: 'boolean' }, { base: 'identityref', bases: ['m:base-a'] }] }, str],
    };
    assert.deepEqual(textOk(u, 'true'), { canonical: 'true', base: 'boolean' });
    assert.deepEqual(textOk(u, 'm:a-only'), { canonical: 'm:a-only', base: 'identityref' });
    assert.deepEqual(textOk(u, 'x:a-only'), { canonical: 'x:a-only', base: 'string' });
  });
});

describe('value layer: leafref', () => {
  it('checks the value against the target type and takes its canonical form and base', () => {
    const lr: TypeSpec = { base: 'leafref', path: { text: '../id', prefixes: {} }, target: { base: 'uint32', range: { intervals: [{ min: '1', max: '10' }] } }, requireInstance: true };
    assert.deepEqual(textOk(lr, '007'), { canonical: '7', base: 'uint32' });
    assert.match(textErr(lr, '11').message, /out of range 1..10/);
    assert.deepEqual(jsonOk(lr, 3), { canonical: '3', base: 'uint32' });
    jsonErr(lr, '3');
  });

  it('a leafref to a leafref, and one without a target (checked as a string)', () => {
    const inner: TypeSpec = { base: 'leafref', target: { base: 'boolean' } };
    assert.equal(canon({ base: 'leafref', target: inner }, 'true'), 'true');
    assert.deepEqual(textOk({ base: 'leafref' }, 'x'), { canonical: 'x', base: 'string' });
  });
});
