// A descriptor teaches the engine one kind of item: how to create, delete, update and read it
// back, which keys it needs first, and which sub-items it implies. Descriptors are stateless:
// runtime data (a VPP sw_if_index, a kernel ifindex) goes into metadata owned by the engine and
// handed to every call through the context.

import type { Batcher } from './batch.js';
import type { Item } from './item.js';

/** Engine-owned runtime data, keyed by item key. */
export interface Metadata {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export interface DescriptorContext {
  readonly metadata: Metadata;
  /** The transaction the call belongs to (for logs). */
  readonly transactionId: string;
}

/** An object read back from a backend. */
export interface RetrievedItem {
  readonly item: Item;
  /** True when the backend can tell that vrouterd created it (a proto tag, a name prefix…). */
  readonly createdByVrouterd: boolean;
}

export interface Descriptor {
  readonly kind: string;
  matches(key: string): boolean;
  create(ctx: DescriptorContext, item: Item): Promise<void>;
  /**
   * Removes the object. When the object is already gone (for example its dependency was removed
   * behind vrouterd's back and the backend removed it too) this should succeed.
   */
  delete(ctx: DescriptorContext, item: Item): Promise<void>;
  /** Changes the object in place; absent → the engine deletes and re-creates it. */
  update?(ctx: DescriptorContext, previous: Item, next: Item): Promise<void>;
  /**
   * Whether going from `previous` to `next` cannot be done in place (a link whose kind changes):
   * the engine then deletes the object (and what depends on it) and creates it again.
   * Absent → every change goes through update.
   */
  recreate?(previous: Item, next: Item): boolean;
  /** Whether two values mean the same object state; absent → structural JSON equality. */
  equivalent?(a: Item, b: Item): boolean;
  /** The objects of this kind present in the backend. */
  retrieve?(ctx: DescriptorContext): Promise<RetrievedItem[]>;
  /** Keys this item needs before it can be created. */
  dependencies(item: Item): string[];
  /** Sub-items implied by this item (addresses of an interface…); they depend on it implicitly. */
  derived?(item: Item): Item[];
  /**
   * Runs several ops of one plan step as one backend call (batch.ts); absent → one call per op.
   * Descriptors of one backend may share the same Batcher so that their ops batch together.
   */
  readonly batch?: Batcher;
}

/** A Metadata over a Map (the engine's own store). */
export class MapMetadata implements Metadata {
  private readonly data = new Map<string, unknown>();
  get(key: string): unknown {
    return this.data.get(key);
  }
  set(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  delete(key: string): void {
    this.data.delete(key);
  }
  entries(): [string, unknown][] {
    return [...this.data.entries()];
  }
}
