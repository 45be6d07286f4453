// /vrouter-agent:engine-state in <get>, <dry-run> and <resync> through a NETCONF session, over a
// real TransactionEngine whose descriptors drive the in-memory FakeBackend of the engine tests.
// The backend's "translation": every interface NAME becomes the item fake/if/NAME; an interface
// whose description is "needs X" depends on fake/if/X; the description "bad" is a translation
// problem (like a route to an interface in another namespace for Linux).
import assert from 'node:assert/strict';

import type { Backend, BackendDryRun } from '../../../../src/backends/backend.js';
import { TransactionEngine } from '../../../../src/commit/engine.js';
import type { Item } from '../../../../src/commit/item.js';
import type { ApplyContext, CommitApplier } from '../../../../src/datastore/commit.js';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { toJson } from '../../../../src/datastore/json-encoder.js';
import type { XmlElement } from '../../../../src/netconf/xml/element.js';
import type { Schema } from '../../../../src/validation/schema.js';
import { FakeBackend, fakeRegistry, item } from '../../commit/fake-backend.js';
import {
  AGENT_NS, BASE_NS, call, IANA_NS, IF_NS, isOk, makeWorld, rpcErrors, sharedSchema, type World,
} from './datastore-harness.js';

interface Translation { items: Item[]; paths: Map<string, string>; problem?: { message: string; path: string } }

function translate(schema: Schema, tree: DataTree): Translation {
  const doc = toJson(schema, tree) as { 'ietf-interfaces:interfaces'?: { interface?: { name: string; description?: string }[] } };
  const out: Translation = { items: [], paths: new Map() };
  for (const i of doc['ietf-interfaces:interfaces']?.interface ?? []) {
    const path = `/ietf-interfaces:interfaces/interface[name='${i.name}']`;
    if (i.description === 'bad') out.problem ??= { message: `interface ${i.name} cannot be made here`, path: `${path}/description` };
    const needs = i.description?.startsWith('needs ') === true ? [`fake/if/${i.description.slice(6)}`] : [];
    out.items.push(item(`fake/if/${i.name}`, { needs }));
    out.paths.set(`fake/if/${i.name}`, path);
  }
  return out;
}

/** A Backend over the fake: what the Linux backend does, minus the kernel. */
function fakeEngineBackend(schema: Schema, fake: FakeBackend): Backend {
  const engine = new TransactionEngine({ registry: fakeRegistry(fake) });
  let last: Translation | undefined;
  const applier: CommitApplier = {
    name: 'fake',
    async apply(ctx: ApplyContext) {
      const t = translate(schema, ctx.after);
      if (t.problem !== undefined) throw new Error(t.problem.message);
      const outcome = await engine.commit(t.items);
      if (!outcome.ok) throw new Error(outcome.error?.message ?? 'failed');
      last = t;
    },
  };
  return {
    name: 'linux',
    applier,
    start: () => Promise.resolve(),
    snapshot: () => engine.snapshot(),
    itemPath: (key) => last?.paths.get(key),
    async dryRun(config): Promise<BackendDryRun> {
      const t = translate(schema, config);
      if (t.problem !== undefined) return { ok: false, ...t.problem };
      const r = await engine.dryRun(t.items);
      return r.ok ? { ok: true, plan: r.plan, itemPath: (key) => t.paths.get(key) } : { ok: false, message: r.error.message };
    },
    async resync() {
      return engine.resync(await engine.retrieve(['fake']));
    },
    close: () => engine.idle(),
  };
}

function interfaces(ifs: Record<string, string>): string {
  const entries = Object.entries(ifs).map(([name, description]) => `<interface><name>${name}</name>`
    + `<type xmlns:ianaift="${IANA_NS}">ianaift:ethernetCsmacd</type>${description === '' ? '' : `<description>${description}</description>`}</interface>`);
  return `<interfaces xmlns="${IF_NS}">${entries.join('')}</interfaces>`;
}

const edit = (xml: string, operation = 'merge'): string =>
  `<edit-config><target><candidate/></target><default-operation>${operation}</default-operation><config>${xml}</config></edit-config>`;

/** The entries of a list below `parent` as flat records of their leaves (leaf-lists joined by ','). */
function entries(parent: XmlElement | undefined, name: string): Record<string, string>[] {
  return (parent?.childrenNamed(AGENT_NS, name) ?? []).map((e) => {
    const out: Record<string, string> = {};
    for (const c of e.children) {
      if (c.children.length > 0) continue;
      out[c.name] = out[c.name] === undefined ? c.text : `${out[c.name]},${c.text}`;
    }
    return out;
  });
}

describe('netconf/operations engine-state, dry-run and resync', function () {
  this.timeout(30_000);
  let w: World;
  let fake: FakeBackend;

  beforeEach(async () => {
    fake = new FakeBackend();
    w = await makeWorld({ backends: [fakeEngineBackend(await sharedSchema(), fake)] });
  });
  afterEach(async () => {
    await w.close();
  });

  async function engineState(a: Awaited<ReturnType<World['open']>>): Promise<XmlElement | undefined> {
    const reply = await call(a, `<get><filter type="subtree"><engine-state xmlns="${AGENT_NS}"/></filter></get>`);
    return reply.child(BASE_NS, 'data')?.child(AGENT_NS, 'engine-state');
  }

  it('engine-state shows items (applied, pending with waiting-for, yang-path) and the transaction with its operations', async () => {
    const a = await w.open();
    assert.ok(isOk(await call(a, edit(interfaces({ eth0: '', vlan9: 'needs ext9' })))));
    assert.ok(isOk(await call(a, '<commit/>')));
    const state = await engineState(a);
    const items = entries(state, 'item');
    assert.deepEqual(items.map((i) => [i['key'], i['state'], i['waiting-for'], i['backend']]), [
      ['fake/if/eth0', 'applied', undefined, 'va:linux'],
      ['fake/if/vlan9', 'pending', 'fake/if/ext9', 'va:linux'],
    ]);
    assert.equal(items[0]?.['yang-path'], "/ietf-interfaces:interfaces/interface[name='eth0']");
    assert.equal(items[0]?.['kind'], 'if');
    const [txn] = state?.childrenNamed(AGENT_NS, 'transaction') ?? [];
    const summary = entries(state, 'transaction')[0];
    assert.equal(summary?.['origin'], 'commit');
    assert.equal(summary?.['result'], 'ok');
    assert.equal(summary?.['operation-count'], '1');
    assert.match(summary?.['start-time'] ?? '', /^\d{4}-\d\d-\d\dT/u);
    const [op] = entries(txn, 'operation');
    assert.deepEqual([op?.['index'], op?.['operation'], op?.['key'], op?.['result']], ['0', 'create', 'fake/if/eth0', 'ok']);
    // decimal64 in canonical form: trailing zeros dropped.
    assert.match(op?.['duration'] ?? '', /^\d+(\.\d{1,3})?$/u);
    assert.deepEqual(entries(txn, 'pending').map((p) => [p['key'], p['waiting-for']]), [['fake/if/vlan9', 'fake/if/ext9']]);
  });

  it('a failed commit shows in engine-state with the failing key, the backend\'s words and the reverts', async () => {
    const a = await w.open();
    fake.failOn('create', 'fake/if/eth1', 'no such slot');
    assert.ok(isOk(await call(a, edit(interfaces({ eth0: '', eth1: '' })))));
    const [e] = rpcErrors(await call(a, '<commit/>'));
    assert.equal(e?.tag, 'operation-failed');
    const summary = entries(await engineState(a), 'transaction')[0];
    assert.deepEqual([summary?.['result'], summary?.['error-key'], summary?.['error-message']], ['failed', 'fake/if/eth1', 'no such slot']);
    const txn = (await engineState(a))?.childrenNamed(AGENT_NS, 'transaction')[0];
    assert.deepEqual(entries(txn, 'revert').map((r) => [r['operation'], r['key'], r['result']]), [['delete', 'fake/if/eth0', 'ok']]);
    assert.deepEqual(fake.snapshot(), [], 'nothing left in the backend');
  });

  it('dry-run answers the ordered plan of the candidate, with yang-paths and pending items, and runs nothing', async () => {
    const a = await w.open();
    assert.ok(isOk(await call(a, edit(interfaces({ eth0: '' })))));
    assert.ok(isOk(await call(a, '<commit/>')));
    const calls = fake.calls.length;
    assert.ok(isOk(await call(a, edit(interfaces({ eth1: '', vlan9: 'needs ext9' }), 'replace'))));
    const reply = await call(a, `<dry-run xmlns="${AGENT_NS}"/>`);
    assert.deepEqual(rpcErrors(reply), []);
    assert.deepEqual(entries(reply, 'operation').map((o) => [o['index'], o['operation'], o['key'], o['yang-path'], o['backend']]), [
      ['0', 'delete', 'fake/if/eth0', undefined, 'va:linux'],
      ['1', 'create', 'fake/if/eth1', "/ietf-interfaces:interfaces/interface[name='eth1']", 'va:linux'],
    ]);
    assert.deepEqual(entries(reply, 'pending').map((p) => [p['key'], p['waiting-for']]), [['fake/if/vlan9', 'fake/if/ext9']]);
    assert.equal(fake.calls.length, calls, 'the backend was not called');
    assert.deepEqual(fake.snapshot().map(([k]) => k), ['fake/if/eth0']);
  });

  it('dry-run of a candidate the backend cannot translate is operation-failed with the error-path', async () => {
    const a = await w.open();
    assert.ok(isOk(await call(a, edit(interfaces({ eth0: 'bad' })))));
    const [e, more] = rpcErrors(await call(a, `<dry-run xmlns="${AGENT_NS}"/>`));
    assert.equal(more, undefined);
    assert.equal(e?.tag, 'operation-failed');
    assert.equal(e?.type, 'application');
    assert.match(e?.message ?? '', /^linux: interface eth0 cannot be made here/u);
    assert.match(e?.path ?? '', /interfaces\/.*interface\[.*name='eth0'\]\/.*description/u);
  });

  it('dry-run with nothing to do answers <ok/>', async () => {
    const a = await w.open();
    assert.ok(isOk(await call(a, `<dry-run xmlns="${AGENT_NS}"/>`)));
  });

  it('resync repairs drift and reports the transaction; an unknown backend is invalid-value', async () => {
    const a = await w.open();
    assert.ok(isOk(await call(a, edit(interfaces({ eth0: '', eth1: '' })))));
    assert.ok(isOk(await call(a, '<commit/>')));
    fake.objects.delete('fake/if/eth1');
    fake.addForeign('fake/if/other');
    const reply = await call(a, `<resync xmlns="${AGENT_NS}"/>`);
    const [b] = entries(reply, 'backend');
    assert.deepEqual([b?.['name'], b?.['operations'], b?.['result']], ['va:linux', '1', 'ok']);
    assert.ok((b?.['transaction-id'] ?? '') !== '');
    assert.deepEqual(fake.snapshot().map(([k]) => k).sort(), ['fake/if/eth0', 'fake/if/eth1', 'fake/if/other']);

    const again = entries(await call(a, `<resync xmlns="${AGENT_NS}"><backends xmlns:va="${AGENT_NS}">va:linux</backends></resync>`), 'backend')[0];
    assert.deepEqual([again?.['operations'], again?.['transaction-id']], ['0', undefined], 'nothing drifted: no transaction');

    const [e] = rpcErrors(await call(a, `<resync xmlns="${AGENT_NS}"><backends xmlns:va="${AGENT_NS}">va:frr</backends></resync>`));
    assert.equal(e?.tag, 'invalid-value');
    assert.match(e?.message ?? '', /no backend frr to resync \(running: linux\)/u);
  });

  it('a transaction of more than 1000 operations lists the first 1000 and counts them all', async () => {
    const a = await w.open();
    const many: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) many[`e${i}`] = '';
    assert.ok(isOk(await call(a, edit(interfaces(many)))));
    assert.ok(isOk(await call(a, '<commit/>')));
    const state = await engineState(a);
    const txn = state?.childrenNamed(AGENT_NS, 'transaction')[0];
    assert.equal(entries(state, 'transaction')[0]?.['operation-count'], '1200');
    assert.equal(entries(txn, 'operation').length, 1000);
    assert.equal(entries(state, 'item').length, 1200);
  });
});
