// The Linux address (linux/<ns>/address/<dev>/<ip>/<len>) and route
// (linux/<ns>/route/<table>/<prefix>/<metric>) descriptors.
//
// Creates use `address replace` / `route replace` (batch-render.ts): re-running them is harmless,
// and a route of the same identity that another program added is taken over. Deletes of an object
// already gone (or whose device or namespace is gone) succeed. Addresses have no update: their key
// is their identity, so a change of peer or broadcast re-creates them. Routes update with
// `route replace`.
//
// Comparison (equivalent(current, desired)): an address or route from retrieve carries what the
// kernel prints; the desired value is what translate.ts produced. For routes the output device is
// compared only when the configuration names it (the kernel always reports one), everything else
// (type, table, metric, gateway, protocol, next hops and their weights) must match.

import type { Descriptor, RetrievedItem } from '../../commit/descriptor.js';
import type { Item } from '../../commit/item.js';
import { keyMatcher, markOwn, ownRecord, parseLinuxKey, perNamespace, runOps, type LinuxDescriptorOptions } from './descriptors-common.js';
import type { IpRunner } from './ip-runner.js';
import { normalizeRoute, type AddressSpec, type NextHop, type RouteSpec } from './link-spec.js';
import { addressItemKey, LINUX_BACKEND, routeItemKey, translatedDependencies } from './translate-keys.js';

const ADDRESS_GONE = /Cannot assign requested address|Cannot find device|No such device|Cannot open network namespace/u;
const ROUTE_GONE = /No such process|Cannot find device|No such device|Cannot open network namespace/u;

function nsOf(key: string): string | undefined {
  return parseLinuxKey(key)?.namespace;
}

/**
 * The part address and route descriptors share: one batch object per item, created with
 * `replace`, deleted tolerating `gone`, retrieved per namespace with ownership from metadata.
 */
function batchObjectDescriptor<T extends AddressSpec | RouteSpec>(runner: IpRunner, options: LinuxDescriptorOptions, d: {
  kind: string;
  keyPart: string;
  type: 'address' | 'route';
  gone: RegExp;
  equivalent(current: T, desired: T): boolean;
  read(ns: string | null): Promise<T[]>;
  keyOf(ns: string | undefined, spec: T): string;
}): Descriptor {
  const object = (item: Item): { type: 'address'; spec: AddressSpec } | { type: 'route'; spec: RouteSpec } =>
    (d.type === 'address' ? { type: 'address', spec: item.value as AddressSpec } : { type: 'route', spec: item.value as RouteSpec });
  return {
    kind: d.kind,
    matches: keyMatcher(d.keyPart, 3),
    dependencies: translatedDependencies,
    equivalent: (a: Item, b: Item) => a.backend === b.backend && d.equivalent(a.value as T, b.value as T),
    async create(ctx, item) {
      await runOps(runner, nsOf(item.key), [{ op: 'create', object: object(item) }]);
      markOwn(ctx, item.key);
    },
    async delete(_ctx, item) {
      await runOps(runner, nsOf(item.key), [{ op: 'delete', object: object(item) }], d.gone);
    },
    async retrieve(ctx) {
      return perNamespace(runner, options, async (ns): Promise<RetrievedItem[]> =>
        (await d.read(ns ?? null)).map((spec) => {
          const key = d.keyOf(ns, spec);
          return { item: { key, value: spec, backend: LINUX_BACKEND }, createdByVrouterd: ownRecord(ctx, key) !== undefined };
        }));
    },
  };
}

export function addressesEquivalent(current: AddressSpec, desired: AddressSpec): boolean {
  return current.dev === desired.dev && current.address === desired.address && current.prefixLength === desired.prefixLength
    && current.peer === desired.peer && (desired.broadcast === undefined || current.broadcast === desired.broadcast);
}

export function addressDescriptor(runner: IpRunner, options: LinuxDescriptorOptions): Descriptor {
  return batchObjectDescriptor<AddressSpec>(runner, options, {
    kind: 'linux-address',
    keyPart: 'address',
    type: 'address',
    gone: ADDRESS_GONE,
    equivalent: addressesEquivalent,
    read: async (ns) => (await runner.readAddresses(ns)).filter((a) => !a.kernelCreated).map((a) => a.spec),
    keyOf: addressItemKey,
  });
}

function hopsEquivalent(current: NextHop, desired: NextHop): boolean {
  return current.gateway === desired.gateway && (desired.dev === undefined || current.dev === desired.dev)
    && (current.onlink === true) === (desired.onlink === true);
}

export function routesEquivalent(currentRaw: RouteSpec, desiredRaw: RouteSpec): boolean {
  const a = normalizeRoute(currentRaw);
  const b = normalizeRoute(desiredRaw);
  if (a.family !== b.family || a.destination !== b.destination || a.type !== b.type || a.table !== b.table
    || a.metric !== b.metric || a.protocol !== b.protocol) return false;
  if (a.type !== 'unicast') return true;
  const ah = a.nexthops;
  const bh = b.nexthops;
  if (ah === undefined || bh === undefined) return ah === bh && hopsEquivalent(a, b);
  return ah.length === bh.length && ah.every((h, i) => {
    const d = bh[i]!;
    return hopsEquivalent(h, d) && (h.weight ?? 1) === (d.weight ?? 1);
  });
}

export function routeDescriptor(runner: IpRunner, options: LinuxDescriptorOptions): Descriptor {
  return {
    ...batchObjectDescriptor<RouteSpec>(runner, options, {
      kind: 'linux-route',
      keyPart: 'route',
      type: 'route',
      gone: ROUTE_GONE,
      equivalent: routesEquivalent,
      read: async (ns) => (await runner.readRoutes(ns)).routes,
      keyOf: routeItemKey,
    }),
    async update(_ctx, _previous, next) {
      await runOps(runner, nsOf(next.key), [{ op: 'replace', object: { type: 'route', spec: next.value as RouteSpec } }]);
    },
  };
}
