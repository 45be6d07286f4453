// The Linux batcher (commit/batch.ts): link, address and route ops of one plan step in the same
// namespace run as ONE `ip [-n NS] -batch -` process.
//
// Every batchable op is first turned into an IpUnit (the lines it needs, where it runs, which
// failure text means "already gone", whether success records ownership). The descriptors build
// their per-op create/delete/update from the same units (runUnit), so a batched op and the same
// op run alone do exactly the same thing.
//
// Which ops batch (the unit builders in descriptors-ip.ts and descriptors-link.ts decide):
//   - addresses: create (address replace), delete (address del);
//   - routes: create and update (route replace), delete (route del);
//   - links: delete (link del; nothing for a configure-only link), update (link set …), and the
//     create of a configure-only link (kind 'other': link set …).
// Not batched (they run alone through the descriptor): link creates of every other kind (a
// `link add` whose later lines may fail needs a `link del` clean-up, and a link made next to its
// parent is moved and configured afterwards), link updates that change the link's shape (they
// are refused with the descriptor's own message), namespaces and the forwarding sysctls.
//
// Failures, creates and updates: ip without -force stops at the first failing line, and runBatch
// maps that line back. Lines before it ran (their ops are ok), the op owning the line failed, and
// the ops after it did not run. A tolerated failure stops ip too: that op counts as ok and the ops
// after it run again as a new ip batch.
//
// Failures, deletes: a step's deletes (planner steps never mix deletes with anything else) run
// with -force, so ip goes on after a failing line and reports every one. The reason: "already
// gone" is common in a delete batch and cascades. Deleting an interface's address makes the
// kernel drop every route through a gateway on that subnet, and the planner puts that address
// delete in the same step as those routes (they need the link, not the address). Stopping and
// re-running after each tolerated line would then start one ip per remaining route, O(n²): 10k
// routes took 48 s that way, against 0.1 s with -force. Each reported line is mapped to its op
// (tolerated = ok, otherwise failed with ip's words); the deletes are independent of each other,
// so the ones after a failure ran against the state the plan expected. In revert mode the
// executor stops at the first failed op and re-creates the deletes that were done.
//
// When ip exits without naming the line that stopped it (an argument error, a missing namespace,
// a timeout), what ran after the last named line is unknown: those ops then run one ip process
// each (creates are `replace` and deletes tolerate "gone", so running a line twice is harmless).

import type { Batcher, BatchOutcome } from '../../commit/batch.js';
import type { DescriptorContext } from '../../commit/descriptor.js';
import type { Item } from '../../commit/item.js';
import type { OpKind, PlanOp } from '../../commit/planner.js';
import { batchError, markOwn, parseLinuxKey } from './descriptors-common.js';
import { parseBatchErrors, type BatchFailure, type IpRunner } from './ip-runner.js';

/** What one op needs from `ip -batch`. */
export interface IpUnit {
  /** undefined = the default namespace. */
  readonly ns: string | undefined;
  /** Batch lines, in order (none: nothing to do, e.g. deleting a configure-only link). */
  readonly lines: readonly string[];
  /** A failure whose text matches counts as success (deletes of objects already gone). */
  readonly tolerate?: RegExp;
  /** Record ownership (markOwn) when the op succeeds. */
  readonly own: boolean;
}

/** The part of a plan op a unit builder reads. */
export interface UnitRequest {
  readonly op: OpKind;
  readonly item: Item;
  readonly previous?: Item;
}

/**
 * Builds the unit of an op, or returns undefined when the op does not batch (it then runs through
 * its descriptor). Throws when the op cannot be rendered (the descriptor reports that error).
 */
export type UnitBuilder = (req: UnitRequest) => IpUnit | undefined;

/** Runs one unit alone (the descriptors' per-op path). */
export async function runUnit(runner: IpRunner, ctx: DescriptorContext, key: string, unit: IpUnit): Promise<void> {
  const script = scriptOf(unit.lines);
  if (script !== '') {
    const r = await runner.runBatch(unit.ns ?? null, script);
    if (!r.ok && !(unit.tolerate?.test(r.message) ?? false)) throw batchError(unit.ns, script, r);
  }
  if (unit.own) markOwn(ctx, key);
}

/** The script of the units from `from` on, and owner[l] = the op of script line l+1. */
function scriptFrom(units: readonly IpUnit[], from: number): { script: string; owner: number[] } {
  const lines: string[] = [];
  const owner: number[] = [];
  for (let i = from; i < units.length; i++) {
    for (const line of units[i]!.lines) {
      lines.push(line);
      owner.push(i);
    }
  }
  return { script: scriptOf(lines), owner };
}

function scriptOf(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const OK: BatchOutcome = { result: 'ok' };
const NOT_RUN: BatchOutcome = { result: 'not-run' };

export class IpBatcher implements Batcher {
  readonly name = 'linux-ip';
  private readonly builders = new Map<string, UnitBuilder>();

  constructor(private readonly runner: IpRunner) {}

  /** Declares how ops on keys linux/<ns>/<keyKind>/… become units. */
  addBuilder(keyKind: string, builder: UnitBuilder): void {
    this.builders.set(keyKind, builder);
  }

  /** The unit of `op`, or undefined when it does not batch (or cannot be rendered). */
  unitOf(op: UnitRequest): IpUnit | undefined {
    const kind = parseLinuxKey(op.item.key)?.kind;
    const builder = kind === undefined ? undefined : this.builders.get(kind);
    if (builder === undefined) return undefined;
    try {
      return builder(op);
    } catch {
      return undefined;
    }
  }

  groupOf(op: PlanOp): string | undefined {
    const unit = this.unitOf(op);
    if (unit === undefined) return undefined;
    return unit.ns === undefined ? 'ip' : `ip -n ${unit.ns}`;
  }

  async run(ctx: DescriptorContext, ops: readonly PlanOp[]): Promise<readonly BatchOutcome[]> {
    const units = ops.map((op) => {
      const u = this.unitOf(op);
      if (u === undefined) throw new Error(`linux-ip batch: ${op.op} ${op.key} does not batch`);
      return u;
    });
    const ns = units[0]?.ns;
    if (units.some((u) => u.ns !== ns)) throw new Error('linux-ip batch: ops of different namespaces in one batch');
    const outcomes: BatchOutcome[] = ops.map(() => NOT_RUN);
    const succeed = (i: number): void => {
      outcomes[i] = OK;
      if (units[i]!.own) markOwn(ctx, ops[i]!.key);
    };

    if (units.every((u) => u.tolerate !== undefined)) return this.runForced(ctx, ops, units, ns, outcomes, succeed);
    let from = 0;
    while (from < ops.length) {
      const { script, owner } = scriptFrom(units, from);
      const r = await this.runner.runBatch(ns ?? null, script);
      if (r.ok) {
        for (let i = from; i < ops.length; i++) succeed(i);
        return outcomes;
      }
      const failedOp = r.reason === 'command' && r.line !== null ? owner[r.line - 1] : undefined;
      if (failedOp === undefined) {
        return this.oneByOne(ctx, ops, units, from, outcomes);
      }
      for (let i = from; i < failedOp; i++) succeed(i);
      if (units[failedOp]!.tolerate?.test(r.message) ?? false) {
        succeed(failedOp);
        from = failedOp + 1;
        continue;
      }
      outcomes[failedOp] = { result: 'failed', error: batchError(ns, script, r).message };
      return outcomes;
    }
    return outcomes;
  }

  /** Deletes: one `ip -force -batch`, every failing line mapped to its op (see the top of the file). */
  private async runForced(ctx: DescriptorContext, ops: readonly PlanOp[], units: readonly IpUnit[], ns: string | undefined,
    outcomes: BatchOutcome[], succeed: (i: number) => void): Promise<BatchOutcome[]> {
    const { script, owner } = scriptFrom(units, 0);
    const r = await this.runner.runBatch(ns ?? null, script, { force: true });
    if (r.ok) {
      for (let i = 0; i < ops.length; i++) succeed(i);
      return outcomes;
    }
    if (r.failures.length === 0 && units.every((u) => u.tolerate?.test(r.message) ?? false)) {
      // Gone as a whole (the namespace): every delete is done.
      for (let i = 0; i < ops.length; i++) succeed(i);
      return outcomes;
    }
    const failed = new Map<number, string>();
    let lastKnown = -1;
    for (const f of r.failures) {
      const i = owner[f.line - 1];
      if (i === undefined) continue;
      lastKnown = Math.max(lastKnown, i);
      const one: BatchFailure = { ...r, line: f.line, command: f.command, message: f.message };
      if (!failed.has(i) && !(units[i]!.tolerate?.test(f.message) ?? false)) failed.set(i, batchError(ns, script, one).message);
    }
    // ip stopped without naming a line: nothing after the last named one is known to have run.
    const stoppedEarly = r.reason !== 'command' || parseBatchErrors(r.stderr, []).trailing.trim() !== '';
    const known = stoppedEarly ? lastKnown + 1 : ops.length;
    for (let i = 0; i < known; i++) {
      const error = failed.get(i);
      if (error === undefined) succeed(i);
      else outcomes[i] = { result: 'failed', error };
    }
    if (known < ops.length) {
      // Something failed already: leave the rest not run; the executor reverts (revert mode) or
      // hands them back as a new batch (best-effort).
      if (failed.size > 0) return outcomes;
      return this.oneByOne(ctx, ops, units, known, outcomes);
    }
    return outcomes;
  }

  /** After a failure ip did not place on a line: the ops from `from` on, one ip process each. */
  private async oneByOne(ctx: DescriptorContext, ops: readonly PlanOp[], units: readonly IpUnit[], from: number,
    outcomes: BatchOutcome[]): Promise<BatchOutcome[]> {
    for (let i = from; i < ops.length; i++) {
      try {
        await runUnit(this.runner, ctx, ops[i]!.key, units[i]!);
        outcomes[i] = OK;
      } catch (e) {
        outcomes[i] = { result: 'failed', error: e instanceof Error ? e.message : String(e) };
        break;
      }
    }
    return outcomes;
  }
}

const batchers = new WeakMap<IpRunner, IpBatcher>();

/**
 * The one IpBatcher of `runner`, with `builder` declared for `keyKind`. The link, address and
 * route descriptors each call this with the same runner, so they share one batcher and their ops
 * batch together (descriptors.ts creates them separately).
 */
export function ipBatcher(runner: IpRunner, keyKind: string, builder: UnitBuilder): IpBatcher {
  let b = batchers.get(runner);
  if (b === undefined) {
    b = new IpBatcher(runner);
    batchers.set(runner, b);
  }
  b.addBuilder(keyKind, builder);
  return b;
}
