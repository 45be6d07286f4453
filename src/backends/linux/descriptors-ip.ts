// The Linux address (linux/<ns>/address/<dev>/<ip>/<len>) and route
// (linux/<ns>/route/<table>/<prefix>/<metric>) descriptors.
//
// Creates use `address replace` / `route replace` (batch-render.ts): re-running them is harmless,
// and a route of the same identity that another program added is taken over. Deletes of an object
// already gone (or whose device or namespace is gone) succeed. Addresses have no update: their key
// is their identity, so a change of peer or broadcast re-creates them. Routes update with
// `route replace`.
//
// Batching: every op of these two kinds is one ip line, so all of them batch (batch-ip.ts): the
// unit built here is used both by the batch and by the per-op create/delete/update below.
//
// Comparison (equivalent(current, desired)): an address or route from retrieve carries what the
// kernel prints; the desired value is what translate.ts produced. For routes the output device is
// compared only when the configuration names it (the kernel always reports one), everything else
// (type, table, metric, gateway, protocol, next hops and their weights) must match.

import type { Descriptor, RetrievedItem } from '../../commit/descriptor.js';
import type { Item } from '../../commit/item.js';
import { renderBatch, type LinuxOp } from './batch-render.js';
import { ipBatcher, runUnit, type IpUnit, type UnitRequest } from './batch-ip.js';
import { keyMatcher, ownRecord, parseLinuxKey, perNamespace, type LinuxDescriptorOptions } from './descriptors-common.js';
import type { IpRunner } from './ip-runner.js';
import { normalizeRoute, type AddressSpec, type NextHop, type RouteSpec } from './link-spec.js';
import { addressItemKey, LINUX_BACKEND, routeItemKey, translatedDependencies } from './translate-keys.js';

const ADDRESS_GONE = /Cannot assign requested address|Cannot find device|No such device|Cannot open network namespace/u;
// 'FIB table does not exist': the route's table went away with its last route.
const ROUTE_GONE = /No such process|FIB table does not exist|Cannot find device|No such device|Cannot open network namespace/u;

function nsOf(key: string): string | undefined {
  return parseLinuxKey(key)?.namespace;
}

/** The lines of one LinuxOp; throws the renderer's message when it cannot be written. */
function linesOf(op: LinuxOp): string[] {
  const r = renderBatch([op]);
  if (!r.ok) throw new Error(r.error.message);
  return r.lines;
}

/**
 * The IpUnit of an address or route op: create = replace (owned), delete = del tolerating
 * `gone`, update (routes only) = replace.
 */
function objectUnit(type: 'address' | 'route', gone: RegExp, req: UnitRequest): IpUnit {
  const object = type === 'address'
    ? { type: 'address' as const, spec: req.item.value as AddressSpec }
    : { type: 'route' as const, spec: req.item.value as RouteSpec };
  const ns = nsOf(req.item.key);
  switch (req.op) {
    case 'create':
      return { ns, lines: linesOf({ op: 'create', object }), own: true };
    case 'delete':
      return { ns, lines: linesOf({ op: 'delete', object }), tolerate: gone, own: false };
    case 'update':
      if (object.type !== 'route') throw new Error(`${req.item.key}: an address cannot be updated in place`);
      return { ns, lines: linesOf({ op: 'replace', object }), own: false };
  }
}

export function addressUnit(req: UnitRequest): IpUnit {
  return objectUnit('address', ADDRESS_GONE, req);
}

export function routeUnit(req: UnitRequest): IpUnit {
  return objectUnit('route', ROUTE_GONE, req);
}

/**
 * The part address and route descriptors share: one batch line per item, created with
 * `replace`, deleted tolerating `gone`, retrieved per namespace with ownership from metadata.
 */
function batchObjectDescriptor<T extends AddressSpec | RouteSpec>(runner: IpRunner, options: LinuxDescriptorOptions, d: {
  kind: string;
  keyPart: string;
  unit: (req: UnitRequest) => IpUnit;
  equivalent(current: T, desired: T): boolean;
  read(ns: string | null): Promise<T[]>;
  keyOf(ns: string | undefined, spec: T): string;
}): Descriptor {
  return {
    kind: d.kind,
    matches: keyMatcher(d.keyPart, 3),
    dependencies: translatedDependencies,
    equivalent: (a: Item, b: Item) => a.backend === b.backend && d.equivalent(a.value as T, b.value as T),
    batch: ipBatcher(runner, d.keyPart, d.unit),
    async create(ctx, item) {
      await runUnit(runner, ctx, item.key, d.unit({ op: 'create', item }));
    },
    async delete(ctx, item) {
      await runUnit(runner, ctx, item.key, d.unit({ op: 'delete', item }));
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
    unit: addressUnit,
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
      unit: routeUnit,
      equivalent: routesEquivalent,
      read: async (ns) => (await runner.readRoutes(ns)).routes,
      keyOf: routeItemKey,
    }),
    async update(ctx, previous, next) {
      await runUnit(runner, ctx, next.key, routeUnit({ op: 'update', item: next, previous }));
    },
  };
}
