// The forwarding sysctls, shared by the namespace-wide forwarding item (net.ipv4.ip_forward,
// net.ipv6.conf.all.forwarding) and the per-link one (net.ipv4|6.conf.DEV.forwarding): which
// settings a value asks for, when a kernel value matches it, and the create/delete pair that
// records the kernel's values before changing them and puts them back afterwards.
import type { DescriptorContext } from '../../commit/descriptor.js';
import { markOwn, ownRecord, readSysctls, writeSysctls, type LinuxDescriptorOptions as CommonDescriptorOptions } from './descriptors-common.js';
import type { IpRunner } from './ip-runner.js';

/** The two switches of a forwarding item; absent = leave the kernel's value. */
export interface ForwardingFlags {
  ipv4?: boolean;
  ipv6?: boolean;
}

/** The sysctls (slash form) behind the two switches. */
export interface ForwardingPaths {
  readonly ipv4: string;
  readonly ipv6: string;
}

/** The sysctl writes `v` asks for. */
export function forwardingSettings(paths: ForwardingPaths, v: ForwardingFlags): [string, boolean][] {
  const s: [string, boolean][] = [];
  if (v.ipv4 !== undefined) s.push([paths.ipv4, v.ipv4]);
  if (v.ipv6 !== undefined) s.push([paths.ipv6, v.ipv6]);
  return s;
}

/** Fields the desired value sets must match; absent = leave the kernel's value. */
export function forwardingEquivalent(current: ForwardingFlags, desired: ForwardingFlags): boolean {
  return (desired.ipv4 === undefined || current.ipv4 === desired.ipv4) && (desired.ipv6 === undefined || current.ipv6 === desired.ipv6);
}

/** Reads both switches (undefined where the kernel has no such sysctl value). */
export async function readForwarding(runner: IpRunner, options: CommonDescriptorOptions, ns: string | undefined,
  paths: ForwardingPaths): Promise<ForwardingFlags> {
  const [ipv4, ipv6] = await readSysctls(runner, options, ns, [paths.ipv4, paths.ipv6]);
  return { ...(ipv4 !== undefined ? { ipv4 } : {}), ...(ipv6 !== undefined ? { ipv6 } : {}) };
}

/** Create: records the kernel's values in the item's ownership record, then sets the configured ones. */
export async function setForwarding(runner: IpRunner, options: CommonDescriptorOptions, ctx: DescriptorContext, key: string,
  ns: string | undefined, paths: ForwardingPaths, v: ForwardingFlags): Promise<void> {
  const before = await readForwarding(runner, options, ns, paths);
  await writeSysctls(runner, options, ns, forwardingSettings(paths, v));
  markOwn(ctx, key, before);
}

/**
 * Delete: puts back the values setForwarding found. Nothing recorded (after a restart): the
 * kernel's values stay. A write failure `gone` accepts means the sysctls went with their
 * namespace or link, which is a success.
 */
export async function restoreForwarding(runner: IpRunner, options: CommonDescriptorOptions, ctx: DescriptorContext, key: string,
  ns: string | undefined, paths: ForwardingPaths, gone: (e: unknown) => boolean): Promise<void> {
  const before = ownRecord(ctx, key)?.before;
  if (before === undefined) return;
  try {
    await writeSysctls(runner, options, ns, forwardingSettings(paths, before));
  } catch (e) {
    if (!gone(e)) throw e;
  }
}
