// <cancel-commit> (RFC 6241 §8.4.4.1, :confirmed-commit:1.1) through a NETCONF session.
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  COMMIT, confirmedCommit, errorOf, interfaceNames, interfacesXml, makeWorld, okCall, type World,
} from './commit-harness.js';
import type { RawClient } from '../session/harness.js';
import { toJson } from '../../../../src/datastore/json-encoder.js';

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

describe('netconf/operations/cancel-commit', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;
  let b: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open();
    b = await w.open('bob');
    w.setCandidate(interfacesXml({ eth0: 'base' }), a);
    await okCall(a, COMMIT);
    w.setCandidate(interfacesXml({ eth0: 'trial', eth1: '' }), a);
  });
  afterEach(async () => {
    await w.close();
  });

  it('without persist-id: the issuing session reverts its confirmed commit now', async () => {
    await okCall(a, confirmedCommit());
    assert.deepEqual(interfaceNames(w.running()), ['eth0:trial', 'eth1']);
    await okCall(a, '<cancel-commit/>');
    // The reply waits for the revert to be durable.
    assert.deepEqual(interfaceNames(w.running()), ['eth0:base']);
    assert.deepEqual(interfaceNames((await w.runningOnDisk())?.json ?? {}), ['eth0:base']);
    assert.equal(w.ds.confirmed.pending, undefined);
    assert.ok(!(await exists(join(w.dir, 'confirmed-commit.json'))));
    const [revert] = w.ds.history.list();
    assert.equal(revert?.operation, 'confirmed-commit-revert');
    assert.equal(revert?.user, 'alice');
    assert.equal(revert?.sessionId, a.session.id);
    // The timer is gone with it.
    w.time.advance(3_600_000);
    await w.settle();
    assert.equal(w.ds.history.size, 3);
  });

  it('without persist-id: another session is refused (operation-failed)', async () => {
    await okCall(a, confirmedCommit());
    const e = await errorOf(b, '<cancel-commit/>');
    assert.equal(e.tag, 'operation-failed');
    assert.match(e.message, new RegExp(`session ${a.session.id}`));
    assert.deepEqual(interfaceNames(w.running()), ['eth0:trial', 'eth1']);
  });

  it('with persist-id: any session cancels a persistent confirmed commit with its token', async () => {
    await okCall(a, confirmedCommit('<persist>abc</persist>'));
    let e = await errorOf(b, '<cancel-commit/>');
    assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'invalid-value/persist-id');
    e = await errorOf(b, '<cancel-commit><persist-id>abd</persist-id></cancel-commit>');
    assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'invalid-value/persist-id');
    assert.deepEqual(interfaceNames(w.running()), ['eth0:trial', 'eth1']);
    await okCall(b, '<cancel-commit><persist-id>abc</persist-id></cancel-commit>');
    assert.deepEqual(interfaceNames(w.running()), ['eth0:base']);
    assert.equal(w.ds.confirmed.pending, undefined);
  });

  it('persist-id for a commit that had no persist is invalid-value', async () => {
    await okCall(a, confirmedCommit());
    const e = await errorOf(a, '<cancel-commit><persist-id>abc</persist-id></cancel-commit>');
    assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'invalid-value/persist-id');
    assert.ok(w.ds.confirmed.pending !== undefined);
  });

  it('nothing pending → operation-failed; unknown parameters → unknown-element', async () => {
    let e = await errorOf(a, '<cancel-commit/>');
    assert.equal(e.tag, 'operation-failed');
    e = await errorOf(a, '<cancel-commit><persist>x</persist></cancel-commit>');
    assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'unknown-element/persist');
  });

  it('after a cancel, the unmodified candidate follows running back', async () => {
    await okCall(a, confirmedCommit());
    await okCall(a, '<cancel-commit/>');
    assert.equal(w.ds.datastores.candidateModified, false);
    assert.deepEqual(interfaceNames(toJson(w.schema, w.ds.datastores.candidate)), ['eth0:base']);
  });
});
