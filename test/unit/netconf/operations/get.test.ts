// <get> through a NETCONF session: running's configuration plus the state data (netconf
// monitoring, YANG library in both forms, agent state), filters and with-defaults over both.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { toFilterElements, type FilterSpec } from '../../../../src/netconf/operations/filter-param.js';
import { stateTrees } from '../../../../src/netconf/operations/state-data.js';
import type { RawClient } from '../session/harness.js';
import { parseXml } from '../session/harness.js';
import {
  AGENT_NS, configTree, dataInterfaceNames, dataOf, errorOf, find, findAll, IF_NS, interfacesXml, makeWorld, MON_NS, okCall, WD_NS,
  YANGLIB_NS, type World,
} from './datastore-harness.js';

const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('netconf/operations/get', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open();
    w.ds.datastores.runningReplaced(configTree(w.schema, interfacesXml({ eth0: '', eth1: '<enabled>false</enabled>' })));
  });
  afterEach(async () => {
    await w.close();
  });

  it('without a filter returns the configuration, netconf-state, yang-library, modules-state and agent-state', async () => {
    const data = await dataOf(a, '<get/>');
    const tops = data.children.map((c) => `${c.namespace} ${c.name}`).sort();
    assert.deepEqual(tops, [
      `${IF_NS} interfaces`,
      `${MON_NS} netconf-state`,
      `${YANGLIB_NS} modules-state`,
      `${YANGLIB_NS} yang-library`,
      `${AGENT_NS} agent-state`,
    ].sort());
    assert.deepEqual(dataInterfaceNames(data), ['eth0', 'eth1']);
    // netconf-state: this session, the datastores, the schemas.
    const sessions = findAll(data, 'session', MON_NS).map((s) => s.child(MON_NS, 'session-id')?.text);
    assert.ok(sessions.includes(String(a.session.id)));
    assert.deepEqual(findAll(data, 'datastore', MON_NS).map((d) => d.child(MON_NS, 'name')?.text).sort(), ['candidate', 'running', 'startup']);
    // yang-library: a module set listing ietf-interfaces; modules-state: the same with conformance.
    const lib = find(data, 'yang-library', YANGLIB_NS);
    assert.ok(lib !== undefined);
    const libModules = findAll(lib, 'module', YANGLIB_NS).map((m) => m.child(YANGLIB_NS, 'name')?.text);
    assert.ok(libModules.includes('ietf-interfaces'));
    assert.ok(libModules.includes('vrouter-agent'));
    const contentId = lib.child(YANGLIB_NS, 'content-id')?.text;
    assert.ok(contentId !== undefined && contentId !== '');
    const ms = find(data, 'modules-state', YANGLIB_NS);
    assert.ok(ms !== undefined);
    assert.ok(ms.child(YANGLIB_NS, 'module-set-id')?.text !== undefined);
    assert.ok(findAll(ms, 'module', YANGLIB_NS).some((m) => m.child(YANGLIB_NS, 'name')?.text === 'ietf-ip'));
    // agent-state.
    const agent = find(data, 'agent-state', AGENT_NS);
    assert.ok(agent !== undefined);
    assert.equal(agent.child(AGENT_NS, 'version')?.text, pkg.version);
    assert.equal(agent.child(AGENT_NS, 'module-set-id')?.text, contentId);
    assert.match(agent.child(AGENT_NS, 'yang-engine')?.text ?? '', /^libyang \d+\.\d+/);
    const started = Date.parse(agent.child(AGENT_NS, 'start-time')?.text ?? '');
    assert.ok(Number.isFinite(started) && started <= Date.now());
  });

  it('a subtree filter for agent-state returns only it', async () => {
    const data = await dataOf(a, `<get><filter type="subtree"><agent-state xmlns="${AGENT_NS}"/></filter></get>`);
    assert.deepEqual(data.children.map((c) => c.name), ['agent-state']);
    assert.equal(find(data, 'version', AGENT_NS)?.text, pkg.version);
  });

  it('a subtree filter for configuration does not return state', async () => {
    const data = await dataOf(a, `<get><filter type="subtree"><interfaces xmlns="${IF_NS}"><interface><name>eth1</name></interface></interfaces></filter></get>`);
    assert.deepEqual(data.children.map((c) => c.name), ['interfaces']);
    assert.deepEqual(dataInterfaceNames(data), ['eth1']);
  });

  it('monitoring shows the locks; an xpath filter selects them', async () => {
    const b = await w.open('bob');
    await okCall(b, '<lock><target><running/></target></lock>');
    const filter = `<filter xmlns:ncm="${MON_NS}" type="xpath" select="/ncm:netconf-state/ncm:datastores/ncm:datastore[ncm:name='running']"/>`;
    const data = await dataOf(a, `<get>${filter}</get>`);
    assert.deepEqual(data.children.map((c) => c.name), ['netconf-state']);
    const ds = findAll(data, 'datastore', MON_NS);
    assert.equal(ds.length, 1);
    assert.equal(find(data, 'locked-by-session', MON_NS)?.text, String(b.session.id));
    assert.ok(find(data, 'locked-time', MON_NS) !== undefined);
  });

  it('an xpath filter with // reaches into every state tree', async () => {
    const data = await dataOf(a, `<get><filter xmlns:va="${AGENT_NS}" type="xpath" select="//va:version"/></get>`);
    assert.deepEqual(data.children.map((c) => c.name), ['agent-state']);
    assert.equal(find(data, 'version', AGENT_NS)?.text, pkg.version);
  });

  it('with-defaults applies to get too', async () => {
    const filter = `<filter type="subtree"><interfaces xmlns="${IF_NS}"/></filter>`;
    let data = await dataOf(a, `<get>${filter}</get>`);
    assert.equal(findAll(data, 'enabled', IF_NS).length, 1);
    data = await dataOf(a, `<get>${filter}<with-defaults xmlns="${WD_NS}">report-all</with-defaults></get>`);
    assert.deepEqual(findAll(data, 'enabled', IF_NS).map((e) => e.text).sort(), ['false', 'true']);
  });

  it('refuses parameters get does not have', async () => {
    const e = await errorOf(a, '<get><source><running/></source></get>');
    assert.equal(e.tag, 'unknown-element');
    assert.equal(e.info['bad-element'], 'source');
  });

  describe('state built only where the filter can select', () => {
    const subtree = (xml: string): FilterSpec => ({ kind: 'subtree', elements: toFilterElements(parseXml(`<filter>${xml}</filter>`)) });
    const xpath = (select: string): FilterSpec => ({ kind: 'xpath', select, nsInScope: () => undefined });
    const built = (filter: FilterSpec | undefined): string[] =>
      stateTrees(w.core.services, filter).flatMap((t) => [...t.root.childNodes()].map((n) => n.schema.name)).sort();

    it('no filter: every source', () => {
      assert.deepEqual(built(undefined), ['agent-state', 'modules-state', 'netconf-state', 'yang-library']);
    });

    it('subtree filters: exactly the named top-level nodes (a namespace-less element matches any module)', () => {
      assert.deepEqual(built(subtree(`<interfaces xmlns="${IF_NS}"/>`)), []);
      assert.deepEqual(built(subtree(`<modules-state xmlns="${YANGLIB_NS}"/>`)), ['modules-state']);
      assert.deepEqual(built(subtree('<agent-state xmlns=""/>')), ['agent-state']);
      assert.deepEqual(built(subtree(`<agent-state xmlns="${IF_NS}"/>`)), []);
    });

    it('xpath filters: by name, and everything when the expression can reach anywhere', () => {
      assert.deepEqual(built(xpath('/if:interfaces')), []);
      assert.deepEqual(built(xpath('/ncm:netconf-state/ncm:sessions')), ['netconf-state']);
      assert.deepEqual(built(xpath('//x:name')), ['agent-state', 'modules-state', 'netconf-state', 'yang-library']);
      assert.deepEqual(built(xpath('/*')), ['agent-state', 'modules-state', 'netconf-state', 'yang-library']);
    });
  });
});
