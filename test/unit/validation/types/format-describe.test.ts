import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { describeType, formatJson, formatXml, parseJson } from '../../../../src/validation/types/index.js';
import type { TypedValue } from '../../../../src/validation/types/value.js';
import { jsonCtx, textOk } from './helpers.js';

const noPrefix = (): string => 'x';

describe('value layer: formatting', () => {
  it('JSON kinds follow RFC 7951 §6: numbers up to 32 bits, strings for 64-bit and decimal64, [null] for empty', () => {
    const cases: [TypeSpec, string, ReturnType<typeof formatJson>][] = [
      [{ base: 'int8' }, '-5', -5], [{ base: 'int16' }, '7', 7], [{ base: 'int32' }, '-2147483648', -2147483648],
      [{ base: 'uint8' }, '255', 255], [{ base: 'uint16' }, '1', 1], [{ base: 'uint32' }, '4294967295', 4294967295],
      [{ base: 'int64' }, '-9223372036854775808', '-9223372036854775808'],
      [{ base: 'uint64' }, '18446744073709551615', '18446744073709551615'],
      [{ base: 'decimal64', fractionDigits: 2 }, '1.50', '1.5'],
      [{ base: 'boolean' }, 'true', true], [{ base: 'boolean' }, 'false', false],
      [{ base: 'empty' }, '', [null]],
      [{ base: 'string' }, '5', '5'],
      [{ base: 'binary' }, 'AAE=', 'AAE='],
      [{ base: 'enumeration', enums: [{ name: 'a', value: 0 }] }, 'a', 'a'],
      [{ base: 'bits', bits: [{ name: 'a', position: 0 }, { name: 'b', position: 1 }] }, 'b a', 'a b'],
    ];
    for (const [type, text, want] of cases) {
      const v = textOk(type, text);
      const j = formatJson(v, 'm');
      assert.deepEqual(j, want, `${type.base} ${text}`);
      // And it parses back to the same value.
      const back = parseJson(type, j, jsonCtx());
      assert.ok(back.ok && back.value.canonical === v.canonical, `${type.base} round trip`);
    }
  });

  it('XML text is the canonical form for everything but identityref and instance-identifier', () => {
    const v: TypedValue = { canonical: '1.5', base: 'decimal64' };
    assert.equal(formatXml(v, noPrefix), '1.5');
    assert.equal(formatXml({ canonical: '', base: 'empty' }, noPrefix), '');
    assert.equal(formatXml({ canonical: '-1', base: 'int64' }, noPrefix), '-1');
  });

  it('a union value formats by the member that accepted it', () => {
    const u: TypeSpec = { base: 'union', members: [{ base: 'uint8' }, { base: 'string' }] };
    assert.equal(formatJson(textOk(u, '7'), 'm'), 7);
    assert.equal(formatJson(textOk(u, 'seven'), 'm'), 'seven');
  });
});

describe('value layer: describeType', () => {
  it('says what each type expects', () => {
    const cases: [TypeSpec, string][] = [
      [{ base: 'uint8' }, 'uint8 in 0..255'],
      [{ base: 'int64' }, 'int64 in -9223372036854775808..9223372036854775807'],
      [{ base: 'uint16', range: { intervals: [{ min: '1', max: '10' }, { min: '20', max: '20' }] } }, 'uint16 in 1..10 | 20'],
      [{ base: 'string', typedef: 'ietf-inet-types:ipv4-address', patterns: [{ regex: 'x', invert: false }] }, 'ietf-inet-types:ipv4-address'],
      [{ base: 'decimal64', fractionDigits: 2, range: { intervals: [{ min: '0', max: '1.5' }] } }, 'decimal64 with 2 fraction digits in 0..1.5'],
      [{ base: 'string' }, 'string'],
      [{ base: 'string', length: { intervals: [{ min: '1', max: '8' }] }, patterns: [{ regex: '[a-z]+', invert: false }] }, 'string of length 1..8 characters matching "[a-z]+"'],
      [{ base: 'string', patterns: [{ regex: 'x.*', invert: true }] }, 'string not matching "x.*"'],
      [{ base: 'binary', length: { intervals: [{ min: '4', max: '4' }] } }, 'binary (base64) of length 4 octets'],
      [{ base: 'boolean' }, 'boolean (true or false)'],
      [{ base: 'empty' }, 'empty (no value)'],
      [{ base: 'enumeration', enums: [{ name: 'up', value: 1 }, { name: 'down', value: 2 }] }, 'one of: up, down'],
      [{ base: 'bits', bits: [{ name: 'a', position: 0 }] }, 'bits from: a'],
      [{ base: 'identityref', bases: ['ietf-interfaces:interface-type'] }, 'identityref derived from ietf-interfaces:interface-type'],
      [{ base: 'instance-identifier' }, 'instance-identifier'],
      [{ base: 'leafref', path: { text: '../name', prefixes: {} }, target: { base: 'string' } }, 'leafref to ../name (string)'],
      [{ base: 'union', members: [{ base: 'uint8' }, { base: 'enumeration', enums: [{ name: 'auto', value: 0 }] }] }, 'union of uint8 in 0..255 | one of: auto'],
    ];
    for (const [type, want] of cases) assert.equal(describeType(type), want);
    const many: TypeSpec = { base: 'enumeration', enums: Array.from({ length: 20 }, (_, i) => ({ name: `e${i}`, value: i })) };
    assert.match(describeType(many), /e11, \.\.\. \(20 in all\)$/);
  });
});
