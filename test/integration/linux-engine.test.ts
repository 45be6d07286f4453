// The transaction engine seen through NETCONF, against the real kernel (root, namespaces this test
// creates, named vrt-eng-<pid>-…):
//   - <dry-run> answers the ordered plan of the candidate and changes nothing;
//   - a route through an interface that another program has not created yet is pending: the
//     commit succeeds, engine-state shows the items waiting, and the route is in the kernel within
//     a second of the interface appearing (ip monitor → engine); deleting the interface behind
//     vrouterd's back takes them back to pending, re-creating it applies them again;
//   - drift: a route deleted behind vrouterd's back is restored by <resync>, and by the periodic
//     resync (agent/resync/interval) without any request; a route vrouterd did not create is left
//     alone by both;
//   - a confirmed commit pending when vrouterd is killed is reverted at restart, kernel included;
//   - a link whose kind changes (bridge → ifb) is re-created, its address with it;
//   - bad input (a route via an interface of another namespace, a veth whose peer namespace is
//     not managed) is refused with the model's app-tag and the node's path; nothing changes.
import assert from 'node:assert/strict';

import {
  configXml as config, deleteNamespacesWith, ip as runIp, type IpResult, namespacesWith, XML_NS as NS,
} from '../support/kernel.js';
import { requireCommand, requireRoot } from '../support/prerequisites.js';
import {
  describeResult, entryWith, eventually, expectOk, findAll, NcclientSession, requireNcclient, textAt, VrouterdProcess,
  type XmlNode,
} from '../support/vrouterd-process.js';

const PREFIX = `vrt-eng-${process.pid}-`;
const ourNamespaces = (): string[] => namespacesWith(PREFIX);
const ip = (...args: string[]): IpResult => runIp(args);
const R = `${PREFIX}r`;
const ROUTE = '10.20.0.0/16';
const ROUTE_KEY = `linux/${R}/route/254/10.20.0.0%2F16/0`;
const LINK_KEY = `linux/${R}/link/ext0`;
const DEVICE_KEY = `linux/${R}/device/ext0`;
const RESYNC_SECONDS = 2;
// Kernel names are at most 15 characters.
const FAR = `vf${process.pid % 100000}`;

function mustIp(...args: string[]): void {
  const r = ip(...args);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

function hasRoute(prefix: string): boolean {
  const r = ip('-n', R, '-json', 'route', 'show', prefix);
  return r.status === 0 && (JSON.parse(r.stdout === '' ? '[]' : r.stdout) as unknown[]).length > 0;
}

/** IPv4 routes of every table and link names of the router (IPv6 local routes come and go with DAD). */
function routerState(): string {
  const links = JSON.parse(ip('-n', R, '-json', 'link', 'show').stdout) as { ifname: string }[];
  return ip('-n', R, '-4', '-json', 'route', 'show', 'table', 'all').stdout + links.map((l) => l.ifname).sort().join(',');
}

// ext0 is an existing device (ethernetCsmacd): vrouterd configures it but never creates it.
const CONFIG = config(
  `<namespaces xmlns="${NS.vl}"><namespace><name>${R}</name></namespace></namespaces>`,
  `<interfaces xmlns="${NS.if}"><interface><name>ext0</name><type xmlns:ianaift="${NS.ianaift}">ianaift:ethernetCsmacd</type>`
    + `<linux xmlns="${NS.vl}"><namespace>${R}</namespace></linux>`
    + `<ipv4 xmlns="${NS.ip}"><address><ip>198.18.0.1</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces>`,
  `<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols><rt:control-plane-protocol><rt:type>rt:static</rt:type>`
    + `<rt:name>r</rt:name><linux xmlns="${NS.vl}"><namespace>${R}</namespace></linux><rt:static-routes><ipv4 xmlns="${NS.v4ur}">`
    + `<route><destination-prefix>${ROUTE}</destination-prefix><next-hop><outgoing-interface>ext0</outgoing-interface>`
    + '<next-hop-address>198.18.0.2</next-hop-address></next-hop></route>'
    + '</ipv4></rt:static-routes></rt:control-plane-protocol></rt:control-plane-protocols></rt:routing>',
);

const REMOVE = config(
  `<namespaces xmlns="${NS.vl}" nc:operation="remove"/>`,
  `<interfaces xmlns="${NS.if}" nc:operation="remove"/>`,
  `<rt:routing xmlns:rt="${NS.rt}" nc:operation="remove"/>`,
);

describe('the transaction engine through NETCONF (root, network namespaces)', function () {
  this.timeout(120_000);
  let server: VrouterdProcess | undefined;
  let nc: NcclientSession | undefined;

  const session = (): NcclientSession => {
    if (nc === undefined) throw new Error('no NETCONF session');
    return nc;
  };

  async function engineState(): Promise<XmlNode | undefined> {
    const r = expectOk(await session().get({ filter: { type: 'subtree', xml: `<engine-state xmlns="${NS.va}"/>` } }), 'get engine-state');
    return findAll(r.data, 'engine-state')[0];
  }

  async function item(key: string): Promise<XmlNode | undefined> {
    return entryWith(findAll(await engineState(), 'item'), 'key', key);
  }

  function waitingFor(entry: XmlNode | undefined): string[] {
    return findAll(entry, 'waiting-for').map((n) => n.text ?? '').sort();
  }

  before(async function () {
    requireRoot('vrouterd creates network namespaces, links, addresses and routes');
    requireCommand('ip', 'iproute2');
    requireNcclient();
    deleteNamespacesWith(PREFIX);
    server = await VrouterdProcess.start({ agentConfig: { 'vrouter-agent:agent': { resync: { interval: RESYNC_SECONDS } } } });
    nc = await NcclientSession.open(server.credentials);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server !== undefined) {
      console.error(`--- vrouterd log tail (${this.currentTest.title}):\n${server.logTail(40)}`);
    }
  });

  after(async function () {
    try {
      await nc?.close();
      await server?.cleanup();
    } finally {
      deleteNamespacesWith(PREFIX);
    }
    assert.deepEqual(ourNamespaces(), [], 'no namespace of this test is left');
  });

  it('dry-run answers the ordered plan of the candidate and changes nothing', async function () {
    expectOk(await session().editConfig(CONFIG), 'edit-config');
    const r = expectOk(await session().dispatch(`<dry-run xmlns="${NS.va}"/>`), 'dry-run');
    const reply = r.reply;
    const ops = findAll(reply, 'operation');
    assert.deepEqual(ops.map((o) => [textAt(o, 'operation'), textAt(o, 'key')]), [['create', `linux/netns/${R}`]],
      'only the namespace can be created now: the rest waits for ext0');
    assert.equal(textAt(ops[0], 'backend'), 'va:linux');
    assert.match(textAt(ops[0], 'yang-path') ?? '', /vrouter-linux:namespaces\/namespace\[name='vrt-eng-/u);
    const pending = findAll(reply, 'pending');
    assert.deepEqual(waitingFor(entryWith(pending, 'key', LINK_KEY)), [DEVICE_KEY]);
    assert.deepEqual(waitingFor(entryWith(pending, 'key', ROUTE_KEY)), [LINK_KEY]);
    assert.deepEqual(ourNamespaces(), [], 'dry-run created nothing');
  });

  it('a route through an interface that does not exist yet is pending, and in the kernel within a second of the interface appearing', async function () {
    const committed = await session().commit();
    assert.ok(committed.ok, `commit: ${describeResult(committed)}`);
    assert.deepEqual(ourNamespaces(), [R]);
    assert.equal(hasRoute(ROUTE), false);

    const route = await item(ROUTE_KEY);
    assert.equal(textAt(route, 'state'), 'pending', `engine-state items: ${findAll(await engineState(), 'item').map((i) => `${textAt(i, 'key')}=${textAt(i, 'state')}`).join(', ')}`);
    assert.deepEqual(waitingFor(route), [LINK_KEY]);
    assert.match(textAt(route, 'yang-path') ?? '', /static-routes\/ietf-ipv4-unicast-routing:ipv4\/route\[destination-prefix='10\.20\.0\.0\/16'\]/u);
    const link = await item(LINK_KEY);
    assert.equal(textAt(link, 'state'), 'pending');
    assert.deepEqual(waitingFor(link), [DEVICE_KEY]);
    assert.equal(textAt(await item(`linux/netns/${R}`), 'state'), 'applied');

    // Another program creates the interface.
    mustIp('-n', R, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'ext0p');
    mustIp('-n', R, 'link', 'set', 'ext0p', 'up');
    const appeared = Date.now();
    while (!hasRoute(ROUTE) && Date.now() - appeared < 5_000) await new Promise((r) => setTimeout(r, 10));
    const tookMs = Date.now() - appeared;
    assert.ok(hasRoute(ROUTE), 'the route was applied');
    assert.ok(tookMs < 1_000, `the route was in the kernel ${tookMs} ms after the interface appeared (limit 1000)`);

    assert.equal(textAt(await item(ROUTE_KEY), 'state'), 'applied');
    assert.equal(textAt(await item(LINK_KEY), 'state'), 'applied');
    const event = findAll(await engineState(), 'transaction').find((t) => textAt(t, 'origin') === 'event');
    assert.ok(event !== undefined, 'an event transaction applied the waiting items');
    const created = findAll(event, 'operation').filter((o) => textAt(o, 'result') === 'ok').map((o) => textAt(o, 'key'));
    assert.ok(created.includes(ROUTE_KEY), `the event created the route: ${created.join(', ')}`);
    const durations = findAll(event, 'operation').map((o) => textAt(o, 'duration'));
    assert.ok(durations.every((d) => d !== undefined && /^\d+(\.\d{1,3})?$/u.test(d)), `per-operation durations in ms: ${durations.join(', ')}`);
  });

  it('the interface deleted behind vrouterd\'s back takes its items back to pending; re-created, they are applied again', async function () {
    mustIp('-n', R, 'link', 'del', 'ext0');
    await eventually('the route is pending again', async () => textAt(await item(ROUTE_KEY), 'state') === 'pending', 3_000, 50);
    mustIp('-n', R, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'ext0p');
    mustIp('-n', R, 'link', 'set', 'ext0p', 'up');
    await eventually('the route is back in the kernel', () => Promise.resolve(hasRoute(ROUTE)), 3_000, 20);
    assert.equal(textAt(await item(ROUTE_KEY), 'state'), 'applied');
  });

  it('resync restores a route deleted behind vrouterd\'s back and leaves a foreign route alone', async function () {
    mustIp('-n', R, 'route', 'add', '10.99.0.0/16', 'via', '198.18.0.3', 'dev', 'ext0');
    mustIp('-n', R, 'route', 'del', ROUTE);
    assert.equal(hasRoute(ROUTE), false);
    const r = expectOk(await session().dispatch(`<va:resync xmlns:va="${NS.va}"><va:backends>va:linux</va:backends></va:resync>`), 'resync');
    const backend = findAll(r.reply, 'backend')[0];
    assert.equal(textAt(backend, 'name'), 'va:linux');
    assert.equal(textAt(backend, 'result'), 'ok');
    assert.ok(hasRoute(ROUTE), 'the route is back');
    assert.ok(hasRoute('10.99.0.0/16'), 'the route vrouterd did not create is still there');
    const repaired = findAll(await engineState(), 'transaction')
      .filter((t) => textAt(t, 'origin') === 'resync')
      .flatMap((t) => findAll(t, 'operation').map((o) => [textAt(o, 'operation'), textAt(o, 'key'), textAt(o, 'result')]));
    assert.ok(repaired.some(([op, key, result]) => op === 'create' && key === ROUTE_KEY && result === 'ok'),
      `a resync transaction re-created the route: ${JSON.stringify(repaired)}`);
  });

  it('an unknown backend in resync is invalid-value', async function () {
    const r = await session().dispatch(`<va:resync xmlns:va="${NS.va}"><va:backends>va:vpp</va:backends></va:resync>`);
    assert.equal(r.ok, false);
    const e = r.errors?.[0];
    assert.equal(e?.tag, 'invalid-value');
    assert.match(e?.message ?? '', /no backend vpp to resync \(running: linux\)/u);
  });

  it(`the periodic resync (every ${RESYNC_SECONDS} s) restores drift without a request`, async function () {
    mustIp('-n', R, 'route', 'del', ROUTE);
    await eventually('the periodic resync put the route back', () => Promise.resolve(hasRoute(ROUTE)), (RESYNC_SECONDS + 3) * 1000, 50);
    assert.ok(hasRoute('10.99.0.0/16'), 'the foreign route is still there');
  });

  it('bad input: a route via an interface of another namespace, a veth whose peer namespace is not managed — precise rpc-errors, nothing applied', async function () {
    const kernelBefore = routerState();
    const runningBefore = JSON.stringify(expectOk(await session().getConfig('running'), 'get-config').data);
    const otherNs = config(`<interfaces xmlns="${NS.if}"><interface><name>far0</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
      + `<linux xmlns="${NS.vl}"><kernel-name>${FAR}a</kernel-name><veth><peer>far1</peer></veth></linux></interface>`
      + `<interface><name>far1</name><type xmlns:vl="${NS.vl}">vl:veth</type><linux xmlns="${NS.vl}"><kernel-name>${FAR}b</kernel-name>`
      + '<veth><peer>far0</peer></veth></linux></interface></interfaces>',
    `<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols><rt:control-plane-protocol><rt:type>rt:static</rt:type>`
      + `<rt:name>r</rt:name><rt:static-routes><ipv4 xmlns="${NS.v4ur}"><route><destination-prefix>10.30.0.0/16</destination-prefix>`
      + '<next-hop><outgoing-interface>far0</outgoing-interface></next-hop></route></ipv4></rt:static-routes>'
      + '</rt:control-plane-protocol></rt:control-plane-protocols></rt:routing>');
    expectOk(await session().editConfig(otherNs), 'edit-config of a route via the default namespace\'s far0');
    let r = await session().commit();
    assert.equal(r.ok, false, 'the commit is refused');
    let e = r.errors?.[0];
    assert.equal(e?.type, 'application');
    // The model's must on the instance's linux node catches it before any backend is asked.
    assert.equal(e?.appTag, 'route-interface-in-other-namespace', describeResult(r));
    assert.match(e?.path ?? '', /control-plane-protocol\[.*rt:name='r'\]\/vl:linux$/u, `error-path names the instance: ${e?.path}`);
    assert.match(e?.message ?? '', /not a Linux interface in the instance's namespace/u, `the message says why: ${e?.message}`);
    expectOk(await session().call('discard_changes'), 'discard-changes');

    const missingPeerNs = config(`<interfaces xmlns="${NS.if}"><interface><name>p0</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
      + `<linux xmlns="${NS.vl}"><namespace>${R}</namespace><kernel-name>p0</kernel-name><veth><peer>p1</peer></veth></linux></interface>`
      + `<interface><name>p1</name><type xmlns:vl="${NS.vl}">vl:veth</type><linux xmlns="${NS.vl}"><namespace>${PREFIX}nowhere</namespace>`
      + '<kernel-name>p1</kernel-name><veth><peer>p0</peer></veth></linux></interface></interfaces>');
    expectOk(await session().editConfig(missingPeerNs), 'edit-config of a veth whose peer namespace is not managed');
    r = await session().commit();
    e = r.errors?.[0];
    assert.equal(e?.tag, 'operation-failed', describeResult(r));
    assert.equal(e?.appTag, 'unknown-namespace');
    assert.match(e?.path ?? '', /interface\[.*name='p1'\]\/.*linux\/.*namespace/u, `error-path names the peer's namespace leaf: ${e?.path}`);
    expectOk(await session().call('discard_changes'), 'discard-changes');

    assert.equal(JSON.stringify(expectOk(await session().getConfig('running'), 'get-config').data), runningBefore, 'running unchanged');
    assert.equal(routerState(), kernelBefore, 'the router namespace is unchanged');
    assert.equal(ip('link', 'show', 'dev', `${FAR}a`).status, 1, 'nothing was created in the default namespace');
  });

  it('a link whose kind changes is re-created with its address in one commit', async function () {
    const k0 = (type: string): string => config(`<interfaces xmlns="${NS.if}"><interface><name>k0</name>${type}`
      + `<linux xmlns="${NS.vl}"><namespace>${R}</namespace></linux>`
      + `<ipv4 xmlns="${NS.ip}"><address><ip>198.19.0.1</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces>`);
    const kindOf = (): string | undefined => {
      const r = ip('-n', R, '-d', '-json', 'addr', 'show', 'dev', 'k0');
      if (r.status !== 0) return undefined;
      const [l] = JSON.parse(r.stdout) as { linkinfo?: { info_kind?: string }; addr_info: { local: string }[] }[];
      return `${l?.linkinfo?.info_kind ?? '?'} ${l?.addr_info.map((a) => a.local).filter((a) => a.startsWith('198.19.')).join(',') ?? ''}`;
    };
    expectOk(await session().editConfig(k0(`<type xmlns:ianaift="${NS.ianaift}">ianaift:bridge</type>`)), 'edit-config bridge k0');
    let r = await session().commit();
    assert.ok(r.ok, `commit of the bridge: ${describeResult(r)}`);
    assert.equal(kindOf(), 'bridge 198.19.0.1');
    expectOk(await session().editConfig(k0(`<type xmlns:vl="${NS.vl}">vl:ifb</type>`)), 'edit-config ifb k0');
    r = await session().commit();
    assert.ok(r.ok, `commit of the kind change: ${describeResult(r)}`);
    assert.equal(kindOf(), 'ifb 198.19.0.1');
    const last = findAll(await engineState(), 'transaction').filter((t) => textAt(t, 'origin') === 'commit').pop();
    assert.deepEqual(findAll(last, 'operation').map((o) => `${textAt(o, 'operation')} ${textAt(o, 'key')?.replace(`linux/${R}/`, '')}`), [
      'delete address/k0/198.19.0.1/24', 'delete link/k0', 'create link/k0', 'create address/k0/198.19.0.1/24',
    ]);
  });

  it('a confirmed commit pending when vrouterd is killed is reverted at restart, in the kernel too', async function () {
    const extra = config(`<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols><rt:control-plane-protocol><rt:type>rt:static</rt:type>`
      + `<rt:name>r</rt:name><rt:static-routes><ipv4 xmlns="${NS.v4ur}"><route><destination-prefix>10.40.0.0/16</destination-prefix>`
      + '<next-hop><outgoing-interface>ext0</outgoing-interface><next-hop-address>198.18.0.2</next-hop-address></next-hop></route>'
      + '</ipv4></rt:static-routes></rt:control-plane-protocol></rt:control-plane-protocols></rt:routing>');
    expectOk(await session().editConfig(extra), 'edit-config of a route on trial');
    const r = await session().commit({ confirmed: true, timeout: 600, persist: 'trial' });
    assert.ok(r.ok, `confirmed commit: ${describeResult(r)}`);
    assert.ok(hasRoute('10.40.0.0/16'), 'the route on trial is in the kernel');
    if (server === undefined) throw new Error('no vrouterd');
    await server.kill('SIGKILL');
    await nc?.killClient();
    nc = undefined;
    await server.restart();
    nc = await NcclientSession.open(server.credentials);
    // The revert runs while the datastores load, before the backend's start(): it must plan
    // against what the kernel holds.
    assert.equal(hasRoute('10.40.0.0/16'), false, 'the route on trial is gone with the revert');
    assert.ok(hasRoute(ROUTE), 'the committed route is still there');
    assert.equal(textAt(await item(ROUTE_KEY), 'state'), 'applied');
    assert.equal(await item('linux/' + R + '/route/254/10.40.0.0%2F16/0'), undefined);
  });

  it('removing the configuration removes the namespace; engine-state forgets the items', async function () {
    expectOk(await session().editConfig(REMOVE), 'edit-config remove');
    const committed = await session().commit();
    assert.ok(committed.ok, `commit of the removal: ${describeResult(committed)}`);
    assert.deepEqual(ourNamespaces(), []);
    assert.equal(await item(ROUTE_KEY), undefined);
  });
});
