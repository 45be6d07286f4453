// <lock>, <unlock> and <discard-changes> between two sessions, and the monitoring view of locks.
import assert from 'node:assert/strict';
import type { RawClient } from '../session/harness.js';
import {
  configTree, dataOf, editRpc, errorOf, find, interfaceNames, interfacesXml, makeWorld, MON_NS, okCall, type World,
} from './datastore-harness.js';

const lock = (ds: string): string => `<lock><target><${ds}/></target></lock>`;
const unlock = (ds: string): string => `<unlock><target><${ds}/></target></unlock>`;

describe('netconf/operations/lock, unlock, discard-changes', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;
  let b: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open('alice');
    b = await w.open('bob');
    w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth0: '' })));
  });
  afterEach(async () => {
    await w.close();
  });

  it('a lock held by one session is denied to another, with the holder\'s session-id', async () => {
    for (const ds of ['running', 'candidate', 'startup']) {
      await okCall(a, lock(ds));
      const e = await errorOf(b, lock(ds));
      assert.equal(e.tag, 'lock-denied');
      assert.equal(e.type, 'protocol');
      assert.equal(e.info['session-id'], String(a.session.id));
      assert.match(e.message, new RegExp(`locked by session ${a.session.id}`));
    }
  });

  it('locking twice is denied to the holder too', async () => {
    await okCall(a, lock('running'));
    const e = await errorOf(a, lock('running'));
    assert.equal(e.tag, 'lock-denied');
    assert.equal(e.info['session-id'], String(a.session.id));
  });

  it('unlock by a session that does not hold the lock → operation-failed; by the holder → ok, then others may lock', async () => {
    let e = await errorOf(b, unlock('running'));
    assert.equal(e.tag, 'operation-failed');
    assert.match(e.message, /not locked/);
    await okCall(a, lock('running'));
    e = await errorOf(b, unlock('running'));
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.info['session-id'], String(a.session.id));
    await okCall(a, unlock('running'));
    await okCall(b, lock('running'));
  });

  it('a session ending releases its locks', async () => {
    await okCall(a, lock('candidate'));
    await okCall(a, '<close-session/>');
    await a.until('session closed', () => a.ended);
    await b.until('lock released', () => w.ds.locks.holder('candidate') === undefined);
    await okCall(b, lock('candidate'));
  });

  it('the candidate cannot be locked while it holds another session\'s changes', async () => {
    await okCall(a, editRpc('candidate', interfacesXml({ eth1: '' })));
    const e = await errorOf(b, lock('candidate'));
    assert.equal(e.tag, 'lock-denied');
    assert.equal(e.info['session-id'], String(a.session.id));
    assert.match(e.message, /discard-changes/);
    // The session that made them may lock.
    await okCall(a, lock('candidate'));
  });

  it('unlocking the candidate discards the changes made under the lock', async () => {
    await okCall(a, lock('candidate'));
    await okCall(a, editRpc('candidate', interfacesXml({ eth1: '' })));
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth1']);
    await okCall(a, unlock('candidate'));
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
  });

  it('discard-changes while another session holds the candidate lock → in-use; by anyone otherwise', async () => {
    await okCall(a, editRpc('candidate', interfacesXml({ eth1: '' })));
    await okCall(a, lock('candidate'));
    const e = await errorOf(b, '<discard-changes/>');
    assert.equal(e.tag, 'in-use');
    assert.equal(e.info['session-id'], String(a.session.id));
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth1']);
    await okCall(a, '<discard-changes/>');
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
    await okCall(a, unlock('candidate'));
    await okCall(b, editRpc('candidate', interfacesXml({ eth2: '' })));
    await okCall(a, '<discard-changes/>');
    assert.equal(w.ds.datastores.candidateModified, false);
  });

  it('monitoring lists the global lock with session and time', async () => {
    await okCall(b, lock('startup'));
    const data = await dataOf(a, `<get><filter type="subtree"><netconf-state xmlns="${MON_NS}"><datastores/></netconf-state></filter></get>`);
    const startup = (find(data, 'datastores', MON_NS)?.children ?? []).find((d) => d.child(MON_NS, 'name')?.text === 'startup');
    assert.equal(find(startup ?? data, 'locked-by-session', MON_NS)?.text, String(b.session.id));
  });

  it('parameter errors: no target → missing-element; url → operation-not-supported; unknown datastore → unknown-element', async () => {
    let e = await errorOf(a, '<lock/>');
    assert.equal(e.tag, 'missing-element');
    assert.equal(e.info['bad-element'], 'target');
    e = await errorOf(a, '<lock><target><url>file:///x</url></target></lock>');
    assert.equal(e.tag, 'operation-not-supported');
    e = await errorOf(a, '<unlock><target><operational/></target></unlock>');
    assert.equal(e.tag, 'unknown-element');
    assert.equal(e.info['bad-element'], 'operational');
  });
});
