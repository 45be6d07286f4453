import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { canon, jsonErr, jsonOk, textErr, textOk } from './helpers.js';

const len = (base: 'string' | 'binary', intervals: [string, string][], extra: Partial<TypeSpec> = {}): TypeSpec => ({
  base,
  length: { intervals: intervals.map(([min, max]) => ({ min, max })) },
  ...extra,
});

describe('value layer: string', () => {
  it('is its own canonical form, whitespace included', () => {
    assert.deepEqual(textOk({ base: 'string' }, ' a b '), { canonical: ' a b ', base: 'string' });
    assert.equal(canon({ base: 'string' }, ''), '');
  });

  it('counts length in Unicode characters, not UTF-16 units or bytes', () => {
    const ty = len('string', [['1', '3']]);
    assert.equal(canon(ty, 'abc'), 'abc');
    assert.equal(canon(ty, 'éèê'), 'éèê');
    assert.equal(canon(ty, '😀😀😀'), '😀😀😀'); // 6 UTF-16 units, 3 characters
    const e = textErr(ty, 'abcd');
    assert.equal(e.message, '"abcd" has length 4 characters, outside the allowed length 1..3 of string of length 1..3 characters');
    assert.match(textErr(ty, '').message, /length 0 characters/);
    assert.match(textErr(ty, '😀😀😀😀').message, /length 4 characters/);
  });

  it('applies every pattern, honours invert-match, and surfaces error-message / app-tag', () => {
    const ty: TypeSpec = {
      base: 'string',
      patterns: [
        { regex: '[a-z]+[0-9]*', invert: false, errorAppTag: 'name-syntax' },
        { regex: 'xml.*', invert: true, errorMessage: 'names may not start with xml' },
      ],
    };
    assert.equal(canon(ty, 'eth0'), 'eth0');
    const a = textErr(ty, 'Eth0');
    assert.equal(a.message, '"Eth0" does not match the pattern "[a-z]+[0-9]*" of string matching 2 patterns');
    assert.equal(a.errorAppTag, 'name-syntax');
    const b = textErr(ty, 'xml1');
    assert.equal(b.message, 'names may not start with xml');
    assert.equal(b.errorMessage, 'names may not start with xml');
  });

  it('patterns are anchored: a match inside the value is not enough', () => {
    const ty: TypeSpec = { base: 'string', patterns: [{ regex: '[0-9]+', invert: false }] };
    textErr(ty, 'a1');
    textErr(ty, '1a');
    textErr(ty, '1\n');
    assert.equal(canon(ty, '123'), '123');
  });

  it('an untranslatable pattern refuses values with a reason (never throws)', () => {
    const e = textErr({ base: 'string', patterns: [{ regex: '\\p{IsKlingon}', invert: false }] }, 'x');
    assert.match(e.message, /unsupported Unicode block "IsKlingon"/);
  });

  it('JSON: a string', () => {
    assert.equal(jsonOk({ base: 'string' }, 'x').canonical, 'x');
    assert.match(jsonErr({ base: 'string' }, 5).message, /number 5 is not a valid string value/);
  });
});

describe('value layer: binary', () => {
  it('accepts padded base64 and counts length in octets', () => {
    const ty = len('binary', [['2', '2']]);
    assert.equal(canon(ty, 'AAE='), 'AAE=');
    assert.match(textErr(ty, 'AAEC').message, /length 3 octets, outside the allowed length 2/);
    assert.equal(canon(len('binary', [['1', '1']]), 'AA=='), 'AA==');
    assert.equal(canon({ base: 'binary' }, ''), '');
    assert.equal(canon({ base: 'binary' }, 'SGVsbG8sIHdvcmxkIQ=='), 'SGVsbG8sIHdvcmxkIQ==');
  });

  it('canonical form re-encodes non-zero pad bits (RFC 4648 §3.5)', () => {
    assert.equal(canon({ base: 'binary' }, 'AAF='), 'AAE=');
    assert.equal(canon({ base: 'binary' }, 'AB=='), 'AA==');
    assert.equal(canon({ base: 'binary' }, '+/+/'), '+/+/');
  });

  it('refuses whitespace, a bad alphabet, bad padding and lengths not a multiple of 4', () => {
    for (const bad of ['AAE', 'AA\nEC', ' AAEC', 'AA-_', 'A===', '=AAA', 'AA=A', 'AAE=AAE=', 'ÄAAA']) {
      assert.match(textErr({ base: 'binary' }, bad).message, /not valid base64/, bad);
    }
  });

  it('JSON: a string', () => {
    assert.deepEqual(jsonOk({ base: 'binary' }, 'AAE='), { canonical: 'AAE=', base: 'binary' });
    jsonErr({ base: 'binary' }, [1, 2]);
  });
});
