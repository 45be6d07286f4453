// A Docker container attached to a router namespace, end to end (root): a private Docker engine
// (test/support/docker-engine.ts), vrouterd on its socket (--docker-socket) driven by
// python3-ncclient. The attachment is committed before its container exists and waits (pending,
// waiting for docker/container/<name>, as /vrouter-agent:engine-state shows); `docker run` makes
// vrouterd plumb the veth into the container (address, default route) and the container pings the
// router; a stop + start of the container destroys the pair with the old namespace and vrouterd
// puts it back by itself (after `docker restart` too, and after a vrouterd restart); removing the
// configuration removes the router namespace.
// Namespaces are vrt-ctr-<pid>-…; the after hook removes them, the containers, dockerd and vrouterd
// whatever happened.
import assert from 'node:assert/strict';

import { DockerEngine } from '../support/docker-engine.js';
import {
  configXml as config, deleteNamespacesWith, ip, namespacesWith, XML_NS as NS,
} from '../support/kernel.js';
import { requireCommand, requireRoot } from '../support/prerequisites.js';
import {
  childrenNamed, describeResult, entryWith, eventually, expectOk, findAll, NcclientSession, requireNcclient, textAt, VrouterdProcess,
} from '../support/vrouterd-process.js';

const PREFIX = `vrt-ctr-${process.pid}-`;
const ourNamespaces = (): string[] => namespacesWith(PREFIX);
const deleteOurNamespaces = (): void => deleteNamespacesWith(PREFIX);
const ROUTER = `${PREFIX}r`;
const CONTAINER = `vrt-ctr-${process.pid}-web`;
const IMAGE = 'vrt-busybox:attach';
const ROUTER_END = 'eth-web';
const ROUTER_ADDR = '192.0.2.1';
const CONTAINER_ADDR = '192.0.2.2';
const ITEM = `linux/container/${CONTAINER}`;
const WAITS_FOR = `docker/container/${CONTAINER}`;

// ---- the kernel and Docker, read directly ---------------------------------------------------------

// ---- the configuration ------------------------------------------------------------------------------

const ATTACHED = config(
  `<namespaces xmlns="${NS.vl}"><namespace><name>${ROUTER}</name></namespace></namespaces>`,
  `<interfaces xmlns="${NS.if}"><interface><name>r-web</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
    + `<linux xmlns="${NS.vl}"><namespace>${ROUTER}</namespace><kernel-name>${ROUTER_END}</kernel-name></linux>`
    + `<ipv4 xmlns="${NS.ip}"><address><ip>${ROUTER_ADDR}</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces>`,
  `<containers xmlns="${NS.vl}"><container><name>${CONTAINER}</name><interface>r-web</interface>`
    + `<ipv4><address><ip>${CONTAINER_ADDR}</ip><prefix-length>24</prefix-length></address>`
    + `<route><destination-prefix>0.0.0.0/0</destination-prefix><next-hop-address>${ROUTER_ADDR}</next-hop-address></route>`
    + '</ipv4></container></containers>',
);

// ---- the tests ---------------------------------------------------------------------------------------

describe('Docker container attachment through NETCONF (root, real Docker engine)', function () {
  this.timeout(180_000);
  let engine: DockerEngine | undefined;
  let server: VrouterdProcess | undefined;
  let nc: NcclientSession | undefined;

  const session = (): NcclientSession => {
    if (nc === undefined) throw new Error('no NETCONF session');
    return nc;
  };
  const docker = (): DockerEngine => {
    if (engine === undefined) throw new Error('no Docker engine');
    return engine;
  };

  /** The attachment's entry in /vrouter-agent:engine-state. */
  async function attachmentState(): Promise<{ state: string | undefined; waitingFor: string[] }> {
    const r = expectOk(await session().get({ filter: { type: 'subtree', xml: `<engine-state xmlns="${NS.va}"/>` } }), 'get engine-state');
    const entry = entryWith(findAll(r.data, 'engine-state', 'item'), 'key', ITEM);
    return { state: textAt(entry, 'state'), waitingFor: childrenNamed(entry, 'waiting-for').map((n) => n.text ?? '') };
  }

  /** The container's view of its end: the IPv4 addresses on eth0 (none when it has no eth0). */
  async function containerAddresses(): Promise<string[]> {
    const r = await docker().docker(['exec', CONTAINER, 'ip', '-4', 'addr', 'show', 'dev', 'eth0']);
    if (r.code !== 0) return [];
    return [...r.stdout.matchAll(/inet (\S+)/g)].map((m) => m[1]!);
  }

  async function pingRouter(): Promise<{ code: number; output: string }> {
    const r = await docker().docker(['exec', CONTAINER, 'ping', '-c', '1', '-W', '2', ROUTER_ADDR]);
    return { code: r.code, output: `${r.stdout}${r.stderr}` };
  }

  async function attachedAndPinging(what: string): Promise<void> {
    await eventually(`${what}: the container has ${CONTAINER_ADDR}/24 on eth0`,
      async () => (await containerAddresses()).includes(`${CONTAINER_ADDR}/24`), 15_000);
    await eventually(`${what}: engine-state shows ${ITEM} applied`, async () => (await attachmentState()).state === 'applied', 10_000);
    const ping = await pingRouter();
    assert.equal(ping.code, 0, `${what}: the container pings the router:\n${ping.output}`);
    assert.match(ping.output, /1 packets received/);
    const route = await docker().dockerOk(['exec', CONTAINER, 'ip', 'route']);
    assert.match(route, new RegExp(`default via ${ROUTER_ADDR.replace(/\./g, '\\.')} dev eth0`), route);
  }

  before(async function () {
    requireRoot('dockerd, network namespaces and veth pairs');
    requireCommand('ip', 'iproute2');
    requireCommand('nsenter', 'util-linux');
    requireNcclient();
    deleteOurNamespaces();
    engine = await DockerEngine.start();
    await engine.importBusyboxImage(IMAGE);
    server = await VrouterdProcess.start({ extraArgs: ['--docker-socket', engine.socketPath] });
    nc = await NcclientSession.open(server.credentials);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server !== undefined) {
      console.error(`--- vrouterd log tail (${this.currentTest.title}):\n${server.logTail(60)}`);
    }
  });

  after(async function () {
    const problems: string[] = [];
    const step = async (what: string, fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message}`);
      }
    };
    await step('closing the NETCONF session', () => nc?.close());
    await step('stopping vrouterd', () => server?.cleanup());
    await step('removing the namespaces', deleteOurNamespaces);
    await step('stopping the Docker engine', () => engine?.stop());
    assert.deepEqual(ourNamespaces(), [], 'no vrt-ctr namespace of this test is left');
    assert.deepEqual(problems, []);
  });

  it('an attachment to a container that does not exist yet commits and waits for it', async function () {
    expectOk(await session().editConfig(ATTACHED), 'edit-config of the router namespace and the attachment');
    const committed = await session().commit();
    assert.ok(committed.ok, `commit: ${describeResult(committed)}`);
    assert.deepEqual(ourNamespaces(), [ROUTER]);
    const s = await attachmentState();
    assert.equal(s.state, 'pending', `engine-state of ${ITEM}: ${JSON.stringify(s)}`);
    assert.deepEqual(s.waitingFor, [WAITS_FOR]);
    // Nothing was plumbed: the router end does not exist yet.
    assert.notEqual(ip(['-n', ROUTER, 'link', 'show', 'dev', ROUTER_END]).status, 0);
  });

  it('docker run: vrouterd plumbs the container in by itself and the container pings the router', async function () {
    await docker().createContainer(CONTAINER, IMAGE);
    await attachedAndPinging('after docker run');
    const link = JSON.parse(ip(['-n', ROUTER, '-json', 'link', 'show', 'dev', ROUTER_END]).stdout) as { operstate: string }[];
    assert.equal(link[0]?.operstate, 'UP');
  });

  it('stop + start of the container: the pair dies with its namespace, the attachment waits and comes back by itself', async function () {
    await docker().dockerOk(['stop', '-t', '1', CONTAINER]);
    await eventually('the stopped container\'s attachment is pending again', async () => {
      const s = await attachmentState();
      return s.state === 'pending' && s.waitingFor.includes(WAITS_FOR);
    }, 15_000);
    assert.notEqual(ip(['-n', ROUTER, 'link', 'show', 'dev', ROUTER_END]).status, 0, 'the router end died with the pair');
    await docker().dockerOk(['start', CONTAINER]);
    await attachedAndPinging('after docker start');
  });

  it('docker restart (die and start in quick succession): the attachment comes back in the new namespace', async function () {
    await docker().dockerOk(['restart', '-t', '0', CONTAINER]);
    await attachedAndPinging('after docker restart');
  });

  it('vrouterd restarted: the attachment is applied again and the container pings the router', async function () {
    const ifindex = (): number | undefined => {
      const r = ip(['-n', ROUTER, '-json', 'link', 'show', 'dev', ROUTER_END]);
      return r.status === 0 ? (JSON.parse(r.stdout) as { ifindex: number }[])[0]?.ifindex : undefined;
    };
    const before = ifindex();
    await nc?.close();
    nc = undefined;
    if (server === undefined) throw new Error('no vrouterd');
    await server.restart();
    nc = await NcclientSession.open(server.credentials);
    await attachedAndPinging('after the vrouterd restart');
    // The start-up resync adopts the pair (the router end keeps its configured, configure-only
    // value); it is not deleted and made again.
    assert.equal(ifindex(), before, 'the router end is the same link as before the restart');
  });

  it('removing the configuration removes the router namespace (and the container\'s end with it)', async function () {
    const remove = config(
      `<containers xmlns="${NS.vl}" nc:operation="remove"/>`,
      `<interfaces xmlns="${NS.if}" nc:operation="remove"/>`,
      `<namespaces xmlns="${NS.vl}" nc:operation="remove"/>`,
    );
    expectOk(await session().editConfig(remove), 'edit-config remove');
    const committed = await session().commit();
    assert.ok(committed.ok, `commit of the removal: ${describeResult(committed)}`);
    assert.deepEqual(ourNamespaces(), [], 'vrouterd removed its namespace');
    assert.deepEqual(await containerAddresses(), [], 'the container has no eth0 any more');
    assert.equal((await attachmentState()).state, undefined, 'the attachment is no longer an item');
  });
});
