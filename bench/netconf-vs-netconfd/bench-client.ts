// Runs client.py (python3-ncclient) against one server and reads back its JSON results. The
// same client, with the same plan, measures every server.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runCommand } from './processes.js';
import type { BenchContext, ServerName, ServerUnderTest } from './server-under-test.js';

const CLIENT_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client.py');

/** One measurement as client.py reports it (times in ms). */
export interface Measurement {
  id: string;
  label: string;
  unit?: 'ms';
  samples?: number[];
  median?: number;
  edit_config_median?: number;
  commit_median?: number;
  total?: number;
  error?: string;
}

export interface ClientReport {
  server: ServerName;
  client?: { ncclient: string; paramiko: string; python: string; tick_s: number; tcp_nodelay: boolean };
  results: Measurement[];
  /** Set when the side could not be measured at all (server did not start, client crashed). */
  failure?: string;
}

export interface BenchPlan {
  sizes: number[];
  reps: number[];
  setupReps: number;
  getReps: number;
  filterReps: number;
  sequential: number;
  rpcTimeoutS: number;
  /** Kill the client after this long, whatever it is doing. */
  clientTimeoutMs: number;
}

export const FULL_PLAN: BenchPlan = {
  sizes: [100, 1000, 10000],
  reps: [5, 3, 3],
  setupReps: 20,
  getReps: 5,
  filterReps: 20,
  sequential: 200,
  rpcTimeoutS: 120,
  clientTimeoutMs: 20 * 60_000,
};

export const QUICK_PLAN: BenchPlan = {
  sizes: [10, 100, 1000],
  reps: [2, 2, 2],
  setupReps: 5,
  getReps: 2,
  filterReps: 5,
  sequential: 20,
  rpcTimeoutS: 30,
  clientTimeoutMs: 3 * 60_000,
};

/** A python3 that can import ncclient: $BENCH_PYTHON, Debian's /usr/bin/python3, or python3 on PATH. */
export async function findPython(): Promise<string> {
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    try {
      const result = await runCommand(python, ['-c', 'import ncclient, paramiko'], { timeoutMs: 30_000 });
      if (result.code === 0) return python;
    } catch {
      // not runnable; try the next
    }
  }
  throw new Error(`no python3 with ncclient among ${candidates.join(', ')}: apt-get install python3-ncclient ` +
    '(or point BENCH_PYTHON at a python that has ncclient)');
}

export async function runClient(ctx: BenchContext, python: string, server: ServerUnderTest, plan: BenchPlan): Promise<ClientReport> {
  const out = path.join(ctx.tempDir, `results-${server.name}.json`);
  let partial = '';
  const result = await runCommand(python, [
    CLIENT_SCRIPT,
    '--server', server.name,
    '--port', String(server.port),
    '--user', server.user,
    '--key', ctx.clientKeyPath,
    '--out', out,
    '--sizes', plan.sizes.join(','),
    '--reps', plan.reps.join(','),
    '--setup-reps', String(plan.setupReps),
    '--get-reps', String(plan.getReps),
    '--filter-reps', String(plan.filterReps),
    '--sequential', String(plan.sequential),
    '--rpc-timeout', String(plan.rpcTimeoutS),
  ], {
    cwd: ctx.tempDir,
    timeoutMs: plan.clientTimeoutMs,
    cleanup: ctx.cleanup,
    onStderr: (chunk) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) ctx.log(`  ${line}`);
    },
  });
  if (!existsSync(out)) {
    const why = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.code}`;
    throw new Error(`the client ${why} without results:\n${result.stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
  return JSON.parse(readFileSync(out, 'utf8')) as ClientReport;
}
