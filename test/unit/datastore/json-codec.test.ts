import assert from 'node:assert/strict';
import { type ContainerData, type DataTree } from '../../../src/datastore/data-tree.js';
import { treesEqual } from '../../../src/datastore/tree-equality.js';
import { netconfErrorFor, type DecodeError } from '../../../src/datastore/decode-error.js';
import { jsonPath } from '../../../src/datastore/instance-path.js';
import { decodeJson, type JsonDecodeOptions } from '../../../src/datastore/json-decoder.js';
import { encodeJson, nodeToJson, toJson } from '../../../src/datastore/json-encoder.js';
import { decodeXml } from '../../../src/datastore/xml-decoder.js';
import { encodeXml } from '../../../src/datastore/xml-encoder.js';
import { node, schemaVariants } from '../../support/schema-fixtures.js';
import { EDGE_XML, ROUTER_JSON, ROUTER_XML } from './documents.js';
import type { Schema } from '../../../src/validation/schema.js';

function suite(schema: Schema, variant: string): void {
  function decode(input: unknown, options?: JsonDecodeOptions): DataTree {
    const r = decodeJson(schema, input, options);
    if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
    return r.tree;
  }

  function error(input: unknown, options?: JsonDecodeOptions): DecodeError {
    const r = decodeJson(schema, input, options);
    if (r.ok) assert.fail('decoded without error');
    return r.errors[0];
  }

  function xmlTree(xml: string): DataTree {
    const r = decodeXml(schema, xml);
    if (!r.ok) assert.fail(r.errors[0].message);
    return r.tree;
  }

  describe(`RFC 7951 JSON codec (${variant})`, () => {
    describe('round trips', () => {
      it('JSON → tree → JSON gives back a realistic document', () => {
        const tree = decode(ROUTER_JSON);
        assert.deepEqual(toJson(schema, tree), ROUTER_JSON);
        assert.equal(encodeJson(schema, tree, { pretty: 2 }), JSON.stringify(ROUTER_JSON, null, 2));
      });

      it('XML and JSON decode to the same tree', () => {
        const fromXml = xmlTree(ROUTER_XML);
        const fromJson = decode(JSON.stringify(ROUTER_JSON));
        assert.ok(treesEqual(fromXml, fromJson));
        assert.equal(encodeXml(schema, fromJson, { pretty: true }), ROUTER_XML);
      });

      it('keeps 64-bit integers and decimal64 exact, as strings', () => {
        const noAnydata = EDGE_XML.replace(/ *<blob>.*<\/blob>\n/, '');
        const tree = xmlTree(noAnydata);
        const text = encodeJson(schema, tree);
        assert.ok(text.includes('"i64":"-9223372036854775808"'), text);
        assert.ok(text.includes('"u64":"18446744073709551615"'));
        assert.ok(text.includes('"d64":"-92233720368547758.08"'));
        const back = decode(text);
        assert.ok(treesEqual(tree, back));
        assert.equal(encodeXml(schema, back, { pretty: true }), noAnydata);
      });

      it('writes the edge cases the RFC 7951 way', () => {
        const json = toJson(schema, xmlTree(EDGE_XML));
        const top = json['vr-test:top'] as Record<string, unknown>;
        assert.deepEqual(top.flag, [null]);
        assert.deepEqual(top.tags, ['zeta', 'alpha', 'mid'], 'user order');
        assert.deepEqual((top.rule as { name: string }[]).map((r) => r.name), ['r3', 'r1']);
        assert.equal(top.kind, 'fancy', 'identityref of the same module: no module name');
        assert.deepEqual(top.kinds, ['iana-if-type:l2vlan', 'fancy']);
        assert.equal(top.target, "/ietf-interfaces:interfaces/interface[name='eth0']/description");
        assert.equal(top.u, -5);
        assert.equal(top['udp-checksum'], false);
        assert.equal(typeof top.blob, 'string', 'anydata read from XML stays XML');
      });

      it('refuses a 64-bit integer written as a JSON number', () => {
        const e = error({ 'vr-test:top': { u64: Number('18446744073709551615') } });
        assert.equal(e.kind, 'invalid-value');
        assert.equal(e.path, '/vr-test:top/u64');
      });

      it('keeps anydata given as JSON', () => {
        const doc = { 'vr-test:top': { blob: { 'x:y': [1, 'two', { z: null }] } } };
        assert.deepEqual(toJson(schema, decode(doc)), doc);
      });

      it('encodes one node as a top-level member', () => {
        const tree = decode(ROUTER_JSON);
        const ifs = tree.root.container(node(schema, '/ietf-interfaces:interfaces', 'container')) as ContainerData;
        const lo = ifs.entries(node(schema, '/ietf-interfaces:interfaces/interface', 'list'))?.get('lo');
        assert.ok(lo);
        assert.deepEqual(nodeToJson(schema, lo), { 'ietf-interfaces:interface': [{ name: 'lo', type: 'iana-if-type:softwareLoopback' }] });
      });

      it('decodes the input of an rpc', () => {
        const reset = schema.rpc('vr-test', 'reset');
        assert.ok(reset);
        const tree = decode({ 'vr-test:delay': 5, 'vr-test:targets': ['a', 'b'] }, { root: { schema: reset.input, location: { up: null, schema: reset } } });
        assert.deepEqual(toJson(schema, tree), { delay: 5, targets: ['a', 'b'] });
      });
    });

    describe('metadata', () => {
      it('preserves "@" annotations in a side map, never in values', () => {
        const doc = {
          'vr-test:top': {
            '@': { 'ietf-origin:origin': 'ietf-origin:intended' },
            'name': 'n',
            '@name': { 'x:note': 1 },
            'tags': ['a', 'b'],
            '@tags': [null, { 'x:note': 2 }],
            'rule': [{ '@': { 'x:note': 3 }, 'name': 'r' }],
          },
        };
        const r = decodeJson(schema, doc);
        assert.ok(r.ok);
        const byPath = Object.fromEntries([...r.metadata].map(([n, m]) => [jsonPath(n), m]));
        assert.deepEqual(byPath, {
          '/vr-test:top': { 'ietf-origin:origin': 'ietf-origin:intended' },
          '/vr-test:top/name': { 'x:note': 1 },
          "/vr-test:top/tags[.='b']": { 'x:note': 2 },
          "/vr-test:top/rule[name='r']": { 'x:note': 3 },
        });
        // and the encoder writes metadata back through its hook
        const out = toJson(schema, r.tree, { metadata: (n) => r.metadata.get(n) as never });
        assert.deepEqual(out, doc);
      });
    });

    describe('errors', () => {
      it('malformed JSON', () => {
        const e = error('{"vr-test:top": ');
        assert.equal(e.kind, 'malformed');
        assert.deepEqual(netconfErrorFor(e.kind), { tag: 'malformed-message', type: 'rpc' });
        assert.equal(error('[1]').kind, 'malformed');
      });

      it('unqualified top-level member', () => {
        const e = error({ top: {} });
        assert.equal(e.kind, 'unknown-element');
        assert.match(e.message, /must be module-qualified/);
      });

      it('unknown module', () => {
        const e = error({ 'nope:top': {} });
        assert.equal(e.kind, 'unknown-namespace');
        assert.equal(e.namespace, 'nope');
      });

      it('unknown member, with its path', () => {
        const e = error({ 'ietf-interfaces:interfaces': { interface: [{ name: 'eth0', bogus: 1 }] } });
        assert.equal(e.kind, 'unknown-element');
        assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='eth0']/bogus");
      });

      it('wrong place', () => {
        assert.equal(error({ 'ietf-interfaces:interface': [] }).kind, 'wrong-place');
      });

      it('invalid value, with the key in the path', () => {
        const e = error({ 'ietf-interfaces:interfaces': { interface: [{ 'name': 'eth0', 'ietf-ip:ipv4': { mtu: 30 } }] } });
        assert.equal(e.kind, 'invalid-value');
        assert.equal(e.message, `number 30 is not a valid value for /ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu: expected uint16 in 68..65535`);
        assert.equal(e.xmlPath?.path, "/if:interfaces/if:interface[if:name='eth0']/ip:ipv4/ip:mtu");
      });

      it('wrong JSON kinds for containers, lists and leaf-lists', () => {
        assert.equal(error({ 'vr-test:top': [] }).kind, 'invalid-value');
        assert.equal(error({ 'vr-test:top': { rule: {} } }).kind, 'invalid-value');
        assert.equal(error({ 'vr-test:top': { rule: [1] } }).kind, 'invalid-value');
        assert.equal(error({ 'vr-test:top': { tags: 'a' } }).kind, 'invalid-value');
      });

      it('missing key and duplicate key', () => {
        const m = error({ 'vr-test:top': { pair: [{ a: 'x' }] } });
        assert.equal(m.kind, 'missing-key');
        assert.equal(m.element, 'b');
        const d = error({ 'vr-test:top': { pair: [{ a: 'x', b: 1 }, { a: 'x', b: 1 }] } });
        assert.equal(d.kind, 'duplicate-key');
        assert.equal(d.path, "/vr-test:top/pair[a='x'][b='1']");
        assert.equal(error({ 'vr-test:top': { tags: ['a', 'a'] } }).kind, 'duplicate-key');
      });

      it('duplicate member through both name forms', () => {
        assert.equal(error({ 'vr-test:top': { 'name': 'a', 'vr-test:name': 'b' } }).kind, 'duplicate-element');
      });

      it('choice conflict', () => {
        const e = error({ 'vr-test:top': { 'tcp-port': 1, 'udp-port': 2 } });
        assert.equal(e.kind, 'choice-conflict');
        assert.equal(e.path, '/vr-test:top/udp-port');
      });

      it('state in config, accepted for the state datastore', () => {
        const doc = { 'vr-test:top': { status: 'ok', state: { counter: '12345678901234567890', session: [{ id: 1 }, { id: 1 }], seen: ['a', 'a'] } } };
        assert.equal(error(doc).kind, 'state-in-config');
        const tree = decode(doc, { datastore: 'state' });
        assert.deepEqual(toJson(schema, tree), doc, 'keyless entries and repeated state values are kept');
      });

      it('collects every error on request', () => {
        const r = decodeJson(schema, { 'vr-test:top': { small: 300, bogus: 1, status: 'x' } }, { collectErrors: true });
        assert.ok(!r.ok);
        assert.deepEqual(r.errors.map((e) => e.kind), ['invalid-value', 'unknown-element', 'state-in-config']);
      });
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
