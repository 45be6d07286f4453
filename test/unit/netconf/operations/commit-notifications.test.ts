// RFC 6470 netconf-config-change and netconf-confirmed-commit, as a subscribed session receives
// them when other sessions commit, confirm, cancel, time out or disconnect.
import assert from 'node:assert/strict';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import { configChangeNotification, confirmedCommitNotification } from '../../../../src/netconf/config-notifications.js';
import type { XmlElement } from '../../../../src/netconf/xml/element.js';
import { parseXml, type RawClient } from '../session/harness.js';
import {
  COMMIT, confirmedCommit, IF_NS, interfacesXml, makeWorld, NCN, notificationsNamed, okCall, subscribe, type World,
} from './commit-harness.js';

/** The leaves of an element as name=text. */
const leaves = (el: XmlElement | undefined): string[] => (el?.children ?? []).filter((c) => c.children.length === 0).map((c) => `${c.name}=${c.text}`);

/** edit entries as "operation target", the target's prefix checked against the ietf-interfaces namespace. */
function edits(change: XmlElement): string[] {
  return change.childrenNamed(NCN, 'edit').map((e) => {
    const target = e.child(NCN, 'target');
    assert.equal(target?.resolvePrefix('if'), IF_NS, 'the target declares its prefix');
    return `${e.child(NCN, 'operation')?.text ?? ''} ${target?.text ?? ''}`;
  });
}

describe('netconf/config-notifications', function () {
  this.timeout(30_000);
  let w: World;
  let watcher: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    watcher = await w.open('watcher');
    await subscribe(watcher);
  });
  afterEach(async () => {
    await w.close();
  });

  const changes = (): XmlElement[] => notificationsNamed(watcher, 'netconf-config-change');
  const confirmEvents = (): XmlElement[] => notificationsNamed(watcher, 'netconf-confirmed-commit');

  it('a commit sends netconf-config-change: who, running, and each topmost edit as an XML instance-identifier', async () => {
    const a = await w.open();
    w.setCandidate(interfacesXml({ eth0: 'up' }), a);
    await okCall(a, COMMIT);
    await watcher.until('config-change 1', () => changes().length === 1);
    const first = changes()[0] as XmlElement;
    assert.deepEqual(leaves(first.child(NCN, 'changed-by')), ['username=alice', `session-id=${a.session.id}`, 'source-host=192.0.2.10']);
    assert.equal(first.child(NCN, 'datastore')?.text, 'running');
    assert.deepEqual(edits(first), ['create /if:interfaces'], 'the topmost new node only');

    w.setCandidate(interfacesXml({ eth0: 'down', eth1: '', eth2: '' }), a);
    await okCall(a, COMMIT);
    await watcher.until('config-change 2', () => changes().length === 2);
    assert.deepEqual(edits(changes()[1] as XmlElement).sort(), [
      "create /if:interfaces/if:interface[if:name='eth1']",
      "create /if:interfaces/if:interface[if:name='eth2']",
      "replace /if:interfaces/if:interface[if:name='eth0']/if:description",
    ]);

    w.setCandidate(interfacesXml({ eth0: '', eth2: '' }), a);
    await okCall(a, COMMIT);
    await watcher.until('config-change 3', () => changes().length === 3);
    assert.deepEqual(edits(changes()[2] as XmlElement).sort(), [
      "delete /if:interfaces/if:interface[if:name='eth0']/if:description",
      "delete /if:interfaces/if:interface[if:name='eth1']",
    ]);
    assert.equal(notificationsNamed(a, 'netconf-config-change').length, 0, 'sessions without a subscription get nothing');
  });

  it('the notification content is valid against ietf-netconf-notifications', async () => {
    const a = await w.open();
    w.setCandidate(interfacesXml({ eth0: 'x' }), a);
    await okCall(a, COMMIT);
    w.setCandidate(interfacesXml({ eth0: 'y', eth1: '' }), a);
    await okCall(a, confirmedCommit('<confirm-timeout>5</confirm-timeout>'));
    w.time.advance(5_000);
    await w.settle();
    await watcher.until('notifications', () => changes().length === 3 && confirmEvents().length === 2);
    for (const name of ['netconf-config-change', 'netconf-confirmed-commit']) {
      const node = w.schema.notification('ietf-netconf-notifications', name);
      assert.ok(node !== undefined);
      for (const m of watcher.messages.filter((x) => x.includes(`<${name} `))) {
        const content = /<eventTime>[^<]*<\/eventTime>(.*)<\/notification>$/s.exec(m)?.[1] ?? '';
        const r = decodeXml(w.schema, content, { root: { schema: node }, wrapped: true, datastore: 'state' });
        assert.ok(r.ok, r.ok ? '' : `${name}: ${r.errors[0].message}\n${content}`);
      }
    }
  });

  it('a confirmed commit sends start, extend and complete with the session and the timeout', async () => {
    const a = await w.open();
    const b = await w.open('bob');
    w.setCandidate(interfacesXml({ eth0: '' }), a);
    await okCall(a, confirmedCommit('<confirm-timeout>60</confirm-timeout><persist>p</persist>'));
    await okCall(b, confirmedCommit('<confirm-timeout>90</confirm-timeout><persist-id>p</persist-id>'));
    await okCall(b, '<commit><persist-id>p</persist-id></commit>');
    await watcher.until('three confirmed-commit events', () => confirmEvents().length === 3);
    assert.deepEqual(confirmEvents().map(leaves), [
      ['username=alice', `session-id=${a.session.id}`, 'source-host=192.0.2.10', 'confirm-event=start', 'timeout=60'],
      ['username=bob', `session-id=${b.session.id}`, 'source-host=192.0.2.10', 'confirm-event=extend', 'timeout=90'],
      ['username=bob', `session-id=${b.session.id}`, 'source-host=192.0.2.10', 'confirm-event=complete'],
    ]);
  });

  it('a timeout sends timeout without session parameters, and the revert is changed-by the server', async () => {
    const a = await w.open();
    w.setCandidate(interfacesXml({ eth0: '' }), a);
    await okCall(a, confirmedCommit('<confirm-timeout>10</confirm-timeout>'));
    w.time.advance(10_000);
    await w.settle();
    await watcher.until('timeout', () => confirmEvents().length === 2 && changes().length === 2);
    assert.deepEqual(leaves(confirmEvents()[1]), ['confirm-event=timeout']);
    const revert = changes()[1] as XmlElement;
    assert.ok(revert.child(NCN, 'changed-by')?.child(NCN, 'server') !== undefined);
    assert.deepEqual(leaves(revert.child(NCN, 'changed-by')), ['server=']);
    assert.deepEqual(edits(revert), ['delete /if:interfaces']);
  });

  it('cancel-commit and the end of the issuing session send cancel naming the session', async () => {
    const a = await w.open();
    w.setCandidate(interfacesXml({ eth0: '' }), a);
    await okCall(a, confirmedCommit());
    await okCall(a, '<cancel-commit/>');
    await watcher.until('cancel', () => confirmEvents().length === 2);
    assert.deepEqual(leaves(confirmEvents()[1]), ['username=alice', `session-id=${a.session.id}`, 'source-host=192.0.2.10', 'confirm-event=cancel']);
    // The revert by cancel-commit is changed-by the cancelling session.
    await watcher.until('revert change', () => changes().length === 2);
    assert.deepEqual(leaves(changes()[1]?.child(NCN, 'changed-by')), ['username=alice', `session-id=${a.session.id}`, 'source-host=192.0.2.10']);

    const b = await w.open('bob');
    w.setCandidate(interfacesXml({ eth1: '' }), b);
    await okCall(b, confirmedCommit());
    const bId = b.session.id;
    b.stream.destroy();
    await watcher.until('cancel on session end', () => confirmEvents().length === 4);
    await w.settle();
    assert.deepEqual(leaves(confirmEvents()[3]), ['username=bob', `session-id=${bId}`, 'source-host=192.0.2.10', 'confirm-event=cancel']);
  });

  it('renders merge for a moved entry and omits a source-host that is no IP address', () => {
    const xml = configChangeNotification(w.schema, {
      changedBy: { user: 'u', sessionId: 4, sourceHost: 'local' }, datastore: 'running', commitId: 1,
      edits: [{ target: '/ietf-interfaces:interfaces', operation: 'merge', location: { up: null, schema: w.schema.nodeByPath('/ietf-interfaces:interfaces') as never } }],
    }).xml;
    const el = parseXml(xml);
    assert.deepEqual(leaves(el.child(NCN, 'changed-by')), ['username=u', 'session-id=4']);
    assert.deepEqual(edits(el), ['merge /if:interfaces']);
    assert.deepEqual(leaves(parseXml(confirmedCommitNotification('timeout', { username: 'u', sessionId: 4 }, 5).xml)), ['confirm-event=timeout']);
  });
});
