// 10k IPv4 static routes into a namespace: through vrouterd (NETCONF commit, python3-ncclient)
// next to the same routes fed to `ip -n NS -batch -` directly. Usage (as root, repository root):
//
//   npx tsx bench/linux-routes/run.ts [--runs 3] [--routes 10000] [--no-breakdown]
//
// Both sides are timed from the start (sending <commit>; spawning ip) until all routes are in the
// namespace's FIB (polled with `ip -n NS -4 route show`). Namespaces are named
// vrt-bench-<pid>-…; every one of them, vrouterd and the ncclient driver are removed at the end,
// also on failure or Ctrl-C. See bench/README.md.
import os from 'node:os';
import { parseArgs } from 'node:util';

import {
  describeResult, expectOk, NcclientSession, requireNcclient, VrouterdProcess,
} from '../../test/support/vrouterd-process.js';
import { measureBreakdown, type Breakdown } from './breakdown.js';
import { benchConfigXml, removalXml, routeLines } from './config.js';
import { deleteNamespaces, namespacesWithPrefix, runBatch, setUpDirectNamespace, waitForRoutes } from './kernel.js';

const PREFIX = `vrt-bench-${process.pid}-`;
const VIA_VROUTERD = `${PREFIX}r`;
const DIRECT = `${PREFIX}direct`;
const IN_PROCESS = `${PREFIX}engine`;

const USAGE = `usage: npx tsx bench/linux-routes/run.ts [options]

  --runs N          measurements per side (default 3); medians are reported
  --routes N        routes per commit (default 10000)
  --no-breakdown    skip the in-process stage breakdown
  -h, --help        this text

Needs root, iproute2 and python3-ncclient (Debian's /usr/bin/python3).`;

interface Sample {
  /** From sending <commit> (or spawning ip) until every route was seen in the FIB. */
  readonly totalMs: number;
  /** vrouterd: until the <ok/> of the commit arrived. */
  readonly replyMs?: number;
  /** vrouterd: the (untimed) edit-config before it. */
  readonly editMs?: number;
  /** vrouterd: the commit removing it all again (untimed in the ratio; 10k route deletes). */
  readonly removeMs?: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const ms = (v: number): string => `${v.toFixed(0).padStart(7)} ms`;

async function viaVrouterd(nc: NcclientSession, routes: number): Promise<Sample> {
  const editStart = performance.now();
  expectOk(await nc.editConfig(benchConfigXml(VIA_VROUTERD, routes)), 'edit-config of the routes');
  const editMs = performance.now() - editStart;
  const start = performance.now();
  const committed = await nc.commit();
  const replyMs = performance.now() - start;
  if (!committed.ok) throw new Error(`commit: ${describeResult(committed)}`);
  const seen = await waitForRoutes(VIA_VROUTERD, routes, 120_000);
  // Back to nothing: vrouterd deletes the routes, the link and its namespace.
  expectOk(await nc.editConfig(removalXml()), 'edit-config remove');
  const removeStart = performance.now();
  const removed = await nc.commit();
  const removeMs = performance.now() - removeStart;
  if (!removed.ok) throw new Error(`commit of the removal: ${describeResult(removed)}`);
  if (namespacesWithPrefix(VIA_VROUTERD).length > 0) throw new Error(`vrouterd left ${VIA_VROUTERD} behind`);
  return { totalMs: seen - start, replyMs, editMs, removeMs };
}

async function direct(routes: number): Promise<Sample> {
  setUpDirectNamespace(DIRECT);
  try {
    const lines = routeLines(routes);
    const start = performance.now();
    await runBatch(DIRECT, lines);
    const seen = await waitForRoutes(DIRECT, routes, 120_000);
    return { totalMs: seen - start };
  } finally {
    deleteNamespaces(DIRECT);
  }
}

function report(routes: number, vr: readonly Sample[], ip: readonly Sample[], breakdown: Breakdown | undefined): void {
  const cpus = os.cpus();
  console.log(`\n${routes} IPv4 static routes into one namespace — ${cpus.length} × ${cpus[0]?.model ?? '?'}, Linux ${os.release()}, node ${process.version}`);
  console.log(`runs: ${vr.length} per side; times from the start until every route is in the FIB\n`);
  const vrTotal = median(vr.map((s) => s.totalMs));
  const ipTotal = median(ip.map((s) => s.totalMs));
  console.log(`  vrouterd  NETCONF <commit>      median ${ms(vrTotal)}   samples ${vr.map((s) => s.totalMs.toFixed(0)).join(', ')}`);
  console.log(`            of which until <ok/>  median ${ms(median(vr.map((s) => s.replyMs ?? 0)))}`);
  console.log(`            (edit-config before, untimed: median ${median(vr.map((s) => s.editMs ?? 0)).toFixed(0)} ms;`
    + ` the commit removing it all: median ${median(vr.map((s) => s.removeMs ?? 0)).toFixed(0)} ms)`);
  console.log(`  ip -n NS -batch - directly      median ${ms(ipTotal)}   samples ${ip.map((s) => s.totalMs.toFixed(0)).join(', ')}`);
  console.log(`  ratio vrouterd / ip -batch: ${(vrTotal / ipTotal).toFixed(1)}×`);
  if (breakdown !== undefined) {
    const b = breakdown;
    console.log(`\nin-process breakdown (one commit with vrouterd's modules, no NETCONF): ${b.items} items, ${b.ops} ops, `
      + `${b.backendCalls} backend calls, largest batch ${b.largestBatch} ops`);
    console.log(`  XML decode      ${ms(b.decodeMs)}`);
    console.log(`  libyang validate${ms(b.validateMs)}`);
    console.log(`  translate       ${ms(b.translateMs)}`);
    console.log(`  plan            ${ms(b.planMs)}`);
    console.log(`  execute (ip)    ${ms(b.executeMs)}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      routes: { type: 'string', default: '10000' },
      'no-breakdown': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  const routes = Number(values.routes);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(routes) || routes < 1 || routes > 4_000_000) {
    console.error(USAGE);
    return 2;
  }
  if (process.getuid?.() !== 0) {
    console.error('bench/linux-routes needs root: it creates network namespaces');
    return 2;
  }
  requireNcclient();

  let server: VrouterdProcess | undefined;
  let nc: NcclientSession | undefined;
  const cleanup = async (): Promise<void> => {
    try {
      await nc?.close().catch(() => undefined);
      await server?.cleanup();
    } finally {
      deleteNamespaces(PREFIX);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Last resort if something exits the process without the finally below.
  process.once('exit', () => deleteNamespaces(PREFIX));

  try {
    console.error('starting vrouterd …');
    server = await VrouterdProcess.start({ logLevel: 'info' });
    nc = await NcclientSession.open(server.credentials, { rpcTimeoutSeconds: 600 });
    const vr: Sample[] = [];
    const ip: Sample[] = [];
    for (let i = 1; i <= runs; i++) {
      console.error(`run ${i}/${runs}: vrouterd …`);
      vr.push(await viaVrouterd(nc, routes));
      console.error(`run ${i}/${runs}: ip -batch …`);
      ip.push(await direct(routes));
    }
    await nc.close();
    nc = undefined;
    await server.cleanup();
    server = undefined;
    let breakdown: Breakdown | undefined;
    if (!values['no-breakdown']) {
      console.error('in-process breakdown …');
      breakdown = await measureBreakdown(IN_PROCESS, routes);
    }
    report(routes, vr, ip, breakdown);
    return 0;
  } catch (e) {
    console.error(`bench failed: ${(e as Error).message}`);
    if (server !== undefined) console.error(`--- vrouterd log tail:\n${server.logTail(30)}`);
    return 1;
  } finally {
    await cleanup();
    const left = namespacesWithPrefix(PREFIX);
    if (left.length > 0) console.error(`namespaces left behind: ${left.join(', ')}`);
  }
}

process.exitCode = await main();
