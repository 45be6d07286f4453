// <edit-config> through a NETCONF session: candidate edits and discard-changes, the parameters
// (default-operation, test-option, error-option), errors with their tags and paths, locks, and
// writable running through the commit pipeline.
import assert from 'node:assert/strict';
import type { RawClient } from '../session/harness.js';
import {
  BASE_NS, call, configTree, editRpc, errorOf, errorsOf, IANA_NS, IF_NS, interfaceNames, interfacesXml, isOk, makeWorld, okCall, rpcErrors,
  type World,
} from './datastore-harness.js';

const eth = (name: string, extra = ''): string => interfacesXml({ [name]: extra });
/** The edit-config operation attribute (base namespace). */
const nc = (op: string): string => `xmlns:nc="${BASE_NS}" nc:operation="${op}"`;
/** An interface without its mandatory type: valid per node, invalid as a datastore. */
const untyped = (name: string): string => `<interfaces xmlns="${IF_NS}"><interface><name>${name}</name></interface></interfaces>`;

describe('netconf/operations/edit-config', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  afterEach(async () => {
    await w.close();
  });

  describe('on the candidate', () => {
    beforeEach(async () => {
      w = await makeWorld();
      a = await w.open();
      w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth0: '<description>up</description>' })));
    });

    it('merges into the candidate and leaves running alone; discard-changes brings running back', async () => {
      await okCall(a, editRpc('candidate', eth('eth1')));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth1']);
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth0']);
      assert.ok(w.ds.datastores.candidateModifiedBy().has(a.session.id));
      await okCall(a, '<discard-changes/>');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
      assert.equal(w.ds.datastores.candidateModified, false);
    });

    it('accepts <config> in no namespace, as ncclient and Ansible send it', async () => {
      await okCall(a, `<edit-config><target><candidate/></target><config xmlns="">${eth('eth7')}</config></edit-config>`);
      await okCall(a, `<nc:edit-config xmlns:nc="${BASE_NS}"><nc:target><nc:candidate/></nc:target><config>${eth('eth8')}</config></nc:edit-config>`);
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth7', 'eth8']);
    });

    it('an edit that changes nothing does not mark the candidate modified', async () => {
      await okCall(a, editRpc('candidate', eth('eth0', '<description>up</description>')));
      assert.equal(w.ds.datastores.candidateModified, false);
    });

    it('default-operation replace replaces the whole configuration', async () => {
      await okCall(a, editRpc('candidate', eth('eth9'), '<default-operation>replace</default-operation>'));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth9']);
    });

    it('default-operation none only walks existing data: a missing node is data-missing with its path', async () => {
      const e = await errorOf(a, editRpc('candidate', eth('eth5'), '<default-operation>none</default-operation>'));
      assert.equal(e.tag, 'data-missing');
      assert.equal(e.type, 'application');
      assert.match(e.path ?? '', /interface\[.*name='eth5'\]$/);
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
      // ...while an explicit operation below it works.
      const xml = `<interfaces xmlns="${IF_NS}"><interface><name>eth0</name><description ${nc('replace')}>down</description></interface></interfaces>`;
      await okCall(a, editRpc('candidate', xml, '<default-operation>none</default-operation>'));
      assert.equal((w.json(w.ds.datastores.candidate)['ietf-interfaces:interfaces'] as { interface: { description?: string }[] }).interface[0]?.description, 'down');
    });

    it('create on an existing node → data-exists with error-path; delete of a missing one → data-missing', async () => {
      const create = `<interfaces xmlns="${IF_NS}"><interface ${nc('create')}><name>eth0</name></interface></interfaces>`;
      let e = await errorOf(a, editRpc('candidate', create));
      assert.equal(e.tag, 'data-exists');
      assert.equal(e.path, "/if:interfaces/if:interface[if:name='eth0']");
      assert.match(e.message, /already exists/);
      const del = `<interfaces xmlns="${IF_NS}"><interface ${nc('delete')}><name>nope</name></interface></interfaces>`;
      e = await errorOf(a, editRpc('candidate', del));
      assert.equal(e.tag, 'data-missing');
      assert.match(e.path ?? '', /nope/);
    });

    it('the error-path of a reply declares the prefixes it uses', async () => {
      const create = `<interfaces xmlns="${IF_NS}"><interface ${nc('create')}><name>eth0</name></interface></interfaces>`;
      const reply = await call(a, editRpc('candidate', create));
      const path = reply.child(BASE_NS, 'rpc-error')?.child(BASE_NS, 'error-path');
      assert.equal(path?.resolvePrefix('if'), IF_NS);
    });

    it('stop-on-error and rollback-on-error store nothing of a failing edit', async () => {
      const xml = `<interfaces xmlns="${IF_NS}">`
        + `<interface><name>eth7</name><type xmlns:ianaift="${IANA_NS}">ianaift:ethernetCsmacd</type></interface>`
        + `<interface ${nc('delete')}><name>nope</name></interface></interfaces>`;
      for (const option of ['stop-on-error', 'rollback-on-error']) {
        const e = await errorOf(a, editRpc('candidate', xml, `<error-option>${option}</error-option>`));
        assert.equal(e.tag, 'data-missing');
        assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
      }
      assert.equal(w.ds.datastores.candidateModified, false);
    });

    it('continue-on-error stores what succeeded and answers every error', async () => {
      const xml = `<interfaces xmlns="${IF_NS}">`
        + `<interface ${nc('delete')}><name>nope1</name></interface>`
        + `<interface><name>eth7</name><type xmlns:ianaift="${IANA_NS}">ianaift:ethernetCsmacd</type></interface>`
        + `<interface ${nc('delete')}><name>nope2</name></interface></interfaces>`;
      const errors = await errorsOf(a, editRpc('candidate', xml, '<error-option>continue-on-error</error-option>'));
      assert.deepEqual(errors.map((e) => e.tag), ['data-missing', 'data-missing']);
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth7']);
    });

    it('test-only validates with the YANG engine and stores nothing', async () => {
      const e = await errorOf(a, editRpc('candidate', untyped('eth3'), '<test-option>test-only</test-option>'));
      assert.equal(e.type, 'application');
      assert.equal(e.tag, 'missing-element');
      assert.match(e.path ?? '', /interface\[if:name='eth3'\]/);
      await okCall(a, editRpc('candidate', eth('eth3'), '<test-option>test-only</test-option>'));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
      assert.equal(w.ds.datastores.candidateModified, false);
    });

    it('test-then-set on the candidate leaves datastore-wide constraints to commit / validate (RFC 7950 §8.3.3)', async () => {
      await okCall(a, editRpc('candidate', untyped('eth3')));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth3']);
      const e = await errorOf(a, '<validate><source><candidate/></source></validate>');
      assert.equal(e.tag, 'missing-element');
      // A second edit completes it.
      await okCall(a, editRpc('candidate', eth('eth3')));
      await okCall(a, '<validate><source><candidate/></source></validate>');
    });

    it('content the schema refuses → the codec error with its path', async () => {
      let e = await errorOf(a, editRpc('candidate', `<interfaces xmlns="${IF_NS}"><interface><name>eth0</name><mtu>9000</mtu></interface></interfaces>`));
      assert.equal(e.tag, 'unknown-element');
      assert.equal(e.info['bad-element'], 'mtu');
      e = await errorOf(a, editRpc('candidate', `<interfaces xmlns="${IF_NS}"><interface><name>eth0</name><enabled>maybe</enabled></interface></interfaces>`));
      assert.equal(e.tag, 'invalid-value');
      assert.match(e.path ?? '', /if:enabled$/);
      e = await errorOf(a, editRpc('candidate', `<interfaces xmlns="${IF_NS}"><interface ${nc('frobnicate')}><name>eth0</name></interface></interfaces>`));
      assert.equal(e.tag, 'bad-attribute');
      assert.equal(e.info['bad-attribute'], 'operation');
    });

    it('insert in an ordered-by-user list; a missing anchor → bad-attribute, app-tag missing-instance (RFC 7950 §15.7)', async () => {
      const NACM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';
      const YANG = 'urn:ietf:params:xml:ns:yang:1';
      const ruleList = (name: string, attrs = ''): string => `<nacm xmlns="${NACM}" xmlns:yang="${YANG}" xmlns:n="${NACM}"><rule-list ${attrs}><name>${name}</name></rule-list></nacm>`;
      await okCall(a, editRpc('candidate', ruleList('l1')));
      await okCall(a, editRpc('candidate', ruleList('l0', 'yang:insert="first"')));
      await okCall(a, editRpc('candidate', ruleList('l2', `yang:insert="before" yang:key="[n:name='l1']"`)));
      const lists = (w.json(w.ds.datastores.candidate)['ietf-netconf-acm:nacm'] as { 'rule-list': { name: string }[] })['rule-list'];
      assert.deepEqual(lists.map((l) => l.name), ['l0', 'l2', 'l1']);
      const e = await errorOf(a, editRpc('candidate', ruleList('l3', `yang:insert="after" yang:key="[n:name='nope']"`)));
      assert.equal(e.tag, 'bad-attribute');
      assert.equal(e.appTag, 'missing-instance');
      assert.equal(e.info['bad-attribute'], 'key');
      assert.equal(e.info['bad-element'], 'rule-list');
      assert.match(e.path ?? '', /rule-list\[n\w*:name='l3'\]$/);
    });

    it('an error-option that does not exist → invalid-value', async () => {
      const e = await errorOf(a, editRpc('candidate', eth('eth1'), '<error-option>ignore</error-option>'));
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.info['bad-element'], 'error-option');
    });

    it('parameter errors: default-operation, test-option, missing config, url, startup, running without :writable-running', async () => {
      let e = await errorOf(a, editRpc('candidate', eth('eth1'), '<default-operation>create</default-operation>'));
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.info['bad-element'], 'default-operation');
      e = await errorOf(a, editRpc('candidate', eth('eth1'), '<test-option>maybe</test-option>'));
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.info['bad-element'], 'test-option');
      e = await errorOf(a, '<edit-config><target><candidate/></target></edit-config>');
      assert.equal(e.tag, 'missing-element');
      assert.equal(e.info['bad-element'], 'config');
      e = await errorOf(a, '<edit-config><target><candidate/></target><url>file:///x</url></edit-config>');
      assert.equal(e.tag, 'operation-not-supported');
      e = await errorOf(a, editRpc('startup', eth('eth1')));
      assert.equal(e.tag, 'operation-not-supported');
      assert.match(e.message, /copy-config/);
      e = await errorOf(a, editRpc('running', eth('eth1')));
      assert.equal(e.tag, 'operation-not-supported');
      assert.match(e.message, /writable-running/);
      e = await errorOf(a, `<edit-config><config>${eth('eth1')}</config></edit-config>`);
      assert.equal(e.tag, 'missing-element');
      assert.equal(e.info['bad-element'], 'target');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
    });

    it('a candidate locked by another session → in-use with its session-id', async () => {
      const b = await w.open('bob');
      await okCall(b, '<lock><target><candidate/></target></lock>');
      const e = await errorOf(a, editRpc('candidate', eth('eth1')));
      assert.equal(e.tag, 'in-use');
      assert.equal(e.type, 'protocol');
      assert.equal(e.info['session-id'], String(b.session.id));
      // The holder edits; a test-only by the other writes nothing and is allowed.
      await okCall(b, editRpc('candidate', eth('eth2')));
      await okCall(a, editRpc('candidate', eth('eth1'), '<test-option>test-only</test-option>'));
      const d = await errorOf(a, '<discard-changes/>');
      assert.equal(d.tag, 'in-use');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0', 'eth2']);
    });
  });

  describe('on running with :writable-running', () => {
    beforeEach(async () => {
      w = await makeWorld({ writableRunning: true });
      a = await w.open();
    });

    it('goes through the commit pipeline: validated, persisted, recorded; the candidate follows', async () => {
      await okCall(a, editRpc('running', eth('eth0')));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth0']);
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.candidate)), ['eth0']);
      const [record] = w.ds.history.list();
      assert.equal(record?.operation, 'edit-config');
      assert.equal(record?.sessionId, a.session.id);
      assert.equal(record?.user, 'alice');
      const stored = await w.ds.persistence.loadDatastore('running');
      assert.ok(stored !== undefined);
      assert.deepEqual(interfaceNames(w.json(stored.tree)), ['eth0']);
      assert.equal(stored.lastCommit, record?.id);
    });

    it('an edit that leaves running invalid is refused with libyang\'s path, and nothing changes', async () => {
      await okCall(a, editRpc('running', eth('eth0')));
      const e = await errorOf(a, editRpc('running', untyped('eth1')));
      assert.equal(e.type, 'application');
      assert.equal(e.tag, 'missing-element');
      assert.match(e.path ?? '', /^\/if:interfaces\/if:interface\[if:name='eth1'\]/);
      assert.equal(e.info['bad-element'], 'type');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth0']);
      assert.equal(w.ds.history.size, 1);
    });

    it('test-option set still validates running (its constraints hold after every edit)', async () => {
      const e = await errorOf(a, editRpc('running', untyped('eth1'), '<test-option>set</test-option>'));
      assert.equal(e.tag, 'missing-element');
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), []);
    });

    it('test-only on running validates and commits nothing', async () => {
      await okCall(a, editRpc('running', eth('eth0'), '<test-option>test-only</test-option>'));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), []);
      assert.equal(w.ds.history.size, 0);
    });

    it('an edit that changes nothing makes no commit', async () => {
      await okCall(a, editRpc('running', eth('eth0')));
      await okCall(a, editRpc('running', eth('eth0')));
      assert.equal(w.ds.history.size, 1);
    });

    it('edits of two sessions sent together both land (no lost update)', async () => {
      const b = await w.open('bob');
      const [ra, rb] = await Promise.all([call(a, editRpc('running', eth('eth1'))), call(b, editRpc('running', eth('eth2')))]);
      assert.ok(isOk(ra), JSON.stringify(rpcErrors(ra)));
      assert.ok(isOk(rb), JSON.stringify(rpcErrors(rb)));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth1', 'eth2']);
      assert.equal(w.ds.history.size, 2);
    });

    it('running locked by another session → in-use', async () => {
      const b = await w.open('bob');
      await okCall(b, '<lock><target><running/></target></lock>');
      const e = await errorOf(a, editRpc('running', eth('eth1')));
      assert.equal(e.tag, 'in-use');
      assert.equal(e.info['session-id'], String(b.session.id));
      await okCall(b, editRpc('running', eth('eth2')));
      assert.deepEqual(interfaceNames(w.json(w.ds.datastores.running)), ['eth2']);
    });
  });
});
