// vrouter-agent <rollback> through a NETCONF session: target candidate and running.
import assert from 'node:assert/strict';
import { toJson } from '../../../../src/datastore/json-encoder.js';
import { BASE_NS, type RawClient } from '../session/harness.js';
import {
  AGENT_NS, call, COMMIT, confirmedCommit, errorOf, interfaceNames, interfacesXml, makeWorld, okCall, type World,
} from './commit-harness.js';

const rollback = (id: number | string, extra = ''): string => `<rollback xmlns="${AGENT_NS}"><id>${id}</id>${extra}</rollback>`;

describe('netconf/operations/rollback', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  /** Three commits: eth0:one; eth0:two + eth1; eth1 only. */
  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open();
    const steps: Record<string, string>[] = [{ eth0: 'one' }, { eth0: 'two', eth1: '' }, { eth1: '' }];
    for (const ifs of steps) {
      w.setCandidate(interfacesXml(ifs), a);
      await okCall(a, COMMIT);
    }
  });
  afterEach(async () => {
    await w.close();
  });

  const candidate = (): string[] => interfaceNames(toJson(w.schema, w.ds.datastores.candidate));

  it('target candidate (the default) replaces the candidate; running is untouched until a commit', async () => {
    await okCall(a, rollback(1));
    assert.deepEqual(candidate(), ['eth0:one']);
    assert.deepEqual(interfaceNames(w.running()), ['eth1']);
    assert.equal(w.ds.history.size, 3);
    assert.ok(w.ds.datastores.candidateModifiedBy().has(a.session.id));
    await okCall(a, rollback(2, '<target>candidate</target>'));
    assert.deepEqual(candidate(), ['eth0:two', 'eth1']);
    await okCall(a, COMMIT);
    assert.deepEqual(interfaceNames(w.running()), ['eth0:two', 'eth1']);
  });

  it('target candidate: rolling back to what running is leaves the candidate unmodified', async () => {
    w.setCandidate(interfacesXml({ eth9: '' }), a);
    await okCall(a, rollback(3));
    assert.deepEqual(candidate(), ['eth1']);
    assert.equal(w.ds.datastores.candidateModified, false);
  });

  it('target running commits at once, as a new commit with the comment, and answers its id', async () => {
    const reply = await call(a, rollback(1, `<target>running</target><comment>back to one</comment>`));
    assert.equal(reply.child(BASE_NS, 'rpc-error'), undefined);
    assert.equal(reply.child(AGENT_NS, 'new-commit-id')?.text, '4');
    assert.deepEqual(interfaceNames(w.running()), ['eth0:one']);
    assert.deepEqual(interfaceNames((await w.runningOnDisk())?.json ?? {}), ['eth0:one']);
    assert.deepEqual(candidate(), ['eth0:one'], 'the unmodified candidate follows running');
    const [record] = w.ds.history.list();
    assert.equal(record?.id, 4);
    assert.equal(record?.operation, 'rollback');
    assert.equal(record?.comment, 'back to one');
    assert.equal(record?.user, 'alice');
    // Without a comment the history says what it was.
    const again = await call(a, rollback(3, '<target>running</target>'));
    assert.equal(again.child(AGENT_NS, 'new-commit-id')?.text, '5');
    assert.equal(w.ds.history.list()[0]?.comment, 'rollback to commit 3');
    assert.deepEqual(interfaceNames(w.running()), ['eth1']);
  });

  it('target running to the configuration running already has answers <ok/> and records nothing', async () => {
    await okCall(a, rollback(3, '<target>running</target>'));
    assert.equal(w.ds.history.size, 3);
  });

  it('an unknown id is invalid-value naming the ids the history holds', async () => {
    let e = await errorOf(a, rollback(7));
    assert.equal(e.tag, 'invalid-value');
    assert.equal(e.info['bad-element'], 'id');
    assert.match(e.message, /commit 7/);
    assert.match(e.message, /1\.\.3/);
    e = await errorOf(a, rollback(99, '<target>running</target>'));
    assert.match(e.message, /1\.\.3/);
    e = await errorOf(a, rollback('x'));
    assert.equal(e.tag, 'invalid-value');
    e = await errorOf(a, `<rollback xmlns="${AGENT_NS}"/>`);
    assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'missing-element/id');
    e = await errorOf(a, rollback(1, '<target>startup</target>'));
    assert.equal(e.tag, 'invalid-value');
  });

  it('lock rules: candidate or running locked by another session → in-use', async () => {
    const b = await w.open('bob');
    assert.ok(w.ds.locks.lock('candidate', b.session.id).ok);
    let e = await errorOf(a, rollback(1));
    assert.equal(`${e.tag}/${e.info['session-id'] ?? ''}`, `in-use/${b.session.id}`);
    await okCall(b, rollback(1));
    assert.ok(w.ds.locks.lock('running', b.session.id).ok);
    e = await errorOf(a, rollback(1, '<target>running</target>'));
    assert.equal(`${e.tag}/${e.info['session-id'] ?? ''}`, `in-use/${b.session.id}`);
    assert.deepEqual(interfaceNames(w.running()), ['eth1']);
  });

  it('target running is refused while a confirmed commit is pending', async () => {
    w.setCandidate(interfacesXml({ eth5: '' }), a);
    await okCall(a, confirmedCommit());
    const e = await errorOf(a, rollback(1, '<target>running</target>'));
    assert.equal(e.tag, 'operation-failed');
    assert.match(e.message, /confirmed commit/);
    assert.deepEqual(interfaceNames(w.running()), ['eth5']);
  });

  it('reaches back only as far as the history keeps', async () => {
    await w.close();
    w = await makeWorld({ historyMaxEntries: 2 });
    a = await w.open();
    for (const d of ['a', 'b', 'c']) {
      w.setCandidate(interfacesXml({ eth0: d }), a);
      await okCall(a, COMMIT);
    }
    const e = await errorOf(a, rollback(1));
    assert.equal(e.tag, 'invalid-value');
    assert.match(e.message, /2\.\.3/);
    await okCall(a, rollback(2));
    assert.deepEqual(candidate(), ['eth0:b']);
  });
});
