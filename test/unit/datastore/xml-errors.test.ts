import assert from 'node:assert/strict';
import { netconfErrorFor, type DecodeError, type DecodeErrorKind } from '../../../src/datastore/decode-error.js';
import { decodeXml, type XmlDecodeOptions } from '../../../src/datastore/xml-decoder.js';
import { NS, schemaVariants } from '../../support/schema-fixtures.js';
import type { Schema } from '../../../src/validation/schema.js';

function suite(schema: Schema, variant: string): void {
  /** Decodes and returns the single error (stop-at-first mode). */
  function error(xml: string, options?: XmlDecodeOptions): DecodeError {
    const r = decodeXml(schema, xml, options);
    if (r.ok) assert.fail('decoded without error');
    assert.equal(r.errors.length, 1);
    return r.errors[0];
  }

  const IF = (inner: string): string => `<interfaces xmlns="${NS.if}"><interface><name>eth0</name>${inner}</interface></interfaces>`;
  const TOP = (inner: string): string => `<top xmlns="${NS.vt}">${inner}</top>`;

  describe(`XML decoder errors (${variant})`, () => {
    describe('malformed input', () => {
      it('refuses XML that is not well-formed, with its position', () => {
        const e = error(`<interfaces xmlns="${NS.if}">\n  <interface>\n</interfaces>`);
        assert.equal(e.kind, 'malformed');
        assert.equal(e.line, 3);
        assert.equal(typeof e.column, 'number');
        assert.match(e.message, /not well-formed/);
      });

      it('refuses a DOCTYPE', () => {
        const e = error(`<!DOCTYPE interfaces>\n<interfaces xmlns="${NS.if}"/>`);
        assert.equal(e.kind, 'doctype');
        assert.deepEqual(netconfErrorFor(e.kind), { tag: 'malformed-message', type: 'rpc' });
      });

      it('refuses an entity declaration (and never expands it)', () => {
        const e = error(`<!DOCTYPE top [<!ENTITY big "${'x'.repeat(20)}">]>\n<top xmlns="${NS.vt}"><name>&big;</name></top>`);
        assert.equal(e.kind, 'doctype');
        const wrapped = error(`<!DOCTYPE config [<!ENTITY e "x">]><config>&e;</config>`, { wrapped: true });
        assert.equal(wrapped.kind, 'doctype');
      });

      it('refuses an undefined entity reference', () => {
        assert.equal(error(TOP('<name>&nope;</name>')).kind, 'malformed');
      });

      it('refuses an element prefix that no xmlns binds', () => {
        const e = error('<x:interfaces/>');
        assert.equal(e.kind, 'malformed');
        assert.match(e.message, /unbound namespace prefix/);
      });

      it('refuses a missing wrapper when one is expected', () => {
        assert.equal(error('', { wrapped: true }).kind, 'malformed');
      });
    });

    describe('schema errors', () => {
      it('unknown-namespace names the element and namespace', () => {
        const e = error('<interfaces xmlns="urn:nope"/>');
        assert.equal(e.kind, 'unknown-namespace');
        assert.equal(e.element, 'interfaces');
        assert.equal(e.namespace, 'urn:nope');
        assert.equal(e.path, '/interfaces');
        assert.deepEqual(netconfErrorFor(e.kind), { tag: 'unknown-namespace', type: 'application' });
      });

      it('unknown-element names the path and what is expected there', () => {
        const e = error(IF('<bogus>1</bogus>'));
        assert.equal(e.kind, 'unknown-element');
        assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='eth0']/bogus");
        assert.equal(e.xmlPath?.path, "/if:interfaces/if:interface[if:name='eth0']/if:bogus");
        assert.match(e.message, /expected one of: name, description, type/);
        assert.equal(e.element, 'bogus');
        assert.equal(e.namespace, NS.if);
      });

      it('wrong-place: a known node under the wrong parent', () => {
        const e = error(`<interface xmlns="${NS.if}"><name>x</name></interface>`);
        assert.equal(e.kind, 'wrong-place');
        assert.match(e.message, /belongs at \/ietf-interfaces:interfaces\/interface/);
        assert.equal(netconfErrorFor(e.kind).tag, 'unknown-element');
      });

      it('invalid-value: the path with keys, what the type expects', () => {
        const e = error(IF(`<ipv4 xmlns="${NS.ip}"><mtu>30</mtu></ipv4>`));
        assert.equal(e.kind, 'invalid-value');
        assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu");
        assert.equal(e.message, `"30" is not a valid value for /ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu: expected uint16 in 68..65535`);
        assert.equal(e.expected, 'uint16 in 68..65535');
        assert.equal(e.element, 'mtu');
        assert.equal(e.line, 1);
        assert.deepEqual(netconfErrorFor(e.kind), { tag: 'invalid-value', type: 'application' });
      });

      it('invalid-value carries the restriction error-app-tag', () => {
        const e = error(TOP('<name>much-too-long</name>'));
        assert.equal(e.kind, 'invalid-value');
        assert.equal(e.appTag, 'name-too-long');
      });

      it('unbound-prefix: a QName value whose prefix is not declared', () => {
        const e = error(TOP('<kind>nope:fancy</kind>'));
        assert.equal(e.kind, 'unbound-prefix');
        assert.match(e.message, /prefix "nope" is not bound/);
        assert.equal(e.path, '/vr-test:top/kind');
      });

      it('missing-key', () => {
        const e = error(`<interfaces xmlns="${NS.if}"><interface><description>d</description></interface></interfaces>`);
        assert.equal(e.kind, 'missing-key');
        assert.equal(e.path, '/ietf-interfaces:interfaces/interface');
        assert.equal(e.element, 'name');
        assert.deepEqual(netconfErrorFor(e.kind), { tag: 'missing-element', type: 'application' });
      });

      it('missing-key for one of several keys', () => {
        const e = error(TOP('<pair><a>x</a><v>1</v></pair>'));
        assert.equal(e.kind, 'missing-key');
        assert.equal(e.element, 'b');
      });

      it('duplicate-key: a list entry twice', () => {
        const e = error(`<interfaces xmlns="${NS.if}"><interface><name>a</name></interface><interface><name>a</name></interface></interfaces>`);
        assert.equal(e.kind, 'duplicate-key');
        assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='a']");
      });

      it('duplicate-key: a configuration leaf-list value twice', () => {
        const e = error(TOP('<tags>a</tags><tags>a</tags>'));
        assert.equal(e.kind, 'duplicate-key');
        assert.equal(e.path, "/vr-test:top/tags[.='a']");
      });

      it('accepts a repeated value in a state leaf-list', () => {
        const r = decodeXml(schema, TOP('<state><seen>a</seen><seen>a</seen></state>'), { datastore: 'state' });
        assert.ok(r.ok);
      });

      it('duplicate-element: a leaf twice', () => {
        const e = error(IF('<description>a</description><description>b</description>'));
        assert.equal(e.kind, 'duplicate-element');
        assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='eth0']/description");
      });

      it('choice-conflict: two cases of one choice', () => {
      const e = error(TOP('<tcp-port>1</tcp-port><udp-checksum>true</udp-checksum>'));
      assert.equal(e.kind, 'choice-conflict');
      assert.equal(e.path, '/vr-test:top/udp-checksum');
      assert.match(e.message, /case "udp" of choice "transport".*tcp-port of case "tcp"/);
      assert.equal(netconfErrorFor(e.kind).tag, 'bad-element');
    });

    it('choice-conflict inside a list entry of an augmenting module (unknown where the feature is off)', () => {
      const ipv4Address = schema.nodeByPath('/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address');
      assert.equal(ipv4Address?.kind, 'list');
      const netmask = ipv4Address?.kind === 'list' ? schema.child(ipv4Address, 'ietf-ip', 'netmask') : undefined;
      const e = error(IF(`<ipv4 xmlns="${NS.ip}"><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length><netmask>255.0.0.0</netmask></address></ipv4>`));
      if (netmask === undefined) {
        // libyang compiled ietf-ip without ipv4-non-contiguous-netmasks: netmask does not exist.
        assert.equal(e.kind, 'unknown-element');
        return;
      }
      assert.equal(e.kind, 'choice-conflict');
      assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address[ip='192.0.2.1']/netmask");
    });

    it('accepts several nodes of the same case', () => {
        assert.ok(decodeXml(schema, TOP('<udp-port>1</udp-port><udp-checksum>true</udp-checksum>')).ok);
      });

      it('state-in-config, and the state datastore accepts it', () => {
        const xml = IF('<oper-status>up</oper-status>');
        const e = error(xml);
        assert.equal(e.kind, 'state-in-config');
        assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
        assert.ok(decodeXml(schema, xml, { datastore: 'state' }).ok);
        assert.equal(error(TOP('<state/>')).kind, 'state-in-config');
      });

      it('unexpected-text: text in a container, an element in a leaf', () => {
        const t = error(TOP('oops<name>a</name>'));
        assert.equal(t.kind, 'unexpected-text');
        assert.equal(t.path, '/vr-test:top');
        const el = error(TOP('<name><b/></name>'));
        assert.equal(el.kind, 'unexpected-text');
        assert.equal(el.path, '/vr-test:top/name');
        assert.equal(error('text').kind, 'unexpected-text');
      });
    });

    describe('modes', () => {
      it('stops at the first error by default, collects them on request', () => {
        const xml = IF(`<bogus/><mtu/><ipv4 xmlns="${NS.ip}"><mtu>1</mtu></ipv4><oper-status>up</oper-status>`);
        const first = decodeXml(schema, xml);
        assert.ok(!first.ok);
        assert.equal(first.errors.length, 1);
        const all = decodeXml(schema, xml, { collectErrors: true });
        assert.ok(!all.ok);
        assert.deepEqual(all.errors.map((e) => e.kind), ['unknown-element', 'unknown-element', 'invalid-value', 'state-in-config']);
      });

      it('does not report a missing key when the key itself was invalid', () => {
        const r = decodeXml(schema, TOP('<pair><a>x</a><b>300</b></pair>'), { collectErrors: true });
        assert.ok(!r.ok);
        assert.deepEqual(r.errors.map((e) => e.kind), ['invalid-value']);
      });
    });

    it('maps every kind to a NETCONF error-tag and error-type', () => {
      const kinds: DecodeErrorKind[] = ['malformed', 'doctype', 'unknown-element', 'unknown-namespace', 'wrong-place', 'invalid-value',
        'unbound-prefix', 'missing-key', 'duplicate-key', 'duplicate-element', 'choice-conflict', 'state-in-config', 'unexpected-text',
        'unknown-attribute', 'bad-attribute', 'missing-attribute'];
      for (const k of kinds) {
        const m = netconfErrorFor(k);
        assert.ok(m.tag.length > 0 && m.type.length > 0, k);
      }
      assert.equal(netconfErrorFor('bad-attribute').tag, 'bad-attribute');
      assert.equal(netconfErrorFor('missing-attribute').tag, 'missing-attribute');
      assert.equal(netconfErrorFor('unknown-attribute').tag, 'unknown-attribute');
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
