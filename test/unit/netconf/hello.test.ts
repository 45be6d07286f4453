// The hello exchange pieces: the server hello, the client hello checks, and the capability list.
import assert from 'node:assert/strict';
import { CAPABILITY, hasCapability, moduleCapability, serverCapabilities } from '../../../src/netconf/capabilities.js';
import { readClientHello, renderServerHello } from '../../../src/netconf/hello.js';
import type { ModuleSpec } from '../../../src/validation/schema-model.js';
import { Schema } from '../../../src/validation/schema.js';
import { BASE10, BASE11, BASE_NS, parseXml, sharedYang } from './session/harness.js';

function clientHello(body: string): ReturnType<typeof readClientHello> {
  return readClientHello(parseXml(`<hello xmlns="${BASE_NS}">${body}</hello>`));
}

const caps = (...uris: string[]): string => `<capabilities>${uris.map((u) => `<capability>${u}</capability>`).join('')}</capabilities>`;

function spec(over: Partial<ModuleSpec>): ModuleSpec {
  return {
    name: 'm', namespace: 'urn:m', prefix: 'm', yangVersion: '1.0', implemented: true, features: [], allFeatures: [],
    submodules: [], deviatedBy: [], identities: [], data: [], rpcs: [], notifications: [], ...over,
  };
}

describe('netconf/hello and capabilities', () => {
  describe('server hello', () => {
    it('lists the capabilities (escaped) and the session-id', () => {
      const xml = renderServerHello(['urn:a?x=1&y=2', BASE11], 42);
      const el = parseXml(xml);
      assert.equal(el.name, 'hello');
      assert.equal(el.namespace, BASE_NS);
      assert.deepEqual(el.child(BASE_NS, 'capabilities')?.children.map((c) => c.text), ['urn:a?x=1&y=2', BASE11]);
      assert.equal(el.child(BASE_NS, 'session-id')?.text, '42');
    });
  });

  describe('client hello', () => {
    it('base:1.1 selects 1.1 (chunked), base:1.0 alone selects 1.0; capabilities are trimmed', () => {
      const a = clientHello(caps(BASE10, ` ${BASE11}\n`, 'urn:ietf:params:netconf:capability:writable-running:1.0'));
      assert.ok(a.ok);
      if (a.ok) {
        assert.equal(a.hello.version, '1.1');
        assert.equal(a.hello.capabilities[1], BASE11);
      }
      const b = clientHello(caps(BASE10));
      assert.ok(b.ok && b.hello.version === '1.0');
    });

    it('elements of other namespaces are ignored (extensibility)', () => {
      assert.ok(clientHello(`${caps(BASE11)}<x:vendor xmlns:x="urn:vendor">1</x:vendor>`).ok);
    });

    it('refuses a session-id, no base version, no / two <capabilities>, and empty or foreign capability entries', () => {
      const bad: [string, RegExp][] = [
        [`${caps(BASE11)}<session-id>4</session-id>`, /session-id/],
        [caps('urn:ietf:params:netconf:base:2.0'), /neither base:1.0 nor base:1.1/],
        ['', /no <capabilities>/],
        [caps(BASE10) + caps(BASE11), /more than one/],
        [caps(BASE10, ' '), /empty <capability>/],
        [`<capabilities><capability>${BASE10}</capability><x xmlns="urn:x"/></capabilities>`, /unexpected <x>/],
        [`${caps(BASE10)}<frob/>`, /unexpected <frob>/],
      ];
      for (const [body, reason] of bad) {
        const r = clientHello(body);
        assert.equal(r.ok, false, body);
        if (!r.ok) assert.match(r.reason, reason);
      }
    });
  });

  describe('capabilities', () => {
    let schema: Schema;
    before(async () => {
      schema = new Schema((await sharedYang()).exportSchema());
    });

    const opts = { writableRunning: false, moduleSetId: 'MSID', contentId: 'CID' };

    it('announces exactly the protocol capabilities implemented, :writable-running only when configured, never :url', () => {
      const list = serverCapabilities(schema.modules, opts);
      const protocol = list.filter((c) => c.startsWith('urn:ietf:params:netconf:'));
      assert.deepEqual(protocol, [
        BASE10, BASE11,
        CAPABILITY.candidate, CAPABILITY.confirmedCommit10, CAPABILITY.confirmedCommit11, CAPABILITY.rollbackOnError,
        CAPABILITY.validate10, CAPABILITY.validate11, CAPABILITY.startup, CAPABILITY.xpath,
        'urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all,report-all-tagged,trim',
        CAPABILITY.notification, CAPABILITY.interleave,
        'urn:ietf:params:netconf:capability:yang-library:1.0?revision=2016-06-21&module-set-id=MSID',
        'urn:ietf:params:netconf:capability:yang-library:1.1?revision=2019-01-04&content-id=CID',
      ]);
      assert.ok(!hasCapability(list, CAPABILITY.writableRunning));
      assert.ok(!list.some((c) => c.includes(':url:')));
      const writable = serverCapabilities(schema.modules, { ...opts, writableRunning: true });
      assert.ok(hasCapability(writable, CAPABILITY.writableRunning));
    });

    it('module capabilities for implemented YANG 1.0 modules; ietf-netconf features follow writable-running', () => {
      const list = serverCapabilities(schema.modules, opts);
      const netconf = list.find((c) => c.includes('?module=ietf-netconf&'));
      assert.equal(netconf, 'urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&revision=2011-06-01&features=candidate,confirmed-commit,rollback-on-error,validate,startup,xpath');
      const writable = serverCapabilities(schema.modules, { ...opts, writableRunning: true }).find((c) => c.includes('?module=ietf-netconf&'));
      assert.match(writable ?? '', /features=writable-running,candidate/);
      assert.ok(list.includes('urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring&revision=2010-10-04'));
      // YANG 1.1 modules are announced through the YANG library (RFC 7950 §5.6.4), import-only ones not at all.
      assert.ok(!list.some((c) => c.includes('module=ietf-interfaces')));
      assert.ok(!list.some((c) => c.includes('module=ietf-yang-types')));
      assert.ok(!list.some((c) => c.includes('module=ietf-yang-library')));
      const all = serverCapabilities(schema.modules, { ...opts, advertiseYang11Modules: true });
      assert.ok(all.some((c) => c.startsWith('urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2018-02-20&features=')));
    });

    it('moduleCapability: revision, features and deviations parameters', () => {
      assert.equal(moduleCapability(spec({})), 'urn:m?module=m');
      assert.equal(moduleCapability(spec({ revision: '2020-01-01', features: ['a', 'b'], deviatedBy: ['m-dev'] })),
        'urn:m?module=m&revision=2020-01-01&features=a,b&deviations=m-dev');
    });

    it('hasCapability ignores parameters', () => {
      assert.ok(hasCapability(['urn:x?a=1'], 'urn:x'));
      assert.ok(!hasCapability(['urn:xy'], 'urn:x'));
    });
  });
});
