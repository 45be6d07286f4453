import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { canon, jsonErr, jsonOk, textErr } from './helpers.js';

describe('value layer: boolean, empty, enumeration, bits', () => {
  const bool: TypeSpec = { base: 'boolean' };
  const empty: TypeSpec = { base: 'empty' };
  const en: TypeSpec = { base: 'enumeration', enums: [{ name: 'up', value: 1 }, { name: 'down', value: 2 }, { name: 'testing', value: 3 }] };
  const bits: TypeSpec = {
    base: 'bits',
    bits: [{ name: 'b', position: 0 }, { name: 'a', position: 2 }, { name: 'c', position: 3 }],
  };

  it('boolean: exactly "true" or "false" (no case folding, no 1/0, no whitespace, as libyang)', () => {
    assert.equal(canon(bool, 'true'), 'true');
    assert.equal(canon(bool, 'false'), 'false');
    for (const bad of ['True', '1', '0', ' true', 'yes', '']) textErr(bool, bad);
    assert.deepEqual(jsonOk(bool, false), { canonical: 'false', base: 'boolean' });
    assert.match(jsonErr(bool, 'true').message, /JSON true or false/);
  });

  it('empty: no text at all; JSON [null] (RFC 7951 §6.9)', () => {
    assert.deepEqual(canon(empty, ''), '');
    assert.match(textErr(empty, ' ').message, /has no value/);
    assert.deepEqual(jsonOk(empty, [null]), { canonical: '', base: 'empty' });
    for (const bad of [null, [], [null, null], '', true, [0]]) jsonErr(empty, bad);
  });

  it('enumeration: a member name exactly', () => {
    assert.equal(canon(en, 'down'), 'down');
    const e = textErr(en, 'Down');
    assert.equal(e.message, '"Down" is not a valid enum: expected one of: up, down, testing');
    textErr(en, ' up');
    textErr(en, '1'); // the value number is not a lexical form
    textErr(en, 'constructor');
    assert.equal(jsonOk(en, 'up').canonical, 'up');
    jsonErr(en, 1);
  });

  it('bits: canonical is position order with single spaces; "" is no bits', () => {
    assert.equal(canon(bits, 'c a'), 'a c');
    assert.equal(canon(bits, ' c\n\tb  a '), 'b a c');
    assert.equal(canon(bits, ''), '');
    assert.equal(canon(bits, '   '), '');
    assert.match(textErr(bits, 'a a').message, /bit "a" is given twice/);
    assert.match(textErr(bits, 'a d').message, /"d" in "a d" is not a bit of bits from: b, a, c/);
    assert.equal(jsonOk(bits, 'a b').canonical, 'b a');
    jsonErr(bits, ['a']);
  });

  it('bits given out of position order in the schema still print by position', () => {
    const ty: TypeSpec = { base: 'bits', bits: [{ name: 'z', position: 9 }, { name: 'y', position: 1 }] };
    assert.equal(canon(ty, 'z y'), 'y z');
  });
});
