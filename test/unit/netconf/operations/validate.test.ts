// <validate> (:validate:1.1) through a NETCONF session: datastores and inline <config>.
import assert from 'node:assert/strict';
import type { RawClient } from '../session/harness.js';
import { configTree, editRpc, errorOf, errorsOf, IF_NS, interfacesXml, makeWorld, okCall, type World } from './datastore-harness.js';

const validate = (source: string): string => `<validate><source>${source}</source></validate>`;

describe('netconf/operations/validate', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open();
    w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth0: '' })));
  });
  afterEach(async () => {
    await w.close();
  });

  it('validates running, candidate and startup', async () => {
    await okCall(a, validate('<running/>'));
    await okCall(a, validate('<candidate/>'));
    await okCall(a, validate('<startup/>'));
  });

  it('an invalid candidate: the error carries libyang\'s path as an XML error-path, and nothing changes', async () => {
    await okCall(a, editRpc('candidate', `<interfaces xmlns="${IF_NS}"><interface><name>eth9</name></interface></interfaces>`));
    const [e, ...rest] = await errorsOf(a, validate('<candidate/>'));
    assert.equal(rest.length, 0);
    assert.equal(e.type, 'application');
    assert.equal(e.tag, 'missing-element');
    assert.equal(e.info['bad-element'], 'type');
    assert.equal(e.path, "/if:interfaces/if:interface[if:name='eth9']/if:type");
    assert.match(e.message, /type/);
    assert.ok(w.ds.datastores.candidateModified);
  });

  it('an inline <config>: valid → ok, missing a mandatory node → missing-element with its path', async () => {
    await okCall(a, validate(`<config>${interfacesXml({ eth1: '' })}</config>`));
    const e = await errorOf(a, validate(`<config><interfaces xmlns="${IF_NS}"><interface><name>lo9</name></interface></interfaces></config>`));
    assert.equal(e.type, 'application');
    assert.equal(e.tag, 'missing-element');
    assert.equal(e.path, "/if:interfaces/if:interface[if:name='lo9']/if:type");
    // Nothing was stored anywhere.
    assert.equal(w.ds.datastores.candidateModified, false);
  });

  it('inline content the schema refuses → the codec error with its path', async () => {
    const e = await errorOf(a, validate(`<config><interfaces xmlns="${IF_NS}"><interface><name>x</name><enabled>yes</enabled></interface></interfaces></config>`));
    assert.equal(e.tag, 'invalid-value');
    assert.match(e.path ?? '', /enabled$/);
  });

  it('parameter errors: no source, url, a target instead of a source', async () => {
    let e = await errorOf(a, '<validate/>');
    assert.equal(e.tag, 'missing-element');
    assert.equal(e.info['bad-element'], 'source');
    e = await errorOf(a, validate('<url>file:///x</url>'));
    assert.equal(e.tag, 'operation-not-supported');
    e = await errorOf(a, '<validate><target><candidate/></target></validate>');
    assert.equal(e.tag, 'unknown-element');
    assert.equal(e.info['bad-element'], 'target');
  });
});
