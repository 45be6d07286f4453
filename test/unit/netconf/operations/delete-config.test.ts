// <delete-config> through a NETCONF session: only startup can be deleted.
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import type { RawClient } from '../session/harness.js';
import { configTree, dataOf, errorOf, getConfigRpc, interfaceNames, interfacesXml, makeWorld, okCall, type World } from './datastore-harness.js';

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);
const copy = (source: string, target: string): string => `<copy-config><target>${target}</target><source>${source}</source></copy-config>`;

describe('netconf/operations/delete-config', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open();
    w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth0: '' })));
    await okCall(a, copy('<running/>', '<startup/>'));
  });
  afterEach(async () => {
    await w.close();
  });

  it('deletes startup: the file goes, startup reads as empty', async () => {
    await okCall(a, '<delete-config><target><startup/></target></delete-config>');
    assert.equal(await exists(w.ds.persistence.fileOf('startup')), false);
    assert.equal((await dataOf(a, getConfigRpc('startup'))).children.length, 0);
  });

  it('running and candidate cannot be deleted → operation-not-supported', async () => {
    for (const target of ['running', 'candidate']) {
      const e = await errorOf(a, `<delete-config><target><${target}/></target></delete-config>`);
      assert.equal(e.tag, 'operation-not-supported');
      assert.match(e.message, new RegExp(target));
    }
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth0']);
  });

  it('startup locked by another session → in-use; <url> → operation-not-supported', async () => {
    const b = await w.open('bob');
    await okCall(b, '<lock><target><startup/></target></lock>');
    let e = await errorOf(a, '<delete-config><target><startup/></target></delete-config>');
    assert.equal(e.tag, 'in-use');
    assert.equal(e.info['session-id'], String(b.session.id));
    e = await errorOf(a, '<delete-config><target><url>file:///x</url></target></delete-config>');
    assert.equal(e.tag, 'operation-not-supported');
    assert.ok(await exists(w.ds.persistence.fileOf('startup')));
  });
});
