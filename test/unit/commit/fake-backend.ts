// An in-memory backend for the engine's unit tests. It checks what a real backend would refuse
// (creating over an existing object, creating before a dependency, deleting an object still in
// use), records every call, and can be told to fail on the Nth call or on a given key.

import type { Descriptor, DescriptorContext, RetrievedItem } from '../../../src/commit/descriptor.js';
import type { Item } from '../../../src/commit/item.js';
import { DescriptorRegistry } from '../../../src/commit/registry.js';

/** Test item values: `needs` are dependencies, `children` derived items, anything else is data. */
export interface FakeValue {
  readonly needs?: readonly string[];
  readonly children?: readonly { readonly key: string; readonly value?: FakeValue }[];
  readonly [field: string]: unknown;
}

export function item(key: string, value: FakeValue = {}): Item {
  return { key, value, backend: 'fake' };
}

function needsOf(value: unknown): string[] {
  const v = value as FakeValue | undefined;
  return [...(v?.needs ?? [])];
}

export class FakeBackend {
  /** What exists: key → value. */
  readonly objects = new Map<string, unknown>();
  /** Keys that exist but were not made by vrouterd. */
  readonly foreign = new Set<string>();
  /** Every call, as `op key`. */
  readonly calls: string[] = [];
  private n = 0;
  private failAtCall: { n: number; message: string } | undefined;
  private readonly failures = new Map<string, string>();
  /** When set, every call awaits it (to hold a transaction in the middle). */
  gate: Promise<void> | undefined;
  active = 0;
  maxActive = 0;

  /** The Nth call from now (1-based) fails with `message`. */
  failAt(n: number, message: string): void {
    this.failAtCall = { n: this.n + n, message };
  }

  /** Every `op` call on `key` fails with `message`. */
  failOn(op: 'create' | 'delete' | 'update', key: string, message: string): void {
    this.failures.set(`${op} ${key}`, message);
  }

  clearFailures(): void {
    this.failures.clear();
    this.failAtCall = undefined;
  }

  addForeign(key: string, value: unknown = {}): void {
    this.objects.set(key, value);
    this.foreign.add(key);
  }

  snapshot(): [string, unknown][] {
    return [...this.objects.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  async call(op: 'create' | 'delete' | 'update', it: Item, check: () => void): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      this.n++;
      this.calls.push(`${op} ${it.key}`);
      if (this.gate) await this.gate;
      else await Promise.resolve();
      if (this.failAtCall && this.failAtCall.n === this.n) throw new Error(this.failAtCall.message);
      const f = this.failures.get(`${op} ${it.key}`);
      if (f !== undefined) throw new Error(f);
      check();
    } finally {
      this.active--;
    }
  }

  has(key: string): boolean {
    return this.objects.has(key);
  }
}

export interface KindOptions {
  readonly updatable?: boolean;
}

export function fakeDescriptor(backend: FakeBackend, kind: string, options: KindOptions = {}): Descriptor {
  const prefix = `fake/${kind}/`;
  const d: Descriptor = {
    kind,
    matches: (key) => key.startsWith(prefix),
    create: (_ctx: DescriptorContext, it: Item) =>
      backend.call('create', it, () => {
        if (backend.has(it.key)) throw new Error(`${it.key} already exists`);
        const missing = needsOf(it.value).filter((k) => !backend.has(k));
        if (missing.length > 0) throw new Error(`${it.key} needs ${missing.join(', ')}`);
        backend.objects.set(it.key, it.value);
      }),
    delete: (_ctx, it) =>
      backend.call('delete', it, () => {
        if (!backend.has(it.key)) throw new Error(`${it.key} does not exist`);
        for (const [k, v] of backend.objects) {
          if (needsOf(v).includes(it.key)) throw new Error(`${it.key} is in use by ${k}`);
        }
        backend.objects.delete(it.key);
      }),
    dependencies: (it) => needsOf(it.value),
    derived: (it) => ((it.value as FakeValue | undefined)?.children ?? []).map((c) => item(c.key, c.value ?? {})),
    retrieve: (_ctx): Promise<RetrievedItem[]> =>
      Promise.resolve(
        [...backend.objects]
          .filter(([k]) => k.startsWith(prefix))
          .map(([key, value]) => ({ item: { key, value, backend: 'fake' }, createdByVrouterd: !backend.foreign.has(key) })),
      ),
  };
  if (options.updatable) {
    d.update = (_ctx, _previous, next) =>
      backend.call('update', next, () => {
        if (!backend.has(next.key)) throw new Error(`${next.key} does not exist`);
        backend.objects.set(next.key, next.value);
      });
  }
  return d;
}

/** Registry with kinds `if` (updatable), `route` (recreate on change) and `addr`. */
export function fakeRegistry(backend: FakeBackend): DescriptorRegistry {
  const r = new DescriptorRegistry();
  r.register(fakeDescriptor(backend, 'if', { updatable: true }));
  r.register(fakeDescriptor(backend, 'route'));
  r.register(fakeDescriptor(backend, 'addr'));
  return r;
}
