import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
import { formatJson, formatXml } from '../../../../src/validation/types/index.js';
import { canon, jsonCtx, jsonErr, jsonOk, textErr, textOk, xmlCtx } from './helpers.js';

const ifType: TypeSpec = { base: 'identityref', bases: ['ietf-interfaces:interface-type'] };
const both: TypeSpec = { base: 'identityref', bases: ['m:base-a', 'm:base-b'] };

describe('value layer: identityref', () => {
  it('XML: resolves the prefix in scope; canonical is "module:name"', () => {
    assert.deepEqual(textOk(ifType, 'ianaift:ethernetCsmacd'), { canonical: 'iana-if-type:ethernetCsmacd', base: 'identityref' });
    // Any prefix bound to the module will do.
    const ctx = xmlCtx({ x: 'iana-if-type', '': 'ietf-interfaces' });
    assert.equal(canon(ifType, 'x:softwareLoopback', ctx), 'iana-if-type:softwareLoopback');
  });

  it('XML: an unprefixed value is in the default namespace', () => {
    assert.equal(canon(both, 'both'), 'm:both');
    const e = textErr(both, 'both', xmlCtx({ m: 'm' }));
    assert.match(e.message, /no prefix and no default namespace/);
    assert.equal(canon(ifType, 'ethernetCsmacd', xmlCtx({ '': 'iana-if-type' })), 'iana-if-type:ethernetCsmacd');
  });

  it('refuses an undeclared prefix, an unknown identity, bad syntax and whitespace', () => {
    assert.match(textErr(ifType, 'zz:ethernetCsmacd').message, /prefix "zz", which is not declared/);
    assert.match(textErr(ifType, 'ianaift:nope').message, /identity iana-if-type:nope does not exist/);
    for (const bad of ['', ':x', 'a:', 'a:b:c', ' ianaift:ethernetCsmacd', '1abc']) textErr(ifType, bad);
  });

  it('must be derived from every base, and is never the base itself', () => {
    assert.equal(canon(both, 'm:grandchild'), 'm:grandchild');
    assert.match(textErr(both, 'm:a-only').message, /m:a-only is not derived from m:base-b/);
    assert.match(textErr({ base: 'identityref', bases: ['m:base-a'] }, 'm:base-a').message, /not derived from m:base-a/);
    assert.equal(canon({ base: 'identityref', bases: ['m:base-a'] }, 'o:foreign'), 'other:foreign');
  });

  it('JSON: "module:name", or "name" in the leaf\'s own module (RFC 7951 §6.8)', () => {
    assert.equal(jsonOk(ifType, 'iana-if-type:ethernetCsmacd').canonical, 'iana-if-type:ethernetCsmacd');
    assert.equal(jsonOk(both, 'both').canonical, 'm:both');
    assert.equal(jsonOk(ifType, 'ethernetCsmacd', jsonCtx('iana-if-type')).canonical, 'iana-if-type:ethernetCsmacd');
    assert.match(jsonErr(ifType, 'ianaift:ethernetCsmacd').message, /module "ianaift", which is not loaded/);
    jsonErr(ifType, 5);
  });

  it('writes XML with the writer\'s prefix and JSON with the module (dropped when local)', () => {
    const v = textOk(ifType, 'ianaift:ethernetCsmacd');
    assert.equal(formatXml(v, (m) => (m === 'iana-if-type' ? 'ift' : '?')), 'ift:ethernetCsmacd');
    assert.equal(formatXml(v, () => ''), 'ethernetCsmacd');
    assert.equal(formatJson(v, 'ietf-interfaces'), 'iana-if-type:ethernetCsmacd');
    assert.equal(formatJson(v, 'iana-if-type'), 'ethernetCsmacd');
    // A module whose name is a prefix of another's is not "the same module".
    assert.equal(formatJson(v, 'iana-if'), 'iana-if-type:ethernetCsmacd');
  });
});
