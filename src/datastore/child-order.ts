// The order in which the encoders write the children of an inner node: a list entry's keys
// first in key order (RFC 7950 §7.8.5 requires it in XML), then the other children in schema
// order, which makes output deterministic whatever order the data arrived in.
import type { Schema } from '../validation/schema.js';
import type { SchemaNode } from '../validation/schema-model.js';
import type { InnerNode, Slot } from './data-tree.js';

/** The present children of an inner node in output order: list keys first in key order, then schema order. */
export function orderedSlots(schema: Schema, inner: InnerNode): Slot[] {
  const slots = [...inner.slots()];
  if (slots.length < 2) return slots;
  const keys: readonly SchemaNode[] = inner.kind === 'list-entry' ? schema.keyLeaves(inner.schema) : [];
  return slots.sort((a, b) => rank(schema, keys, a) - rank(schema, keys, b));
}

function rank(schema: Schema, keys: readonly SchemaNode[], slot: Slot): number {
  const k = keys.length === 0 ? -1 : keys.indexOf(slot.schema);
  return k >= 0 ? k - keys.length : schema.refOf(slot.schema)?.order ?? Number.MAX_SAFE_INTEGER;
}
