// Where a commit's time goes, measured in this process with vrouterd's own modules (no NETCONF,
// no SSH): XML decode, libyang validation, translate to items, plan, and the executor driving
// the kernel through the Linux descriptors (real `ip`, in a namespace of the benchmark's prefix,
// removed afterwards). The stages are the ones a NETCONF commit runs; the datastore's own work
// (candidate copy, diff, running write, confirmed-commit bookkeeping) is not in here.
import { linuxDescriptors } from '../../src/backends/linux/descriptors.js';
import { IpRunner } from '../../src/backends/linux/ip-runner.js';
import { translateLinux } from '../../src/backends/linux/translate.js';
import { MapMetadata } from '../../src/commit/descriptor.js';
import { executePlan } from '../../src/commit/executor.js';
import { planTransaction } from '../../src/commit/planner.js';
import { DescriptorRegistry } from '../../src/commit/registry.js';
import { encodeJson } from '../../src/datastore/json-encoder.js';
import { decodeXml } from '../../src/datastore/xml-decoder.js';
import { YangContext } from '../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../src/validation/module-search-path.js';
import { Schema } from '../../src/validation/schema.js';

import { benchDataXml } from './config.js';
import { deleteNamespaces } from './kernel.js';

export interface Breakdown {
  readonly decodeMs: number;
  readonly validateMs: number;
  readonly translateMs: number;
  readonly planMs: number;
  readonly executeMs: number;
  readonly items: number;
  readonly ops: number;
  /** Backend calls the executor made: one per batch, one per op run alone. */
  readonly backendCalls: number;
  readonly largestBatch: number;
}

async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** One in-process commit of the benchmark configuration into a namespace named `ns`. */
export async function measureBreakdown(ns: string, routes: number): Promise<Breakdown> {
  const yang = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: [...STANDARD_MODULES, { name: 'vrouter-linux' }] });
  try {
    const schema = new Schema(yang.exportSchema());
    const xml = benchDataXml(ns, routes);
    const [decoded, decodeMs] = await timed(() => decodeXml(schema, xml, { datastore: 'config' }));
    if (!decoded.ok) throw new Error(decoded.errors.map((e) => e.message).join('; '));
    const [errors, validateMs] = await timed(() => yang.validate(encodeJson(schema, decoded.tree), { datastore: 'config' }));
    if (errors.length > 0) throw new Error(`validation: ${errors.map((e) => e.message).join('; ')}`);
    const [translated, translateMs] = await timed(() => translateLinux(decoded.tree));
    if (translated.problems.length > 0) throw new Error(`translate: ${JSON.stringify(translated.problems)}`);
    const registry = new DescriptorRegistry();
    const runner = new IpRunner();
    for (const d of linuxDescriptors(runner, { namespaceFilter: (n) => n === ns, includeDefaultNamespace: false })) registry.register(d);
    const [planned, planMs] = await timed(() => planTransaction({ registry, applied: new Map(), external: new Set(), desired: translated.items }));
    try {
      const [execution, executeMs] = await timed(() => executePlan(planned.plan.ops, {
        registry, ctx: { metadata: new MapMetadata(), transactionId: 'bench' },
      }));
      if (!execution.ok) throw new Error(`execute: ${execution.failure?.key ?? ''}: ${execution.failure?.message ?? ''}`);
      const batches = new Map<number, number>();
      let alone = 0;
      for (const r of execution.ops) {
        if (r.batch) batches.set(r.batch.id, r.batch.size);
        else alone++;
      }
      return {
        decodeMs, validateMs, translateMs, planMs, executeMs,
        items: translated.items.length, ops: planned.plan.ops.length,
        backendCalls: batches.size + alone, largestBatch: Math.max(0, ...batches.values()),
      };
    } finally {
      deleteNamespaces(ns);
    }
  } finally {
    yang.close();
  }
}
