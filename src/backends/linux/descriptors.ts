// The Linux backend's descriptors: what the transaction engine calls to drive the kernel for each
// item kind translate.ts produces. One descriptor per kind:
//
//   linux-netns            linux/netns/<name>                 ip netns add / del (lo brought up)
//   linux-forwarding       linux/<ns>/forwarding              net.ipv4.ip_forward, net.ipv6.conf.all.forwarding
//   linux-link             linux/<ns>/link/<kernel-name>      descriptors-link.ts
//   linux-link-forwarding  linux/<ns>/link-forwarding/<dev>   descriptors-link.ts
//   linux-address          linux/<ns>/address/…               descriptors-ip.ts
//   linux-route            linux/<ns>/route/…                 descriptors-ip.ts
//   linux-container        linux/container/<name>             descriptors-container.ts (a veth pair into a
//                                                             running Docker container, found through
//                                                             options.containers)
//
// dependencies(item) are the ones translate.ts computed (translatedDependencies).
//
// retrieve(ctx) reads every namespace `ip netns list` shows (options.namespaceFilter narrows
// that; options.includeDefaultNamespace adds the default one) and reports items under the same
// keys translate.ts uses, with the kernel's values; each descriptor's `equivalent` compares a
// kernel value with a configured one (absent attributes in the configuration = the kernel's own).
// Presence keys are reported too, so pending items become applicable on resync: every named
// namespace as linux/netns/<name> (by the netns descriptor), every link as
// linux/<ns>/device/<kernel-name> (by the link descriptor) and every running Docker container as
// docker/container/<name> (by the container descriptor). createdByVrouterd comes from the
// ownership record in the engine's metadata (descriptors-common.ts explains why). The container
// descriptor reads no namespace: it checks the attachments its records name (its own header).
//
// Forwarding: create records the sysctl values it finds, then sets the configured ones; delete
// puts the recorded values back (the kernel is left as it was before vrouterd changed it). After a
// restart nothing is recorded, and delete then leaves the kernel's values alone. A namespace that
// is gone has no sysctls to restore: deleting its forwarding item succeeds.
//
// Errors: a kernel refusal is an Error with the kernel's words and the failing command
// ("RTNETLINK answers: File exists (ip -n r1 -batch: link add name eth0 type veth …)").

import type { Descriptor, DescriptorContext, RetrievedItem } from '../../commit/descriptor.js';
import { splitKey, type Item } from '../../commit/item.js';
import {
  isMissingNamespace, keyMatcher, markOwn, namespacesToRead, ownRecord, perNamespace, writeSysctls,
  type LinuxDescriptorOptions as CommonDescriptorOptions,
} from './descriptors-common.js';
import { containerDescriptor, type ContainerDescriptorOptions } from './descriptors-container.js';
import { addressDescriptor, routeDescriptor } from './descriptors-ip.js';
import { linkDescriptor, linkForwardingDescriptor } from './descriptors-link.js';
import {
  forwardingEquivalent, forwardingSettings, readForwarding, restoreForwarding, setForwarding, type ForwardingPaths,
} from './forwarding-sysctls.js';
import type { IpRunner } from './ip-runner.js';
import type { ForwardingSpec, NamespaceSpec } from './link-spec.js';
import { forwardingItemKey, LINUX_BACKEND, netnsKey, translatedDependencies } from './translate-keys.js';

export type { OwnRecord } from './descriptors-common.js';

/** Options of every Linux descriptor, plus the Docker lookup of the container attachment. */
export type LinuxDescriptorOptions = CommonDescriptorOptions & ContainerDescriptorOptions;

/** The descriptors of every Linux item kind, to register in the engine's DescriptorRegistry. */
export function linuxDescriptors(runner: IpRunner, options: LinuxDescriptorOptions = {}): Descriptor[] {
  return [
    namespaceDescriptor(runner, options),
    forwardingDescriptor(runner, options),
    linkDescriptor(runner, options),
    linkForwardingDescriptor(runner, options),
    addressDescriptor(runner, options),
    routeDescriptor(runner, options),
    containerDescriptor(runner, options),
  ];
}

function isNetnsKey(key: string): boolean {
  const p = splitKey(key);
  return p.length === 3 && p[0] === LINUX_BACKEND && p[1] === 'netns';
}

export function namespaceDescriptor(runner: IpRunner, options: CommonDescriptorOptions): Descriptor {
  return {
    kind: 'linux-netns',
    matches: isNetnsKey,
    dependencies: translatedDependencies,
    async create(ctx: DescriptorContext, item: Item): Promise<void> {
      const { name } = item.value as NamespaceSpec;
      try {
        await runner.addNamespace(name);
      } catch (e) {
        // `ip netns add` may have made the namespace before `lo up` failed: do not leave it.
        if (!/netns add/u.test(String(e)) && await runner.namespaceExists(name)) await runner.deleteNamespace(name).catch(() => undefined);
        throw e;
      }
      markOwn(ctx, item.key);
    },
    async delete(_ctx: DescriptorContext, item: Item): Promise<void> {
      const { name } = item.value as NamespaceSpec;
      try {
        await runner.deleteNamespace(name);
      } catch (e) {
        if (await runner.namespaceExists(name)) throw e;
      }
    },
    async retrieve(ctx: DescriptorContext): Promise<RetrievedItem[]> {
      const names = (await namespacesToRead(runner, options)).filter((n): n is string => n !== undefined);
      return names.map((name) => {
        const key = netnsKey(name);
        return { item: { key, value: { name }, backend: LINUX_BACKEND }, createdByVrouterd: ownRecord(ctx, key) !== undefined };
      });
    },
  };
}

/** The namespace-wide switches. */
const NAMESPACE_FORWARDING: ForwardingPaths = { ipv4: 'net/ipv4/ip_forward', ipv6: 'net/ipv6/conf/all/forwarding' };

function nsOfSpec(v: ForwardingSpec): string | undefined {
  return v.namespace === '' ? undefined : v.namespace;
}

export function forwardingDescriptor(runner: IpRunner, options: CommonDescriptorOptions): Descriptor {
  return {
    kind: 'linux-forwarding',
    matches: keyMatcher('forwarding', 0),
    dependencies: translatedDependencies,
    equivalent: (a, b) => {
      const x = a.value as ForwardingSpec;
      const y = b.value as ForwardingSpec;
      return a.backend === b.backend && x.namespace === y.namespace && forwardingEquivalent(x, y);
    },
    async create(ctx, item) {
      const v = item.value as ForwardingSpec;
      await setForwarding(runner, options, ctx, item.key, nsOfSpec(v), NAMESPACE_FORWARDING, v);
    },
    async delete(ctx, item) {
      // A namespace that is gone has no sysctls to restore.
      await restoreForwarding(runner, options, ctx, item.key, nsOfSpec(item.value as ForwardingSpec), NAMESPACE_FORWARDING,
        (e) => isMissingNamespace(String(e)));
    },
    async update(_ctx, _previous, next) {
      const v = next.value as ForwardingSpec;
      await writeSysctls(runner, options, nsOfSpec(v), forwardingSettings(NAMESPACE_FORWARDING, v));
    },
    async retrieve(ctx) {
      return perNamespace(runner, options, async (ns): Promise<RetrievedItem[]> => {
        const key = forwardingItemKey(ns);
        const value: ForwardingSpec = { namespace: ns ?? '', ...await readForwarding(runner, options, ns, NAMESPACE_FORWARDING) };
        return [{ item: { key, value, backend: LINUX_BACKEND }, createdByVrouterd: ownRecord(ctx, key) !== undefined }];
      });
    },
  };
}
