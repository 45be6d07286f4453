// A crash in the middle of a commit heals on restart. vrouterd (root, Linux backend) driven by
// python3-ncclient commits a small configuration: a router namespace and a host namespace joined
// by a veth pair, addresses and a few routes. Then a large commit (thousands of static routes
// through the veth, plus the deletion of two of the small configuration's routes) is sent without
// waiting for its reply; the test watches the transaction log (<state>/transactions/linux.jsonl)
// and kill -9s vrouterd as soon as op lines of that transaction are on disk and before its outcome
// line. When the window is missed (the outcome came first), the small configuration is restored
// and a larger commit tried, a few times. After a restart on the same state directory, running is
// the small configuration and the kernel equals running: no route of the large commit left (they
// were vrouterd's: the interrupted plan says so), the deleted routes back, and the log marks the
// interrupted transaction `recovered`.
// Namespaces are named vrt-crash-<pid>-…; the after hook deletes any of them left behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  configXml as config, deleteNamespacesWith, ip, ipJson, namespacesWith, XML_NS as NS,
} from '../support/kernel.js';
import { requireCommand, requireRoot } from '../support/prerequisites.js';
import {
  describeResult, eventually, expectOk, findAll, NcclientSession, requireNcclient, textAt, VrouterdProcess, type NcResult, type XmlNode,
} from '../support/vrouterd-process.js';

const PREFIX = `vrt-crash-${process.pid}-`;
const ourNamespaces = (): string[] => namespacesWith(PREFIX);
const deleteOurNamespaces = (): void => deleteNamespacesWith(PREFIX);
const R = `${PREFIX}r`;
const H = `${PREFIX}h`;

// ---- the kernel, read with iproute2 ------------------------------------------------------------------

interface RouteInfo { dst: string; gateway?: string; dev?: string; protocol?: string }

/** "dst via gw dev" of the IPv4 main-table routes vrouterd may own (not the kernel's connected ones), sorted. */
function staticRoutes(ns: string): string[] {
  return ipJson<RouteInfo[]>(ns, '-4', 'route', 'show')
    .filter((r) => r.protocol !== 'kernel')
    .map((r) => `${r.dst} via ${r.gateway ?? '-'} dev ${r.dev ?? '-'}`)
    .sort();
}

/** "dev address/len" of every global IPv4 address, sorted. */
function addresses(ns: string): string[] {
  const out: string[] = [];
  for (const l of ipJson<{ ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }[]>(ns, '-4', 'addr', 'show')) {
    for (const a of l.addr_info) if (a.scope === 'global') out.push(`${l.ifname} ${a.local}/${a.prefixlen}`);
  }
  return out.sort();
}

function links(ns: string): string[] {
  return ipJson<{ ifname: string; operstate: string }[]>(ns, 'link', 'show').map((l) => `${l.ifname} ${l.operstate}`).sort();
}

/** `ip` processes on our namespaces (pid and arguments): children vrouterd left behind when killed. */
function ipProcessesOnOurNamespaces(): { pid: number; args: string }[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => /^\s*(\d+)\s+(.*)$/u.exec(l)).filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2] ?? '' }))
    .filter((p) => /^(\S*\/)?ip\s/u.test(p.args) && p.args.includes(PREFIX));
}

// ---- the configuration ---------------------------------------------------------------------------

const address = (ip4: string, len: number): string => `<address><ip>${ip4}</ip><prefix-length>${len}</prefix-length></address>`;

function vethXml(name: string, ns: string, kernel: string, peer: string, ip4: string): string {
  return `<interface><name>${name}</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
    + `<linux xmlns="${NS.vl}"><namespace>${ns}</namespace><kernel-name>${kernel}</kernel-name><veth><peer>${peer}</peer></veth></linux>`
    + `<ipv4 xmlns="${NS.ip}">${address(ip4, 30)}</ipv4></interface>`;
}

const viaRoute = (prefix: string, attrs = ''): string =>
  `<route${attrs}><destination-prefix>${prefix}</destination-prefix><next-hop>`
  + '<outgoing-interface>r-h</outgoing-interface><next-hop-address>192.0.2.2</next-hop-address></next-hop></route>';

function instanceXml(name: string, ns: string, routesXml: string): string {
  return '<rt:control-plane-protocol><rt:type>rt:static</rt:type>'
    + `<rt:name>${name}</rt:name><linux xmlns="${NS.vl}"><namespace>${ns}</namespace></linux>`
    + `<rt:static-routes><ipv4 xmlns="${NS.v4ur}">${routesXml}</ipv4></rt:static-routes></rt:control-plane-protocol>`;
}

const routingXml = (...instances: string[]): string =>
  `<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols>${instances.join('')}</rt:control-plane-protocols></rt:routing>`;

const SMALL_ROUTES = ['198.51.100.0/24', '198.51.101.0/24', '198.51.102.0/24', '203.0.113.0/24'];
/** Deleted by the large commit: must be back after the restart. */
const DELETED_BY_LARGE = ['198.51.101.0/24', '203.0.113.0/24'];

const SMALL = config(
  `<namespaces xmlns="${NS.vl}"><namespace><name>${R}</name><ipv4><forwarding>true</forwarding></ipv4></namespace>`
    + `<namespace><name>${H}</name></namespace></namespaces>`,
  `<interfaces xmlns="${NS.if}">${vethXml('r-h', R, 'eth-h', 'h-r', '192.0.2.1')}${vethXml('h-r', H, 'eth0', 'r-h', '192.0.2.2')}</interfaces>`,
  routingXml(
    instanceXml('router', R, SMALL_ROUTES.map((p) => viaRoute(p)).join('')),
    instanceXml('host', H, '<route><destination-prefix>0.0.0.0/0</destination-prefix><next-hop>'
      + '<outgoing-interface>h-r</outgoing-interface><next-hop-address>192.0.2.1</next-hop-address></next-hop></route>'),
  ),
);

/** `count` routes 10.a.b.0/24 through the veth, plus the deletion of DELETED_BY_LARGE. */
function largeEdit(count: number): string {
  const routes: string[] = [];
  for (let i = 0; i < count; i++) routes.push(viaRoute(`10.${(i >> 8) & 255}.${i & 255}.0/24`));
  for (const p of DELETED_BY_LARGE) routes.push(`<route nc:operation="delete"><destination-prefix>${p}</destination-prefix></route>`);
  return config(routingXml(instanceXml('router', R, routes.join(''))));
}

const EXPECTED_R_ROUTES = SMALL_ROUTES.map((p) => `${p} via 192.0.2.2 dev eth-h`).sort();
const EXPECTED_H_ROUTES = ['default via 192.0.2.1 dev eth0'];

// ---- watching the transaction log ------------------------------------------------------------------

interface LineHead { type?: string; txn?: string; origin?: string }

/** The type, txn and origin of a log line from its first bytes (key order: type, txn, time, origin). */
function headOf(head: string): LineHead {
  const field = (name: string): string | undefined => new RegExp(`"${name}":"([^"]*)"`, 'u').exec(head)?.[1];
  const out: LineHead = {};
  const type = field('type');
  const txn = field('txn');
  const origin = field('origin');
  if (type !== undefined) out.type = type;
  if (txn !== undefined) out.txn = txn;
  if (origin !== undefined) out.origin = origin;
  return out;
}

type WatchResult = 'op-lines' | 'outcome' | 'timeout';

/**
 * Reads the log from `offset` as it grows (only the new bytes, every ~1 ms) and resolves once a
 * commit transaction's op line is complete on disk ('op-lines') or its outcome is ('outcome').
 * Plan lines are megabytes: only each line's first bytes are kept.
 */
async function watchLog(path: string, offset: number, timeoutMs: number): Promise<{ result: WatchResult; txn?: string }> {
  const handle = await open(path, 'r');
  try {
    const deadline = Date.now() + timeoutMs;
    let pos = offset;
    let head = '';
    let commitTxn: string | undefined;
    let sawOp = false;
    const buf = Buffer.alloc(4 * 1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        let start = 0;
        for (;;) {
          const nl = buf.indexOf(0x0a, start);
          if (nl < 0 || nl >= bytesRead) {
            if (head.length < 200) head += buf.toString('utf8', start, Math.min(bytesRead, start + 200));
            break;
          }
          if (head.length < 200) head += buf.toString('utf8', start, Math.min(nl, start + 200));
          const line = headOf(head);
          head = '';
          start = nl + 1;
          if (line.type === 'plan' && line.origin === 'commit') commitTxn = line.txn;
          else if (commitTxn !== undefined && line.txn === commitTxn && line.type === 'op') sawOp = true;
          else if (commitTxn !== undefined && line.txn === commitTxn && line.type === 'outcome') return { result: 'outcome', txn: commitTxn };
        }
        // Decided per read: op lines and the outcome written together are a missed window.
        if (sawOp && commitTxn !== undefined) return { result: 'op-lines', txn: commitTxn };
        continue;
      }
      if (Date.now() > deadline) return { result: 'timeout', ...(commitTxn === undefined ? {} : { txn: commitTxn }) };
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    await handle.close();
  }
}

interface TxnOnDisk { plan: boolean; ops: number; outcome: boolean; recovered: boolean }

/** What the log on disk holds about one transaction (current and previous file). */
async function onDisk(path: string, txn: string): Promise<TxnOnDisk> {
  const out: TxnOnDisk = { plan: false, ops: 0, outcome: false, recovered: false };
  for (const file of [`${path}.1`, path]) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const l of text.split('\n')) {
      const h = headOf(l.slice(0, 200));
      if (h.txn !== txn) continue;
      if (h.type === 'plan') out.plan = true;
      else if (h.type === 'op') out.ops++;
      else if (h.type === 'outcome') out.outcome = true;
      else if (h.type === 'recovered') out.recovered = true;
    }
  }
  return out;
}

async function fileSize(path: string): Promise<number> {
  try {
    const h = await open(path, 'r');
    try {
      return (await h.stat()).size;
    } finally {
      await h.close();
    }
  } catch {
    return 0;
  }
}

// ---- the test ----------------------------------------------------------------------------------------

function runningRouterRoutes(data: XmlNode | null | undefined): string[] {
  const router = findAll(data, 'routing', 'control-plane-protocols', 'control-plane-protocol').find((p) => textAt(p, 'name') === 'router');
  return findAll(router, 'static-routes', 'ipv4', 'route').map((r) => textAt(r, 'destination-prefix') ?? '?').sort();
}

describe('crash in the middle of a commit: kill -9, restart, the kernel equals running (root, network namespaces)', function () {
  this.timeout(300_000);
  let server: VrouterdProcess | undefined;
  let nc: NcclientSession | undefined;
  const extraSessions: NcclientSession[] = [];

  const srv = (): VrouterdProcess => {
    if (server === undefined) throw new Error('vrouterd is not running');
    return server;
  };
  const session = (): NcclientSession => {
    if (nc === undefined) throw new Error('no NETCONF session');
    return nc;
  };
  const logPath = (): string => join(srv().stateDir, 'transactions', 'linux.jsonl');

  before(async function () {
    requireRoot('vrouterd creates network namespaces, veth pairs, addresses and routes');
    requireCommand('ip', 'iproute2');
    requireNcclient();
    deleteOurNamespaces();
    server = await VrouterdProcess.start({ logLevel: 'info' });
    nc = await NcclientSession.open(server.credentials, { rpcTimeoutSeconds: 120 });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server !== undefined) {
      console.error(`--- vrouterd log tail (${this.currentTest.title}):\n${server.logTail(40)}`);
    }
  });

  after(async function () {
    try {
      for (const s of extraSessions.splice(0)) await s.killClient().catch(() => undefined);
      await nc?.close().catch(() => undefined);
      await server?.cleanup();
    } finally {
      deleteOurNamespaces();
      // Children of a killed vrouterd (an `ip monitor` in our namespaces) are this test's too.
      for (const p of ipProcessesOnOurNamespaces()) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    assert.deepEqual(ourNamespaces(), [], 'no vrt-crash namespace of this test is left');
  });

  it('commits the small configuration', async function () {
    expectOk(await session().editConfig(SMALL), 'edit-config of the small configuration');
    const r = await session().commit();
    assert.ok(r.ok, `commit: ${describeResult(r)}\n${srv().logTail(20)}`);
    assert.deepEqual(staticRoutes(R), EXPECTED_R_ROUTES);
    assert.deepEqual(staticRoutes(H), EXPECTED_H_ROUTES);
  });

  it('a kill -9 between the plan line and the outcome of a large commit heals on restart', async function () {
    const attempts: string[] = [];
    let landed: { txn: string; count: number; onDisk: TxnOnDisk; largeRoutesLeft: number; logBytes: number } | undefined;
    for (const count of [3000, 6000, 12000, 20000]) {
      expectOk(await session().editConfig(largeEdit(count)), `edit-config of ${count} routes`);
      const offset = await fileSize(logPath());
      const watching = watchLog(logPath(), offset, 120_000);
      // Not awaited: the reply may never come.
      const reply: Promise<NcResult> = session().commit();
      const seen = await watching;
      if (seen.result === 'op-lines') await srv().kill('SIGKILL');
      const txn = seen.txn;
      const state = txn === undefined ? undefined : await onDisk(logPath(), txn);
      attempts.push(`${count} routes: ${seen.result}${state === undefined ? '' : ` (plan ${state.plan}, ${state.ops} op lines, outcome ${state.outcome})`}`);
      if (seen.result === 'op-lines' && state !== undefined && txn !== undefined && state.plan && state.ops > 0 && !state.outcome) {
        await reply; // the connection dropped: an exception
        // A batch the kill orphaned ends at the end of its input; let it finish before reading the kernel.
        await eventually(`the orphaned ip batch exits: ${JSON.stringify(ipProcessesOnOurNamespaces())}`,
          () => Promise.resolve(ipProcessesOnOurNamespaces().every((p) => !p.args.includes('-batch'))), 10_000, 20);
        // The link monitors die with vrouterd (parent-death signal): none holds a namespace open.
        await eventually(`no ip monitor outlives vrouterd: ${JSON.stringify(ipProcessesOnOurNamespaces())}`,
          () => Promise.resolve(ipProcessesOnOurNamespaces().every((p) => !p.args.includes('monitor'))), 3_000, 20);
        const largeRoutesLeft = staticRoutes(R).filter((r) => r.startsWith('10.')).length;
        landed = { txn, count, onDisk: state, largeRoutesLeft, logBytes: (await fileSize(logPath())) - offset };
        break;
      }
      // Missed: the commit finished (or the kill came after the outcome). Back to the small configuration.
      if (!srv().running) {
        if (nc !== undefined) extraSessions.push(nc);
        nc = undefined;
        await srv().restart();
        nc = await NcclientSession.open(srv().credentials, { rpcTimeoutSeconds: 120 });
      } else {
        const r = await reply;
        assert.ok(r.ok, `the large commit of ${count} routes: ${describeResult(r)}`);
      }
      expectOk(await session().editConfig(SMALL, { defaultOperation: 'replace' }), 'edit-config back to the small configuration');
      expectOk(await session().commit(), 'commit back to the small configuration');
    }
    console.log(`      kill attempts: ${attempts.join('; ')}`);
    assert.ok(landed !== undefined, `no kill landed between a plan line and its outcome: ${attempts.join('; ')}`);
    console.log(`      kill landed in ${landed.txn} (${landed.count} routes): ${landed.onDisk.ops} op lines on disk, `
      + `${landed.largeRoutesLeft} of its routes in the kernel after the kill; ${landed.logBytes} bytes of log for it`);

    // The old session died with the process.
    if (nc !== undefined) extraSessions.push(nc);
    nc = undefined;
    await srv().restart();
    nc = await NcclientSession.open(srv().credentials, { rpcTimeoutSeconds: 120 });

    const running = expectOk(await session().getConfig('running'), 'get-config running').data;
    assert.deepEqual(runningRouterRoutes(running), [...SMALL_ROUTES].sort(), 'running is the small configuration');

    // The start-up resync ran before the server listened: the kernel already equals running.
    assert.deepEqual(staticRoutes(R), EXPECTED_R_ROUTES, 'no route of the large commit is left; the deleted ones are back');
    assert.deepEqual(staticRoutes(H), EXPECTED_H_ROUTES);
    assert.deepEqual(addresses(R), ['eth-h 192.0.2.1/30']);
    assert.deepEqual(addresses(H), ['eth0 192.0.2.2/30']);
    assert.deepEqual(links(R).map((l) => l.split(' ')[0]), ['eth-h', 'lo']);
    assert.deepEqual(links(H).map((l) => l.split(' ')[0]), ['eth0', 'lo']);
    assert.deepEqual(ourNamespaces(), [H, R].sort());

    assert.match(srv().output().split('--- restart ---').at(-1) ?? '', /reconciling transactions a crash interrupted/u);
    const settled = await onDisk(logPath(), landed.txn);
    assert.equal(settled.recovered, true, 'the log marks the interrupted transaction recovered');
    assert.equal(settled.outcome, false);
  });

  it('a second restart claims nothing: the recovered transaction is not reused', async function () {
    // A route someone else adds that happens to be one of the large commit's: not vrouterd's any more.
    const foreign = ip(['-n', R, 'route', 'add', '10.0.5.0/24', 'via', '192.0.2.2', 'dev', 'eth-h']);
    assert.equal(foreign.status, 0, foreign.stderr);
    await nc?.close();
    nc = undefined;
    await srv().restart();
    nc = await NcclientSession.open(srv().credentials, { rpcTimeoutSeconds: 120 });
    assert.deepEqual(staticRoutes(R), [...EXPECTED_R_ROUTES, '10.0.5.0/24 via 192.0.2.2 dev eth-h'].sort(),
      'the foreign route is left alone');
    assert.ok(!srv().output().split('--- restart ---').at(-1)?.includes('reconciling transactions a crash interrupted'));
  });
});
