// The operation table: every implemented operation, one file each. The session dispatches by
// (namespace, local name) through an OperationRegistry built from this list (server.ts).
// To add an operation: write <name>.ts exporting an OperationDefinition and list it here.
import { closeSession } from './close-session.js';
import { createSubscription } from './create-subscription.js';
import { getSchema } from './get-schema.js';
import { killSession } from './kill-session.js';
import type { OperationDefinition } from './registry.js';

export const OPERATIONS: readonly OperationDefinition[] = [
  closeSession,
  killSession,
  getSchema,
  createSubscription,
];
