// The NETCONF message parser: hello / rpc recognition by namespace, message-id, echoed
// attributes, the light element tree, streamed parameters, and every way a message can be bad.
import assert from 'node:assert/strict';
import { XmlDataDecoder } from '../../../src/datastore/xml-content-decoder.js';
import { encodeXml } from '../../../src/datastore/xml-encoder.js';
import { decodeData, dataParameter } from '../../../src/netconf/operations/content.js';
import type { ContentSink } from '../../../src/netconf/xml/element.js';
import { parseMessage, type ParsedMessage, type StreamedParameter } from '../../../src/netconf/xml/message-parser.js';
import { renderReply } from '../../../src/netconf/xml/reply.js';
import { Schema } from '../../../src/validation/schema.js';
import { BASE_NS, parseXml, sharedYang } from './session/harness.js';

const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';

function rpc(parsed: ParsedMessage): Extract<ParsedMessage, { kind: 'rpc' }> {
  if (parsed.kind !== 'rpc') {
    const why = 'errors' in parsed ? JSON.stringify(parsed.errors) : 'message' in parsed ? parsed.message : '';
    assert.fail(`expected an rpc, got ${parsed.kind}: ${why}`);
  }
  return parsed;
}

/** Records the events a sink receives. */
class Recorder implements ContentSink {
  readonly events: string[] = [];
  openTag(tag: { local: string; uri: string }): void { this.events.push(`<${tag.local} ${tag.uri}>`); }
  text(t: string): void { if (t.trim() !== '') this.events.push(t.trim()); }
  closeTag(): void { this.events.push('</>'); }
}

describe('netconf/xml message parser', () => {
  let schema: Schema;
  before(async () => {
    schema = new Schema((await sharedYang()).exportSchema());
  });

  describe('hello', () => {
    it('recognises <hello> in the base namespace, default or prefixed (ncclient sends nc:hello)', () => {
      for (const xml of [
        `<hello xmlns="${BASE_NS}"><capabilities/></hello>`,
        `<?xml version="1.0" encoding="UTF-8"?><nc:hello xmlns:nc="${BASE_NS}"><nc:capabilities/></nc:hello>`,
      ]) {
        const p = parseMessage(Buffer.from(xml), { expect: 'hello' });
        assert.equal(p.kind, 'hello');
        if (p.kind === 'hello') assert.equal(p.hello.name, 'hello');
      }
    });

    it('an <rpc> or a hello in another namespace is a bad hello', () => {
      const a = parseMessage(`<rpc xmlns="${BASE_NS}" message-id="1"><get/></rpc>`, { expect: 'hello' });
      assert.equal(a.kind, 'bad-hello');
      const b = parseMessage('<hello xmlns="urn:example"/>', { expect: 'hello' });
      assert.equal(b.kind, 'bad-hello');
      const c = parseMessage('<hello', { expect: 'hello' });
      assert.equal(c.kind, 'bad-hello');
    });
  });

  describe('rpc', () => {
    it('default-namespaced and prefixed <rpc> both give the operation element', () => {
      const a = rpc(parseMessage(`<rpc xmlns="${BASE_NS}" message-id="7"><get-config><source><running/></source></get-config></rpc>`, { expect: 'rpc' }));
      assert.equal(a.envelope.messageId, '7');
      assert.equal(a.operation.name, 'get-config');
      assert.equal(a.operation.namespace, BASE_NS);
      assert.ok(a.operation.child(BASE_NS, 'source')?.child(BASE_NS, 'running'));
      const b = rpc(parseMessage(`<nc:rpc xmlns:nc="${BASE_NS}" message-id="urn:uuid:1"><nc:get/></nc:rpc>`, { expect: 'rpc' }));
      assert.equal(b.operation.name, 'get');
      assert.equal(b.envelope.messageId, 'urn:uuid:1');
    });

    it('keeps every other <rpc> attribute, with the declarations its prefix needs, for the reply', () => {
      const p = rpc(parseMessage(
        `<rpc message-id="101" xmlns="${BASE_NS}" xmlns:ex="http://example.net/content/1.0" xmlns:unused="urn:u" ex:user-id="fred" plain="x&amp;y"><get/></rpc>`,
        { expect: 'rpc' }));
      assert.deepEqual(p.envelope.echo.map((a) => [a.name, a.value]), [['ex:user-id', 'fred'], ['plain', 'x&y']]);
      assert.deepEqual(p.envelope.echoNamespaces, { ex: 'http://example.net/content/1.0' });
      const reply = renderReply(p.envelope, '<ok/>');
      const el = parseXml(reply); // well-formed on its own
      assert.equal(el.attribute('message-id'), '101');
      assert.equal(el.attribute('user-id', 'http://example.net/content/1.0'), 'fred');
      assert.equal(el.attribute('plain'), 'x&y');
      assert.ok(!reply.includes('unused'));
    });

    it('a missing message-id is answered with missing-attribute (RFC 6241 §4.1)', () => {
      const p = parseMessage(`<rpc xmlns="${BASE_NS}"><get/></rpc>`, { expect: 'rpc' });
      assert.equal(p.kind, 'bad-rpc');
      if (p.kind !== 'bad-rpc') return;
      assert.equal(p.errors[0].tag, 'missing-attribute');
      assert.equal(p.errors[0].type, 'rpc');
      assert.deepEqual(p.errors[0].info, { badAttribute: 'message-id', badElement: 'rpc' });
      assert.equal(p.envelope?.messageId, undefined);
    });

    it('refuses a root that is not <rpc>, two operations, text in <rpc>, and an empty <rpc>', () => {
      const cases: [string, string][] = [
        ['<rpc message-id="1"><get/></rpc>', 'unknown-element'],
        [`<hello xmlns="${BASE_NS}"/>`, 'unknown-element'],
        [`<rpc xmlns="${BASE_NS}" message-id="1"><get/><get-config/></rpc>`, 'unknown-element'],
        [`<rpc xmlns="${BASE_NS}" message-id="1">oops<get/></rpc>`, 'bad-element'],
        [`<rpc xmlns="${BASE_NS}" message-id="1"></rpc>`, 'missing-element'],
      ];
      for (const [xml, tag] of cases) {
        const p = parseMessage(xml, { expect: 'rpc' });
        assert.equal(p.kind, 'bad-rpc', xml);
        if (p.kind === 'bad-rpc') assert.equal(p.errors[0].tag, tag, xml);
      }
    });

    it('malformed XML, a DOCTYPE and invalid UTF-8 are malformed; the message-id seen so far is kept', () => {
      const m1 = parseMessage(`<rpc xmlns="${BASE_NS}" message-id="9"><get></rpc>`, { expect: 'rpc' });
      assert.equal(m1.kind, 'malformed');
      if (m1.kind === 'malformed') {
        assert.equal(m1.envelope?.messageId, '9');
        assert.match(m1.message, /not well-formed/);
      }
      const m2 = parseMessage(`<!DOCTYPE rpc [<!ENTITY x "boom">]><rpc xmlns="${BASE_NS}" message-id="1"><get>&x;</get></rpc>`, { expect: 'rpc' });
      assert.equal(m2.kind, 'malformed');
      if (m2.kind === 'malformed') assert.match(m2.message, /DOCTYPE/);
      const m3 = parseMessage(Buffer.from([0x3c, 0x72, 0xff, 0xfe, 0x3e]), { expect: 'rpc' });
      assert.equal(m3.kind, 'malformed');
      if (m3.kind === 'malformed') assert.match(m3.message, /UTF-8/);
      const m4 = parseMessage(`<rpc xmlns="${BASE_NS}" message-id="1"><x:get/></rpc>`, { expect: 'rpc' });
      assert.equal(m4.kind, 'malformed', 'an unbound prefix is a namespace well-formedness error');
      const m5 = parseMessage(`<rpc xmlns="${BASE_NS}" message-id="1"><get/></rpc><rpc/>`, { expect: 'rpc' });
      assert.equal(m5.kind, 'malformed');
    });

    it('accepts a BOM and whitespace before the XML declaration', () => {
      const p = parseMessage(Buffer.from(`\uFEFF\n  <?xml version="1.0"?>\n<rpc xmlns="${BASE_NS}" message-id="1"><get/></rpc>\n`), { expect: 'rpc' });
      assert.equal(p.kind, 'rpc');
    });

    it('an unknown operation keeps no content but is still checked for well-formedness', () => {
      const lookup = (): undefined => undefined;
      const p = rpc(parseMessage(`<rpc xmlns="${BASE_NS}" message-id="1"><frob xmlns="urn:x"><a><b/></a></frob></rpc>`, { expect: 'rpc', lookup }));
      assert.equal(p.known, false);
      assert.equal(p.operation.nodes.length, 0);
      assert.equal(parseMessage(`<rpc xmlns="${BASE_NS}" message-id="1"><frob xmlns="urn:x"><a></b></frob></rpc>`, { expect: 'rpc', lookup }).kind, 'malformed');
    });

    it('light elements resolve prefixes through their ancestors and keep mixed content in order', () => {
      const p = rpc(parseMessage(
        `<rpc xmlns="${BASE_NS}" xmlns:m="urn:m" message-id="1"><op xmlns="urn:o" xmlns:q="urn:q"><p>a<i/>b</p></op></rpc>`, { expect: 'rpc' }));
      const para = p.operation.child('urn:o', 'p');
      assert.ok(para);
      assert.equal(para.resolvePrefix('m'), 'urn:m');
      assert.equal(para.resolvePrefix('q'), 'urn:q');
      assert.equal(para.resolvePrefix(''), 'urn:o');
      assert.equal(para.resolvePrefix('nope'), undefined);
      assert.equal(para.text, 'ab');
      assert.deepEqual(para.nodes.map((n) => (typeof n === 'string' ? n : `<${n.name}>`)), ['a', '<i>', 'b']);
      const rec = new Recorder();
      para.replayContent(rec);
      assert.deepEqual(rec.events, ['a', '<i urn:o>', '</>', 'b']);
    });
  });

  describe('streamed parameters', () => {
    // The identityref's prefix is declared on <rpc>: the decoder must see the outer bindings.
    const IANA = 'xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type"';
    const config = `<interfaces xmlns="${IF_NS}">`
      + '<interface><name>eth0</name><type>ianaift:ethernetCsmacd</type><enabled>false</enabled></interface></interfaces>';

    it('forwards the content of the streamed element to its sink, at the declared path only', () => {
      const recorders: Recorder[] = [];
      const streamed: StreamedParameter[] = [{ path: ['source', 'config'], sink: () => { const r = new Recorder(); recorders.push(r); return r; } }];
      const xml = `<rpc xmlns="${BASE_NS}" message-id="1"><copy-config><target><config><x/></config></target>`
        + `<source><config><a xmlns="urn:a">1</a></config></source></copy-config></rpc>`;
      const p = rpc(parseMessage(xml, { expect: 'rpc', schema, lookup: () => ({ streamed }) }));
      assert.equal(recorders.length, 1);
      assert.deepEqual(recorders[0]?.events, ['<a urn:a>', '1', '</>']);
      const source = p.operation.child(BASE_NS, 'source')?.child(BASE_NS, 'config');
      assert.equal(source?.sink, recorders[0]);
      assert.equal(source?.nodes.length, 0);
      const target = p.operation.child(BASE_NS, 'target')?.child(BASE_NS, 'config');
      assert.equal(target?.sink, undefined);
      assert.equal(target?.children.length, 1, 'the target <config> stays a light element');
    });

    it('streamed and replayed decoding give the same tree, prefixes declared on <rpc> included', () => {
      const options = { editAttributes: true };
      const xml = `<rpc xmlns="${BASE_NS}" ${IANA} message-id="1"><edit-config><target><candidate/></target><config>${config}</config></edit-config></rpc>`;
      const streamed = rpc(parseMessage(xml, { expect: 'rpc', schema, lookup: () => ({ streamed: [dataParameter(['config'], options)] }) }));
      const light = rpc(parseMessage(xml, { expect: 'rpc', schema, lookup: () => ({}) }));
      const s = streamed.operation.child(BASE_NS, 'config');
      const l = light.operation.child(BASE_NS, 'config');
      assert.ok(s && l);
      assert.ok(s.sink instanceof XmlDataDecoder);
      const a = decodeData(s, schema, options);
      const b = decodeData(l, schema, options);
      assert.ok(a.ok && b.ok);
      const text = encodeXml(schema, a.tree);
      assert.match(text, /<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd<\/type>/);
      assert.equal(encodeXml(schema, b.tree), text);
    });

    it('a decode error in streamed content is the decoder result, the message still parses', () => {
      const bad = config.replace('false', 'maybe');
      const xml = `<rpc xmlns="${BASE_NS}" ${IANA} message-id="1"><edit-config><config>${bad}</config></edit-config></rpc>`;
      const p = rpc(parseMessage(xml, { expect: 'rpc', schema, lookup: () => ({ streamed: [dataParameter(['config'], {})] }) }));
      const r = decodeData(p.operation.child(BASE_NS, 'config') as NonNullable<ReturnType<typeof p.operation.child>>, schema, {});
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.errors[0].kind, 'invalid-value');
        assert.ok(r.errors[0].line !== undefined, 'positions come from the outer parser');
      }
    });
  });
});
