// Descriptors by kind, and lookup of the descriptor responsible for a key.

import type { Descriptor } from './descriptor.js';
import { valuesEqual, type Item } from './item.js';

export class DescriptorRegistry {
  private readonly byKindMap = new Map<string, Descriptor>();
  private readonly ordered: Descriptor[] = [];
  private readonly keyCache = new Map<string, Descriptor>();

  register(descriptor: Descriptor): void {
    if (this.byKindMap.has(descriptor.kind)) {
      throw new Error(`descriptor kind ${descriptor.kind} is already registered`);
    }
    this.byKindMap.set(descriptor.kind, descriptor);
    this.ordered.push(descriptor);
    this.keyCache.clear();
  }

  byKind(kind: string): Descriptor | undefined {
    return this.byKindMap.get(kind);
  }

  /** All descriptors, in registration order. */
  all(): readonly Descriptor[] {
    return this.ordered;
  }

  /** The descriptor for a key, or undefined. The first registered descriptor that matches wins. */
  tryForKey(key: string): Descriptor | undefined {
    const cached = this.keyCache.get(key);
    if (cached) return cached;
    const found = this.ordered.find((d) => d.matches(key));
    if (found) this.keyCache.set(key, found);
    return found;
  }

  /** The descriptor for a key; throws a clear error when no descriptor handles it. */
  forKey(key: string): Descriptor {
    const found = this.tryForKey(key);
    if (!found) throw new Error(`no descriptor handles the item key ${key}`);
    return found;
  }

  /** Whether two values of the item at `a.key` are the same backend state. */
  equivalent(a: Item, b: Item): boolean {
    const d = this.tryForKey(a.key);
    if (d?.equivalent) return d.equivalent(a, b);
    return a.backend === b.backend && valuesEqual(a.value, b.value);
  }
}
