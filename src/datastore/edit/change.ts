// A change set: what differs between two versions of a datastore. The edit engine produces it
// while it applies an edit, and diffTrees() produces it from two trees (skipping subtrees they
// share). Commit, the netconf-config-change notification (RFC 6470), commit history and, later,
// the backend translators all consume it, so its cost follows the size of the change.
import type { DataNode } from '../data-tree.js';

/**
 * - create: a node exists in `after` and not in `before` (a whole subtree: `node` is its root).
 * - delete: a node exists in `before` and not in `after` (`old` is the subtree that went away).
 * - replace: a leaf or anydata changed value (`old` → `node`).
 * - move: an entry of an ordered-by-user list or leaf-list changed position (`node`): one of the
 *   fewest entries whose moving explains the new order (change-order.ts says which, deterministically).
 * Inner nodes present in both versions are not changes themselves: their changed descendants are.
 */
export type ChangeOp = 'create' | 'delete' | 'replace' | 'move';

export interface Change {
  op: ChangeOp;
  /** RFC 7951 instance path of the node ("/ietf-interfaces:interfaces/interface[name='eth0']/enabled"). */
  path: string;
  /** The node in the new version (create, replace, move). */
  node?: DataNode;
  /** The node in the old version (delete, replace). */
  old?: DataNode;
}

export interface ChangeSet {
  /**
   * Changes in document order of the new version; deletes where the node used to be (within one
   * list: its deletes first, in the old order). change-order.ts has the exact rules.
   */
  changes: Change[];
}

/** Shared by every empty result: frozen, list included. */
export const EMPTY_CHANGE_SET: ChangeSet = Object.freeze({ changes: Object.freeze([]) as unknown as Change[] });
