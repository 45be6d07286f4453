// vrouter-agent <list-commits> through a NETCONF session.
import assert from 'node:assert/strict';
import type { XmlElement } from '../../../../src/netconf/xml/element.js';
import { BASE_NS, isOk } from '../session/harness.js';
import {
  AGENT_NS, call, COMMIT, confirmedCommit, errorOf, interfacesXml, makeWorld, okCall, type World,
} from './commit-harness.js';

const LIST = `<list-commits xmlns="${AGENT_NS}"/>`;

/** The <commit> entries of a list-commits reply as flat records. */
function commits(reply: XmlElement): Record<string, string>[] {
  return reply.childrenNamed(AGENT_NS, 'commit').map((c) => Object.fromEntries(c.children.map((l) => [l.name, l.text])));
}

describe('netconf/operations/list-commits', function () {
  this.timeout(30_000);
  let w: World;

  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('an empty history answers <ok/>', async () => {
    const a = await w.open();
    assert.ok(isOk(await call(a, LIST)));
  });

  it('lists the commits newest first with id, time, user, session-id, comment, confirmed and changes', async () => {
    const a = await w.open();
    const b = await w.open('bob');
    w.setCandidate(interfacesXml({ eth0: '' }), a);
    await okCall(a, `<commit><comment xmlns="${AGENT_NS}">add eth0</comment></commit>`);
    w.setCandidate(interfacesXml({ eth0: 'x', eth1: '', eth2: '' }), b);
    await okCall(b, COMMIT);
    w.setCandidate(interfacesXml({ eth0: 'x' }), a);
    await okCall(a, confirmedCommit('<confirm-timeout>10</confirm-timeout>'));
    w.time.advance(10_000);
    await w.settle();

    const reply = await call(a, LIST);
    assert.equal(reply.child(BASE_NS, 'rpc-error'), undefined);
    const list = commits(reply);
    assert.deepEqual(list.map((c) => c.id), ['4', '3', '2', '1']);
    const [revert, confirmed, second, first] = list;
    assert.deepEqual(first, {
      id: '1', time: first?.time ?? '', user: 'alice', 'session-id': String(a.session.id), comment: 'add eth0', confirmed: 'false', changes: '1',
    });
    assert.match(first?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    assert.equal(second?.user, 'bob');
    assert.equal(second?.['session-id'], String(b.session.id));
    assert.equal(second?.comment, undefined);
    assert.equal(second?.changes, '3', 'a description and two interfaces');
    assert.equal(confirmed?.confirmed, 'true');
    assert.equal(confirmed?.changes, '2');
    assert.equal(revert?.user, '(server)');
    assert.equal(revert?.['session-id'], '0');
    assert.equal(revert?.comment, 'confirmed commit reverted (timeout)');
  });

  it('<max-entries> keeps the newest; its range is checked', async () => {
    const a = await w.open();
    for (const d of ['a', 'b', 'c']) {
      w.setCandidate(interfacesXml({ eth0: d }), a);
      await okCall(a, COMMIT);
    }
    const reply = await call(a, `<list-commits xmlns="${AGENT_NS}"><max-entries>2</max-entries></list-commits>`);
    assert.deepEqual(commits(reply).map((c) => c.id), ['3', '2']);
    const e = await errorOf(a, `<list-commits xmlns="${AGENT_NS}"><max-entries>0</max-entries></list-commits>`);
    assert.equal(e.tag, 'invalid-value');
    const u = await errorOf(a, `<list-commits xmlns="${AGENT_NS}"><newest/></list-commits>`);
    assert.equal(u.tag, 'unknown-element');
  });
});
