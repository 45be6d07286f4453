// Several NETCONF sessions at once against the real vrouterd, each held by python3-ncclient:
// locks between sessions (lock-denied naming the holder, edits refused under another's lock, a
// lock released by kill-session and by a dropped connection), the shared candidate modified by
// another session, confirmed commits that outlive (persist) or die with (no persist) their
// session, and a kill -9 of vrouterd during a pending confirmed commit: after a restart on the
// same state directory the configuration from before the confirmed commit is back (RFC 6241 §8.4).
import assert from 'node:assert/strict';
import {
  describeResult, eventually, expectError, expectOk, findAll, NcclientSession, requireNcclient, textAt,
  VrouterdProcess, type NcError, type XmlNode,
} from '../support/vrouterd-process.js';

const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IANAIFT = 'urn:ietf:params:xml:ns:yang:iana-if-type';
const IP = 'urn:ietf:params:xml:ns:yang:ietf-ip';
const RT = 'urn:ietf:params:xml:ns:yang:ietf-routing';
const V4UR = 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing';
const NCN = 'urn:ietf:params:xml:ns:yang:ietf-netconf-notifications';
const VA = 'urn:vrouterd:params:xml:ns:yang:vrouter-agent';

function iface(name: string, description: string, address?: string): string {
  const ipv4 = address === undefined ? ''
    : `<ipv4 xmlns="${IP}"><address><ip>${address.split('/')[0]}</ip><prefix-length>${address.split('/')[1]}</prefix-length></address></ipv4>`;
  return `<interface><name>${name}</name><description>${description}</description>`
    + `<type xmlns:ianaift="${IANAIFT}">ianaift:ethernetCsmacd</type>${ipv4}</interface>`;
}

function config(ifaces: string[], routes: [string, string][] = []): string {
  const r = routes.length === 0 ? ''
    // The rt prefix on every ietf-routing element: the identity rt:static needs it in scope (see ncclient-operations.test.ts).
    : `<rt:routing xmlns:rt="${RT}"><rt:control-plane-protocols><rt:control-plane-protocol><rt:type>rt:static</rt:type>`
      + `<rt:name>static-routes</rt:name><rt:static-routes><ipv4 xmlns="${V4UR}">`
      + routes.map(([p, nh]) => `<route><destination-prefix>${p}</destination-prefix><next-hop><next-hop-address>${nh}</next-hop-address></next-hop></route>`).join('')
      + '</ipv4></rt:static-routes></rt:control-plane-protocol></rt:control-plane-protocols></rt:routing>';
  return `<config xmlns="${NC}"><interfaces xmlns="${IF}">${ifaces.join('')}</interfaces>${r}</config>`;
}

const BASELINE = config([iface('eth0', 'uplink', '192.0.2.1/24'), iface('eth1', 'lan', '198.51.100.1/24')], [['0.0.0.0/0', '192.0.2.254']]);

function interfaceNames(data: XmlNode | null | undefined): string[] {
  return findAll(data, 'interfaces', 'interface').map((i) => textAt(i, 'name') ?? '?').sort();
}

function assertTag(e: NcError, tag: string, type: string): void {
  assert.equal(e.tag, tag, JSON.stringify(e));
  assert.equal(e.type, type, JSON.stringify(e));
  assert.equal(e.severity, 'error');
}

describe('ncclient: concurrent sessions, locks and confirmed commits against vrouterd', function () {
  this.timeout(90_000);
  let server: VrouterdProcess | undefined;
  const sessions: NcclientSession[] = [];

  const srv = (): VrouterdProcess => {
    assert.ok(server, 'vrouterd is not running');
    return server;
  };

  async function open(): Promise<NcclientSession> {
    const s = await NcclientSession.open(srv().credentials);
    sessions.push(s);
    return s;
  }

  async function runningNames(s: NcclientSession): Promise<string[]> {
    return interfaceNames(expectOk(await s.getConfig('running'), 'get-config running').data);
  }

  /** A fresh pair of sessions with candidate = running = BASELINE, nothing locked. */
  async function twoSessions(): Promise<[NcclientSession, NcclientSession]> {
    for (const s of sessions.splice(0)) await s.close();
    const a = await open();
    const b = await open();
    expectOk(await a.call('discard_changes'), 'discard-changes');
    expectOk(await a.editConfig(BASELINE, { target: 'candidate', defaultOperation: 'replace' }), 'baseline edit');
    expectOk(await a.commit(), 'baseline commit');
    return [a, b];
  }

  before(async function () {
    requireNcclient();
    server = await VrouterdProcess.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server !== undefined) {
      console.error(`--- vrouterd log tail (${this.currentTest.title}):\n${server.logTail(30)}`);
    }
  });

  after(async function () {
    for (const s of sessions.splice(0)) await s.close();
    await server?.cleanup();
  });

  it('two sessions get distinct session-ids', async function () {
    const [a, b] = await twoSessions();
    assert.ok(a.sessionId >= 1 && b.sessionId >= 1);
    assert.notEqual(a.sessionId, b.sessionId);
  });

  it('lock-denied names the holder; writes to the locked datastore are refused with the holder named', async function () {
    const [a, b] = await twoSessions();
    expectOk(await a.lock('candidate'), 'A locks candidate');
    const denied = expectError(await b.lock('candidate'), 'B locks candidate');
    assertTag(denied, 'lock-denied', 'protocol');
    assert.equal(denied.info['session-id'], String(a.sessionId), 'error-info names the holder');

    const blocked = [
      ['edit-config', await b.editConfig(config([iface('eth0', 'B was here')]), { target: 'candidate' })],
      ['commit', await b.commit()],
      ['discard-changes', await b.call('discard_changes')],
      ['copy-config', await b.call('copy_config', { source: 'running', target: 'candidate' })],
    ] as const;
    for (const [what, r] of blocked) {
      const e = expectError(r, `B's ${what} under A's lock`);
      assertTag(e, 'in-use', 'protocol');
      assert.equal(e.info['session-id'], String(a.sessionId), `${what}: error-info names the holder`);
    }
    // Reading and validating are not writes: the lock does not stop them.
    expectOk(await b.getConfig('candidate'), 'B reads the locked candidate');
    expectOk(await b.call('validate', { source: 'candidate' }), 'B validates the locked candidate');
    const monitored = expectOk(await b.get({ filter: { type: 'subtree', xml: '<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><datastores/></netconf-state>' } }),
      'netconf-state/datastores').data;
    const cand = findAll(monitored, 'netconf-state', 'datastores', 'datastore').find((d) => textAt(d, 'name') === 'candidate');
    assert.equal(textAt(cand, 'locks', 'global-lock', 'locked-by-session'), String(a.sessionId), 'ietf-netconf-monitoring shows the lock holder');

    // vrouter-agent rollback to the candidate is a write of the candidate too.
    const commits = expectOk(await b.dispatch(`<list-commits xmlns="${VA}"><max-entries>1</max-entries></list-commits>`), 'list-commits').reply;
    const last = textAt(findAll(commits, 'commit')[0], 'id');
    assert.ok(last !== undefined, 'a commit to roll back to');
    const rb = expectError(await b.dispatch(`<rollback xmlns="${VA}"><id>${last}</id></rollback>`), 'B rolls back the candidate A locked');
    assertTag(rb, 'in-use', 'protocol');
    assert.equal(rb.info['session-id'], String(a.sessionId));

    expectOk(await a.lock('startup'), 'A locks startup');
    for (const [what, r] of [
      ['copy-config to startup', await b.call('copy_config', { source: 'running', target: 'startup' })],
      ['delete-config of startup', await b.call('delete_config', { target: 'startup' })],
    ] as const) {
      const e = expectError(r, `B's ${what} under A's startup lock`);
      assertTag(e, 'in-use', 'protocol');
      assert.equal(e.info['session-id'], String(a.sessionId));
    }
    expectOk(await a.unlock('startup'), 'A unlocks startup');

    expectOk(await b.lock('running'), 'B locks running: another datastore');
    const run = expectError(await a.lock('running'), 'A locks running held by B');
    assertTag(run, 'lock-denied', 'protocol');
    assert.equal(run.info['session-id'], String(b.sessionId));

    expectOk(await a.editConfig(config([iface('eth0', 'A was here')]), { target: 'candidate' }), 'the holder edits');
    const commitBlocked = expectError(await a.commit(), 'A commits while B holds the running lock');
    assertTag(commitBlocked, 'in-use', 'protocol');
    assert.equal(commitBlocked.info['session-id'], String(b.sessionId), 'the commit names the holder of the running lock');
    assert.ok(!(await runningNames(a)).includes('A was here'));
    const unlockOther = expectError(await b.unlock('candidate'), 'B unlocks A\'s lock');
    assertTag(unlockOther, 'operation-failed', 'protocol');
    expectOk(await a.call('discard_changes'), 'A discards');
    expectOk(await a.unlock('candidate'), 'A unlocks');
    expectOk(await b.unlock('running'), 'B unlocks running');
    expectOk(await b.lock('candidate'), 'B may lock the candidate now');
    expectOk(await b.unlock('candidate'), 'B unlocks');
  });

  it('kill-session releases the victim\'s locks and ends its session (netconf-session-end, killed-by)', async function () {
    const [a, b] = await twoSessions();
    expectOk(await b.call('create_subscription'), 'B subscribes');
    expectOk(await a.lock('candidate'), 'A locks candidate');
    expectOk(await a.lock('running'), 'A locks running');
    expectOk(await b.call('kill_session', { sessionId: a.sessionId }), 'B kills A');
    expectOk(await b.lock('candidate'), 'candidate lock free once kill-session answered');
    expectOk(await b.lock('running'), 'running lock free too');
    const afterKill = await a.getConfig('running');
    assert.equal(afterKill.ok, false, `A's session is gone: ${describeResult(afterKill)}`);

    let end: XmlNode | undefined;
    const deadline = Date.now() + 10_000;
    while (end === undefined && Date.now() < deadline) {
      const n = await b.takeNotification(2);
      const content = n?.children.find((c) => c.name === 'netconf-session-end' && c.ns === NCN);
      if (content !== undefined && textAt(content, 'session-id') === String(a.sessionId)) end = content;
    }
    assert.ok(end, 'netconf-session-end for A');
    assert.equal(textAt(end, 'termination-reason'), 'killed');
    assert.equal(textAt(end, 'killed-by'), String(b.sessionId));

    const self = expectError(await b.call('kill_session', { sessionId: b.sessionId }), 'kill-session of oneself');
    assertTag(self, 'invalid-value', 'protocol');
    expectOk(await b.unlock('candidate'), 'unlock');
    expectOk(await b.unlock('running'), 'unlock');
  });

  it('a lock is released when its session\'s connection drops', async function () {
    const [a, b] = await twoSessions();
    expectOk(await a.lock('running'), 'A locks running');
    expectOk(await a.lock('candidate'), 'A locks candidate');
    await a.killClient(); // SIGKILL of the client process: no close-session, the TCP connection just ends
    await eventually('B gets the running lock after A\'s connection dropped', async () => (await b.lock('running')).ok);
    expectOk(await b.lock('candidate'), 'and the candidate lock');
    expectOk(await b.unlock('running'), 'unlock');
    expectOk(await b.unlock('candidate'), 'unlock');
  });

  it('uncommitted changes made under a candidate lock are discarded when the holder\'s session dies', async function () {
    const [a, b] = await twoSessions();
    expectOk(await a.lock('candidate'), 'A locks candidate');
    expectOk(await a.editConfig(config([iface('eth-abandoned', 'never committed')]), { target: 'candidate' }), 'A edits');
    assert.ok(interfaceNames(expectOk(await b.getConfig('candidate'), 'B reads').data).includes('eth-abandoned'));
    await a.killClient();
    await eventually('the candidate lock is free', async () => (await b.lock('candidate')).ok);
    const cand = expectOk(await b.getConfig('candidate'), 'B reads the candidate').data;
    assert.deepEqual(interfaceNames(cand), ['eth0', 'eth1'], 'the abandoned changes are gone');
    expectOk(await b.unlock('candidate'), 'unlock');
  });

  it('the candidate is shared: changes of one session are seen by the other and block its lock', async function () {
    const [a, b] = await twoSessions();
    expectOk(await a.editConfig(config([iface('eth-a', 'from A')]), { target: 'candidate' }), 'A edits without a lock');
    const seen = expectOk(await b.getConfig('candidate'), 'B reads the candidate').data;
    assert.ok(interfaceNames(seen).includes('eth-a'), 'one candidate for all sessions');

    const denied = expectError(await b.lock('candidate'), 'B locks the candidate A modified');
    assertTag(denied, 'lock-denied', 'protocol');
    assert.equal(denied.info['session-id'], String(a.sessionId), 'lock-denied names the session whose changes are pending');
    expectOk(await a.lock('candidate'), 'A may lock: the changes are its own');
    expectOk(await a.unlock('candidate'), 'A unlocks (its uncommitted changes go with the lock)');
    expectOk(await a.editConfig(config([iface('eth-a', 'from A')]), { target: 'candidate' }), 'A edits again');

    expectOk(await b.editConfig(config([iface('eth-b', 'from B')]), { target: 'candidate' }), 'B edits too');
    expectOk(await b.commit(), 'B commits the shared candidate');
    assert.deepEqual(await runningNames(a), ['eth-a', 'eth-b', 'eth0', 'eth1'], 'the commit takes both sessions\' changes');
    expectOk(await b.lock('candidate'), 'after the commit the candidate is clean: B may lock');
    expectOk(await b.unlock('candidate'), 'unlock');
  });

  it('a persistent confirmed commit survives its session and is confirmed from another with persist-id', async function () {
    const [a, b] = await twoSessions();
    expectOk(await a.editConfig(config([iface('eth-p', 'persistent')]), { target: 'candidate' }), 'A edits');
    expectOk(await a.commit({ confirmed: true, timeout: 120, persist: 'handover-1' }), 'A: confirmed commit with persist');
    await a.close();
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok((await runningNames(b)).includes('eth-p'), 'A\'s session ended and the commit is still in place');

    const plain = expectError(await b.commit(), 'B confirms without persist-id');
    assertTag(plain, 'invalid-value', 'protocol');
    assert.equal(plain.info['bad-element'], 'persist-id');
    const wrong = expectError(await b.call('cancel_commit', { persistId: 'handover-2' }), 'B cancels with a wrong persist-id');
    assertTag(wrong, 'invalid-value', 'protocol');
    assert.equal(wrong.info['bad-element'], 'persist-id');

    expectOk(await b.commit({ persistId: 'handover-1' }), 'B confirms with the persist-id');
    assert.ok((await runningNames(b)).includes('eth-p'));
    const none = expectError(await b.call('cancel_commit', { persistId: 'handover-1' }), 'cancel after the confirmation');
    assertTag(none, 'operation-failed', 'protocol');

    // Cancel from another session, with persist-id.
    const c = await open();
    expectOk(await b.editConfig(config([iface('eth-q', 'to be cancelled')]), { target: 'candidate' }), 'B edits');
    expectOk(await b.commit({ confirmed: true, timeout: 120, persist: 'handover-3' }), 'B: persistent confirmed commit');
    expectOk(await c.call('cancel_commit', { persistId: 'handover-3' }), 'C cancels it with the persist-id');
    const names = await runningNames(c);
    assert.ok(!names.includes('eth-q') && names.includes('eth-p'), `cancel-commit restores the previous running: ${names.join(',')}`);
  });

  it('a confirmed commit without persist belongs to its session: others cannot confirm it, and it reverts when the session dies', async function () {
    const [a, b] = await twoSessions();
    expectOk(await a.editConfig(config([iface('eth-t', 'temporary')]), { target: 'candidate' }), 'A edits');
    expectOk(await a.commit({ confirmed: true, timeout: 300 }), 'A: confirmed commit without persist');
    assert.ok((await runningNames(b)).includes('eth-t'));

    const other = expectError(await b.commit(), 'B tries to confirm A\'s commit');
    assertTag(other, 'operation-failed', 'protocol');
    const withId = expectError(await b.commit({ persistId: 'anything' }), 'B gives a persist-id for a non-persistent commit');
    assertTag(withId, 'invalid-value', 'protocol');
    const lockRunning = expectError(await b.lock('running'), 'B locks running during A\'s confirmed commit');
    assertTag(lockRunning, 'lock-denied', 'protocol');
    assert.equal(lockRunning.info['session-id'], String(a.sessionId));

    await a.killClient();
    await eventually('running reverts when the issuing session dies', async () => !(await runningNames(b)).includes('eth-t'));
    assert.deepEqual(await runningNames(b), ['eth0', 'eth1']);
    expectOk(await b.lock('running'), 'and running can be locked again');
    expectOk(await b.unlock('running'), 'unlock');
  });

  it('kill -9 of vrouterd during a pending confirmed commit: after a restart the previous configuration is back', async function () {
    const [a] = await twoSessions();
    const before = expectOk(await a.getConfig('running'), 'running before').data;
    assert.deepEqual(interfaceNames(before), ['eth0', 'eth1']);

    const change = config([iface('eth0', 'changed under probation', '203.0.113.1/24'), iface('eth-crash', 'new')], [['198.18.0.0/15', '192.0.2.1']]);
    expectOk(await a.editConfig(change, { target: 'candidate' }), 'edit');
    expectOk(await a.commit({ confirmed: true, timeout: 600, persist: 'crash-1' }), 'persistent confirmed commit');
    const during = expectOk(await a.getConfig('running'), 'running during').data;
    assert.notDeepEqual(during, before, 'the confirmed commit changed running');
    assert.deepEqual(interfaceNames(during), ['eth-crash', 'eth0', 'eth1']);

    await srv().kill('SIGKILL');
    for (const s of sessions.splice(0)) await s.killClient();
    await srv().restart();

    const c = await open();
    const after = expectOk(await c.getConfig('running'), 'running after the restart').data;
    assert.deepEqual(after, before, 'running is exactly the configuration from before the confirmed commit');
    const cand = expectOk(await c.getConfig('candidate'), 'candidate after the restart').data;
    assert.deepEqual(interfaceNames(cand), ['eth0', 'eth1'], 'the candidate starts from the restored running');
    const gone = expectError(await c.commit({ persistId: 'crash-1' }), 'confirming the reverted commit after the restart');
    assertTag(gone, 'invalid-value', 'protocol');
    assert.equal(gone.info['bad-element'], 'persist-id');
    const history = expectOk(await c.dispatch(`<list-commits xmlns="${VA}"><max-entries>1</max-entries></list-commits>`), 'list-commits after the restart').reply;
    assert.equal(textAt(findAll(history, 'commit')[0], 'session-id'), '0', 'the revert at start-up is recorded as a commit by the agent itself (session-id 0)');
  });

  it('a confirmed commit that was confirmed survives kill -9; one pending at a clean shutdown (SIGTERM) is reverted at the restart', async function () {
    const [a] = await twoSessions();
    expectOk(await a.editConfig(config([iface('eth-kept', 'confirmed before the crash')]), { target: 'candidate' }), 'edit');
    expectOk(await a.commit({ confirmed: true, timeout: 600 }), 'confirmed commit');
    expectOk(await a.commit(), 'confirming commit');
    const confirmed = expectOk(await a.getConfig('running'), 'running once confirmed').data;
    assert.deepEqual(interfaceNames(confirmed), ['eth-kept', 'eth0', 'eth1']);

    await srv().kill('SIGKILL');
    for (const s of sessions.splice(0)) await s.killClient();
    await srv().restart();
    const b = await open();
    assert.deepEqual(expectOk(await b.getConfig('running'), 'running after the restart').data, confirmed,
      'a confirmed commit is not reverted by a restart');

    expectOk(await b.editConfig(config([iface('eth-pending', 'pending at shutdown')]), { target: 'candidate' }), 'edit');
    expectOk(await b.commit({ confirmed: true, timeout: 600, persist: 'shutdown-1' }), 'persistent confirmed commit');
    assert.ok((await runningNames(b)).includes('eth-pending'));
    for (const s of sessions.splice(0)) await s.close();
    assert.equal(await srv().stop(), 0, 'vrouterd exits cleanly on SIGTERM');
    await srv().restart();
    const c = await open();
    assert.deepEqual(expectOk(await c.getConfig('running'), 'running after the clean restart').data, confirmed,
      'the server restores the configuration from before the confirmed commit, whatever stopped it (RFC 6241 §8.4)');
  });
});
