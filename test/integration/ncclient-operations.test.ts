// Every NETCONF operation of vrouterd through the real python3-ncclient, with realistic
// ietf-interfaces / ietf-ip and ietf-routing static-route data: edit-config (merge, replace,
// create, delete, remove, default-operation, test-option, error-option), get-config and get with
// subtree / XPath filters and with-defaults, copy-config, delete-config, lock / unlock, validate,
// discard-changes, commit and confirmed commit 1.1, cancel-commit, the vrouter-agent rpcs
// list-commits and rollback, get-schema, and netconf-config-change / netconf-confirmed-commit
// notifications. Every rpc-error is checked field by field as ncclient's RPCError shows it.
// One vrouterd for the file; each test starts from a known committed configuration.
import assert from 'node:assert/strict';
import {
  childrenNamed, describeResult, entryWith, eventually, expectError, expectOk, findAll, findPath, NcclientSession,
  requireNcclient, textAt, VrouterdProcess, type NcError, type NcResult, type XmlNode,
} from '../support/vrouterd-process.js';

const NS = {
  nc: 'urn:ietf:params:xml:ns:netconf:base:1.0',
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ianaift: 'urn:ietf:params:xml:ns:yang:iana-if-type',
  ip: 'urn:ietf:params:xml:ns:yang:ietf-ip',
  rt: 'urn:ietf:params:xml:ns:yang:ietf-routing',
  v4ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing',
  va: 'urn:vrouterd:params:xml:ns:yang:vrouter-agent',
  ncm: 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring',
  ncn: 'urn:ietf:params:xml:ns:yang:ietf-netconf-notifications',
  wd: 'urn:ietf:params:xml:ns:netconf:default:1.0',
} as const;

const MODULE_OF_NS: Record<string, string> = {
  [NS.if]: 'ietf-interfaces', [NS.ip]: 'ietf-ip', [NS.rt]: 'ietf-routing', [NS.v4ur]: 'ietf-ipv4-unicast-routing',
  [NS.ianaift]: 'iana-if-type', [NS.va]: 'vrouter-agent',
};

// ---- configuration builders ---------------------------------------------------------------------

interface Iface {
  name: string;
  /** nc:operation on the interface entry. */
  op?: string;
  description?: string;
  /** iana-if-type identity; default ethernetCsmacd; null: no <type> at all (invalid). */
  type?: string | null;
  enabled?: boolean;
  mtu?: number;
  addresses?: readonly string[];
  /** nc:operation on <ipv4>. */
  ipv4Op?: string;
}

const opAttr = (op: string | undefined): string => (op === undefined ? '' : ` nc:operation="${op}"`);

function ifaceXml(i: Iface): string {
  let x = `<interface${opAttr(i.op)}><name>${i.name}</name>`;
  if (i.description !== undefined) x += `<description>${i.description}</description>`;
  if (i.type !== null) x += `<type xmlns:ianaift="${NS.ianaift}">ianaift:${i.type ?? 'ethernetCsmacd'}</type>`;
  if (i.enabled !== undefined) x += `<enabled>${i.enabled}</enabled>`;
  if (i.mtu !== undefined || i.addresses !== undefined || i.ipv4Op !== undefined) {
    x += `<ipv4 xmlns="${NS.ip}"${opAttr(i.ipv4Op)}>`;
    if (i.mtu !== undefined) x += `<mtu>${i.mtu}</mtu>`;
    for (const a of i.addresses ?? []) {
      const [ip, len] = a.split('/');
      x += `<address><ip>${ip}</ip><prefix-length>${len}</prefix-length></address>`;
    }
    x += '</ipv4>';
  }
  return `${x}</interface>`;
}

interface Route {
  prefix: string;
  /** undefined: no <next-hop> at all (the mandatory choice is missing). */
  nextHop?: string;
  op?: string;
  description?: string;
}

function routeXml(r: Route): string {
  let x = `<route${opAttr(r.op)}><destination-prefix>${r.prefix}</destination-prefix>`;
  if (r.description !== undefined) x += `<description>${r.description}</description>`;
  if (r.nextHop !== undefined) x += `<next-hop><next-hop-address>${r.nextHop}</next-hop-address></next-hop>`;
  return `${x}</route>`;
}

const interfacesXml = (...ifaces: Iface[]): string => `<interfaces xmlns="${NS.if}">${ifaces.map(ifaceXml).join('')}</interfaces>`;

// ietf-routing elements carry the rt prefix: the identity value rt:static needs it in scope, and
// lxml (under ncclient) drops an xmlns:rt declaration whose namespace is also the default namespace.
const routesXml = (...routes: Route[]): string =>
  `<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols><rt:control-plane-protocol>`
  + '<rt:type>rt:static</rt:type><rt:name>static-routes</rt:name>'
  + `<rt:static-routes><ipv4 xmlns="${NS.v4ur}">${routes.map(routeXml).join('')}</ipv4></rt:static-routes>`
  + '</rt:control-plane-protocol></rt:control-plane-protocols></rt:routing>';

const config = (...parts: string[]): string => `<config xmlns="${NS.nc}" xmlns:nc="${NS.nc}">${parts.join('')}</config>`;

const BASELINE_IFACES: Iface[] = [
  { name: 'eth0', description: 'uplink', enabled: true, mtu: 1500, addresses: ['192.0.2.1/24'] },
  { name: 'eth1', description: 'lan', addresses: ['198.51.100.1/24'] },
];
const BASELINE_ROUTES: Route[] = [
  { prefix: '0.0.0.0/0', nextHop: '192.0.2.254', description: 'default' },
  { prefix: '203.0.113.0/24', nextHop: '198.51.100.254' },
];
const BASELINE = config(interfacesXml(...BASELINE_IFACES), routesXml(...BASELINE_ROUTES));

// ---- reading configurations -----------------------------------------------------------------------

interface IfaceView {
  description?: string;
  type?: string;
  enabled?: string;
  mtu?: string;
  addresses: string[];
}

function interfacesOf(data: XmlNode | null | undefined): Map<string, IfaceView> {
  const out = new Map<string, IfaceView>();
  for (const i of findAll(data, 'interfaces', 'interface')) {
    const v: IfaceView = {
      addresses: findAll(i, 'ipv4', 'address').map((a) => `${textAt(a, 'ip')}/${textAt(a, 'prefix-length')}`),
    };
    const d = textAt(i, 'description');
    if (d !== undefined) v.description = d;
    const t = findPath(i, 'type');
    if (t !== undefined) v.type = t.qname ?? t.text ?? '';
    const e = textAt(i, 'enabled');
    if (e !== undefined) v.enabled = e;
    const m = textAt(i, 'ipv4', 'mtu');
    if (m !== undefined) v.mtu = m;
    out.set(textAt(i, 'name') ?? '?', v);
  }
  return out;
}

function routesOf(data: XmlNode | null | undefined): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const routes = findAll(data, 'routing', 'control-plane-protocols', 'control-plane-protocol', 'static-routes', 'ipv4', 'route');
  for (const r of routes) out.set(textAt(r, 'destination-prefix') ?? '?', textAt(r, 'next-hop', 'next-hop-address'));
  return out;
}

const ETHERNET = `{${NS.ianaift}}ethernetCsmacd`;

/** error-path with each prefix replaced by its module name (prefixes are the server's choice). */
function modulePath(e: NcError): string {
  assert.ok(e.path !== null, `the rpc-error has no error-path: ${JSON.stringify(e)}`);
  return e.path.replace(/([A-Za-z_][\w.-]*):(?=[A-Za-z_])/g, (whole, prefix: string) => {
    const ns = e.pathNamespaces[prefix];
    const module = ns === undefined ? undefined : MODULE_OF_NS[ns];
    return module === undefined ? whole : `${module}:`;
  });
}

const IFACE_PATH = (name: string): string => `/ietf-interfaces:interfaces/ietf-interfaces:interface[ietf-interfaces:name='${name}']`;
const ROUTE_PATH = (prefix: string): string => '/ietf-routing:routing/ietf-routing:control-plane-protocols'
  + "/ietf-routing:control-plane-protocol[ietf-routing:type='ietf-routing:static'][ietf-routing:name='static-routes']"
  + `/ietf-routing:static-routes/ietf-ipv4-unicast-routing:ipv4/ietf-ipv4-unicast-routing:route[ietf-ipv4-unicast-routing:destination-prefix='${prefix}']`;

/** Checks the common fields of an rpc-error. */
function assertError(e: NcError, expected: { tag: string; type: string; path?: string; message?: RegExp; appTag?: string }): void {
  const where = JSON.stringify(e);
  assert.equal(e.tag, expected.tag, where);
  assert.equal(e.type, expected.type, where);
  assert.equal(e.severity, 'error', where);
  if (expected.path !== undefined) assert.equal(modulePath(e), expected.path, where);
  if (expected.message !== undefined) assert.match(e.message ?? '', expected.message, where);
  if (expected.appTag !== undefined) assert.equal(e.appTag, expected.appTag, where);
  assert.ok((e.message ?? '').length > 10, `an error-message a person can act on: ${where}`);
}

// ---------------------------------------------------------------------------------------------------

describe('ncclient: every NETCONF operation against vrouterd', function () {
  this.timeout(60_000);
  let server: VrouterdProcess | undefined;
  let nc: NcclientSession;
  const extraSessions: NcclientSession[] = [];

  const srv = (): VrouterdProcess => {
    assert.ok(server, 'vrouterd is not running');
    return server;
  };

  async function candidate(): Promise<XmlNode | null | undefined> {
    return expectOk(await nc.getConfig('candidate'), 'get-config candidate').data;
  }

  async function running(): Promise<XmlNode | null | undefined> {
    return expectOk(await nc.getConfig('running'), 'get-config running').data;
  }

  async function edit(cfg: string, args: Parameters<NcclientSession['editConfig']>[1] = {}): Promise<NcResult> {
    return nc.editConfig(cfg, { target: 'candidate', ...args });
  }

  /** candidate = running = BASELINE. */
  async function resetToBaseline(): Promise<void> {
    expectOk(await nc.call('discard_changes'), 'discard-changes');
    expectOk(await edit(BASELINE, { defaultOperation: 'replace' }), 'edit-config replace with the baseline');
    expectOk(await nc.commit(), 'commit of the baseline');
  }

  before(async function () {
    requireNcclient();
    server = await VrouterdProcess.start();
    nc = await NcclientSession.open(server.credentials);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server !== undefined) {
      console.error(`--- vrouterd log tail (${this.currentTest.title}):\n${server.logTail(30)}`);
    }
  });

  after(async function () {
    for (const s of extraSessions.splice(0)) await s.close();
    await nc?.close();
    await server?.cleanup();
  });

  it('announces the capabilities these operations belong to', function () {
    const caps = nc.capabilities;
    for (const c of [
      'urn:ietf:params:netconf:base:1.1', 'urn:ietf:params:netconf:capability:candidate:1.0',
      'urn:ietf:params:netconf:capability:confirmed-commit:1.1', 'urn:ietf:params:netconf:capability:validate:1.1',
      'urn:ietf:params:netconf:capability:rollback-on-error:1.0', 'urn:ietf:params:netconf:capability:startup:1.0',
      'urn:ietf:params:netconf:capability:xpath:1.0', 'urn:ietf:params:netconf:capability:notification:1.0',
      'urn:ietf:params:netconf:capability:interleave:1.0',
    ]) assert.ok(caps.includes(c), `missing ${c}`);
    assert.ok(caps.some((c) => c.startsWith('urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit')));
    assert.ok(caps.some((c) => c.startsWith(`${NS.ip}?module=ietf-ip&revision=2014-06-16`)), 'ietf-ip (YANG 1.0) in the hello');
  });

  it('edit-config merge builds the candidate; running changes only with commit', async function () {
    expectOk(await nc.call('discard_changes'), 'discard-changes');
    expectOk(await edit(config(), { defaultOperation: 'replace' }), 'edit-config replace with an empty config');
    expectOk(await nc.commit(), 'commit of the empty configuration');
    assert.equal(interfacesOf(await running()).size, 0);

    expectOk(await edit(BASELINE), 'edit-config merge of the baseline');
    const cand = await candidate();
    assert.deepEqual(interfacesOf(cand), new Map([
      ['eth0', { description: 'uplink', type: ETHERNET, enabled: 'true', mtu: '1500', addresses: ['192.0.2.1/24'] }],
      ['eth1', { description: 'lan', type: ETHERNET, addresses: ['198.51.100.1/24'] }],
    ]));
    assert.deepEqual(routesOf(cand), new Map([['0.0.0.0/0', '192.0.2.254'], ['203.0.113.0/24', '198.51.100.254']]));
    assert.equal(interfacesOf(await running()).size, 0, 'running is untouched before commit');

    expectOk(await nc.commit(), 'commit');
    const run = await running();
    assert.deepEqual(interfacesOf(run), interfacesOf(cand));
    assert.deepEqual(routesOf(run), routesOf(cand));
  });

  it('merge changes only the nodes it names', async function () {
    await resetToBaseline();
    expectOk(await edit(config(interfacesXml({ name: 'eth0', description: 'uplink to the ISP', type: null, addresses: ['192.0.2.2/24'] }))),
      'merge of a description and a second address');
    const ifs = interfacesOf(await candidate());
    assert.deepEqual(ifs.get('eth0'), {
      description: 'uplink to the ISP', type: ETHERNET, enabled: 'true', mtu: '1500', addresses: ['192.0.2.1/24', '192.0.2.2/24'],
    });
    assert.deepEqual(ifs.get('eth1'), { description: 'lan', type: ETHERNET, addresses: ['198.51.100.1/24'] });
    expectOk(await edit(config(routesXml({ prefix: '0.0.0.0/0', nextHop: '192.0.2.253' }))), 'merge of a new next hop');
    const routes = routesOf(await candidate());
    assert.equal(routes.get('0.0.0.0/0'), '192.0.2.253');
    assert.equal(routes.get('203.0.113.0/24'), '198.51.100.254');
  });

  it('replace swaps a subtree; default-operation replace swaps the whole configuration', async function () {
    await resetToBaseline();
    expectOk(await edit(config(interfacesXml({ name: 'eth0', type: null, ipv4Op: 'replace', addresses: ['10.0.0.1/8'] }))),
      'operation="replace" on eth0/ipv4');
    const eth0 = interfacesOf(await candidate()).get('eth0');
    assert.deepEqual(eth0, { description: 'uplink', type: ETHERNET, enabled: 'true', addresses: ['10.0.0.1/8'] },
      'the old address and the mtu went with the replaced ipv4 container');

    expectOk(await edit(config(interfacesXml({ name: 'eth9', description: 'alone' })), { defaultOperation: 'replace' }),
      'default-operation replace');
    const cand = await candidate();
    assert.deepEqual([...interfacesOf(cand).keys()], ['eth9']);
    assert.equal(routesOf(cand).size, 0, 'the static routes are gone: they were not in the new configuration');
  });

  it('create makes a new node; on an existing one it is data-exists with the error-path', async function () {
    await resetToBaseline();
    expectOk(await edit(config(interfacesXml({ name: 'eth2', op: 'create', description: 'new' }))), 'create eth2');
    assert.equal(interfacesOf(await candidate()).get('eth2')?.description, 'new');

    const e = expectError(await edit(config(interfacesXml({ name: 'eth0', op: 'create', description: 'clobbered' }))), 'create of eth0');
    assertError(e, { tag: 'data-exists', type: 'application', path: IFACE_PATH('eth0'), message: /eth0.*exists/ });
    assert.equal(e.messageLang, 'en');
    assert.equal(interfacesOf(await candidate()).get('eth0')?.description, 'uplink', 'the failed edit changed nothing');

    const r = expectError(await edit(config(routesXml({ prefix: '0.0.0.0/0', nextHop: '192.0.2.9', op: 'create' }))), 'create of the default route');
    assertError(r, { tag: 'data-exists', type: 'application', path: ROUTE_PATH('0.0.0.0/0') });
    assert.equal(routesOf(await candidate()).get('0.0.0.0/0'), '192.0.2.254');
  });

  it('delete takes an existing node away; a missing one is data-missing with the error-path', async function () {
    await resetToBaseline();
    const delDescription = `<interfaces xmlns="${NS.if}"><interface><name>eth1</name><description nc:operation="delete"/></interface></interfaces>`;
    expectOk(await edit(config(delDescription)), 'delete of eth1/description');
    assert.equal(interfacesOf(await candidate()).get('eth1')?.description, undefined);

    const again = expectError(await edit(config(delDescription)), 'delete of the description again');
    assertError(again, { tag: 'data-missing', type: 'application', path: `${IFACE_PATH('eth1')}/ietf-interfaces:description` });

    const e = expectError(await edit(config(interfacesXml({ name: 'eth9', op: 'delete', type: null }))), 'delete of eth9');
    assertError(e, { tag: 'data-missing', type: 'application', path: IFACE_PATH('eth9'), message: /eth9/ });

    expectOk(await edit(config(routesXml({ prefix: '203.0.113.0/24', op: 'delete' }))), 'delete of a route');
    assert.deepEqual([...routesOf(await candidate()).keys()], ['0.0.0.0/0']);
    const r = expectError(await edit(config(routesXml({ prefix: '10.99.0.0/16', op: 'delete' }))), 'delete of a missing route');
    assertError(r, { tag: 'data-missing', type: 'application', path: ROUTE_PATH('10.99.0.0/16') });
  });

  it('remove takes a node away when it is there and is no error when it is not', async function () {
    await resetToBaseline();
    expectOk(await edit(config(interfacesXml({ name: 'eth1', op: 'remove', type: null }))), 'remove of eth1');
    assert.deepEqual([...interfacesOf(await candidate()).keys()], ['eth0']);
    expectOk(await edit(config(interfacesXml({ name: 'eth1', op: 'remove', type: null }))), 'remove of eth1 again');
    expectOk(await edit(config(routesXml({ prefix: '10.99.0.0/16', op: 'remove' }))), 'remove of a missing route');
    assert.deepEqual([...interfacesOf(await candidate()).keys()], ['eth0']);
    assert.equal(routesOf(await candidate()).size, 2);
  });

  it('default-operation none changes only nodes with an operation; a missing node is data-missing', async function () {
    await resetToBaseline();
    const e = expectError(await edit(config(interfacesXml({ name: 'eth7', description: 'x', type: null })), { defaultOperation: 'none' }),
      'default-operation none on a new interface');
    assertError(e, { tag: 'data-missing', type: 'application', path: IFACE_PATH('eth7') });
    assert.equal(interfacesOf(await candidate()).has('eth7'), false);

    const cfg = `<interfaces xmlns="${NS.if}"><interface><name>eth0</name><description>ignored</description>`
      + `<ipv4 xmlns="${NS.ip}"><mtu nc:operation="replace">9000</mtu></ipv4></interface></interfaces>`;
    expectOk(await edit(config(cfg), { defaultOperation: 'none' }), 'default-operation none with one replace');
    const eth0 = interfacesOf(await candidate()).get('eth0');
    assert.equal(eth0?.mtu, '9000');
    assert.equal(eth0?.description, 'uplink', 'a node without an operation is left alone under none');
  });

  it('error-option: rollback-on-error and stop-on-error leave the candidate, continue-on-error applies the rest', async function () {
    await resetToBaseline();
    const twoCreates = (bad: string, good: string, badFirst: boolean): string => {
      const parts = [ifaceXml({ name: bad, op: 'create' }), ifaceXml({ name: good, op: 'create', description: 'ok' })];
      if (!badFirst) parts.reverse();
      return config(`<interfaces xmlns="${NS.if}">${parts.join('')}</interfaces>`);
    };

    const rb = expectError(await edit(twoCreates('eth0', 'eth3', false), { errorOption: 'rollback-on-error' }), 'rollback-on-error');
    assertError(rb, { tag: 'data-exists', type: 'application', path: IFACE_PATH('eth0') });
    assert.equal(interfacesOf(await candidate()).has('eth3'), false, 'rollback-on-error: the create before the error is undone');

    const st = expectError(await edit(twoCreates('eth0', 'eth4', true), { errorOption: 'stop-on-error' }), 'stop-on-error');
    assertError(st, { tag: 'data-exists', type: 'application', path: IFACE_PATH('eth0') });
    assert.equal(interfacesOf(await candidate()).has('eth4'), false, 'stop-on-error: nothing after the first error is applied');

    const co = expectError(await edit(twoCreates('eth0', 'eth5', true), { errorOption: 'continue-on-error' }), 'continue-on-error');
    assertError(co, { tag: 'data-exists', type: 'application', path: IFACE_PATH('eth0') });
    const ifs = interfacesOf(await candidate());
    assert.equal(ifs.get('eth5')?.description, 'ok', 'continue-on-error: the valid create is applied');
    assert.equal(ifs.get('eth0')?.description, 'uplink');

    const three = `<interfaces xmlns="${NS.if}">${ifaceXml({ name: 'eth0', op: 'create' })}${ifaceXml({ name: 'eth6', op: 'create' })}`
      + `${ifaceXml({ name: 'eth1', op: 'create' })}</interfaces>`;
    const two = await edit(config(three), { errorOption: 'continue-on-error' });
    assert.equal(two.ok, false, describeResult(two));
    assert.deepEqual(two.errors?.map((e) => [e.tag, e.type, modulePath(e)]),
      [['data-exists', 'application', IFACE_PATH('eth0')], ['data-exists', 'application', IFACE_PATH('eth1')]],
      'continue-on-error answers every error, in document order');
    assert.equal(interfacesOf(await candidate()).has('eth6'), true);
  });

  it('edit-config refuses content the schema does not allow, naming the node', async function () {
    await resetToBaseline();
    const unknown = `<interfaces xmlns="${NS.if}"><interface><name>eth0</name><colour>blue</colour></interface></interfaces>`;
    const u = expectError(await edit(config(unknown)), 'an unknown element');
    assertError(u, { tag: 'unknown-element', type: 'application' });
    assert.equal(u.info['bad-element'], 'colour', JSON.stringify(u));

    const b = expectError(await edit(config(interfacesXml({ name: 'eth0', type: null, addresses: ['192.0.2.1/33'] }))), 'prefix-length 33');
    assertError(b, {
      tag: 'invalid-value', type: 'application', message: /33/,
      path: `${IFACE_PATH('eth0')}/ietf-ip:ipv4/ietf-ip:address[ietf-ip:ip='192.0.2.1']/ietf-ip:prefix-length`,
    });

    const identity = expectError(await edit(config(interfacesXml({ name: 'eth0', type: 'noSuchInterfaceType' }))), 'an identity iana-if-type does not define');
    assertError(identity, { tag: 'invalid-value', type: 'application', path: `${IFACE_PATH('eth0')}/ietf-interfaces:type` });

    const ns = expectError(await edit(config('<interfaces xmlns="urn:example:not-a-module"><interface><name>x</name></interface></interfaces>')), 'an unknown namespace');
    assert.equal(ns.tag, 'unknown-namespace', JSON.stringify(ns));
    assert.equal(ns.info['bad-namespace'], 'urn:example:not-a-module', JSON.stringify(ns));
    assert.equal(ns.info['bad-element'], 'interfaces', JSON.stringify(ns));

    const badOp = `<interfaces xmlns="${NS.if}"><interface nc:operation="frobnicate"><name>eth0</name></interface></interfaces>`;
    const o = expectError(await edit(config(badOp)), 'operation="frobnicate"');
    assert.equal(o.tag, 'bad-attribute', JSON.stringify(o));
    assert.equal(o.info['bad-attribute'], 'operation', JSON.stringify(o));
    assert.equal(o.info['bad-element'], 'interface', JSON.stringify(o));

    const run = expectError(await nc.editConfig(config(interfacesXml({ name: 'eth0', description: 'direct', type: null })), { target: 'running' }),
      'edit-config of running without :writable-running');
    assert.equal(run.tag, 'operation-not-supported', JSON.stringify(run));
    assert.equal(interfacesOf(await running()).get('eth0')?.description, 'uplink');
    assert.deepEqual(interfacesOf(await candidate()), interfacesOf(await running()), 'none of the refused edits changed the candidate');
  });

  it('test-option, validate, commit of invalid data and discard-changes', async function () {
    await resetToBaseline();
    const noType = config(interfacesXml({ name: 'bad0', description: 'no type', type: null }));

    // test-then-set: a value its type refuses (ietf-ip mtu is 68..max) fails the edit, which is not applied.
    // Datastore-wide constraints (mandatory, must ...) of the candidate are checked at validate / commit
    // (RFC 7950 §8.3.3), so the interface without its mandatory type is tested below with validate.
    const tts = expectError(await edit(config(interfacesXml({ name: 'eth0', description: 'tiny mtu', type: null, mtu: 20 })),
      { testOption: 'test-then-set' }), 'test-then-set with an mtu out of range');
    assertError(tts, { tag: 'invalid-value', type: 'application', path: `${IFACE_PATH('eth0')}/ietf-ip:ipv4/ietf-ip:mtu`, message: /20/ });
    assert.deepEqual(interfacesOf(await candidate()).get('eth0')?.description, 'uplink', 'test-then-set: an invalid edit is not applied');

    expectOk(await edit(config(interfacesXml({ name: 'eth0', description: 'tested', type: null })), { testOption: 'test-only' }), 'test-only of a valid edit');
    assert.equal(interfacesOf(await candidate()).get('eth0')?.description, 'uplink', 'test-only changes nothing');
    const to = expectError(await edit(noType, { testOption: 'test-only' }), 'test-only of an invalid edit');
    assertError(to, { tag: 'missing-element', type: 'application' });

    expectOk(await edit(noType, { testOption: 'set' }), 'test-option set does not validate');
    assert.equal(interfacesOf(await candidate()).get('bad0')?.description, 'no type');
    const v = expectError(await nc.call('validate', { source: 'candidate' }), 'validate of the invalid candidate');
    assertError(v, { tag: 'missing-element', type: 'application' });
    assert.equal(v.info['bad-element'], 'type');
    assert.ok(modulePath(v).startsWith(IFACE_PATH('bad0')), modulePath(v));
    expectOk(await nc.call('validate', { source: 'running' }), 'validate running');
    expectOk(await nc.call('validate', { config: BASELINE }), 'validate of an inline <config> (validate:1.1)');
    const inline = expectError(await nc.call('validate', { config: noType }), 'validate of an inline <config> lacking a type');
    assertError(inline, { tag: 'missing-element', type: 'application' });

    const c = expectError(await nc.commit(), 'commit of the invalid candidate');
    assertError(c, { tag: 'missing-element', type: 'application' });
    assert.equal(interfacesOf(await running()).has('bad0'), false, 'a refused commit leaves running');

    expectOk(await nc.call('discard_changes'), 'discard-changes');
    assert.deepEqual(interfacesOf(await candidate()), interfacesOf(await running()));
    expectOk(await nc.call('validate', { source: 'candidate' }), 'validate after discard-changes');

    // A static route without a next hop: the mandatory choice next-hop-options is missing (RFC 7950 §15.6).
    expectOk(await edit(config(routesXml({ prefix: '10.1.0.0/16' })), { testOption: 'set' }), 'a route without next hop, unvalidated');
    const choice = expectError(await nc.call('validate', { source: 'candidate' }), 'validate of a route without next hop');
    assertError(choice, { tag: 'data-missing', type: 'application', appTag: 'missing-choice' });
    assert.ok(modulePath(choice).startsWith(ROUTE_PATH('10.1.0.0/16')), modulePath(choice));
    expectOk(await nc.call('discard_changes'), 'discard-changes');
  });

  it('get-config with subtree and XPath filters', async function () {
    await resetToBaseline();
    const byKey = expectOk(await nc.getConfig('running', {
      filter: { type: 'subtree', xml: `<interfaces xmlns="${NS.if}"><interface><name>eth0</name></interface></interfaces>` },
    }), 'subtree filter with a key match').data;
    assert.deepEqual([...interfacesOf(byKey).keys()], ['eth0']);
    assert.equal(interfacesOf(byKey).get('eth0')?.mtu, '1500', 'a content match node returns the whole entry');
    assert.equal(routesOf(byKey).size, 0, 'nothing outside the filter');

    const selected = expectOk(await nc.getConfig('running', {
      filter: { type: 'subtree', xml: `<interfaces xmlns="${NS.if}"><interface><name>eth1</name><description/></interface></interfaces>` },
    }), 'subtree filter with a selection node').data;
    const eth1 = findAll(selected, 'interfaces', 'interface');
    assert.equal(eth1.length, 1);
    assert.deepEqual(eth1[0]?.children.map((c) => c.name).sort(), ['description', 'name']);

    const none = expectOk(await nc.getConfig('running', {
      filter: { type: 'subtree', xml: `<interfaces xmlns="${NS.if}"><interface><name>eth99</name></interface></interfaces>` },
    }), 'subtree filter matching nothing').data;
    assert.equal(findAll(none, 'interfaces', 'interface').length, 0);

    const xp = expectOk(await nc.getConfig('running', {
      filter: { type: 'xpath', select: "/if:interfaces/if:interface[if:name='eth0']/if:description", namespaces: { if: NS.if } },
    }), 'XPath filter').data;
    const xpIfs = findAll(xp, 'interfaces', 'interface');
    assert.equal(xpIfs.length, 1);
    assert.equal(textAt(xpIfs[0], 'description'), 'uplink');
    assert.equal(findPath(xpIfs[0], 'type'), undefined, 'only the selected node (and its ancestors and keys)');

    const foreign = expectOk(await nc.getConfig('running', { filter: { type: 'subtree', xml: '<gadgets xmlns="urn:example:no-such-module"/>' } }),
      'a subtree filter naming nothing the server has').data;
    assert.deepEqual(foreign?.children, [], 'a filter that selects nothing is an empty <data>, not an error (RFC 6241 §6.4.2)');

    const broken = expectError(await nc.getConfig('running', { filter: { type: 'xpath', select: "/if:interfaces/if:interface[if:name='eth0'", namespaces: { if: NS.if } } }),
      'an XPath filter that does not parse');
    assert.equal(broken.tag, 'invalid-value', JSON.stringify(broken));
    const unbound = expectError(await nc.getConfig('running', { filter: { type: 'xpath', select: '/nope:interfaces' } }), 'an XPath filter with an unbound prefix');
    assert.equal(unbound.tag, 'invalid-value', JSON.stringify(unbound));

    const xpMtu = expectOk(await nc.getConfig('running', {
      filter: { type: 'xpath', select: '/if:interfaces/if:interface[ip:ipv4/ip:mtu > 1000]/if:name', namespaces: { if: NS.if, ip: NS.ip } },
    }), 'XPath filter with a comparison in a predicate').data;
    assert.deepEqual(findAll(xpMtu, 'interfaces', 'interface').map((i) => textAt(i, 'name')), ['eth0'], 'only eth0 has an mtu > 1000');

    const xr = expectOk(await nc.getConfig('running', {
      filter: { type: 'xpath', select: "/rt:routing/rt:control-plane-protocols/rt:control-plane-protocol/rt:static-routes/v4:ipv4/v4:route[v4:destination-prefix='0.0.0.0/0']",
        namespaces: { rt: NS.rt, v4: NS.v4ur } },
    }), 'XPath filter on a static route').data;
    assert.deepEqual(routesOf(xr), new Map([['0.0.0.0/0', '192.0.2.254']]));
    assert.equal(findAll(xr, 'interfaces').length, 0);
  });

  it('get: state data, and with-defaults report-all / report-all-tagged / trim / explicit', async function () {
    await resetToBaseline();
    const sessions = expectOk(await nc.get({ filter: { type: 'subtree', xml: `<netconf-state xmlns="${NS.ncm}"><sessions/></netconf-state>` } }),
      'get of netconf-state/sessions').data;
    const mine = entryWith(findAll(sessions, 'netconf-state', 'sessions', 'session'), 'session-id', String(nc.sessionId));
    assert.ok(mine, `our session ${nc.sessionId} is listed`);
    assert.equal(textAt(mine, 'username'), srv().username);

    const eth0Filter = { type: 'subtree' as const, xml: `<interfaces xmlns="${NS.if}"><interface><name>eth0</name></interface></interfaces>` };
    const ipv4Of = async (mode: string | undefined): Promise<XmlNode | undefined> => {
      const data = expectOk(await nc.get({ filter: eth0Filter, ...(mode === undefined ? {} : { withDefaults: mode }) }), `get with-defaults ${mode}`).data;
      return findPath(data, 'interfaces', 'interface');
    };
    const all = await ipv4Of('report-all');
    assert.equal(textAt(all, 'ipv4', 'forwarding'), 'false', 'report-all shows the default of ipv4/forwarding');
    assert.equal(textAt(all, 'ipv4', 'enabled'), 'true');
    const tagged = await ipv4Of('report-all-tagged');
    assert.equal(findPath(tagged, 'ipv4', 'forwarding')?.attrs?.[`{${NS.wd}}default`], 'true', 'report-all-tagged marks defaults');
    assert.equal(findPath(tagged, 'enabled')?.attrs?.[`{${NS.wd}}default`], 'true', 'a set value equal to its default is tagged too');
    const explicit = await ipv4Of('explicit');
    assert.equal(findPath(explicit, 'ipv4', 'forwarding'), undefined, 'explicit: an unset default is not reported');
    assert.equal(textAt(explicit, 'enabled'), 'true', 'explicit: a value set by a client is reported');
    const trim = await ipv4Of('trim');
    assert.equal(findPath(trim, 'enabled'), undefined, 'trim: a value equal to its default is left out');
    assert.equal(textAt(trim, 'ipv4', 'mtu'), '1500');
    const basic = await ipv4Of(undefined);
    assert.equal(findPath(basic, 'ipv4', 'forwarding'), undefined, 'the basic mode is explicit');
  });

  it('get without a filter: the running configuration and every state tree; get-config: configuration only', async function () {
    await resetToBaseline();
    const data = expectOk(await nc.get(), 'get').data;
    assert.deepEqual([...interfacesOf(data).keys()], ['eth0', 'eth1']);
    assert.equal(routesOf(data).size, 2);
    const tops = new Set((data?.children ?? []).map((c) => c.name));
    for (const t of ['netconf-state', 'yang-library', 'modules-state', 'agent-state']) assert.ok(tops.has(t), `get returns ${t}: ${[...tops].join(', ')}`);
    const cfgTops = new Set(((await running())?.children ?? []).map((c) => c.name));
    assert.deepEqual([...cfgTops].sort(), ['interfaces', 'routing'], 'get-config has no state data');
  });

  it('copy-config and delete-config: startup, and running back into the candidate', async function () {
    await resetToBaseline();
    expectOk(await nc.call('copy_config', { source: 'running', target: 'startup' }), 'copy-config running → startup');
    const startup = expectOk(await nc.getConfig('startup'), 'get-config startup').data;
    assert.deepEqual(interfacesOf(startup), interfacesOf(await running()));
    assert.deepEqual(routesOf(startup), routesOf(await running()));

    expectOk(await nc.call('delete_config', { target: 'startup' }), 'delete-config startup');
    const empty = expectOk(await nc.getConfig('startup'), 'get-config of the deleted startup').data;
    assert.equal(interfacesOf(empty).size, 0);

    const dr = expectError(await nc.call('delete_config', { target: 'running' }), 'delete-config running');
    assertError(dr, { tag: 'operation-not-supported', type: 'protocol', message: /running/ });

    expectOk(await edit(config(interfacesXml({ name: 'eth0', description: 'scratch', type: null }))), 'an edit to throw away');
    expectOk(await nc.call('copy_config', { source: 'running', target: 'candidate' }), 'copy-config running → candidate');
    assert.equal(interfacesOf(await candidate()).get('eth0')?.description, 'uplink');
  });

  it('lock and unlock', async function () {
    for (const target of ['candidate', 'running', 'startup']) {
      expectOk(await nc.lock(target), `lock ${target}`);
      const again = expectError(await nc.lock(target), `second lock of ${target}`);
      assertError(again, { tag: 'lock-denied', type: 'protocol' });
      assert.equal(again.info['session-id'], String(nc.sessionId), 'lock-denied names the holder (this session)');
      expectOk(await nc.unlock(target), `unlock ${target}`);
      const un = expectError(await nc.unlock(target), `unlock of the unlocked ${target}`);
      assertError(un, { tag: 'operation-failed', type: 'protocol' });
    }
    expectOk(await nc.lock('candidate'), 'lock candidate');
    expectOk(await edit(config(interfacesXml({ name: 'eth0', description: 'under lock', type: null }))), 'the holder edits');
    expectOk(await nc.commit(), 'the holder commits');
    expectOk(await nc.unlock('candidate'), 'unlock');
    assert.equal(interfacesOf(await running()).get('eth0')?.description, 'under lock');
  });

  it('confirmed commit: the timeout reverts, cancel-commit reverts, a confirming commit keeps', async function () {
    await resetToBaseline();
    const hasTemp = async (): Promise<boolean> => interfacesOf(await running()).has('eth-cc');
    const addTemp = async (): Promise<void> => {
      expectOk(await edit(config(interfacesXml({ name: 'eth-cc', description: 'on probation' }))), 'edit eth-cc');
    };

    await addTemp();
    expectOk(await nc.commit({ confirmed: true, timeout: 2 }), 'confirmed commit, 2 s');
    assert.equal(await hasTemp(), true, 'the confirmed commit is applied at once');
    await eventually('running reverts when the 2 s confirm-timeout expires', async () => !(await hasTemp()), 15_000);
    assert.equal(interfacesOf(await running()).get('eth0')?.description, 'uplink');

    // A follow-up confirmed commit restarts the timer with its own timeout and may add changes; the
    // revert point stays the configuration before the first one (RFC 6241 §8.4.1).
    await addTemp();
    expectOk(await nc.commit({ confirmed: true, timeout: 2 }), 'confirmed commit, 2 s');
    expectOk(await edit(config(interfacesXml({ name: 'eth-cc2', description: 'follow-up' }))), 'edit eth-cc2');
    expectOk(await nc.commit({ confirmed: true, timeout: 120 }), 'follow-up confirmed commit, 120 s');
    await new Promise((r) => setTimeout(r, 3000));
    const extended = interfacesOf(await running());
    assert.ok(extended.has('eth-cc') && extended.has('eth-cc2'), 'the 2 s timeout was replaced by the follow-up\'s 120 s');
    expectOk(await nc.call('cancel_commit'), 'cancel-commit');
    assert.deepEqual([...interfacesOf(await running()).keys()], ['eth0', 'eth1'], 'cancel reverts to before the first confirmed commit');

    const zero = expectError(await nc.commit({ confirmed: true, timeout: 0 }), 'confirm-timeout 0');
    assert.equal(zero.tag, 'invalid-value', JSON.stringify(zero));

    await addTemp();
    expectOk(await nc.commit({ confirmed: true, timeout: 120 }), 'confirmed commit, 120 s');
    assert.equal(await hasTemp(), true);
    expectOk(await nc.call('cancel_commit'), 'cancel-commit');
    assert.equal(await hasTemp(), false, 'cancel-commit reverts at once');
    const none = expectError(await nc.call('cancel_commit'), 'cancel-commit with nothing pending');
    assertError(none, { tag: 'operation-failed', type: 'protocol' });

    await addTemp();
    expectOk(await nc.commit({ confirmed: true, timeout: 120, persist: 'ops-token' }), 'persistent confirmed commit');
    const wrong = expectError(await nc.commit({ persistId: 'not-the-token' }), 'confirming commit with a wrong persist-id');
    assertError(wrong, { tag: 'invalid-value', type: 'protocol' });
    assert.equal(wrong.info['bad-element'], 'persist-id');
    expectOk(await nc.commit({ persistId: 'ops-token' }), 'confirming commit with the persist-id');
    assert.equal(await hasTemp(), true, 'confirmed');
    const after = expectError(await nc.call('cancel_commit', { persistId: 'ops-token' }), 'cancel-commit after the confirmation');
    assertError(after, { tag: 'operation-failed', type: 'protocol' });
    assert.equal(await hasTemp(), true);
  });

  it('vrouter-agent list-commits and rollback through dispatch()', async function () {
    await resetToBaseline();
    const setDescription = async (d: string): Promise<void> => {
      expectOk(await edit(config(interfacesXml({ name: 'eth0', description: d, type: null }))), `edit description ${d}`);
      expectOk(await nc.commit(), `commit ${d}`);
    };
    const listCommits = async (max?: number): Promise<XmlNode[]> => {
      const body = max === undefined ? '' : `<max-entries>${max}</max-entries>`;
      const r = expectOk(await nc.dispatch(`<list-commits xmlns="${NS.va}">${body}</list-commits>`), 'list-commits');
      return childrenNamed(r.reply, 'commit', NS.va);
    };
    await setDescription('v1');
    const v1 = Number(textAt((await listCommits())[0], 'id'));
    await setDescription('v2');
    const commits = await listCommits();
    const ids = commits.map((c) => Number(textAt(c, 'id')));
    assert.ok(ids.length >= 3, `several commits recorded: ${ids.join(',')}`);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    const newest = commits[0];
    assert.ok(ids[0] !== undefined && ids[0] > v1);
    assert.equal(textAt(newest, 'user'), srv().username);
    assert.equal(textAt(newest, 'session-id'), String(nc.sessionId));
    assert.match(textAt(newest, 'time') ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.equal((await listCommits(2)).length, 2, 'max-entries');

    expectOk(await nc.dispatch(`<rollback xmlns="${NS.va}"><id>${v1}</id></rollback>`), 'rollback to v1 (target candidate)');
    assert.equal(interfacesOf(await candidate()).get('eth0')?.description, 'v1', 'the candidate is back at v1');
    assert.equal(interfacesOf(await running()).get('eth0')?.description, 'v2', 'running stays until commit');
    expectOk(await nc.call('discard_changes'), 'discard-changes');

    const rr = expectOk(await nc.dispatch(`<rollback xmlns="${NS.va}"><id>${v1}</id><target>running</target></rollback>`), 'rollback running');
    const newId = Number(textAt(rr.reply, 'new-commit-id'));
    assert.ok(ids[0] !== undefined && newId > ids[0], `a new commit id: ${rr.xml ?? ''}`);
    assert.equal(interfacesOf(await running()).get('eth0')?.description, 'v1');
    assert.equal(Number(textAt((await listCommits(1))[0], 'id')), newId, 'the rollback is recorded as a commit');

    const bad = expectError(await nc.dispatch(`<rollback xmlns="${NS.va}"><id>999999</id></rollback>`), 'rollback to an unknown commit');
    assertError(bad, { tag: 'invalid-value', type: 'application', message: /999999/ });
    assert.equal(bad.info['bad-element'], 'id');
    const missing = expectError(await nc.dispatch(`<rollback xmlns="${NS.va}"/>`), 'rollback without id');
    assert.equal(missing.tag, 'missing-element', JSON.stringify(missing));
    assert.equal(missing.info['bad-element'], 'id');
  });

  it('a thousand static routes in one edit-config and one commit', async function () {
    await resetToBaseline();
    const many: Route[] = [];
    for (let i = 0; i < 1000; i++) many.push({ prefix: `10.${i >> 8}.${i & 255}.0/24`, nextHop: '192.0.2.254' });
    const started = Date.now();
    expectOk(await edit(config(routesXml(...many))), 'edit-config with 1000 routes');
    expectOk(await nc.commit(), 'commit of 1000 routes');
    const routes = routesOf(await running());
    assert.equal(routes.size, 1002);
    assert.equal(routes.get('10.3.231.0/24'), '192.0.2.254');
    const one = expectOk(await nc.getConfig('running', {
      filter: { type: 'xpath', select: "/rt:routing/rt:control-plane-protocols/rt:control-plane-protocol/rt:static-routes/v4:ipv4/v4:route[v4:destination-prefix='10.2.17.0/24']",
        namespaces: { rt: NS.rt, v4: NS.v4ur } },
    }), 'one route of a thousand by key').data;
    assert.deepEqual([...routesOf(one).keys()], ['10.2.17.0/24']);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });

  it('get-schema through dispatch() and get_schema()', async function () {
    const r = expectOk(await nc.dispatch(`<get-schema xmlns="${NS.ncm}"><identifier>ietf-routing</identifier><format>yang</format></get-schema>`), 'dispatch get-schema');
    assert.match(textAt(r.reply, 'data') ?? '', /^module ietf-routing \{/);
    const s = expectOk(await nc.call('get_schema', { identifier: 'vrouter-agent' }), 'get_schema vrouter-agent');
    assert.match(s.schema ?? '', /rpc list-commits/);
  });

  it('notifications: netconf-config-change and netconf-confirmed-commit reach a subscriber', async function () {
    await resetToBaseline();
    const listener = await NcclientSession.open(srv().credentials);
    extraSessions.push(listener);
    expectOk(await listener.call('create_subscription'), 'create-subscription');

    // Notifications as they arrive, matched by content rather than by order (the order of a commit's
    // netconf-config-change and netconf-confirmed-commit is not specified).
    const received: XmlNode[] = [];
    const summary = (c: XmlNode): string => `${c.name}(${textAt(c, 'confirm-event') ?? childrenNamed(c, 'edit').map((e) => `${textAt(e, 'operation')} ${textAt(e, 'target')}`).join(', ')})`;
    const next = async (name: string, match: (content: XmlNode) => boolean = () => true): Promise<XmlNode> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const i = received.findIndex((c) => c.name === name && match(c));
        if (i >= 0) return received.splice(i, 1)[0] as XmlNode;
        if (Date.now() > deadline) throw new Error(`no matching ${name} within 15 s; unmatched: ${received.map(summary).join('; ')}`);
        const n = await listener.takeNotification(2);
        const content = n?.children.find((c) => c.name !== 'eventTime');
        if (content !== undefined) received.push(content);
      }
    };
    const event = (e: string) => (c: XmlNode): boolean => textAt(c, 'confirm-event') === e;
    const editOf = (c: XmlNode, iface: string): XmlNode | undefined =>
      childrenNamed(c, 'edit').find((e) => findPath(e, 'target')?.text?.includes(`'${iface}'`) === true);
    const touches = (iface: string) => (c: XmlNode): boolean => editOf(c, iface) !== undefined;

    expectOk(await edit(config(interfacesXml({ name: 'eth-notify', description: 'announced' }))), 'edit');
    expectOk(await nc.commit(), 'commit');
    const change = await next('netconf-config-change', touches('eth-notify'));
    assert.equal(change.ns, NS.ncn);
    assert.equal(textAt(change, 'changed-by', 'username'), srv().username);
    assert.equal(textAt(change, 'changed-by', 'session-id'), String(nc.sessionId));
    assert.equal(textAt(change, 'datastore') ?? 'running', 'running');
    assert.equal(textAt(editOf(change, 'eth-notify'), 'operation'), 'create');

    expectOk(await edit(config(interfacesXml({ name: 'eth-notify', description: 'confirmed later', type: null }))), 'edit');
    expectOk(await nc.commit({ confirmed: true, timeout: 60 }), 'confirmed commit');
    const start = await next('netconf-confirmed-commit', event('start'));
    assert.equal(textAt(start, 'timeout'), '60');
    assert.equal(textAt(start, 'session-id'), String(nc.sessionId));
    expectOk(await nc.commit(), 'confirming commit');
    await next('netconf-confirmed-commit', event('complete'));

    // A confirmed commit left to time out: start, timeout, and the revert as a change made by the server.
    expectOk(await edit(config(interfacesXml({ name: 'eth-expiring', description: 'will time out' }))), 'edit');
    expectOk(await nc.commit({ confirmed: true, timeout: 1 }), 'confirmed commit, 1 s');
    await next('netconf-confirmed-commit', event('start'));
    const applied = await next('netconf-config-change', (c) => textAt(editOf(c, 'eth-expiring'), 'operation') === 'create');
    assert.equal(textAt(applied, 'changed-by', 'session-id'), String(nc.sessionId));
    await next('netconf-confirmed-commit', event('timeout'));
    const revert = await next('netconf-config-change', (c) => textAt(editOf(c, 'eth-expiring'), 'operation') === 'delete');
    assert.ok(findPath(revert, 'changed-by', 'server') !== undefined, `the revert is a change by the server: ${JSON.stringify(revert)}`);

    // Another session starting is announced too (RFC 6470 netconf-session-start).
    const other = await NcclientSession.open(srv().credentials);
    extraSessions.push(other);
    const started = await next('netconf-session-start');
    assert.equal(textAt(started, 'session-id'), String(other.sessionId));
    assert.equal(textAt(started, 'username'), srv().username);
    assert.equal(textAt(started, 'source-host'), '127.0.0.1');
    await other.close();
    await listener.close();
  });
});
