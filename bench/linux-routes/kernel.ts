// The benchmark's side of the kernel: its own namespaces (created, listed by prefix, removed),
// the veth set-up of the direct measurement, counting the routes in a namespace's FIB, and
// feeding an `ip -n NS -batch -` directly.
import { spawn, spawnSync } from 'node:child_process';

import { DEV, GATEWAY, LOCAL, PEER_DEV, PREFIX_LENGTH } from './config.js';

const ENV = { ...process.env, LC_ALL: 'C' };

/** Runs `ip ARGS`; throws with ip's words when it fails. */
export function ipSync(args: readonly string[], input?: string): string {
  const r = spawnSync('ip', [...args], { encoding: 'utf8', env: ENV, input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Named namespaces whose name starts with `prefix`. */
export function namespacesWithPrefix(prefix: string): string[] {
  const out = ipSync(['-json', 'netns', 'list']).trim();
  const list = out === '' ? [] : JSON.parse(out) as { name: string }[];
  return list.map((n) => n.name).filter((n) => n.startsWith(prefix)).sort();
}

/** Removes every namespace named with `prefix` (quietly: cleanup must go on). */
export function deleteNamespaces(prefix: string): void {
  for (const ns of namespacesWithPrefix(prefix)) {
    spawnSync('ip', ['netns', 'del', ns], { env: ENV });
  }
}

/** The direct measurement's namespace: lo up, a veth pair, the address on the first end. */
export function setUpDirectNamespace(ns: string): void {
  ipSync(['netns', 'add', ns]);
  ipSync(['-n', ns, '-batch', '-'], [
    'link set dev lo up',
    `link add name ${DEV} type veth peer name ${PEER_DEV}`,
    `link set dev ${DEV} up`,
    `link set dev ${PEER_DEV} up`,
    `address replace ${LOCAL}/${PREFIX_LENGTH} dev ${DEV}`,
  ].join('\n') + '\n');
}

/** How many routes via the benchmark's gateway the namespace's main table holds. */
export function countRoutes(ns: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['-n', ns, '-4', 'route', 'show', 'table', 'main'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let count = 0;
    let rest = '';
    let err = '';
    const needle = ` via ${GATEWAY} `;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.includes(needle)) count++;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (rest.includes(needle)) count++;
      // A namespace not made yet (vrouterd creates it during the commit) has no routes.
      if (code !== 0 && !/Cannot open network namespace|No such file/u.test(err)) reject(new Error(`ip route show in ${ns}: ${err.trim()}`));
      else resolve(count);
    });
  });
}

/** Polls until the namespace holds `expected` routes; resolves with the time it was seen (ms, performance.now). */
export async function waitForRoutes(ns: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const n = await countRoutes(ns);
    const seen = performance.now();
    if (n >= expected) return seen;
    if (seen > deadline) throw new Error(`${ns} holds ${n} of ${expected} routes after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Feeds `lines` to `ip -n NS -batch -`; resolves when ip exits 0. */
export function runBatch(ns: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['-n', ns, '-batch', '-'], { env: ENV, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ip -n ${ns} -batch failed (${code}): ${err.trim()}`))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}
