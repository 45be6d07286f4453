// The datastore layer as the server builds it (datastore-services.ts): boot from the state
// directory, a confirmed commit left pending by a previous run reverted at start-up, the
// session-end hook, the history limit, the error conversion, and the start-up wiring.
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datastoreDirectory, datastoreRpcError } from '../../../../src/netconf/datastore-services.js';
import { startServer } from '../../../../src/netconf/server.js';
import { captureLogs, DEFAULT_SETTINGS, sharedYang } from '../session/harness.js';
import type { RawClient } from '../session/harness.js';
import { configTree, editRpc, interfaceNames, interfacesXml, makeWorld, okCall, type World } from './datastore-harness.js';

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

describe('netconf/datastore-services', function () {
  this.timeout(30_000);
  const worlds: World[] = [];
  const dirs: string[] = [];
  const world = async (options: Parameters<typeof makeWorld>[0] = {}): Promise<World> => {
    const w = await makeWorld(options);
    worlds.push(w);
    return w;
  };

  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.stop();
    for (const d of new Set([...dirs.splice(0)])) await rm(d, { recursive: true, force: true });
  });

  it('first start: running is empty; after commits and a restart running and the commit ids carry on', async () => {
    const w1 = await world({ writableRunning: true });
    dirs.push(w1.dir);
    assert.equal(w1.ds.bootSource, 'empty');
    const a = await w1.open();
    await okCall(a, editRpc('running', interfacesXml({ eth0: '' })));
    await okCall(a, editRpc('running', interfacesXml({ eth1: '' })));
    const last = w1.ds.pipeline.lastCommit;
    await w1.stop();

    const w2 = await world({ writableRunning: true, dir: w1.dir });
    assert.equal(w2.ds.bootSource, 'running');
    assert.deepEqual(interfaceNames(w2.json(w2.ds.datastores.running)), ['eth0', 'eth1']);
    assert.deepEqual(interfaceNames(w2.json(w2.ds.datastores.candidate)), ['eth0', 'eth1']);
    assert.equal(w2.ds.history.size, 2);
    const b = await w2.open();
    await okCall(b, editRpc('running', interfacesXml({ eth2: '' })));
    assert.equal(w2.ds.pipeline.lastCommit, last + 1);
  });

  it('boots from startup when no running was saved', async () => {
    const w1 = await world();
    dirs.push(w1.dir);
    const a = await w1.open();
    await okCall(a, `<copy-config><target><startup/></target><source><config>${interfacesXml({ eth7: '' })}</config></source></copy-config>`);
    await w1.stop();
    await unlink(w1.ds.persistence.fileOf('running')).catch(() => undefined);
    const w2 = await world({ dir: w1.dir });
    assert.equal(w2.ds.bootSource, 'startup');
    assert.deepEqual(interfaceNames(w2.json(w2.ds.datastores.running)), ['eth7']);
  });

  it('a confirmed commit pending when the agent stopped is reverted at start-up (RFC 6241 §8.4)', async () => {
    const w1 = await world({ writableRunning: true });
    dirs.push(w1.dir);
    const a = await w1.open();
    await okCall(a, editRpc('running', interfacesXml({ eth0: '' })));
    w1.ds.datastores.setCandidate(configTree(w1.schema, interfacesXml({ eth0: '', trial: '' })), a.session.id);
    const outcome = await w1.ds.confirmed.commit({ confirmed: true, confirmTimeout: 600, persist: 'keep' }, { sessionId: a.session.id, user: 'alice' });
    assert.ok(outcome.ok);
    assert.deepEqual(interfaceNames(w1.json(w1.ds.datastores.running)), ['eth0', 'trial']);
    assert.ok(await exists(w1.ds.persistence.fileOf('confirmed-commit')));
    await w1.stop(); // the agent stops before the confirming commit

    const w2 = await world({ writableRunning: true, dir: w1.dir });
    assert.deepEqual(interfaceNames(w2.json(w2.ds.datastores.running)), ['eth0']);
    assert.equal(w2.ds.confirmed.pending, undefined);
    assert.equal(await exists(w2.ds.persistence.fileOf('confirmed-commit')), false);
    assert.equal(w2.ds.history.list()[0]?.operation, 'confirmed-commit-revert');
    const stored = await w2.ds.persistence.loadDatastore('running');
    assert.deepEqual(interfaceNames(w2.json(stored?.tree ?? w2.ds.datastores.running)), ['eth0']);
  });

  it('the session-end hook releases locks, then reverts the session\'s unconfirmed commit', async () => {
    const w = await world();
    dirs.push(w.dir);
    const a: RawClient = await w.open();
    w.ds.datastores.setCandidate(configTree(w.schema, interfacesXml({ eth4: '' })), a.session.id);
    await okCall(a, '<lock><target><running/></target></lock>');
    const outcome = await w.ds.confirmed.commit({ confirmed: true }, { sessionId: a.session.id, user: 'alice' });
    assert.ok(outcome.ok);
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth4']);
    await okCall(a, '<close-session/>');
    await a.until('closed', () => a.ended);
    for (let i = 0; i < 50 && (w.ds.confirmed.pending !== undefined || w.ds.locks.holder('running') !== undefined); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(w.ds.locks.holder('running'), undefined);
    assert.equal(w.ds.confirmed.pending, undefined);
    assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), []);
  });

  it('keeps at most commit-history max-entries commits', async () => {
    const w = await world({ writableRunning: true, historyMaxEntries: 2 });
    dirs.push(w.dir);
    const a = await w.open();
    for (const name of ['a1', 'a2', 'a3']) await okCall(a, editRpc('running', interfacesXml({ [name]: '' })));
    assert.equal(w.ds.history.size, 2);
    assert.deepEqual(w.ds.history.list().map((r) => r.id), [3, 2]);
  });

  it('turns datastore errors into rpc-errors: XML error-path, session-id, bad-element', async () => {
    const w = await world();
    dirs.push(w.dir);
    const e = datastoreRpcError({ tag: 'missing-element', type: 'application', message: 'missing', path: "/ietf-interfaces:interfaces/interface[name='x']/type" }, w.schema);
    assert.equal(e.path?.path, "/if:interfaces/if:interface[if:name='x']/if:type");
    assert.equal(e.path?.namespaces['if'], 'urn:ietf:params:xml:ns:yang:ietf-interfaces');
    assert.equal(e.info?.badElement, 'type');
    assert.match(e.message ?? '', /at \/ietf-interfaces:interfaces/);
    const l = datastoreRpcError({ tag: 'lock-denied', type: 'protocol', message: 'locked', sessionId: 7 }, w.schema);
    assert.deepEqual(l.info, { sessionId: 7 });
    assert.equal(l.path, undefined);
  });

  it('startServer creates the layer under <state-dir>/datastores and wires it into the core', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'vrouterd-ds-server-'));
    dirs.push(stateDir);
    const server = await startServer({
      address: '127.0.0.1', port: 0, stateDir, settings: DEFAULT_SETTINGS, maxSessions: 4,
      logger: captureLogs('silent').logger, yang: await sharedYang(), hostKeyTypes: ['ssh-ed25519'], historyMaxEntries: 5,
    });
    try {
      const ds = server.core.services.datastore;
      assert.ok(ds !== undefined);
      assert.equal(ds.datastores.schema, server.core.schema);
      assert.equal(ds.persistence.directory, datastoreDirectory(stateDir));
      assert.ok(await exists(datastoreDirectory(stateDir)));
    } finally {
      await server.close();
    }
  });
});
