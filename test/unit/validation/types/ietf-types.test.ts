// ietf-inet-types / ietf-yang-types typedefs as the schema export resolves them: the base type,
// the typedef name and the patterns; IPv6 addresses and prefixes get libyang's canonical forms.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { formatIpv6, parseIpv6 } from '../../../../src/validation/types/well-known.js';
import { canon, jsonOk, textErr } from './helpers.js';
import { ietfType } from './ietf-patterns.js';

const v4 = ietfType('ietf-inet-types:ipv4-address');
const v6 = ietfType('ietf-inet-types:ipv6-address');
const v6nz: TypeSpec = { ...ietfType('ietf-inet-types:ipv6-address'), typedef: 'ietf-inet-types:ipv6-address-no-zone', patterns: [...(v6.patterns ?? []), { regex: '[0-9a-fA-F:\\.]*', invert: false }] };
const p4 = ietfType('ietf-inet-types:ipv4-prefix');
const p6 = ietfType('ietf-inet-types:ipv6-prefix');
const ip: TypeSpec = { base: 'union', typedef: 'ietf-inet-types:ip-address', members: [v4, v6] };
const ipPrefix: TypeSpec = { base: 'union', typedef: 'ietf-inet-types:ip-prefix', members: [p4, p6] };

describe('value layer: ietf-inet-types and ietf-yang-types typedefs', () => {
  it('ipv4-address is checked by its pattern and kept as given', () => {
    assert.equal(canon(v4, '10.0.0.1'), '10.0.0.1');
    assert.equal(canon(v4, '10.0.0.1%Eth0'), '10.0.0.1%Eth0');
    const e = textErr(v4, '10.0.0.256');
    assert.equal(e.expected, 'ietf-inet-types:ipv4-address');
    assert.match(e.message, /^"10.0.0.256" does not match the pattern .* of ietf-inet-types:ipv4-address$/);
  });

  it('ipv6-address: lower case, first longest zero run compressed, zone kept (as libyang / inet_ntop)', () => {
    const cases: [string, string][] = [
      ['2001:DB8:0:0::1', '2001:db8::1'],
      ['2001:db8::0:1%Eth0', '2001:db8::1%Eth0'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['0000:0000::0001', '::1'],
      ['::', '::'],
      ['::2', '::2'],
      ['::0.0.0.2', '::2'],
      ['::1.2.3.4', '::1.2.3.4'],
      ['::0:1.2.3.4', '::1.2.3.4'],
      ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
      ['::FFFF:1.2.3.4%x', '::ffff:1.2.3.4%x'],
      ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
      ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
      ['1:0:0:1:0:0:1:1', '1::1:0:0:1:1'],
      ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
      ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
      ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
      ['FFFF:0::1', 'ffff::1'],
      ['fe80::', 'fe80::'],
    ];
    for (const [given, want] of cases) assert.equal(canon(v6, given), want, given);
    assert.equal(canon(v6nz, '2001:DB8::1'), '2001:db8::1');
    assert.equal(jsonOk(v6, '2001:DB8::1').canonical, '2001:db8::1');
  });

  it('ipv6-address: refuses what the patterns or inet_pton refuse', () => {
    assert.match(textErr(v6, '::1.2.3.04').message, /is not a valid IPv6 address/);
    assert.match(textErr(v6, '1:2:3:4:5:6:7:8:9').message, /does not match the pattern/);
    assert.match(textErr(v6, '12345::1').message, /does not match the pattern/);
    textErr(v6nz, '::1%eth0');
  });

  it('prefixes: host bits cleared', () => {
    assert.equal(canon(p4, '10.1.2.3/8'), '10.0.0.0/8');
    assert.equal(canon(p4, '1.2.3.4/0'), '0.0.0.0/0');
    assert.equal(canon(p4, '1.2.3.4/31'), '1.2.3.4/31');
    assert.equal(canon(p4, '1.2.3.5/31'), '1.2.3.4/31');
    assert.equal(canon(p4, '255.255.255.255/25'), '255.255.255.128/25');
    assert.equal(canon(p6, '2001:DB8::1/32'), '2001:db8::/32');
    assert.equal(canon(p6, '2001:db8::1/128'), '2001:db8::1/128');
    assert.equal(canon(p6, '::/0'), '::/0');
    assert.equal(canon(p6, 'ffff:ffff:ffff:ffff::/17'), 'ffff:8000::/17');
    textErr(p4, '1.2.3.4/33');
  });

  it('ip-address and ip-prefix unions canonicalize through their members', () => {
    assert.deepEqual(canon(ip, '1.2.3.4'), '1.2.3.4');
    assert.deepEqual(canon(ip, '2001:DB8::1'), '2001:db8::1');
    assert.deepEqual(canon(ipPrefix, '10.1.2.3/8'), '10.0.0.0/8');
    assert.deepEqual(canon(ipPrefix, '2001:DB8::1/32'), '2001:db8::/32');
    assert.match(textErr(ip, 'host').message, /matches no member type of ietf-inet-types:ip-address/);
  });

  it('mac-address, hex-string, uuid, date-and-time, domain-name stay as given (libyang 2.1.30 keeps them)', () => {
    assert.equal(canon(ietfType('ietf-yang-types:mac-address'), 'AA:bb:CC:dd:EE:ff'), 'AA:bb:CC:dd:EE:ff');
    assert.equal(canon(ietfType('ietf-yang-types:hex-string'), 'AB:cd'), 'AB:cd');
    assert.equal(canon(ietfType('ietf-yang-types:uuid'), 'ABCDEF01-2345-6789-abcd-ef0123456789'), 'ABCDEF01-2345-6789-abcd-ef0123456789');
    assert.equal(canon(ietfType('ietf-yang-types:date-and-time'), '2024-01-02T03:04:05.120+02:00'), '2024-01-02T03:04:05.120+02:00');
    assert.equal(canon(ietfType('ietf-inet-types:domain-name', { length: { intervals: [{ min: '1', max: '253' }] } }), 'Example.COM.'), 'Example.COM.');
    textErr(ietfType('ietf-yang-types:mac-address'), 'aa:bb:cc:dd:ee');
    textErr(ietfType('ietf-inet-types:domain-name', { length: { intervals: [{ min: '1', max: '253' }] } }), `${'a.'.repeat(127)}`);
  });

  it('parseIpv6 / formatIpv6 round-trip edge cases', () => {
    assert.deepEqual(parseIpv6('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(parseIpv6('1::2::3'), undefined);
    assert.equal(parseIpv6(':1::'), undefined);
    assert.equal(parseIpv6('1:2:3:4:5:6:7:8::'), undefined);
    assert.equal(parseIpv6('1.2.3.4::'), undefined);
    assert.equal(parseIpv6('1:2:3:4:5:6:7'), undefined);
    assert.equal(parseIpv6('::12345'), undefined);
    assert.equal(formatIpv6([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]), '::ffff:1.2.3.4');
    assert.equal(formatIpv6([1, 0, 0, 0, 0, 0, 0, 0]), '1::');
  });
});
