// The Docker container attachment descriptor (linux/container/<name>): one veth pair between the
// router end's namespace and a running container's network namespace, configured inside the
// container.
//
// create:
//   1. look the container up by name (ContainerLookup): the PID of its init process names its
//      network namespace; a container that does not exist or does not run is an error (the engine
//      normally never asks then: the item waits for docker/container/<name>);
//   2. `ip [-n NS] link add name HOST type veth peer name NAME [address MAC] netns PID`: iproute2
//      6.1 creates the peer directly in the container's namespace, under its final name, so a name
//      taken in the router's namespace does not matter and there is nothing to rename;
//   3. inside the container, one `nsenter -t PID -n ip -batch -`: addresses, link up, routes
//      (`replace`, so that running it again changes nothing). nsenter (util-linux) enters the
//      namespace by /proc/PID/ns/net; `ip netns attach` would add an entry under /run/netns, which
//      the kernel presence source watches as vrouterd's namespaces.
//   A failure after step 2 deletes the router end, which removes the pair.
//   Adoption: the engine may create an attachment whose pair is still there ("File exists"): after
//   a crash between step 2 and the end of create, or after a restart (the metadata is empty and
//   retrieve reports nothing). When the existing router end and the container's end are the two
//   ends of one veth pair (each one's link_index is the other's ifindex), create adopts the pair:
//   step 3 only (with the mac), and no clean-up on failure (vrouterd did not make it in this run).
//   (Today a restart does not get there: the start-up resync adopts the router end's link item
//   with the kernel's value, kind veth, and deletes it, `link del` and all, because its attachment
//   is not applied yet; the pair is then made anew. See the report to the lead.)
// delete: `ip [-n NS] link del dev HOST` (the pair goes with it); already gone (the container died
//   and the kernel destroyed the pair with its namespace) counts as success.
// retrieve: the engine's metadata holds, for each attachment vrouterd made, its value and the
//   container's ID and PID at create time (AttachmentRecord), and an index of those keys under
//   INDEX_KEY (Metadata cannot be listed). An attachment is reported while its router end exists
//   and its container still runs with that PID: a container that restarted has a new namespace,
//   the old pair died with the old one, so the attachment is gone and the engine re-creates it.
//   When the Docker engine cannot answer, the container end is looked for in /proc/PID's namespace.
//   retrieve also reports every running container as the presence key docker/container/<name>
//   (as the link descriptor reports devices): the start-up resync runs before the Docker presence
//   source has said anything, and without those keys every attachment (with the router end's
//   addresses and routes) would stay pending until the event stream connects.
//
// No update: any change of the value (addresses, routes, mac, names) re-creates the pair.
//
// Errors carry the kernel's or Docker's own words and the command that failed.

import type { Descriptor, DescriptorContext, Metadata, RetrievedItem } from '../../commit/descriptor.js';
import { splitKey, type Item } from '../../commit/item.js';
import { quoteWord } from './batch-render.js';
import { batchError, ownRecord, runScript, type OwnRecord } from './descriptors-common.js';
import type { ContainerLookup, ContainerState } from './container-lookup.js';
import { IpRunner, parseBatchErrors } from './ip-runner.js';
import { dockerContainerKey, LINUX_BACKEND, translatedDependencies, type ContainerAttachmentValue } from './translate-keys.js';

export interface ContainerDescriptorOptions {
  /** Finds containers in the Docker engine; absent: creating an attachment fails with a clear message. */
  readonly containers?: ContainerLookup;
  /**
   * Runs commands inside a container's network namespace: an IpRunner whose binary is nsenter
   * (default `new IpRunner({ ipPath: 'nsenter' })`); tests pass one on a fake spawn.
   */
  readonly nsenter?: IpRunner;
}

/** Metadata key of the list of attachment keys vrouterd created (not an item key). */
export const INDEX_KEY = 'linux/container';

/** What the descriptor keeps in the engine's metadata for an attachment it created. */
export interface AttachmentRecord extends OwnRecord {
  readonly attachment: { readonly value: ContainerAttachmentValue; readonly containerId: string; readonly pid: number };
}

const GONE = /Cannot find device|No such device|Cannot open network namespace/u;

export function isContainerKey(key: string): boolean {
  const p = splitKey(key);
  return p.length === 3 && p[0] === LINUX_BACKEND && p[1] === 'container';
}

function attachmentRecord(ctx: DescriptorContext, key: string): AttachmentRecord | undefined {
  const r = ownRecord(ctx, key) as Partial<AttachmentRecord> | undefined;
  const a = r?.attachment;
  return a !== undefined && typeof a.pid === 'number' ? (r as AttachmentRecord) : undefined;
}

function indexOf(metadata: Metadata): string[] {
  const v = metadata.get(INDEX_KEY);
  return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
}

function hostNs(v: ContainerAttachmentValue): string | undefined {
  return v.hostNamespace === '' ? undefined : v.hostNamespace;
}

/** The line that creates the pair, the peer born in the container's namespace. */
export function vethAddLine(v: ContainerAttachmentValue, pid: number): string {
  const mac = v.mac === undefined ? '' : ` address ${quoteWord(v.mac)}`;
  return `link add name ${quoteWord(v.hostName)} type veth peer name ${quoteWord(v.name)}${mac} netns ${pid}`;
}

/**
 * The batch run inside the container: addresses, link up, routes (in that order: a gateway must be
 * on-link). `withMac`: set the mac too (an adopted pair; a new one gets it at `link add`).
 */
export function containerScript(v: ContainerAttachmentValue, withMac = false): string {
  const dev = quoteWord(v.name);
  const lines = [
    ...(withMac && v.mac !== undefined ? [`link set dev ${dev} address ${quoteWord(v.mac)}`] : []),
    ...v.addresses.map((a) => `addr replace ${quoteWord(`${a.address}/${a.prefixLength}`)} dev ${dev}`),
    `link set dev ${dev} up`,
    // The family follows from the destination (`::/0` is IPv6): batch lines take no `-6`.
    ...v.routes.map((r) => `route replace ${quoteWord(r.destination)}`
      + `${r.gateway === undefined ? '' : ` via ${quoteWord(r.gateway)}`} dev ${dev}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `nsenter -t PID -n ip -batch -` with `script`; rejects with ip's words and the failing line. */
async function runInContainer(nsenter: IpRunner, pid: number, script: string): Promise<void> {
  const args = ['-t', String(pid), '-n', 'ip', '-batch', '-'];
  const r = await nsenter.run(args, { input: script });
  const lines = script.split('\n');
  const { failures, trailing } = parseBatchErrors(r.stderr, lines);
  if (r.exitCode === 0 && failures.length === 0 && !r.timedOut && r.spawnError === undefined) return;
  const first = failures[0];
  const words = r.spawnError !== undefined ? `cannot run ${nsenter.ipPath}: ${r.spawnError.message}`
    : r.timedOut ? `timed out after ${r.durationMs} ms`
      : first?.message.trim() || trailing.trim() || `exit code ${r.exitCode ?? r.signal ?? '?'}`;
  const command = first?.command ?? script.trim().split('\n').join('; ');
  throw new Error(`${words} (${nsenter.ipPath} ${args.join(' ')}: ${command})`);
}

/** ifindex and link_index of the first link `ip -json link show` printed, or undefined. */
function linkIndexes(json: string): { ifindex: number; linkIndex: number } | undefined {
  try {
    const [l] = JSON.parse(json) as { ifindex?: unknown; link_index?: unknown }[];
    return typeof l?.ifindex === 'number' && typeof l.link_index === 'number' ? { ifindex: l.ifindex, linkIndex: l.link_index } : undefined;
  } catch {
    return undefined;
  }
}

export function containerDescriptor(runner: IpRunner, options: ContainerDescriptorOptions): Descriptor {
  const nsenter = options.nsenter ?? new IpRunner({ ipPath: 'nsenter' });

  const runningContainer = async (v: ContainerAttachmentValue): Promise<ContainerState & { pid: number }> => {
    const lookup = options.containers;
    if (lookup === undefined) {
      throw new Error(`container ${v.container}: this vrouterd has no Docker engine to find containers in (no ContainerLookup was given)`);
    }
    const state = await lookup.lookup(v.container);
    if (state === undefined) {
      throw new Error(`container ${v.container}: no such container in the Docker engine at unix://${lookup.socketPath}`);
    }
    if (!state.running || state.pid === null) {
      throw new Error(`container ${v.container} is not running (Docker engine at unix://${lookup.socketPath}): start it first`);
    }
    return { ...state, pid: state.pid };
  };

  /** Whether the router end and the container's end are the two ends of one pair (see Adoption). */
  const paired = async (v: ContainerAttachmentValue, pid: number): Promise<boolean> => {
    const ns = hostNs(v);
    const host = await runner.run([...(ns === undefined ? [] : ['-n', ns]), '-json', 'link', 'show', 'dev', v.hostName]);
    const inside = await nsenter.run(['-t', String(pid), '-n', 'ip', '-json', 'link', 'show', 'dev', v.name]);
    if (host.exitCode !== 0 || inside.exitCode !== 0) return false;
    const h = linkIndexes(host.stdout);
    const c = linkIndexes(inside.stdout);
    return h !== undefined && c !== undefined && h.linkIndex === c.ifindex && c.linkIndex === h.ifindex;
  };

  const hostEndExists = async (v: ContainerAttachmentValue): Promise<boolean> => {
    const ns = hostNs(v);
    const r = await runner.run([...(ns === undefined ? [] : ['-n', ns]), 'link', 'show', 'dev', v.hostName]);
    return r.exitCode === 0;
  };

  /** Whether the pair made for `record` is still there (see the header). */
  const stillAttached = async (record: AttachmentRecord): Promise<boolean> => {
    const { value, pid } = record.attachment;
    if (!(await hostEndExists(value))) return false;
    if (options.containers !== undefined) {
      try {
        const state = await options.containers.lookup(value.container);
        return state !== undefined && state.running && state.pid === pid;
      } catch {
        // The engine cannot answer: ask the kernel whether that PID's namespace still has the end.
      }
    }
    const r = await nsenter.run(['-t', String(pid), '-n', 'ip', 'link', 'show', 'dev', value.name]);
    return r.exitCode === 0;
  };

  return {
    kind: 'linux-container',
    matches: isContainerKey,
    dependencies: translatedDependencies,
    async create(ctx: DescriptorContext, item: Item): Promise<void> {
      const v = item.value as ContainerAttachmentValue;
      const state = await runningContainer(v);
      const ns = hostNs(v);
      const add = `${vethAddLine(v, state.pid)}\n`;
      const r = await runner.runBatch(ns ?? null, add);
      let adopted = false;
      if (!r.ok) {
        if (!/File exists/u.test(r.message) || !(await paired(v, state.pid))) throw batchError(ns, add, r);
        adopted = true;
      }
      try {
        await runInContainer(nsenter, state.pid, containerScript(v, adopted));
      } catch (e) {
        if (!adopted) await runScript(runner, ns, `link del dev ${quoteWord(v.hostName)}\n`, GONE).catch(() => undefined);
        throw new Error(`container ${v.container}: ${(e as Error).message}`, { cause: e });
      }
      const record: AttachmentRecord = {
        vrouterd: true, transactionId: ctx.transactionId, attachment: { value: v, containerId: state.id, pid: state.pid },
      };
      ctx.metadata.set(item.key, record);
      const index = indexOf(ctx.metadata);
      if (!index.includes(item.key)) ctx.metadata.set(INDEX_KEY, [...index, item.key]);
    },
    async delete(_ctx: DescriptorContext, item: Item): Promise<void> {
      const v = item.value as ContainerAttachmentValue;
      await runScript(runner, hostNs(v), `link del dev ${quoteWord(v.hostName)}\n`, GONE);
    },
    async retrieve(ctx: DescriptorContext): Promise<RetrievedItem[]> {
      const out: RetrievedItem[] = [];
      const kept: string[] = [];
      for (const key of indexOf(ctx.metadata)) {
        const record = attachmentRecord(ctx, key);
        // The engine dropped the record (deleted or reverted): drop the key from the index too.
        if (record === undefined) continue;
        kept.push(key);
        if (await stillAttached(record)) {
          out.push({ item: { key, value: record.attachment.value, backend: LINUX_BACKEND }, createdByVrouterd: true });
        }
      }
      ctx.metadata.set(INDEX_KEY, kept);
      let running: string[] | undefined;
      try {
        running = await options.containers?.runningNames();
      } catch {
        // Unreachable engine: the Docker presence source reports the containers when it can.
      }
      for (const name of running ?? []) {
        out.push({ item: { key: dockerContainerKey(name), value: { name }, backend: LINUX_BACKEND }, createdByVrouterd: false });
      }
      return out;
    },
  };
}
