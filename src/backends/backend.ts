// What the agent needs of a backend (Linux now; VPP and FRR next): its commit applier, its
// start-up, its engine's state for `<get>`, a dry run, a resync and a clean stop. The NETCONF
// layer sees backends only through this contract.
import type { OperationalSnapshot, TransactionOutcome } from '../commit/engine.js';
import type { Plan } from '../commit/planner.js';
import type { CommitApplier } from '../datastore/commit.js';
import type { DataTree } from '../datastore/data-tree.js';

/** The plan a configuration would execute, or why it cannot be planned. */
export type BackendDryRun =
  | { readonly ok: true; readonly plan: Plan; readonly itemPath: (key: string) => string | undefined }
  /** `path`: the YANG node (RFC 7951 path) behind the problem, when there is one. */
  | { readonly ok: false; readonly message: string; readonly path?: string };

export interface Backend {
  /** The vrouter-agent `backend` identity's name: 'linux', 'vpp', 'frr'. */
  readonly name: string;
  readonly applier: CommitApplier;
  /** Start-up resync against `running`, then the watchers and the periodic resync. Never throws. */
  start(running: DataTree): Promise<void>;
  /** The engine's items and recent transactions. */
  snapshot(): OperationalSnapshot;
  /** The YANG node (RFC 7951 path) behind an item of the configuration last applied. */
  itemPath(key: string): string | undefined;
  /** The plan `config` would execute now, without executing it. */
  dryRun(config: DataTree): Promise<BackendDryRun>;
  /** Reads the backend and repairs drift against the configuration last applied. */
  resync(reason: string): Promise<TransactionOutcome>;
  /** Stops watchers and timers; waits for the transaction in progress. */
  close(): Promise<void>;
}
