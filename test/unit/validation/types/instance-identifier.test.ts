import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { formatJson, formatXml } from '../../../../src/validation/types/index.js';
import { canon, jsonErr, jsonOk, textErr, textOk, xmlCtx } from './helpers.js';

const ii: TypeSpec = { base: 'instance-identifier', requireInstance: true };
const ctx = xmlCtx({ if: 'ietf-interfaces', ip: 'ex', i2: 'ietf-interfaces', m: 'm' });

describe('value layer: instance-identifier', () => {
  it('XML form → canonical RFC 7951 form with modules only where they change', () => {
    assert.equal(canon(ii, '/if:interfaces/if:interface[if:name=\'eth0\']/ip:ipv4/ip:address[ip:ip="10.0.0.1"]', ctx),
      "/ietf-interfaces:interfaces/interface[name='eth0']/ex:ipv4/address[ip='10.0.0.1']");
    // Different prefixes for the same namespace give the same canonical value.
    assert.equal(canon(ii, "/i2:interfaces/if:interface[i2:name='eth0']", ctx), "/ietf-interfaces:interfaces/interface[name='eth0']");
  });

  it('keys, leaf-list values and positions; whitespace inside predicates is dropped', () => {
    assert.equal(canon(ii, "/m:c/m:l[ m:k = 'a' ][m:n='7']/m:ll[ . = \"z\" ]", ctx), "/m:c/l[k='a'][n='7']/ll[.='z']");
    assert.equal(canon(ii, '/m:c/m:top[2]', ctx), '/m:c/top[2]');
    assert.equal(canon(ii, '/m:c/m:top[ 02 ]', ctx), '/m:c/top[2]');
    assert.equal(canon(ii, ' /m:c ', ctx), '/m:c');
    // A value holding a single quote keeps double quotes; key values are kept as written.
    assert.equal(canon(ii, "/m:c/m:l[m:k=\"it's\"][m:n='07']", ctx), "/m:c/l[k=\"it's\"][n='07']");
    assert.equal(canon(ii, "/m:c/m:l[m:k='']", ctx), "/m:c/l[k='']");
  });

  it('a key from another module keeps its module name', () => {
    assert.equal(canon(ii, "/m:c/m:l[ip:k='a']", ctx), "/m:c/l[ex:k='a']");
  });

  it('refuses bad syntax, unprefixed XML names, unknown prefixes and position 0', () => {
    const bad: [string, RegExp][] = [
      ['', /empty/],
      ['m:c', /expected "\/"/],
      ['/c', /needs a namespace prefix/],
      ["/m:c/m:l[k='a']", /needs a namespace prefix/],
      ['/zz:c', /prefix "zz" is not declared/],
      ['/m:c/', /expected a node name/],
      ['/m:c//m:d', /expected a node name/],
      ["/m:c[m:k='a'", /expected "]"/],
      ['/m:c[m:k=a]', /expected a quoted value/],
      ["/m:c[m:k='a]", /unterminated/],
      ['/m:c[m:k]', /expected "="/],
      ['/m:top[0]', /positive integer/],
      ['/m:1c', /expected a node name/],
      ['/m:c x', /expected "\/"/],
    ];
    for (const [text, re] of bad) {
      const e = textErr(ii, text, ctx);
      assert.match(e.message, re, text);
      assert.match(e.message, /is not a valid instance-identifier/);
    }
  });

  it('JSON form: the first node qualified, later ones inherit', () => {
    const v = jsonOk(ii, "/ietf-interfaces:interfaces/interface[name='eth0']/ex:ipv4");
    assert.equal(v.canonical, "/ietf-interfaces:interfaces/interface[name='eth0']/ex:ipv4");
    // Redundant qualification is dropped.
    assert.equal(jsonOk(ii, '/m:c/m:top[1]').canonical, '/m:c/top[1]');
    assert.match(jsonErr(ii, '/c').message, /first node name must be qualified/);
    assert.match(jsonErr(ii, '/nope:c').message, /module "nope" is not loaded/);
  });

  it('writes XML with a prefix on every name, JSON as the canonical form', () => {
    const v = textOk(ii, "/if:interfaces/if:interface[if:name='eth0']/ip:ipv4[ip:k='x']", ctx);
    const prefixes: Record<string, string> = { 'ietf-interfaces': 'a', ex: 'b' };
    assert.equal(formatXml(v, (m) => prefixes[m] ?? '?'), "/a:interfaces/a:interface[a:name='eth0']/b:ipv4[b:k='x']");
    assert.equal(formatJson(v, 'whatever'), v.canonical);
  });
});
