// The Linux link descriptor (linux/<ns>/link/<kernel-name>) and the per-link forwarding
// descriptor (linux/<ns>/link-forwarding/<kernel-name>).
//
// Links vrouterd creates: one `ip link add` batch in the link's namespace (the veth owner names
// the peer's namespace with `netns`); a macvlan/ipvlan/vlan whose parent is in another namespace
// is made there and moved. Delete is `ip link del` (gone already = success; deleting a veth owner
// removes both ends). Configure-only links (kind 'other': an existing device, or the second end of
// a veth pair) are created by `ip link set` of the attributes the configuration gives, and their
// delete leaves the kernel alone.
//
// Update: only mtu, mac, admin state and master can change in place (`ip link set`). A change of
// shape (kind, veth peer, parent, vni…) answers true to `recreate`: the engine deletes the link
// with what depends on it (addresses, routes) and creates them again in the same transaction.
//
// Batching (batch-ip.ts): deletes, in-place updates and the create of a configure-only link are
// ip lines and batch with the addresses and routes of the namespace (linkUnit). Creates of links
// vrouterd makes do not: their clean-up after a half-done `link add` and the move of a link made
// next to its parent need more than one batch (createLink).
//
// Comparison (equivalent(current, desired)): retrieve reports what the kernel has; the desired
// value says only what the configuration sets. An attribute absent from the desired value means
// "leave the kernel's value" (mtu, mac, up), except master, which is authoritative (absent = no
// master); for kind 'other' only those attributes are compared; the veth peer is compared only when
// the kernel could name it (same namespace).

import type { Descriptor, DescriptorContext, RetrievedItem } from '../../commit/descriptor.js';
import { canonicalJson, type Item } from '../../commit/item.js';
import { ipBatcher, runUnit, type IpUnit, type UnitRequest } from './batch-ip.js';
import { quoteWord, renderBatch, type LinkChange } from './batch-render.js';
import {
  batchError, keyMatcher, markOwn, netnsTarget, ownRecord, parseLinuxKey, perNamespace, readForwardingSysctls,
  runOps, writeSysctls, type LinuxDescriptorOptions,
} from './descriptors-common.js';
import {
  forwardingEquivalent, forwardingSettings, restoreForwarding, setForwarding, type ForwardingPaths,
} from './forwarding-sysctls.js';
import type { IpRunner } from './ip-runner.js';
import type { LinkSpec } from './link-spec.js';
import {
  deviceKey, LINUX_BACKEND, linkForwardingKey, linkItemKey, translatedDependencies,
  type CreatedLinkValue, type LinkForwardingValue, type LinkValue,
} from './translate-keys.js';

const GONE = /Cannot find device|No such device|Cannot open network namespace/u;
const COMMON = ['name', 'up', 'mtu', 'mac', 'master'] as const;

function nsOf(key: string): string | undefined {
  return parseLinuxKey(key)?.namespace;
}

/** Whether `next` differs from `prev` only in what `ip link set` can change. */
function sameShape(prev: LinkValue, next: LinkValue): boolean {
  const fixed = { ...prev, up: next.up, mtu: next.mtu, mac: next.mac, master: next.master } as LinkValue;
  return linksEquivalent(fixed, next);
}

function changeBetween(prev: LinkValue | undefined, next: LinkValue): LinkChange {
  const c: LinkChange = {};
  if (next.mtu !== undefined && next.mtu !== prev?.mtu) c.mtu = next.mtu;
  if (next.mac !== undefined && next.mac !== prev?.mac) c.mac = next.mac;
  if (prev === undefined) {
    if (next.master !== undefined) c.master = next.master;
  } else if (next.master !== prev.master) {
    c.master = next.master ?? null;
  }
  if (next.up !== undefined && next.up !== prev?.up) c.up = next.up;
  return c;
}

export function linksEquivalent(current: LinkValue, desired: LinkValue): boolean {
  if (current.name !== desired.name) return false;
  if (desired.mtu !== undefined && current.mtu !== desired.mtu) return false;
  if (desired.mac !== undefined && current.mac?.toLowerCase() !== desired.mac) return false;
  if (desired.up !== undefined && current.up !== desired.up) return false;
  if (current.master !== desired.master) return false;
  if (desired.kind === 'other') return true;
  if (current.kind !== desired.kind) return false;
  if (current.kind === 'veth' && desired.kind === 'veth') {
    return current.peer === '' || desired.peerNamespace !== undefined || current.peer === desired.peer;
  }
  const a: Record<string, unknown> = { ...current };
  const b: Record<string, unknown> = { ...desired };
  // A parent in another namespace: the kernel prints no name for it ('').
  const hidden = a['parent'] === '' ? ['parent'] : [];
  // Settings `ip -json` does not show (json-parse.ts does not read them): not comparable.
  for (const k of ['stp', 'vlanFiltering', 'ipvlanFlag']) if (a[k] === undefined) hidden.push(k);
  for (const k of [...COMMON, ...hidden, 'parentNamespace', 'peerNamespace']) {
    delete a[k];
    delete b[k];
  }
  // Fields the kernel reports but the configuration may leave to its default.
  for (const k of Object.keys(a)) if (b[k] === undefined) delete a[k];
  return canonicalJson(a) === canonicalJson(b);
}

/** The batch lines that create a link in `ns` (and the namespace the batch runs in). */
function createScript(ns: string | undefined, v: CreatedLinkValue): { runIn: string | undefined; script: string; moved: boolean } {
  const movedFrom = 'parentNamespace' in v && v.parentNamespace !== undefined ? v.parentNamespace : undefined;
  const base: Record<string, unknown> = { ...v };
  for (const k of ['parentNamespace', 'stp', 'vlanFiltering', 'ipvlanFlag']) delete base[k];
  if (base['kind'] === 'veth' && typeof base['peerNamespace'] === 'string') base['peerNamespace'] = netnsTarget(base['peerNamespace']);
  const spec = base as unknown as LinkSpec;
  const add = renderBatch([{ op: 'create', object: { type: 'link', spec: movedFrom !== undefined ? { ...spec, up: undefined, master: undefined } : spec } }]);
  if (!add.ok) throw new Error(add.error.message);
  const lines = [...add.lines];
  if (v.kind === 'ipvlan' && v.ipvlanFlag !== undefined) lines[0] = `${lines[0] ?? ''} ${v.ipvlanFlag}`;
  const dev = quoteWord(v.name);
  if (movedFrom !== undefined) {
    lines.push(`link set dev ${dev} netns ${quoteWord(netnsTarget(ns ?? ''))}`);
    return { runIn: movedFrom === '' ? undefined : movedFrom, script: `${lines.join('\n')}\n`, moved: true };
  }
  if (v.kind === 'bridge' && (v.stp === true || v.vlanFiltering === true)) {
    lines.splice(1, 0, `link set dev ${dev} type bridge${v.stp === true ? ' stp_state 1' : ''}${v.vlanFiltering === true ? ' vlan_filtering 1' : ''}`);
  }
  return { runIn: ns, script: `${lines.join('\n')}\n`, moved: false };
}

async function createLink(runner: IpRunner, key: string, v: CreatedLinkValue): Promise<void> {
  const ns = nsOf(key);
  const { runIn, script, moved } = createScript(ns, v);
  const r = await runner.runBatch(runIn ?? null, script);
  if (!r.ok) {
    // The add line may have worked before a later line (set, move) failed: do not leave the link behind.
    if (r.line !== null && r.line > 1) await runner.runBatch(runIn ?? null, `link del dev ${quoteWord(v.name)}\n`);
    throw batchError(runIn, script, r);
  }
  if (moved) {
    const change: LinkChange = {};
    if (v.master !== undefined) change.master = v.master;
    if (v.up !== undefined) change.up = v.up;
    try {
      await runOps(runner, ns, [{ op: 'set-link', name: v.name, change }]);
    } catch (e) {
      await runner.runBatch(ns ?? null, `link del dev ${quoteWord(v.name)}\n`);
      throw e;
    }
  }
}

function setLinkLines(name: string, change: LinkChange): string[] {
  const r = renderBatch([{ op: 'set-link', name, change }]);
  if (!r.ok) throw new Error(r.error.message);
  return r.lines;
}

/**
 * The IpUnit of a link op, or undefined for the ops that do not batch: creates of links vrouterd
 * makes (createLink) and updates that change the link's shape (the planner re-creates those).
 */
export function linkUnit(req: UnitRequest): IpUnit | undefined {
  const v = req.item.value as LinkValue;
  const ns = nsOf(req.item.key);
  switch (req.op) {
    case 'create':
      return v.kind === 'other' ? { ns, lines: setLinkLines(v.name, changeBetween(undefined, v)), own: true } : undefined;
    case 'delete':
      // A configure-only link is not vrouterd's to remove: nothing to run.
      return { ns, lines: v.kind === 'other' ? [] : [`link del dev ${quoteWord(v.name)}`], tolerate: GONE, own: false };
    case 'update': {
      const prev = req.previous?.value as LinkValue | undefined;
      if (prev === undefined || !sameShape(prev, v)) return undefined;
      return { ns, lines: setLinkLines(v.name, changeBetween(prev, v)), own: false };
    }
  }
}

export function linkDescriptor(runner: IpRunner, options: LinuxDescriptorOptions): Descriptor {
  return {
    kind: 'linux-link',
    matches: keyMatcher('link', 1),
    dependencies: translatedDependencies,
    equivalent: (a: Item, b: Item) => a.backend === b.backend && linksEquivalent(a.value as LinkValue, b.value as LinkValue),
    batch: ipBatcher(runner, 'link', linkUnit),
    async create(ctx: DescriptorContext, item: Item): Promise<void> {
      const unit = linkUnit({ op: 'create', item });
      if (unit !== undefined) return runUnit(runner, ctx, item.key, unit);
      await createLink(runner, item.key, item.value as CreatedLinkValue);
      markOwn(ctx, item.key);
    },
    async delete(ctx: DescriptorContext, item: Item): Promise<void> {
      await runUnit(runner, ctx, item.key, linkUnit({ op: 'delete', item })!);
    },
    recreate: (previous: Item, next: Item) => !sameShape(previous.value as LinkValue, next.value as LinkValue),
    async update(ctx: DescriptorContext, previous: Item, next: Item): Promise<void> {
      const unit = linkUnit({ op: 'update', item: next, previous });
      // The planner re-creates shape changes (recreate above); only a caller bypassing it gets here.
      if (unit === undefined) throw new Error(`link ${(next.value as LinkValue).name}: a change of kind or kind settings needs the link re-created`);
      await runUnit(runner, ctx, next.key, unit);
    },
    async retrieve(ctx: DescriptorContext): Promise<RetrievedItem[]> {
      return perNamespace(runner, options, async (ns): Promise<RetrievedItem[]> =>
        (await runner.readLinks(ns ?? null)).flatMap((link) => {
          const name = link.spec.name;
          const key = linkItemKey(ns, name);
          return [
            { item: { key: deviceKey(ns, name), value: { name }, backend: LINUX_BACKEND }, createdByVrouterd: false },
            { item: { key, value: link.spec, backend: LINUX_BACKEND }, createdByVrouterd: ownRecord(ctx, key) !== undefined },
          ];
        }));
    },
  };
}

// ---- per-link forwarding ---------------------------------------------------------------------------

function linkForwarding(dev: string): ForwardingPaths {
  return { ipv4: `net/ipv4/conf/${dev}/forwarding`, ipv6: `net/ipv6/conf/${dev}/forwarding` };
}

export function linkForwardingDescriptor(runner: IpRunner, options: LinuxDescriptorOptions): Descriptor {
  return {
    kind: 'linux-link-forwarding',
    matches: keyMatcher('link-forwarding', 1),
    dependencies: translatedDependencies,
    equivalent: (a, b) => {
      const x = a.value as LinkForwardingValue;
      const y = b.value as LinkForwardingValue;
      return a.backend === b.backend && x.dev === y.dev && forwardingEquivalent(x, y);
    },
    async create(ctx, item) {
      const v = item.value as LinkForwardingValue;
      await setForwarding(runner, options, ctx, item.key, nsOf(item.key), linkForwarding(v.dev), v);
    },
    async delete(ctx, item) {
      // The link (or its namespace) is gone, and its sysctls with it: nothing to restore.
      const v = item.value as LinkForwardingValue;
      await restoreForwarding(runner, options, ctx, item.key, nsOf(item.key), linkForwarding(v.dev), () => true);
    },
    async update(_ctx, _previous, next) {
      const v = next.value as LinkForwardingValue;
      await writeSysctls(runner, options, nsOf(next.key), forwardingSettings(linkForwarding(v.dev), v));
    },
    async retrieve(ctx) {
      return perNamespace(runner, options, async (ns): Promise<RetrievedItem[]> => {
        const values = await readForwardingSysctls(runner, options, ns);
        const byDev = new Map<string, LinkForwardingValue>();
        for (const [name, on] of values) {
          const m = /^net\.ipv([46])\.conf\.(.+)\.forwarding$/u.exec(name);
          if (!m || m[2] === 'all' || m[2] === 'default') continue;
          const dev = m[2]!.replace(/\//gu, '.');
          const v = byDev.get(dev) ?? { dev };
          if (m[1] === '4') v.ipv4 = on;
          else v.ipv6 = on;
          byDev.set(dev, v);
        }
        return [...byDev.values()].map((v) => {
          const key = linkForwardingKey(ns, v.dev);
          return { item: { key, value: v, backend: LINUX_BACKEND }, createdByVrouterd: ownRecord(ctx, key) !== undefined };
        });
      });
    },
  };
}
