// <copy-config> through a NETCONF session: sources, targets, validation of startup, writable
// running through the commit pipeline, locks and parameter errors.
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import type { RawClient } from '../session/harness.js';
import {
  configTree, dataInterfaceNames, dataOf, errorOf, getConfigRpc, IF_NS, interfaceNames, interfacesXml, makeWorld, okCall, WD_NS, type World,
} from './datastore-harness.js';

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);
const copy = (source: string, target: string): string => `<copy-config><target>${target}</target><source>${source}</source></copy-config>`;
const untyped = `<interfaces xmlns="${IF_NS}"><interface><name>bad</name></interface></interfaces>`;

describe('netconf/operations/copy-config', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  afterEach(async () => {
    await w.close();
  });

  describe('without :writable-running', () => {
    beforeEach(async () => {
      w = await makeWorld();
      a = await w.open();
      w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth0: '' })));
    });

    it('running → startup is validated and saved; startup → candidate', async () => {
      await okCall(a, copy('<running/>', '<startup/>'));
      assert.ok(await exists(w.ds.persistence.fileOf('startup')));
      assert.deepEqual(dataInterfaceNames(await dataOf(a, getConfigRpc('startup'))), ['eth0']);
      w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth1: '' })));
      await okCall(a, copy('<startup/>', '<candidate/>'));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
      assert.ok(w.ds.datastores.candidateModified);
    });

    it('inline <config> → candidate replaces it; copying running back clears the modified mark', async () => {
      await okCall(a, copy(`<config>${interfacesXml({ eth5: '', eth6: '' })}</config>`, '<candidate/>'));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth5', 'eth6']);
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth0']);
      await okCall(a, copy('<running/>', '<candidate/>'));
      assert.equal(w.ds.datastores.candidateModified, false);
    });

    it('an invalid configuration is not copied to startup (error with libyang\'s path)', async () => {
      const e = await errorOf(a, copy(`<config>${untyped}</config>`, '<startup/>'));
      assert.equal(e.tag, 'missing-element');
      assert.equal(e.type, 'application');
      assert.match(e.path ?? '', /if:interface\[if:name='bad'\]/);
      assert.equal(await exists(w.ds.persistence.fileOf('startup')), false);
    });

    it('inline content the schema refuses → the codec error; nothing copied', async () => {
      const e = await errorOf(a, copy(`<config><interfaces xmlns="${IF_NS}"><bogus/></interfaces></config>`, '<candidate/>'));
      assert.equal(e.tag, 'unknown-element');
      assert.equal(e.info['bad-element'], 'bogus');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
    });

    it('same source and target → invalid-value', async () => {
      const e = await errorOf(a, copy('<candidate/>', '<candidate/>'));
      assert.equal(e.tag, 'invalid-value');
      assert.match(e.message, /both candidate/);
    });

    it('running as target needs :writable-running; <url> → operation-not-supported', async () => {
      let e = await errorOf(a, copy('<candidate/>', '<running/>'));
      assert.equal(e.tag, 'operation-not-supported');
      assert.match(e.message, /writable-running/);
      e = await errorOf(a, copy('<url>file:///tmp/x</url>', '<candidate/>'));
      assert.equal(e.tag, 'operation-not-supported');
      e = await errorOf(a, copy('<running/>', '<url>file:///tmp/x</url>'));
      assert.equal(e.tag, 'operation-not-supported');
      e = await errorOf(a, '<copy-config><target><candidate/></target></copy-config>');
      assert.equal(e.tag, 'missing-element');
      assert.equal(e.info['bad-element'], 'source');
    });

    it('accepts a with-defaults parameter and checks its value', async () => {
      await okCall(a, `<copy-config><target><candidate/></target><source><running/></source><with-defaults xmlns="${WD_NS}">report-all</with-defaults></copy-config>`);
      const e = await errorOf(a, `<copy-config><target><candidate/></target><source><running/></source><with-defaults xmlns="${WD_NS}">all</with-defaults></copy-config>`);
      assert.equal(e.tag, 'invalid-value');
    });

    it('a target locked by another session → in-use with its session-id', async () => {
      const b = await w.open('bob');
      await okCall(b, '<lock><target><startup/></target></lock>');
      const e = await errorOf(a, copy('<running/>', '<startup/>'));
      assert.equal(e.tag, 'in-use');
      assert.equal(e.info['session-id'], String(b.session.id));
      await okCall(b, copy('<running/>', '<startup/>'));
    });
  });

  describe('with :writable-running', () => {
    beforeEach(async () => {
      w = await makeWorld({ writableRunning: true });
      a = await w.open();
    });

    it('candidate → running commits through the pipeline (history record, saved)', async () => {
      await okCall(a, copy(`<config>${interfacesXml({ eth3: '' })}</config>`, '<candidate/>'));
      await okCall(a, copy('<candidate/>', '<running/>'));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth3']);
      const [record] = w.ds.history.list();
      assert.equal(record?.operation, 'copy-config');
      const stored = await w.ds.persistence.loadDatastore('running');
      assert.deepEqual(interfaceNames(w.json(stored?.tree ?? configTree(w.schema, ''))), ['eth3']);
    });

    it('an invalid inline configuration is refused for running, which stays', async () => {
      await okCall(a, copy(`<config>${interfacesXml({ eth3: '' })}</config>`, '<running/>'));
      const e = await errorOf(a, copy(`<config>${untyped}</config>`, '<running/>'));
      assert.equal(e.tag, 'missing-element');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth3']);
    });
  });
});
