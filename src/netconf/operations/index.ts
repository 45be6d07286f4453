// The operation table: every implemented operation, one file each. The session dispatches by
// (namespace, local name) through an OperationRegistry built from this list (server.ts).
// To add an operation: write <name>.ts exporting an OperationDefinition and list it here.
import { cancelCommit } from './cancel-commit.js';
import { closeSession } from './close-session.js';
import { copyConfig } from './copy-config.js';
import { commit } from './commit.js';
import { createSubscription } from './create-subscription.js';
import { deleteConfig } from './delete-config.js';
import { discardChanges } from './discard-changes.js';
import { dryRun } from './dry-run.js';
import { editConfig } from './edit-config.js';
import { get } from './get.js';
import { getConfig } from './get-config.js';
import { getSchema } from './get-schema.js';
import { killSession } from './kill-session.js';
import { listCommits } from './list-commits.js';
import { lock } from './lock.js';
import type { OperationDefinition } from './registry.js';
import { resync } from './resync.js';
import { rollback } from './rollback.js';
import { unlock } from './unlock.js';
import { validate } from './validate.js';

export const OPERATIONS: readonly OperationDefinition[] = [
  closeSession,
  killSession,
  getSchema,
  createSubscription,
  get,
  getConfig,
  editConfig,
  copyConfig,
  deleteConfig,
  lock,
  unlock,
  validate,
  discardChanges,
  commit,
  cancelCommit,
  listCommits,
  rollback,
  dryRun,
  resync,
];
