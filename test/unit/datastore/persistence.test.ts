import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CommitRecord } from '../../../src/datastore/commit-history.js';
import { DataTree } from '../../../src/datastore/data-tree.js';
import { decodeJson } from '../../../src/datastore/json-decoder.js';
import { toJson } from '../../../src/datastore/json-encoder.js';
import { bootConfiguration, Persistence, PersistenceError } from '../../../src/datastore/persistence.js';
import { treesEqual } from '../../../src/datastore/tree-equality.js';
import { routerSchema } from '../../support/schema-fixtures.js';

const schema = routerSchema();

function tree(doc: object): DataTree {
  const r = decodeJson(schema, doc);
  if (!r.ok) assert.fail(r.errors[0].message);
  return r.tree;
}

const CONFIG = {
  'ietf-interfaces:interfaces': {
    interface: [
      { name: 'eth0', type: 'iana-if-type:ethernetCsmacd', 'ietf-ip:ipv4': { mtu: 1500, address: [{ ip: '10.0.0.1', 'prefix-length': 24 }] } },
      { name: 'lo', type: 'iana-if-type:softwareLoopback', enabled: false },
    ],
  },
  'vr-test:top': { u64: '18446744073709551615', tags: ['z', 'a', 'm'], rule: [{ name: 'r2', verdict: 'deny' }, { name: 'r1' }] },
  'vr-test:widget': [{ id: 7, label: 'seven' }],
};

function record(id: number): CommitRecord {
  return {
    id, time: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(), user: 'alice', sessionId: 3, confirmed: false,
    operation: 'commit', comment: `c${id}`,
    changes: [{ op: 'create', path: `/vr-test:widget[id='${id}']`, depth: 1, new: { 'vr-test:widget': [{ id }] } }],
    orders: [],
  };
}

describe('Persistence', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-persist-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts from an empty directory with nothing stored', async () => {
    const p = await Persistence.open(join(dir, 'state'), schema);
    assert.equal(await p.loadDatastore('running'), undefined);
    assert.equal(await p.loadDatastore('startup'), undefined);
    assert.equal(await p.loadConfirmedCommit(), undefined);
    assert.deepEqual(await p.loadCommitRecords(), []);
    assert.equal((await stat(join(dir, 'state'))).mode & 0o777, 0o700);
  });

  it('round-trips running and startup as RFC 7951 JSON, with the last commit id', async () => {
    const p = await Persistence.open(dir, schema);
    const t = tree(CONFIG);
    await p.saveDatastore('running', t, 12);
    await p.saveStartup(t);
    const text = await readFile(p.fileOf('running'), 'utf8');
    const env = JSON.parse(text) as { format: number; kind: string; lastCommit: number; data: unknown };
    assert.equal(env.format, 1);
    assert.equal(env.kind, 'datastore:running');
    assert.equal(env.lastCommit, 12);
    assert.deepEqual(env.data, toJson(schema, t), 'the data member is the RFC 7951 document');
    assert.equal((await stat(p.fileOf('running'))).mode & 0o777, 0o600);

    const again = await Persistence.open(dir, schema);
    const running = await again.loadDatastore('running');
    assert.ok(running !== undefined && treesEqual(running.tree, t));
    assert.equal(running.lastCommit, 12);
    const startup = await again.loadDatastore('startup');
    assert.ok(startup !== undefined && treesEqual(startup.tree, t));
    assert.equal(startup.lastCommit, null);
  });

  it('deletes startup', async () => {
    const p = await Persistence.open(dir, schema);
    await p.saveStartup(tree(CONFIG));
    await p.deleteStartup();
    assert.equal(await p.loadDatastore('startup'), undefined);
    await p.deleteStartup(); // nothing there: still fine
  });

  describe('refuses a damaged file, naming it', () => {
    async function refused(content: string, pattern: RegExp, file = 'running.json'): Promise<void> {
      await writeFile(join(dir, file), content);
      const p = await Persistence.open(dir, schema);
      await assert.rejects(p.loadAll(), (err: unknown) => {
        assert.ok(err instanceof PersistenceError, String(err));
        assert.equal(err.file, join(dir, file));
        assert.ok(err.message.startsWith(join(dir, file)), err.message);
        assert.match(err.message, pattern);
        return true;
      });
    }

    it('JSON that does not parse (a torn or hand-edited file)', () => refused('{"format":1,"kind":"datastore:running","da', /corrupt: the JSON does not parse/));
    it('an empty file', () => refused('', /corrupt/));
    it('not an object', () => refused('[1,2]', /corrupt: not a JSON object/));
    it('an unknown format', () => refused('{"format":2,"kind":"datastore:running"}', /unknown format 2/));
    it('another kind of file', () => refused('{"format":1,"kind":"datastore:startup","lastCommit":null,"data":{}}', /holds "datastore:startup"/));
    it('a bad lastCommit', () => refused('{"format":1,"kind":"datastore:running","lastCommit":"x","data":{}}', /lastCommit/));
    it('data the schema refuses, with its path', () => refused(
      JSON.stringify({ format: 1, kind: 'datastore:running', lastCommit: null, data: { 'vr-test:top': { small: 300 } } }),
      /does not match the loaded YANG modules at \/vr-test:top\/small/));
    it('data of an unknown module', () => refused(
      JSON.stringify({ format: 1, kind: 'datastore:running', lastCommit: null, data: { 'gone:thing': {} } }), /gone/));
    it('a corrupt startup', () => refused('nope', /does not parse/, 'startup.json'));
    it('a corrupt confirmed-commit state', () => refused('{"format":1,"kind":"confirmed-commit","pending":{}}', /"pending" lacks/, 'confirmed-commit.json'));
    it('a corrupt history record', async () => {
      const p = await Persistence.open(dir, schema);
      await p.writeCommitRecord(record(1));
      await writeFile(p.historyFileOf(2), '{"format":1,"kind":"commit","id":2}');
      await assert.rejects(p.loadCommitRecords(), (err: unknown) => err instanceof PersistenceError
        && err.file === p.historyFileOf(2) && /not a commit record/.test(err.message));
    });
  });

  it('round-trips the pending confirmed commit and its revert point', async () => {
    const p = await Persistence.open(dir, schema);
    const rollback = tree(CONFIG);
    const pending = { sessionId: 4, user: 'bob', persist: 'tok', timeoutSeconds: 60, startedAt: '2026-01-01T00:00:00.000Z', deadline: '2026-01-01T00:01:00.000Z' };
    await p.saveConfirmedCommit(pending, rollback);
    const loaded = await (await Persistence.open(dir, schema)).loadConfirmedCommit();
    assert.ok(loaded !== undefined);
    assert.deepEqual(loaded.pending, pending);
    assert.ok(treesEqual(loaded.rollback, rollback));
    await p.clearConfirmedCommit();
    assert.equal(await p.loadConfirmedCommit(), undefined);
  });

  it('keeps one file per commit record, sorted by id, and removes them', async () => {
    const p = await Persistence.open(dir, schema);
    for (const id of [3, 1, 12, 2]) await p.writeCommitRecord(record(id));
    assert.deepEqual((await readdir(join(dir, 'history'))).sort(), [
      'commit-0000000001.json', 'commit-0000000002.json', 'commit-0000000003.json', 'commit-0000000012.json',
    ]);
    const loaded = await p.loadCommitRecords();
    assert.deepEqual(loaded.map((r) => r.id), [1, 2, 3, 12]);
    assert.deepEqual(loaded[0], record(1));
    await p.removeCommitRecord(2);
    assert.deepEqual((await p.loadCommitRecords()).map((r) => r.id), [1, 3, 12]);
  });

  it('loadAll drops history records that running never included', async () => {
    const p = await Persistence.open(dir, schema);
    await p.saveDatastore('running', tree(CONFIG), 3);
    for (const id of [1, 2, 3, 4]) await p.writeCommitRecord(record(id));
    const state = await p.loadAll();
    assert.deepEqual(state.history.map((r) => r.id), [1, 2, 3]);
    assert.deepEqual(state.droppedHistory, [4]);
    assert.deepEqual((await p.loadCommitRecords()).map((r) => r.id), [1, 2, 3], 'removed from disk too');
    assert.equal(state.running?.lastCommit, 3);
  });

  it('loadAll drops the whole history when running moved past it (broken chain)', async () => {
    const p = await Persistence.open(dir, schema);
    await p.saveDatastore('running', tree(CONFIG), 5);
    for (const id of [1, 2, 3]) await p.writeCommitRecord(record(id));
    const state = await p.loadAll();
    assert.deepEqual(state.history, []);
    assert.deepEqual(state.droppedHistory, [1, 2, 3]);
  });

  it('boots from the saved running, else from startup, else empty', async () => {
    const p = await Persistence.open(dir, schema);
    assert.equal(bootConfiguration(schema, await p.loadAll()).source, 'empty');
    await p.saveStartup(tree({ 'vr-test:widget': [{ id: 1 }] }));
    const fromStartup = bootConfiguration(schema, await p.loadAll());
    assert.equal(fromStartup.source, 'startup');
    assert.equal(fromStartup.lastCommit, null);
    assert.deepEqual(toJson(schema, fromStartup.running), { 'vr-test:widget': [{ id: 1 }] });
    await p.saveDatastore('running', tree({ 'vr-test:widget': [{ id: 2 }] }), 4);
    const fromRunning = bootConfiguration(schema, await p.loadAll());
    assert.equal(fromRunning.source, 'running');
    assert.equal(fromRunning.lastCommit, 4);
    assert.deepEqual(toJson(schema, fromRunning.running), { 'vr-test:widget': [{ id: 2 }] });
  });

  it('removes temp files a crash left behind', async () => {
    await writeFile(join(dir, '.running.json.123.abcdef.tmp'), 'half');
    await Persistence.open(dir, schema);
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });

  it('coalesces queued saves: every caller resolves, the newest content wins', async () => {
    const p = await Persistence.open(dir, schema);
    const versions = [1, 2, 3, 4, 5].map((n) => tree({ 'vr-test:widget': [{ id: n }] }));
    await Promise.all(versions.map((t, i) => p.saveDatastore('running', t, i + 1)));
    const loaded = await p.loadDatastore('running');
    assert.equal(loaded?.lastCommit, 5);
    assert.ok(loaded !== undefined && treesEqual(loaded.tree, versions[4] as DataTree));
  });

  it('writes the content of the moment of the save, whatever happens to the tree afterwards', async () => {
    const p = await Persistence.open(dir, schema);
    const t = tree({ 'vr-test:widget': [{ id: 1 }] });
    const saved = p.saveDatastore('running', t, 1);
    const root = t.writableRoot();
    for (const node of [...root.childNodes()]) t.remove(root, node);
    await saved;
    const loaded = await p.loadDatastore('running');
    assert.deepEqual(toJson(schema, loaded?.tree ?? new DataTree(schema)), { 'vr-test:widget': [{ id: 1 }] });
  });
});
