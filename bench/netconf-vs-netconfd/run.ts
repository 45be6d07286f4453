// Side-by-side NETCONF benchmark: vrouterd vs yuma123 netconfd, measured by the same
// python3-ncclient client (client.py). Usage (as root, from the repository root):
//
//   npx tsx bench/netconf-vs-netconfd/run.ts [--quick] [--only netconfd|vrouterd]
//                                            [--json FILE] [--keep-temp] [--vrouterd-dist]
//
// Each server runs alone on 127.0.0.1 with its own configuration in a scratch directory, one after
// the other (never both at once), and is stopped and removed at the end, also on failure or Ctrl-C.
// See bench/README.md.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { FULL_PLAN, QUICK_PLAN, findPython, runClient, type BenchPlan, type ClientReport } from './bench-client.js';
import { netconfdPrerequisites, startNetconfd } from './netconfd-server.js';
import { Cleanup, removeQuietly, runChecked } from './processes.js';
import { machineInfo, renderReport, type SideOutcome } from './report.js';
import type { BenchContext, ServerName, ServerUnderTest } from './server-under-test.js';
import { startVrouterd, vrouterdPrerequisites } from './vrouterd-server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const MODULE_NAME = 'bench-items';

const USAGE = `usage: npx tsx bench/netconf-vs-netconfd/run.ts [options]

  --quick            small sizes (10 / 100 / 1k entries, few repetitions): a smoke run
  --only NAME        measure one server: netconfd or vrouterd
  --json FILE        also write all samples as JSON to FILE
  --keep-temp        keep the scratch directory (configs, logs) for a look afterwards
  --vrouterd-dist    run vrouterd as \`node dist/main.js\` (after \`make build\`) instead of tsx
  -h, --help         this text

Needs root and the Debian packages netconfd, openssh-server and python3-ncclient.`;

interface Options {
  quick: boolean;
  sides: ServerName[];
  json?: string;
  keepTemp: boolean;
  vrouterdDist: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      'keep-temp': { type: 'boolean', default: false },
      'vrouterd-dist': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.only !== undefined && values.only !== 'netconfd' && values.only !== 'vrouterd') {
    throw new Error(`--only takes netconfd or vrouterd, not ${JSON.stringify(values.only)}`);
  }
  return {
    quick: values.quick,
    sides: values.only ? [values.only] : ['netconfd', 'vrouterd'],
    json: values.json,
    keepTemp: values['keep-temp'],
    vrouterdDist: values['vrouterd-dist'],
  };
}

function log(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

async function makeClientKey(tempDir: string): Promise<{ keyPath: string; publicKey: string }> {
  const keyPath = path.join(tempDir, 'client_ed25519');
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'netconf-bench-client', '-f', keyPath], { timeoutMs: 15_000 });
  return { keyPath, publicKey: readFileSync(`${keyPath}.pub`, 'utf8').trim() };
}

async function measureSide(name: ServerName, ctx: BenchContext, options: Options, python: string, plan: BenchPlan): Promise<SideOutcome> {
  const problems = name === 'netconfd' ? netconfdPrerequisites() : vrouterdPrerequisites(REPO_ROOT, options.vrouterdDist);
  if (problems.length > 0) {
    return { name, report: { server: name, results: [], failure: `cannot run this side: ${problems.join('; ')}` } };
  }
  let server: ServerUnderTest | undefined;
  try {
    log(`starting ${name}`);
    server = name === 'netconfd' ? await startNetconfd(ctx) : await startVrouterd(ctx, options.vrouterdDist);
    log(`measuring ${name}: ${server.description}`);
    const report: ClientReport = await runClient(ctx, python, server, plan);
    if (report.results.some((m) => m.error !== undefined)) {
      log(`${name} had failures; the end of its logs:\n${server.logTail()}`);
    }
    return { name, description: server.description, report };
  } catch (err) {
    const tail = server ? `\n${server.logTail()}` : '';
    return { name, description: server?.description, report: { server: name, results: [], failure: `${(err as Error).message}${tail}` } };
  } finally {
    if (server) {
      log(`stopping ${name}`);
      await server.stop();
    }
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything this run started`);
    const cap = setTimeout(() => process.exit(130), 20_000);
    void cleanup.run().finally(() => {
      clearTimeout(cap);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', () => cleanup.runSync());

  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'netconf-bench-'));
  if (options.keepTemp) {
    log(`scratch directory (kept): ${tempDir}`);
  } else {
    cleanup.add(`remove ${tempDir}`, () => removeQuietly(tempDir), () => removeQuietly(tempDir));
  }

  try {
    const python = await findPython();
    const key = await makeClientKey(tempDir);
    const ctx: BenchContext = {
      repoRoot: REPO_ROOT,
      tempDir,
      cleanup,
      clientKeyPath: key.keyPath,
      clientPublicKey: key.publicKey,
      yangDir: path.join(REPO_ROOT, 'bench', 'yang'),
      moduleName: MODULE_NAME,
      log,
    };
    const header = [
      `NETCONF benchmark${options.quick ? ' (--quick)' : ''}: ${options.sides.join(' vs ')}, ` +
        `module ${MODULE_NAME}, sizes ${plan.sizes.join(' / ')} entries`,
      ...machineInfo(),
    ];
    const outcomes: SideOutcome[] = [];
    for (const side of options.sides) {
      if (cleanup.closed) break;
      outcomes.push(await measureSide(side, ctx, options, python, plan));
    }
    if (cleanup.closed) return 130; // interrupted: the signal handler reports and exits
    console.log('\n' + renderReport(outcomes, header));
    if (options.json) {
      writeFileSync(options.json, JSON.stringify({ header, plan, outcomes }, null, 1) + '\n');
      log(`results written to ${options.json}`);
    }
    const failed = outcomes.some((o) => o.report.failure !== undefined || o.report.results.some((m) => m.error !== undefined));
    return failed ? 1 : 0;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(2);
  },
);
