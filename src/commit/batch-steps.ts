// How the executor cuts a plan into steps and a step into units: ops of one step that share a
// batcher and a group form one batch unit; every other op is a unit of its own. Units keep the
// plan order of their first op, so the execution order is deterministic.

import type { Batcher } from './batch.js';
import type { PlanOp } from './planner.js';
import type { DescriptorRegistry } from './registry.js';

export type ExecUnit =
  | { readonly type: 'single'; readonly index: number }
  | { readonly type: 'batch'; readonly batcher: Batcher; readonly group: string; readonly indices: readonly number[] };

/**
 * Plan indices cut into steps: maximal runs of consecutive ops with the same step number. An op
 * without a step number (a plan written before steps existed) is a step of its own.
 */
export function planSteps(ops: readonly PlanOp[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let step: number | undefined;
  for (const [index, op] of ops.entries()) {
    const s = typeof op.step === 'number' ? op.step : undefined;
    if (current.length > 0 && (s === undefined || s !== step)) {
      out.push(current);
      current = [];
    }
    current.push(index);
    step = s;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The units of one step (`indices` into `ops`, in plan order). A group of one op runs alone. */
export function stepUnits(registry: DescriptorRegistry, ops: readonly PlanOp[], indices: readonly number[]): ExecUnit[] {
  const units: (ExecUnit | { type: 'group'; batcher: Batcher; group: string; indices: number[] })[] = [];
  const groups = new Map<Batcher, Map<string, { type: 'group'; batcher: Batcher; group: string; indices: number[] }>>();
  for (const index of indices) {
    const op = ops[index]!;
    const batcher = registry.forKey(op.key).batch;
    const group = batcher?.groupOf(op);
    if (batcher === undefined || group === undefined) {
      units.push({ type: 'single', index });
      continue;
    }
    let byGroup = groups.get(batcher);
    if (byGroup === undefined) {
      byGroup = new Map();
      groups.set(batcher, byGroup);
    }
    const existing = byGroup.get(group);
    if (existing) {
      existing.indices.push(index);
    } else {
      const unit = { type: 'group' as const, batcher, group, indices: [index] };
      byGroup.set(group, unit);
      units.push(unit);
    }
  }
  return units.map((u): ExecUnit => {
    if (u.type !== 'group') return u;
    if (u.indices.length === 1) return { type: 'single', index: u.indices[0]! };
    return { type: 'batch', batcher: u.batcher, group: u.group, indices: u.indices };
  });
}
