// A NETCONF commit really changes the Linux kernel: vrouterd (root, Linux backend on, its default)
// driven by python3-ncclient creates a router namespace and two host namespaces linked by veth
// pairs, with addresses, forwarding and routes (the shape of test/fixtures/vrouter-linux/
// valid-router-hosts.xml); the kernel is read back with `ip -n NS -json`; a commit the kernel
// refuses fails with an rpc-error naming the YANG route and carrying the kernel's words, with the
// kernel and running unchanged; h1 pings h2 through the router (iputils-ping); removing the
// configuration removes the namespaces.
// Namespaces are named vrt-wire-<pid>-…; the after hook deletes any of them left behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  describeResult, expectError, expectOk, findAll, NcclientSession, requireNcclient, textAt, VrouterdProcess,
} from '../support/vrouterd-process.js';
import {
  configXml as config, deleteNamespacesWith, ipJson, namespacesWith, XML_NS as NS,
} from '../support/kernel.js';
import { requireCommand, requireRoot } from '../support/prerequisites.js';

const PREFIX = `vrt-wire-${process.pid}-`;
const ourNamespaces = (): string[] => namespacesWith(PREFIX);
const deleteOurNamespaces = (): void => deleteNamespacesWith(PREFIX);
const R = `${PREFIX}r`;
const H1 = `${PREFIX}h1`;
const H2 = `${PREFIX}h2`;

// ---- the kernel, read with iproute2 ------------------------------------------------------------------

interface AddrInfo { ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }

/** "dev address/len" of every global address in a namespace, sorted. */
function addresses(ns: string): string[] {
  const out: string[] = [];
  for (const l of ipJson<AddrInfo[]>(ns, 'addr', 'show')) {
    for (const a of l.addr_info) if (a.scope === 'global') out.push(`${l.ifname} ${a.local}/${a.prefixlen}`);
  }
  return out.sort();
}

interface RouteInfo { dst: string; gateway?: string; dev?: string; type?: string; table?: string; nexthops?: { gateway: string; dev: string; weight?: number }[] }

function routes(ns: string, ...extra: string[]): RouteInfo[] {
  return ipJson<RouteInfo[]>(ns, 'route', 'show', ...extra);
}

/** Everything the tests compare before/after a refused commit. */
function kernelState(): string {
  return JSON.stringify([R, H1, H2].map((ns) => ({
    ns,
    links: ipJson<{ ifname: string; operstate: string; mtu: number; address?: string }[]>(ns, 'link', 'show')
      .map((l) => `${l.ifname} ${l.operstate} ${l.mtu} ${l.address ?? ''}`).sort(),
    addresses: addresses(ns),
    routes4: routes(ns),
    routes6: ipJson<RouteInfo[]>(ns, '-6', 'route', 'show'),
    // IPv4 only: the kernel adds IPv6 local/multicast routes by itself over time (DAD completing).
    all: ipJson<RouteInfo[]>(ns, '-4', 'route', 'show', 'table', 'all').length,
  })));
}

function sysctl(ns: string, name: string): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-n', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sysctl ${name} in ${ns}: ${r.stderr}`);
  return r.stdout.trim();
}

// ---- the configuration ---------------------------------------------------------------------------

interface Veth { name: string; ns: string; kernel: string; peer: string; v4: string; v6?: string; mtu?: number; mac?: string }

const VETHS: Veth[] = [
  { name: 'r-h1', ns: R, kernel: 'eth-h1', peer: 'h1-r', v4: '192.0.2.1/30', v6: '2001:db8:1::1/64' },
  { name: 'h1-r', ns: H1, kernel: 'eth0', peer: 'r-h1', v4: '192.0.2.2/30', v6: '2001:db8:1::2/64', mtu: 1400, mac: '02:00:00:00:01:02' },
  { name: 'r-h2', ns: R, kernel: 'eth-h2', peer: 'h2-r', v4: '192.0.2.5/30' },
  { name: 'h2-r', ns: H2, kernel: 'eth0', peer: 'r-h2', v4: '192.0.2.6/30' },
];

function address(a: string): string {
  const [addr, len] = a.split('/');
  return `<address><ip>${addr}</ip><prefix-length>${len}</prefix-length></address>`;
}

function vethXml(v: Veth): string {
  return `<interface><name>${v.name}</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
    + `<linux xmlns="${NS.vl}"><namespace>${v.ns}</namespace><kernel-name>${v.kernel}</kernel-name>`
    + `${v.mac === undefined ? '' : `<mac-address>${v.mac}</mac-address>`}<veth><peer>${v.peer}</peer></veth></linux>`
    + `<ipv4 xmlns="${NS.ip}">${v.mtu === undefined ? '' : `<mtu>${v.mtu}</mtu>`}${address(v.v4)}</ipv4>`
    + `${v.v6 === undefined ? '' : `<ipv6 xmlns="${NS.ip}">${address(v.v6)}</ipv6>`}</interface>`;
}

const namespacesXml = (): string => `<namespaces xmlns="${NS.vl}">`
  + `<namespace><name>${R}</name><ipv4><forwarding>true</forwarding></ipv4><ipv6><forwarding>true</forwarding></ipv6></namespace>`
  + `<namespace><name>${H1}</name></namespace><namespace><name>${H2}</name></namespace></namespaces>`;

/** One static routing instance bound to a namespace; `routes` are ipv4 <route> elements. */
function instanceXml(name: string, ns: string, routesXml: string, ipv6 = ''): string {
  return '<rt:control-plane-protocol><rt:type>rt:static</rt:type>'
    + `<rt:name>${name}</rt:name><linux xmlns="${NS.vl}"><namespace>${ns}</namespace></linux>`
    + `<rt:static-routes><ipv4 xmlns="${NS.v4ur}">${routesXml}</ipv4>${ipv6}</rt:static-routes></rt:control-plane-protocol>`;
}

const routingXml = (...instances: string[]): string =>
  `<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols>${instances.join('')}</rt:control-plane-protocols></rt:routing>`;

const viaRoute = (prefix: string, dev: string, gw: string): string =>
  `<route><destination-prefix>${prefix}</destination-prefix><next-hop>`
  + `<outgoing-interface>${dev}</outgoing-interface><next-hop-address>${gw}</next-hop-address></next-hop></route>`;

const ROUTER_ROUTES = '<route><destination-prefix>198.51.100.0/24</destination-prefix>'
  + `<metric xmlns="${NS.vl}">20</metric><next-hop><next-hop-list>`
  + '<next-hop><index>h1</index><outgoing-interface>r-h1</outgoing-interface><next-hop-address>192.0.2.2</next-hop-address>'
  + `<weight xmlns="${NS.vl}">3</weight></next-hop>`
  + '<next-hop><index>h2</index><outgoing-interface>r-h2</outgoing-interface><next-hop-address>192.0.2.6</next-hop-address>'
  + `<weight xmlns="${NS.vl}">1</weight></next-hop>`
  + '</next-hop-list></next-hop></route>'
  + `<route><destination-prefix>203.0.113.0/24</destination-prefix><table xmlns="${NS.vl}">100</table>`
  + '<next-hop><special-next-hop>blackhole</special-next-hop></next-hop></route>';

const H1_V6 = '<ipv6 xmlns="urn:ietf:params:xml:ns:yang:ietf-ipv6-unicast-routing"><route><destination-prefix>::/0</destination-prefix>'
  + '<next-hop><outgoing-interface>h1-r</outgoing-interface><next-hop-address>2001:db8:1::1</next-hop-address></next-hop></route></ipv6>';

const WHOLE = config(
  namespacesXml(),
  `<interfaces xmlns="${NS.if}">${VETHS.map(vethXml).join('')}</interfaces>`,
  routingXml(
    instanceXml('router', R, ROUTER_ROUTES),
    instanceXml('host1', H1, viaRoute('0.0.0.0/0', 'h1-r', '192.0.2.1'), H1_V6),
    instanceXml('host2', H2, viaRoute('0.0.0.0/0', 'h2-r', '192.0.2.5')),
  ),
);

// ---- the tests -------------------------------------------------------------------------------------

describe('Linux backend through NETCONF (root, network namespaces)', function () {
  this.timeout(120_000);
  let server: VrouterdProcess | undefined;
  let nc: NcclientSession | undefined;

  const session = (): NcclientSession => {
    if (nc === undefined) throw new Error('no NETCONF session');
    return nc;
  };

  async function runningXml(): Promise<string> {
    const r = expectOk(await session().getConfig('running'), 'get-config running');
    return JSON.stringify(r.data);
  }

  before(async function () {
    requireRoot('vrouterd creates network namespaces, veth pairs, addresses and routes');
    requireCommand('ip', 'iproute2');
    requireCommand('ping', 'iputils-ping');
    requireNcclient();
    deleteOurNamespaces();
    server = await VrouterdProcess.start();
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
      deleteOurNamespaces();
    }
    assert.deepEqual(ourNamespaces(), [], 'no vrt-wire namespace of this test is left');
  });

  it('commits a router and two hosts: namespaces, veth pairs, addresses, forwarding and routes land in the kernel', async function () {
    expectOk(await session().editConfig(WHOLE), 'edit-config of the router and hosts');
    const committed = await session().commit();
    assert.ok(committed.ok, `commit: ${describeResult(committed)}\n${server?.logTail(20) ?? ''}`);

    assert.deepEqual(ourNamespaces(), [R, H1, H2].sort());
    assert.deepEqual(addresses(R), ['eth-h1 192.0.2.1/30', 'eth-h1 2001:db8:1::1/64', 'eth-h2 192.0.2.5/30']);
    assert.deepEqual(addresses(H1), ['eth0 192.0.2.2/30', 'eth0 2001:db8:1::2/64']);
    assert.deepEqual(addresses(H2), ['eth0 192.0.2.6/30']);

    const h1Link = ipJson<{ ifname: string; mtu: number; address: string; operstate: string }[]>(H1, 'link', 'show', 'dev', 'eth0')[0];
    assert.equal(h1Link?.mtu, 1400);
    assert.equal(h1Link?.address, '02:00:00:00:01:02');
    assert.equal(h1Link?.operstate, 'UP');

    const h1Default = routes(H1).find((r) => r.dst === 'default');
    assert.deepEqual([h1Default?.gateway, h1Default?.dev], ['192.0.2.1', 'eth0']);
    const h2Default = routes(H2).find((r) => r.dst === 'default');
    assert.deepEqual([h2Default?.gateway, h2Default?.dev], ['192.0.2.5', 'eth0']);
    const h1v6 = ipJson<RouteInfo[]>(H1, '-6', 'route', 'show').find((r) => r.dst === 'default');
    assert.equal(h1v6?.gateway, '2001:db8:1::1');

    const multipath = routes(R).find((r) => r.dst === '198.51.100.0/24');
    assert.deepEqual(multipath?.nexthops?.map((n) => [n.gateway, n.dev, n.weight ?? 1]), [['192.0.2.2', 'eth-h1', 3], ['192.0.2.6', 'eth-h2', 1]]);
    const blackhole = routes(R, 'table', '100').find((r) => r.dst === '203.0.113.0/24');
    assert.equal(blackhole?.type, 'blackhole');

    assert.equal(sysctl(R, 'net.ipv4.ip_forward'), '1');
    assert.equal(sysctl(R, 'net.ipv6.conf.all.forwarding'), '1');
  });

  it('h1 pings h2 through the router (and the kernel forwards as configured)', function () {
    this.timeout(15_000);
    const r = spawnSync('ip', ['netns', 'exec', H1, 'ping', '-c', '2', '-W', '2', '192.0.2.6'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `ping h1 → h2 failed: ${r.stdout}${r.stderr}`);
    // -w 5: IPv6 addresses stay tentative for about a second after link-up (duplicate address detection).
    const r6 = spawnSync('ip', ['netns', 'exec', H1, 'ping', '-c', '1', '-w', '5', '2001:db8:1::1'], { encoding: 'utf8' });
    assert.equal(r6.status, 0, `ping6 h1 → router failed: ${r6.stdout}${r6.stderr}`);
    // The path as the kernel takes it, hop by hop.
    const [fromH1] = ipJson<RouteInfo[]>(H1, 'route', 'get', '192.0.2.6');
    assert.deepEqual([fromH1?.gateway, fromH1?.dev], ['192.0.2.1', 'eth0'], 'h1 sends to h2 via the router');
    const [atRouter] = ipJson<RouteInfo[]>(R, 'route', 'get', '192.0.2.6', 'from', '192.0.2.2', 'iif', 'eth-h1');
    assert.equal(atRouter?.dev, 'eth-h2', `the router forwards h1's packet to h2: ${JSON.stringify(atRouter)}`);
  });

  it('a commit the kernel refuses fails with the route as error-path and the kernel\'s words; kernel and running unchanged', async function () {
    const kernelBefore = kernelState();
    const runningBefore = await runningXml();
    // A new address on h1 (applied, then reverted) and a route via a gateway that is not on-link.
    const bad = config(
      `<interfaces xmlns="${NS.if}"><interface><name>h1-r</name><ipv4 xmlns="${NS.ip}">${address('192.0.2.129/28')}</ipv4></interface></interfaces>`,
      routingXml(instanceXml('host1', H1, viaRoute('198.18.0.0/15', 'h1-r', '10.99.0.1'))),
    );
    expectOk(await session().editConfig(bad), 'edit-config of the refused change');
    const e = expectError(await session().commit(), 'commit of a route via an off-link gateway');
    assert.equal(e.type, 'application');
    assert.equal(e.tag, 'operation-failed');
    assert.ok(e.path !== null, `error-path is set: ${e.message}`);
    assert.match(e.path, /control-plane-protocol\[.*host1.*\]\/.*static-routes\/.*ipv4\/.*route\[.*destination-prefix='198\.18\.0\.0\/15'\]/u,
      `error-path names the route: ${e.path}`);
    // The kernel's own words (iproute2 6.1: "Error: Nexthop has invalid gateway."), the item and the command.
    assert.match(e.message ?? '', /Nexthop has invalid gateway|Network is unreachable/u, `the kernel's words: ${e.message}`);
    assert.match(e.message ?? '', /^linux could not apply the commit: create linux\/[^ ]*h1\/route\//u);
    assert.match(e.message ?? '', /via 10\.99\.0\.1/u);

    assert.equal(kernelState(), kernelBefore, 'the kernel is as before the refused commit');
    assert.equal(await runningXml(), runningBefore, 'running is unchanged');
    expectOk(await session().call('discard_changes'), 'discard-changes');
  });

  it('after a restart the engine adopts what the kernel holds: the next commit plans against it', async function () {
    const kernelBefore = kernelState();
    await nc?.close();
    await server?.restart();
    if (server === undefined) throw new Error('no server');
    nc = await NcclientSession.open(server.credentials);
    assert.equal(kernelState(), kernelBefore, 'start-up resync left the committed kernel state alone');
    // A change touching existing objects must not fail with "File exists".
    const change = config(
      `<interfaces xmlns="${NS.if}"><interface><name>h1-r</name><ipv4 xmlns="${NS.ip}">${address('192.0.2.130/28')}</ipv4></interface></interfaces>`,
    );
    expectOk(await session().editConfig(change), 'edit-config after the restart');
    const committed = await session().commit();
    assert.ok(committed.ok, `commit after the restart: ${describeResult(committed)}`);
  });

  it('removing the configuration removes the namespaces', async function () {
    const remove = config(
      `<namespaces xmlns="${NS.vl}" nc:operation="remove"/>`,
      `<interfaces xmlns="${NS.if}" nc:operation="remove"/>`,
      `<rt:routing xmlns:rt="${NS.rt}" nc:operation="remove"/>`,
    );
    expectOk(await session().editConfig(remove), 'edit-config remove');
    const committed = await session().commit();
    assert.ok(committed.ok, `commit of the removal: ${describeResult(committed)}`);
    assert.deepEqual(ourNamespaces(), [], 'vrouterd removed its namespaces');
    const data = expectOk(await session().getConfig('running'), 'get-config').data;
    assert.equal(findAll(data, 'interfaces', 'interface').length, 0);
    assert.equal(textAt(data, 'namespaces', 'namespace', 'name'), undefined);
  });
});
