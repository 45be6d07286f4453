// The rpc-error model: element order and escaping, error-path with its declarations, the
// converters from decode errors and libyang validation errors, and the generic internal error.
import assert from 'node:assert/strict';
import { decodeXml } from '../../../src/datastore/xml-decoder.js';
import {
  fromDecodeError, fromValidationError, internalError, jsonPathToXml, newCorrelationId, renderRpcError, type RpcError,
} from '../../../src/netconf/rpc-error.js';
import { Schema } from '../../../src/validation/schema.js';
import { BASE_NS, parseXml, sharedYang } from './session/harness.js';

const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IP_NS = 'urn:ietf:params:xml:ns:yang:ietf-ip';

/** Renders inside an rpc-reply (the base namespace in scope) and parses it back. */
function roundTrip(e: RpcError): ReturnType<typeof parseXml> {
  const doc = parseXml(`<rpc-reply xmlns="${BASE_NS}">${renderRpcError(e)}</rpc-reply>`);
  const el = doc.child(BASE_NS, 'rpc-error');
  assert.ok(el);
  return el;
}

describe('netconf/rpc-error', () => {
  let schema: Schema;
  before(async () => {
    schema = new Schema((await sharedYang()).exportSchema());
  });

  it('writes the fields in RFC 6241 order, escaped, with xml:lang on the message', () => {
    const el = roundTrip({
      type: 'application', tag: 'invalid-value', appTag: 'a<b', message: 'value "x" & <y> refused',
      path: { path: "/if:interfaces/if:interface[if:name='e&0']", namespaces: { if: IF_NS } },
      info: { badElement: 'mtu', badAttribute: 'operation', badNamespace: 'urn:x', sessionId: 4, elements: ['<non-unique xmlns="urn:ietf:params:xml:ns:yang:1">/a</non-unique>'] },
    });
    assert.deepEqual(el.children.map((c) => c.name),
      ['error-type', 'error-tag', 'error-severity', 'error-app-tag', 'error-path', 'error-message', 'error-info']);
    assert.equal(el.child(BASE_NS, 'error-severity')?.text, 'error');
    assert.equal(el.child(BASE_NS, 'error-app-tag')?.text, 'a<b');
    const path = el.child(BASE_NS, 'error-path');
    assert.equal(path?.text, "/if:interfaces/if:interface[if:name='e&0']");
    assert.equal(path?.resolvePrefix('if'), IF_NS, 'error-path declares the prefixes it uses');
    const msg = el.child(BASE_NS, 'error-message');
    assert.equal(msg?.text, 'value "x" & <y> refused');
    assert.equal(msg?.attribute('lang', 'http://www.w3.org/XML/1998/namespace'), 'en');
    const info = el.child(BASE_NS, 'error-info');
    assert.deepEqual(info?.children.map((c) => `${c.name}=${c.text}`),
      ['bad-attribute=operation', 'bad-element=mtu', 'bad-namespace=urn:x', 'session-id=4', 'non-unique=/a']);
    assert.equal(info?.children[4]?.namespace, 'urn:ietf:params:xml:ns:yang:1');
  });

  it('leaves out what is not set', () => {
    const el = roundTrip({ type: 'protocol', tag: 'operation-not-supported' });
    assert.deepEqual(el.children.map((c) => c.name), ['error-type', 'error-tag', 'error-severity']);
  });

  it('the internal error carries a reference, never exception text', () => {
    const ref = newCorrelationId();
    assert.match(ref, /^[0-9a-f]{12}$/);
    const e = internalError(ref);
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.type, 'application');
    assert.ok(e.message?.includes(ref));
    assert.ok(!/Error|at |\.ts/.test(e.message ?? ''));
  });

  describe('from decode errors', () => {
    function firstError(xml: string): Parameters<typeof fromDecodeError>[0] {
      const r = decodeXml(schema, xml, { editAttributes: true });
      assert.equal(r.ok, false);
      if (r.ok) throw new Error('unreachable');
      return r.errors[0];
    }

    it('invalid value: application invalid-value with an XML error-path', () => {
      const e = fromDecodeError(firstError(`<interfaces xmlns="${IF_NS}"><interface><name>eth0</name><enabled>maybe</enabled></interface></interfaces>`));
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.type, 'application');
      assert.equal(e.path?.path, "/if:interfaces/if:interface[if:name='eth0']/if:enabled");
      assert.deepEqual(e.path?.namespaces, { if: IF_NS });
      assert.match(e.message ?? '', /maybe/);
    });

    it('unknown namespace: bad-element and bad-namespace in error-info', () => {
      const e = fromDecodeError(firstError('<frob xmlns="urn:nowhere"/>'));
      assert.equal(e.tag, 'unknown-namespace');
      assert.deepEqual(e.info, { badElement: 'frob', badNamespace: 'urn:nowhere' });
    });

    it('unknown element: bad-element', () => {
      const e = fromDecodeError(firstError(`<interfaces xmlns="${IF_NS}"><bogus/></interfaces>`));
      assert.equal(e.tag, 'unknown-element');
      assert.equal(e.info?.badElement, 'bogus');
    });

    it('a bad edit attribute: protocol bad-attribute with the attribute and element', () => {
      const e = fromDecodeError(firstError(
        `<interfaces xmlns="${IF_NS}" xmlns:nc="${BASE_NS}" nc:operation="frobnicate"/>`));
      assert.equal(e.tag, 'bad-attribute');
      assert.equal(e.type, 'protocol');
      assert.equal(e.info?.badAttribute, 'operation');
    });

    it('malformed XML: malformed-message without a path', () => {
      const e = fromDecodeError(firstError(`<interfaces xmlns="${IF_NS}" a="1" a="2"/>`));
      assert.equal(e.tag, 'malformed-message');
      assert.equal(e.type, 'rpc');
      assert.equal(e.path, undefined);
    });
  });

  describe('from libyang validation errors', () => {
    it('turns the JSON path into prefixes, qualifying keys and identity values', () => {
      const e = fromValidationError({
        path: "/ietf-interfaces:interfaces/interface[name='eth/0']/ietf-ip:ipv4/address[ip='10.0.0.1']/prefix-length",
        message: 'Value "40" does not satisfy the range constraint.',
        errorTag: 'invalid-value',
        appTag: 'my-tag',
      }, schema);
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.type, 'application');
      assert.equal(e.appTag, 'my-tag');
      assert.equal(e.path?.path, "/if:interfaces/if:interface[if:name='eth/0']/ip:ipv4/ip:address[ip:ip='10.0.0.1']/ip:prefix-length");
      assert.deepEqual(e.path?.namespaces, { if: IF_NS, ip: IP_NS });
      assert.match(e.message ?? '', /range constraint.*\(at \/ietf-interfaces:interfaces/);
    });

    it('names the missing node in bad-element; an unknown error-tag becomes operation-failed', () => {
      const m = fromValidationError({ path: "/ietf-interfaces:interfaces/interface[name='x']/type", message: 'Mandatory node "type" instance does not exist.', errorTag: 'missing-element' }, schema);
      assert.equal(m.info?.badElement, 'type');
      const u = fromValidationError({ path: '', message: 'something', errorTag: 'weird-tag' }, schema);
      assert.equal(u.tag, 'operation-failed');
      assert.equal(u.path, undefined);
      assert.equal(u.message, 'something');
    });

    it('jsonPathToXml: leaf-list predicates and identity values; unknown modules give no path', () => {
      const p = jsonPathToXml("/ietf-interfaces:interfaces/interface[type='iana-if-type:ethernetCsmacd']/name[.='a']", schema);
      assert.equal(p?.path, "/if:interfaces/if:interface[if:type='ianaift:ethernetCsmacd']/if:name[.='a']");
      assert.equal(p?.namespaces['ianaift'], 'urn:ietf:params:xml:ns:yang:iana-if-type');
      assert.equal(jsonPathToXml('/nosuch:thing', schema), undefined);
      assert.equal(jsonPathToXml("/ietf-interfaces:interfaces/interface[name='unterminated", schema), undefined);
    });
  });
});
