// The batching contract, kept apart from the per-op Descriptor contract.
//
// A Descriptor may carry a `batch` Batcher. Several descriptors may share one Batcher (Linux:
// links, addresses and routes all go through one `ip -n NS -batch -`), which is why the batcher is
// an object of its own and not a method per descriptor: the executor groups ops by
// (batcher object, group), not by descriptor kind.
//
// The executor only hands a batcher ops of the same plan step (ops that never depend on each
// other), in plan order, all with the same group. The batcher runs them as one backend call and
// answers one outcome per op, in the same order:
//   - ok: the op is done (side effects such as ownership records included);
//   - failed: the op was tried and the backend refused it (error = the backend's own message);
//   - not-run: the op was not tried (the backend stopped at an earlier failure). The executor
//     runs not-run ops again in a new batch in best-effort mode, and drops them in revert mode.
// Reverts never go through a batcher: they run one by one through the descriptors.

import type { DescriptorContext } from './descriptor.js';
import type { PlanOp } from './planner.js';

export type BatchOutcome =
  | { readonly result: 'ok' }
  | { readonly result: 'failed'; readonly error: string }
  | { readonly result: 'not-run' };

export interface Batcher {
  /** Shown in OpRecord.batch (e.g. 'linux-ip'). */
  readonly name: string;
  /**
   * The group `op` batches in (Linux: its namespace), or undefined when this op must run alone
   * through its descriptor (an op needing more than one backend call).
   */
  groupOf(op: PlanOp): string | undefined;
  /**
   * Runs `ops` (one step, one group, plan order) as one backend call; one outcome per op, in order.
   * Rejects only for a programming error (every op then counts as failed with that message).
   */
  run(ctx: DescriptorContext, ops: readonly PlanOp[]): Promise<readonly BatchOutcome[]>;
}
