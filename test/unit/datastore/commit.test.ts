import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  CommitPipeline, validateDatastore, type ApplyContext, type CommitApplier, type ConfigChangeEvent, type RunningStore,
} from '../../../src/datastore/commit.js';
import { CommitHistory } from '../../../src/datastore/commit-history.js';
import { DataTree, type ListEntry } from '../../../src/datastore/data-tree.js';
import { DatastoreSet, type DatastoreResult, type SessionRef } from '../../../src/datastore/datastore-set.js';
import { applyEdit } from '../../../src/datastore/edit/apply-edit.js';
import { Persistence } from '../../../src/datastore/persistence.js';
import { decodeXml } from '../../../src/datastore/xml-decoder.js';
import { treesEqual } from '../../../src/datastore/tree-equality.js';
import { YangContext } from '../../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../../src/validation/module-search-path.js';
import { Schema } from '../../../src/validation/schema.js';
import type { ContainerNode, LeafNode, ListNode } from '../../../src/validation/schema-model.js';
import type { TypedValue } from '../../../src/validation/types/value.js';

const TEST_YANG_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'yang');
const S = (canonical: string): TypedValue => ({ canonical, base: 'string' });
const ALICE: SessionRef = { sessionId: 3, user: 'alice' };
const BY = { user: 'alice', sessionId: 3 };

describe('commit pipeline', function () {
  this.timeout(60_000);
  let yang: YangContext;
  let schema: Schema;
  let dir: string;
  let n: {
    interfaces: ContainerNode; iface: ListNode; type: LeafNode; descr: LeafNode; top: ContainerNode; name: LeafNode;
    widget: ListNode; label: LeafNode;
  };

  before(async () => {
    yang = await YangContext.create({ searchDirs: [TEST_YANG_DIR, ...defaultSearchDirs()], modules: [...STANDARD_MODULES, { name: 'vr-test' }] });
    schema = new Schema(yang.exportSchema());
    const get = <T>(p: string): T => {
      const found = schema.nodeByPath(p);
      if (found === undefined) throw new Error(`no ${p}`);
      return found as T;
    };
    n = {
      interfaces: get('/ietf-interfaces:interfaces'),
      iface: get('/ietf-interfaces:interfaces/interface'),
      type: get('/ietf-interfaces:interfaces/interface/type'),
      descr: get('/ietf-interfaces:interfaces/interface/description'),
      top: get('/vr-test:top'),
      name: get('/vr-test:top/name'),
      widget: get('/vr-test:widget'),
      label: get('/vr-test:widget/label'),
    };
  });

  after(() => {
    yang.close();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-commit-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  interface Agent {
    ds: DatastoreSet;
    pipeline: CommitPipeline;
    history: CommitHistory;
    persistence: Persistence;
    events: ConfigChangeEvent[];
    warnings: string[];
  }

  async function agent(options: { appliers?: CommitApplier[]; store?: RunningStore } = {}): Promise<Agent> {
    const persistence = await Persistence.open(dir, schema);
    const loaded = await persistence.loadAll();
    const history = new CommitHistory(schema, persistence, loaded.history);
    const events: ConfigChangeEvent[] = [];
    const warnings: string[] = [];
    const ds: DatastoreSet = new DatastoreSet({
      schema, running: loaded.running?.tree ?? new DataTree(schema), startupStore: persistence,
      writeRunning: async (tree, by): Promise<DatastoreResult> => {
        const r = await pipeline.commitTree(tree, { by, operation: 'copy-config' });
        return r.ok ? { ok: true } : r;
      },
    });
    const pipeline: CommitPipeline = new CommitPipeline({
      schema, validator: yang, datastores: ds, store: options.store ?? persistence, history,
      lastCommit: loaded.running?.lastCommit ?? null, appliers: options.appliers ?? [],
      now: () => new Date(Date.UTC(2026, 2, 3, 4, 5, 6)),
      onConfigChange: (e) => events.push(e), onWarning: (m) => warnings.push(m),
    });
    return { ds, pipeline, history, persistence, events, warnings };
  }

  /** Edits the candidate as session `by` would (an interface with a type, unless `type` is null). */
  function addInterface(a: Agent, name: string, type: string | null = 'iana-if-type:ethernetCsmacd', by = ALICE): void {
    const t = a.ds.candidate.clone();
    const c = t.container(t.writableRoot(), n.interfaces);
    const e = t.entry(c, n.iface, [S(name)]);
    if (type !== null) t.setLeaf(e, n.type, { canonical: type, base: 'identityref' });
    a.ds.setCandidate(t, by.sessionId);
  }

  function setWidget(a: Agent, id: number, label: string): void {
    const t = a.ds.candidate.clone();
    const e = t.entry(t.writableRoot(), n.widget, [{ canonical: String(id), base: 'uint32' }]);
    t.setLeaf(e, n.label, S(label));
    a.ds.setCandidate(t, ALICE.sessionId);
  }

  it('commits a valid candidate: running is the candidate\'s tree, durable, recorded, announced', async () => {
    const a = await agent();
    addInterface(a, 'eth0');
    setWidget(a, 1, 'one');
    const candidateSlot = a.ds.candidate.root.slot(n.interfaces);
    const r = await a.pipeline.commit({ by: BY, comment: 'first' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.commitId, 1);
    assert.equal(a.ds.running.root.slot(n.interfaces), candidateSlot, 'running shares the candidate\'s nodes');
    assert.equal(a.ds.candidateModified, false);

    const stored = await a.persistence.loadDatastore('running');
    assert.equal(stored?.lastCommit, 1);
    assert.ok(stored !== undefined && treesEqual(stored.tree, a.ds.running));

    assert.deepEqual(a.history.list(), [{
      id: 1, time: '2026-03-03T04:05:06.000Z', user: 'alice', sessionId: 3, comment: 'first', confirmed: false, operation: 'commit', changeCount: 2,
    }]);
    assert.equal(a.events.length, 1);
    const e = a.events[0];
    assert.deepEqual(e?.changedBy, BY);
    assert.equal(e?.datastore, 'running');
    assert.deepEqual(e?.edits.map((x) => [x.target, x.operation]), [
      ["/ietf-interfaces:interfaces", 'create'],
      ["/vr-test:widget[id='1']", 'create'],
    ]);
    assert.equal(e?.edits[0]?.location.schema, n.interfaces);
  });

  it('refuses an invalid candidate with libyang\'s error and path, leaving running untouched', async () => {
    const a = await agent();
    addInterface(a, 'eth0');
    assert.ok((await a.pipeline.commit({ by: BY })).ok);
    const before = a.ds.running;
    addInterface(a, 'eth9', null); // type is mandatory
    const r = await a.pipeline.commit({ by: BY });
    assert.ok(!r.ok);
    const err = r.errors[0];
    assert.equal(err.tag, 'missing-element');
    assert.equal(err.type, 'application');
    assert.match(err.path ?? '', /interface\[name='eth9'\]/);
    assert.match(err.message, /type/);
    assert.equal(a.ds.running, before);
    assert.ok(a.ds.candidateModified, 'the candidate keeps its changes');
    assert.equal((await a.persistence.loadDatastore('running'))?.lastCommit, 1);
    assert.equal(a.history.newestId, 1);
    assert.equal(a.events.length, 1);
  });

  it('a commit that changes nothing succeeds without writing anything', async () => {
    const a = await agent();
    const r = await a.pipeline.commit({ by: BY });
    assert.ok(r.ok);
    assert.equal(r.commitId, null);
    assert.equal(r.changes.changes.length, 0);
    assert.deepEqual(await readdir(join(dir, 'history')), []);
    assert.equal(await a.persistence.loadDatastore('running'), undefined);
    assert.equal(a.events.length, 0);
  });

  it('hands the change set to the appliers in order; a failure reverts the ones done and running stays', async () => {
    const calls: string[] = [];
    const contexts: ApplyContext[] = [];
    const ok: CommitApplier = { name: 'vpp', apply: (c) => { calls.push(`vpp:${c.changes.changes.length}`); contexts.push(c); return Promise.resolve(); } };
    let fail = false;
    const flaky: CommitApplier = { name: 'frr', apply: (c) => { calls.push(`frr:${c.changes.changes.length}`); return fail ? Promise.reject(new Error('bgpd refused')) : Promise.resolve(); } };
    const a = await agent({ appliers: [ok, flaky] });
    setWidget(a, 1, 'one');
    assert.ok((await a.pipeline.commit({ by: BY })).ok);
    assert.deepEqual(calls, ['vpp:1', 'frr:1']);
    assert.equal(contexts[0]?.transactionId, 1);

    fail = true;
    calls.length = 0;
    const before = a.ds.running;
    setWidget(a, 2, 'two');
    setWidget(a, 3, 'three');
    const r = await a.pipeline.commit({ by: BY });
    assert.ok(!r.ok);
    assert.equal(r.errors[0].tag, 'operation-failed');
    assert.match(r.errors[0].message, /frr could not apply the commit: bgpd refused/);
    assert.deepEqual(calls, ['vpp:2', 'frr:2', 'vpp:2'], 'vpp is handed the opposite change');
    const back = contexts[contexts.length - 1] as ApplyContext;
    assert.deepEqual(back.changes.changes.map((c) => c.op), ['delete', 'delete']);
    assert.ok(treesEqual(back.after, before));
    assert.equal(a.ds.running, before);
    assert.equal(a.history.newestId, 1);
  });

  it('a failure to save running fails the commit, reverts the appliers and forgets the history record', async () => {
    const applied: number[] = [];
    const failing: RunningStore = { saveDatastore: () => Promise.reject(new Error('ENOSPC: no space left on device')) };
    const a = await agent({ store: failing, appliers: [{ name: 'vpp', apply: (c) => { applied.push(c.changes.changes.length); return Promise.resolve(); } }] });
    const before = a.ds.running;
    setWidget(a, 1, 'one');
    const r = await a.pipeline.commit({ by: BY });
    assert.ok(!r.ok);
    assert.match(r.errors[0].message, /could not be saved.*ENOSPC/);
    assert.deepEqual(applied, [1, 1]);
    assert.equal(a.ds.running, before);
    assert.equal(a.history.size, 0);
    assert.deepEqual(await readdir(join(dir, 'history')), []);
  });

  it('a failure to write history still commits, but forgets the history it can no longer undo', async () => {
    const a = await agent();
    setWidget(a, 1, 'one');
    assert.ok((await a.pipeline.commit({ by: BY })).ok);
    const realWrite = a.persistence.writeCommitRecord.bind(a.persistence);
    a.persistence.writeCommitRecord = () => Promise.reject(new Error('EIO'));
    setWidget(a, 2, 'two');
    const r = await a.pipeline.commit({ by: BY });
    assert.ok(r.ok);
    assert.equal(r.commitId, 2);
    assert.match(a.warnings[0] ?? '', /history record could not be written/);
    await a.history.flush();
    assert.equal(a.history.size, 0);
    a.persistence.writeCommitRecord = realWrite;
    setWidget(a, 3, 'three');
    assert.equal((await a.pipeline.commit({ by: BY })).ok, true);
    assert.equal(a.history.newestId, 3);
  });

  it('validates a datastore for <validate>, with the module\'s error-app-tag', async () => {
    const a = await agent();
    assert.deepEqual(await a.pipeline.validate(a.ds.candidate), []);
    const t = new DataTree(schema);
    t.setLeaf(t.container(t.writableRoot(), n.top), n.name, S('much-too-long'));
    const errors = await validateDatastore(yang, schema, t);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.tag, 'invalid-value');
    assert.equal(errors[0]?.appTag, 'name-too-long');
    assert.equal(errors[0]?.path, '/vr-test:top/name');
  });

  it('copy-config to running, then rollback of running to an earlier commit through a commit', async () => {
    const a = await agent();
    const snapshots = new Map<number, DataTree>();
    for (const [i, label] of ['one', 'two', 'three'].entries()) {
      setWidget(a, i + 1, label);
      const r = await a.pipeline.commit({ by: BY });
      assert.ok(r.ok && r.commitId !== null);
      snapshots.set(r.commitId, a.ds.running);
    }
    const copy = await a.ds.copy({ tree: new DataTree(schema) }, 'running', ALICE);
    assert.deepEqual(copy, { ok: true });
    assert.equal(a.ds.running.root.slotCount, 0);
    assert.equal(a.history.get(4)?.operation, 'copy-config');
    assert.ok(treesEqual(a.ds.candidate, a.ds.running), 'the unmodified candidate followed running');

    const r = await a.pipeline.rollbackRunning(2, { by: BY });
    assert.ok(r.ok);
    assert.equal(r.commitId, 5);
    assert.ok(treesEqual(a.ds.running, snapshots.get(2) as DataTree));
    assert.equal(a.history.get(5)?.operation, 'rollback');
    assert.equal(a.history.get(5)?.comment, 'rollback to commit 2');

    const candidate = a.pipeline.configurationAt(1);
    assert.ok(candidate.ok && treesEqual(candidate.tree, snapshots.get(1) as DataTree));
    const unknown = await a.pipeline.rollbackRunning(42, { by: BY });
    assert.ok(!unknown.ok && unknown.errors[0].tag === 'invalid-value');
  });

  it('edit-config through the edit engine, commit, then rollback of the candidate and of running', async () => {
    const a = await agent();
    const NSS = 'xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type"';
    const VT = 'xmlns="urn:vrouterd:test" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:yang="urn:ietf:params:xml:ns:yang:1"';
    const edits = [
      `<interfaces ${NSS}><interface><name>eth0</name><type>ianaift:ethernetCsmacd</type><description>uplink</description></interface></interfaces>`
        + `<top ${VT}><rule><name>r1</name><verdict>permit</verdict></rule><rule><name>r2</name></rule><tags>a</tags><tags>b</tags></top>`,
      `<top ${VT}><rule yang:insert="first"><name>r2</name></rule><rule><name>r3</name><verdict>deny</verdict></rule><tags yang:insert="first">b</tags></top>`,
      `<interfaces ${NSS} xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><interface nc:operation="delete"><name>eth0</name></interface></interfaces>`
        + `<top ${VT}><rule nc:operation="remove"><name>r1</name></rule></top>`,
    ];
    const after: DataTree[] = [];
    for (const xml of edits) {
      const decoded = decodeXml(schema, xml, { editAttributes: true });
      assert.ok(decoded.ok, JSON.stringify(!decoded.ok ? decoded.errors : undefined));
      const edited = applyEdit(a.ds.candidate, { edit: decoded.tree, attributes: decoded.attributes, defaultOperation: 'merge', errorOption: 'rollback-on-error' });
      assert.ok(edited.ok, JSON.stringify(!edited.ok ? edited.errors : undefined));
      a.ds.setCandidate(edited.tree, ALICE.sessionId, edited.changes.changes.length > 0);
      const r = await a.pipeline.commit({ by: BY });
      assert.ok(r.ok, JSON.stringify(!r.ok ? r.errors : undefined));
      after.push(a.ds.running);
    }
    assert.deepEqual(a.events[1]?.edits.map((e) => [e.target, e.operation]), [
      ["/vr-test:top/tags[.='b']", 'merge'],
      ["/vr-test:top/rule[name='r2']", 'merge'],
      ["/vr-test:top/rule[name='r3']", 'create'],
    ]);
    for (const [i, expected] of after.entries()) {
      const at = a.pipeline.configurationAt(i + 1);
      assert.ok(at.ok && treesEqual(at.tree, expected), `configuration after commit ${i + 1}`);
    }
    const first = a.pipeline.configurationAt(1);
    assert.ok(first.ok);
    a.ds.setCandidate(first.tree, ALICE.sessionId);
    assert.ok(treesEqual(a.ds.candidate, after[0] as DataTree), 'rollback of the candidate');
    a.ds.discardChanges();
    const r = await a.pipeline.rollbackRunning(2, { by: BY });
    assert.ok(r.ok);
    assert.ok(treesEqual(a.ds.running, after[1] as DataTree), 'rollback of running');
  });

  it('runs commits one at a time, in order, and continues ids after a restart', async () => {
    const a = await agent();
    setWidget(a, 1, 'one');
    const t = new DataTree(schema);
    t.setLeaf(t.entry(t.writableRoot(), n.widget, [{ canonical: '9', base: 'uint32' }]), n.label, S('nine'));
    const [first, second] = await Promise.all([a.pipeline.commit({ by: BY }), a.pipeline.commitTree(t, { by: BY, operation: 'copy-config' })]);
    assert.ok(first.ok && second.ok);
    assert.deepEqual([first.commitId, second.commitId], [1, 2]);
    assert.ok(treesEqual(a.ds.running, t));

    const b = await agent();
    assert.equal(b.pipeline.lastCommit, 2);
    assert.ok(treesEqual(b.ds.running, t));
    const e = b.ds.running.root.entries(n.widget)?.get('9') as ListEntry;
    assert.equal(e.leaf(n.label)?.value.canonical, 'nine');
    setWidget(b, 5, 'five');
    const r = await b.pipeline.commit({ by: BY });
    assert.ok(r.ok && r.commitId === 3);
    const back = b.pipeline.configurationAt(1);
    assert.ok(back.ok && back.tree.root.entries(n.widget)?.size === 1);
  });
});
