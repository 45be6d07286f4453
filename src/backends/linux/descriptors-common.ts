// Shared plumbing of the Linux descriptors: key parsing, the namespaces retrieve reads, running a
// one-operation `ip -batch` with the kernel's own words in the error, sysctls inside a namespace,
// and the ownership record kept in the engine's metadata.
//
// Ownership (createdByVrouterd in retrieve): the kernel has no place to mark a link, an address or
// a route as vrouterd's without changing what `ip -json` prints (a route `proto` would show up in
// the value and break the comparison with the translated items). So every successful create
// stores an OwnRecord in the engine-owned metadata under the item's key, and retrieve reports
// createdByVrouterd when that record is there. The engine drops the record when it deletes the
// item or reverts its create. After a restart the metadata is empty: the engine's resync then
// takes ownership from the transaction log (ResyncOptions.ownKeys), not from the kernel.

import { execFile } from 'node:child_process';

import type { DescriptorContext } from '../../commit/descriptor.js';
import { splitKey } from '../../commit/item.js';
import { renderBatch, type LinuxOp } from './batch-render.js';
import type { BatchFailure, IpRunner } from './ip-runner.js';
import { LINUX_BACKEND, namespaceOfPart } from './translate-keys.js';

export interface LinuxDescriptorOptions {
  /** Which named namespaces retrieve reads; default: every one `ip netns list` shows. */
  readonly namespaceFilter?: (name: string) => boolean;
  /** Whether retrieve reads the default namespace too (default true). */
  readonly includeDefaultNamespace?: boolean;
  /** The sysctl binary used for the default namespace (default `sysctl` on PATH). */
  readonly sysctlPath?: string;
}

/** What the Linux descriptors keep in the engine's metadata for an item they created. */
export interface OwnRecord {
  readonly vrouterd: true;
  readonly transactionId: string;
  /** Forwarding items: the sysctl values before vrouterd changed them (restored by delete). */
  readonly before?: { ipv4?: boolean; ipv6?: boolean };
}

export function markOwn(ctx: DescriptorContext, key: string, before?: OwnRecord['before']): void {
  const record: OwnRecord = { vrouterd: true, transactionId: ctx.transactionId, ...(before ? { before } : {}) };
  ctx.metadata.set(key, record);
}

export function ownRecord(ctx: DescriptorContext, key: string): OwnRecord | undefined {
  const v = ctx.metadata.get(key);
  return v !== null && typeof v === 'object' && (v as Partial<OwnRecord>).vrouterd === true ? (v as OwnRecord) : undefined;
}

/** A Linux key split into the namespace (undefined = default) and the rest, or undefined. */
export interface ParsedKey {
  readonly namespace: string | undefined;
  /** 'link', 'address', 'route', 'forwarding', 'link-forwarding', … */
  readonly kind: string;
  readonly rest: readonly string[];
}

export function parseLinuxKey(key: string): ParsedKey | undefined {
  const parts = splitKey(key);
  if (parts[0] !== LINUX_BACKEND || parts.length < 3) return undefined;
  const nsPart = parts[1]!;
  if (nsPart === 'netns' || nsPart === 'container') return undefined;
  return { namespace: namespaceOfPart(nsPart), kind: parts[2]!, rest: parts.slice(3) };
}

export function keyMatcher(kind: string, restLength: number): (key: string) => boolean {
  return (key) => {
    const p = parseLinuxKey(key);
    return p !== undefined && p.kind === kind && p.rest.length === restLength;
  };
}

/** The namespaces retrieve reads: undefined stands for the default namespace. */
export async function namespacesToRead(runner: IpRunner, options: LinuxDescriptorOptions): Promise<(string | undefined)[]> {
  const filter = options.namespaceFilter ?? ((): boolean => true);
  const named = (await runner.listNamespaces()).map((n) => n.name).filter(filter).sort();
  return [...(options.includeDefaultNamespace ?? true ? [undefined] : []), ...named];
}

/**
 * Runs `read` for every namespace retrieve reads and concatenates the results; a namespace deleted
 * between the listing and the read is skipped.
 */
export async function perNamespace<T>(runner: IpRunner, options: LinuxDescriptorOptions,
  read: (ns: string | undefined) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const ns of await namespacesToRead(runner, options)) {
    try {
      out.push(...await read(ns));
    } catch (e) {
      if (ns !== undefined && isMissingNamespace(String(e)) && !(await runner.namespaceExists(ns))) continue;
      throw e;
    }
  }
  return out;
}

/** `ip -n NS` names a namespace that is gone: reads and deletes treat that as "nothing there". */
export function isMissingNamespace(message: string): boolean {
  return /Cannot open network namespace|No such file or directory/u.test(message);
}

/** A batch failure as an Error: the kernel's words, then the command that failed. */
export function batchError(ns: string | undefined, script: string, r: BatchFailure): Error {
  const command = r.command ?? script.trim().split('\n').join('; ');
  const where = ns === undefined ? 'ip -batch' : `ip -n ${ns} -batch`;
  return new Error(`${r.message.trim()} (${where}: ${command})`);
}

/**
 * Renders `ops` and runs them as one batch in `ns`. A failure whose text matches `tolerate`
 * (an object already gone, for deletes) counts as success.
 */
export async function runOps(runner: IpRunner, ns: string | undefined, ops: readonly LinuxOp[], tolerate?: RegExp): Promise<void> {
  const rendered = renderBatch(ops);
  if (!rendered.ok) throw new Error(rendered.error.message);
  await runScript(runner, ns, rendered.script, tolerate);
}

export async function runScript(runner: IpRunner, ns: string | undefined, script: string, tolerate?: RegExp): Promise<void> {
  const r = await runner.runBatch(ns ?? null, script);
  if (r.ok) return;
  if (tolerate !== undefined && tolerate.test(r.message)) return;
  throw batchError(ns, script, r);
}

// ---- sysctls -------------------------------------------------------------------------------------
// Written in slash form (net/ipv4/conf/eth0.100/forwarding) so a '.' in a device name is safe.
// Named namespaces: `ip netns exec NS sysctl …` through the runner. The default namespace: the
// sysctl binary directly (vrouterd runs in the default namespace).

function runSysctl(runner: IpRunner, options: LinuxDescriptorOptions, ns: string | undefined, args: readonly string[]): Promise<string> {
  if (ns !== undefined) return runner.check(['netns', 'exec', ns, 'sysctl', ...args]).then((r) => r.stdout);
  const bin = options.sysctlPath ?? 'sysctl';
  return new Promise((resolve, reject) => {
    execFile(bin, [...args], { env: { ...process.env, LC_ALL: 'C' }, timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Sets sysctls (path in slash form → value). */
export async function writeSysctls(runner: IpRunner, options: LinuxDescriptorOptions, ns: string | undefined,
  settings: readonly (readonly [string, boolean])[]): Promise<void> {
  if (settings.length === 0) return;
  await runSysctl(runner, options, ns, ['-q', '-w', ...settings.map(([p, v]) => `${p}=${v ? 1 : 0}`)]);
}

/** Reads boolean sysctls (slash form), in order. */
export async function readSysctls(runner: IpRunner, options: LinuxDescriptorOptions, ns: string | undefined,
  paths: readonly string[]): Promise<boolean[]> {
  const out = await runSysctl(runner, options, ns, ['-n', ...paths]);
  return out.trim().split('\n').map((l) => l.trim() !== '0');
}

/** Every `forwarding` sysctl of a namespace: dotted name (net.ipv4.conf.eth0.forwarding) → value. */
export async function readForwardingSysctls(runner: IpRunner, options: LinuxDescriptorOptions,
  ns: string | undefined): Promise<Map<string, boolean>> {
  const out = await runSysctl(runner, options, ns, ['-a', '-r', '^net\\.ipv[46]\\.(conf\\..+\\.forwarding|ip_forward)$']);
  const values = new Map<string, boolean>();
  for (const line of out.split('\n')) {
    const m = /^(\S+) = (\d+)$/u.exec(line.trim());
    if (m) values.set(m[1]!, m[2] !== '0');
  }
  return values;
}

/** ip-link `netns` argument for a namespace ("" = the default one: vrouterd's own, by PID). */
export function netnsTarget(ns: string): string {
  return ns === '' ? String(process.pid) : ns;
}
