// <commit> through a NETCONF session (RFC 6241 §8.3, §8.4 with :confirmed-commit:1.1), over the
// real datastore layer in a temp dir, with fake confirmed-commit timers.
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { isOk, rpcErrors } from '../session/harness.js';
import {
  AGENT_NS, call, COMMIT, confirmedCommit, errorOf, interfaceNames, interfacesXml, makeWorld, okCall, type World,
} from './commit-harness.js';

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

describe('netconf/operations/commit', function () {
  this.timeout(30_000);
  let w: World;

  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  describe('plain commit', () => {
    it('makes the candidate running, durable on disk before the reply, with the comment in the history', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: 'uplink', eth1: '' }), a);
      await okCall(a, `<commit><comment xmlns="${AGENT_NS}">first uplink</comment></commit>`);
      // No settle(): the reply itself promises durability.
      const disk = await w.runningOnDisk();
      assert.ok(disk !== undefined, 'running.json is written');
      assert.deepEqual(interfaceNames(disk.json), ['eth0:uplink', 'eth1']);
      assert.equal(disk.lastCommit, 1);
      assert.deepEqual(interfaceNames(w.running()), ['eth0:uplink', 'eth1']);
      assert.equal(w.ds.datastores.candidateModified, false);
      const [record] = w.ds.history.list();
      assert.equal(record?.comment, 'first uplink');
      assert.equal(record?.user, 'alice');
      assert.equal(record?.sessionId, a.session.id);
      assert.equal(record?.confirmed, false);
    });

    it('a commit that changes nothing succeeds without a new history record', async () => {
      const a = await w.open();
      await okCall(a, COMMIT);
      assert.equal(w.ds.history.size, 0);
      assert.equal(await w.runningOnDisk(), undefined);
    });

    it('an invalid candidate is refused with libyang\'s error and an XML error-path; running stays', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: 'ok' }), a);
      await okCall(a, COMMIT);
      // An interface without its mandatory <type>.
      w.setCandidate(`<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>eth9</name></interface></interfaces>`, a);
      const reply = await call(a, COMMIT);
      const [e] = rpcErrors(reply);
      assert.ok(e !== undefined);
      assert.equal(e.type, 'application');
      assert.match(e.tag, /^(missing-element|invalid-value|operation-failed)$/);
      assert.ok(e.path !== undefined && e.path.includes("/if:interfaces/if:interface[if:name='eth9']"), `error-path: ${String(e.path)}`);
      const pathEl = reply.child('urn:ietf:params:xml:ns:netconf:base:1.0', 'rpc-error')?.child('urn:ietf:params:xml:ns:netconf:base:1.0', 'error-path');
      assert.equal(pathEl?.resolvePrefix('if'), 'urn:ietf:params:xml:ns:yang:ietf-interfaces');
      assert.deepEqual(interfaceNames(w.running()), ['eth0:ok']);
      assert.deepEqual(interfaceNames((await w.runningOnDisk())?.json ?? {}), ['eth0:ok']);
      assert.equal(w.ds.history.size, 1);
      assert.equal(w.ds.datastores.candidateModified, true, 'the candidate keeps the edit to fix');
    });

    it('refuses with in-use when another session holds the running or the candidate lock', async () => {
      const a = await w.open();
      const b = await w.open('bob');
      w.setCandidate(interfacesXml({ eth0: '' }), a);
      assert.ok(w.ds.locks.lock('running', b.session.id).ok);
      let e = await errorOf(a, COMMIT);
      assert.equal(e.tag, 'in-use');
      assert.equal(e.type, 'protocol');
      assert.equal(e.info['session-id'], String(b.session.id));
      assert.ok(w.ds.locks.unlock('running', b.session.id).ok);

      assert.ok(w.ds.locks.lock('candidate', a.session.id).ok);
      e = await errorOf(b, COMMIT);
      assert.equal(e.tag, 'in-use');
      assert.equal(e.info['session-id'], String(a.session.id));
      // The holder itself commits.
      await okCall(a, COMMIT);
      assert.deepEqual(interfaceNames(w.running()), ['eth0']);
    });

    it('checks its parameters', async () => {
      const a = await w.open();
      const err = async (body: string): Promise<string> => {
        const e = await errorOf(a, body);
        return `${e.tag}/${e.type}/${e.info['bad-element'] ?? ''}`;
      };
      assert.equal(await err(confirmedCommit('<confirm-timeout>0</confirm-timeout>')), 'invalid-value/protocol/confirm-timeout');
      assert.equal(await err(confirmedCommit('<confirm-timeout>ten</confirm-timeout>')), 'invalid-value/protocol/confirm-timeout');
      assert.equal(await err(confirmedCommit('<confirm-timeout>4294967296</confirm-timeout>')), 'invalid-value/protocol/confirm-timeout');
      assert.equal(await err('<commit><confirm-timeout>60</confirm-timeout></commit>'), 'invalid-value/protocol/confirm-timeout');
      assert.equal(await err('<commit><persist>x</persist></commit>'), 'invalid-value/protocol/persist');
      assert.equal(await err('<commit><confirm-timout>60</confirm-timout></commit>'), 'unknown-element/protocol/confirm-timout');
      assert.equal(await err('<commit><comment>no namespace</comment></commit>'), 'unknown-element/protocol/comment');
      assert.equal(await err('<commit><confirmed/><confirmed/></commit>'), 'bad-element/protocol/confirmed');
      assert.equal(await err('<commit><persist-id>nothing</persist-id></commit>'), 'invalid-value/protocol/persist-id');
      assert.equal(w.ds.confirmed.pending, undefined);
    });
  });

  describe('confirmed commit', () => {
    it('reverts when the confirm-timeout expires (running and disk), and records the revert', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: 'base' }), a);
      await okCall(a, COMMIT);
      w.setCandidate(interfacesXml({ eth0: 'trial', eth1: '' }), a);
      await okCall(a, confirmedCommit('<confirm-timeout>60</confirm-timeout>'));
      assert.deepEqual(interfaceNames(w.running()), ['eth0:trial', 'eth1']);
      assert.equal(w.ds.confirmed.pending?.timeoutSeconds, 60);
      assert.ok(await exists(join(w.dir, 'confirmed-commit.json')), 'the revert point is on disk');
      assert.equal(w.ds.history.list()[0]?.confirmed, true);

      w.time.advance(59_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:trial', 'eth1']);
      w.time.advance(1_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:base']);
      assert.deepEqual(interfaceNames((await w.runningOnDisk())?.json ?? {}), ['eth0:base']);
      assert.equal(w.ds.confirmed.pending, undefined);
      assert.ok(!(await exists(join(w.dir, 'confirmed-commit.json'))));
      const [revert] = w.ds.history.list();
      assert.equal(revert?.user, '(server)');
      assert.equal(revert?.sessionId, null);
    });

    it('defaults the confirm-timeout to 600 s', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: '' }), a);
      await okCall(a, confirmedCommit());
      assert.equal(w.ds.confirmed.pending?.timeoutSeconds, 600);
      w.time.advance(599_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0']);
      w.time.advance(1_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), []);
    });

    it('a confirming commit makes it permanent; the timer no longer reverts', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: '' }), a);
      await okCall(a, confirmedCommit('<confirm-timeout>30</confirm-timeout>'));
      await okCall(a, COMMIT);
      assert.equal(w.ds.confirmed.pending, undefined);
      assert.ok(!(await exists(join(w.dir, 'confirmed-commit.json'))));
      w.time.advance(3_600_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0']);
    });

    it('a follow-up confirmed commit resets the timer and adds changes; a timeout reverts to before the first', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: 'base' }), a);
      await okCall(a, COMMIT);
      w.setCandidate(interfacesXml({ eth0: 'one' }), a);
      await okCall(a, confirmedCommit('<confirm-timeout>60</confirm-timeout>'));
      w.time.advance(50_000);
      w.setCandidate(interfacesXml({ eth0: 'two', eth1: '' }), a);
      await okCall(a, confirmedCommit('<confirm-timeout>120</confirm-timeout>'));
      w.time.advance(60_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:two', 'eth1'], 'the first timeout no longer applies');
      w.time.advance(60_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:base']);
    });

    it('only the issuing session may follow up or confirm a commit without <persist>', async () => {
      const a = await w.open();
      const b = await w.open('bob');
      w.setCandidate(interfacesXml({ eth0: '' }), a);
      await okCall(a, confirmedCommit());
      const e = await errorOf(b, COMMIT);
      assert.equal(e.tag, 'operation-failed');
      assert.match(e.message, new RegExp(`session ${a.session.id}`));
      const p = await errorOf(b, '<commit><persist-id>x</persist-id></commit>');
      assert.equal(p.tag, 'invalid-value');
      assert.equal(p.info['bad-element'], 'persist-id');
      assert.ok(w.ds.confirmed.pending !== undefined);
    });

    it('with <persist>, another session confirms or follows up with the matching <persist-id>', async () => {
      const a = await w.open();
      const b = await w.open('bob');
      w.setCandidate(interfacesXml({ eth0: 'base' }), a);
      await okCall(a, COMMIT);
      w.setCandidate(interfacesXml({ eth0: 'trial' }), a);
      await okCall(a, confirmedCommit('<persist>tok-1</persist><confirm-timeout>60</confirm-timeout>'));
      let e = await errorOf(b, COMMIT);
      assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'invalid-value/persist-id');
      e = await errorOf(b, '<commit><persist-id>tok-2</persist-id></commit>');
      assert.equal(`${e.tag}/${e.info['bad-element'] ?? ''}`, 'invalid-value/persist-id');
      // A follow-up from bob, keeping the token, extends the timeout.
      await okCall(b, confirmedCommit('<persist-id>tok-1</persist-id><confirm-timeout>300</confirm-timeout>'));
      assert.equal(w.ds.confirmed.pending?.persist, 'tok-1');
      assert.equal(w.ds.confirmed.pending?.sessionId, b.session.id);
      w.time.advance(120_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:trial']);
      // The confirming commit, from a third session.
      const c = await w.open('carol');
      await okCall(c, '<commit><persist-id>tok-1</persist-id></commit>');
      assert.equal(w.ds.confirmed.pending, undefined);
      w.time.advance(3_600_000);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:trial']);
    });

    it('the end of the issuing session reverts a commit without <persist>', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: 'base' }), a);
      await okCall(a, COMMIT);
      w.setCandidate(interfacesXml({ eth0: 'trial' }), a);
      await okCall(a, confirmedCommit());
      assert.ok(isOk(await call(a, '<close-session/>')));
      await a.until('the session to end', () => a.ended);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:base']);
      assert.equal(w.ds.confirmed.pending, undefined);
    });

    it('a commit with <persist> survives the end of its session', async () => {
      const a = await w.open();
      w.setCandidate(interfacesXml({ eth0: 'trial' }), a);
      await okCall(a, confirmedCommit('<persist>keep</persist>'));
      const b = await w.open('bob');
      await okCall(b, `<kill-session><session-id>${a.session.id}</session-id></kill-session>`);
      await w.settle();
      assert.deepEqual(interfaceNames(w.running()), ['eth0:trial']);
      assert.equal(w.ds.confirmed.pending?.persist, 'keep');
      await okCall(b, '<commit><persist-id>keep</persist-id></commit>');
      assert.equal(w.ds.confirmed.pending, undefined);
    });
  });
});
