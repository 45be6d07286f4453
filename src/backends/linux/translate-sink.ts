// Collects the Linux items and problems of one translation, with the YANG path behind each item.

import type { ListEntry } from '../../datastore/data-tree.js';
import { LINUX_BACKEND, type LinuxItemValue, type TranslatedItem } from './translate-keys.js';

/** Something in the configuration the Linux backend cannot do, found after validation. */
export interface TranslateProblem {
  /** RFC 7951 instance path of the YANG node. */
  readonly path: string;
  readonly message: string;
}

export interface TranslateResult {
  /** Sorted by key. */
  readonly items: TranslatedItem[];
  /** Sorted by path, then message. */
  readonly problems: TranslateProblem[];
  /** Item key → RFC 7951 instance path of the YANG node behind it (for rpc-error error-path). */
  readonly paths: ReadonlyMap<string, string>;
}

/** The YANG node behind an item, or undefined for a key this result did not produce. */
export function itemPath(result: TranslateResult, key: string): string | undefined {
  return result.paths.get(key);
}

/** A Linux interface as the configuration names it. */
export interface LinuxInterface {
  readonly entry: ListEntry;
  readonly name: string;
  readonly type: string;
  readonly namespace: string | undefined;
  readonly kernelName: string;
}

/** Collects items and problems; a second item with a key already taken is a problem. */
export class ItemSink {
  private readonly items = new Map<string, TranslatedItem>();
  private readonly pathOfKey = new Map<string, string>();
  private readonly problemList: TranslateProblem[] = [];

  add(key: string, value: LinuxItemValue, dependencies: Iterable<string | undefined>, path: string): void {
    if (this.items.has(key)) {
      this.problem(path, `the Linux object ${key} is already configured by ${this.pathOfKey.get(key) ?? '?'}`);
      return;
    }
    const deps = new Set<string>();
    for (const d of dependencies) if (d !== undefined && d !== key) deps.add(d);
    this.items.set(key, { key, value, backend: LINUX_BACKEND, dependencies: [...deps].sort() });
    this.pathOfKey.set(key, path);
  }

  problem(path: string, message: string): void {
    this.problemList.push({ path, message });
  }

  result(): TranslateResult {
    const keys = [...this.items.keys()].sort();
    const problems = [...this.problemList].sort((a, b) => cmp(a.path, b.path) || cmp(a.message, b.message));
    return {
      items: keys.map((k) => this.items.get(k)!),
      problems,
      paths: new Map(keys.map((k) => [k, this.pathOfKey.get(k)!])),
    };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A referenced Linux interface, or a problem when it is missing (validation should prevent that). */
export function lookup(sink: ItemSink, byName: ReadonlyMap<string, LinuxInterface>, name: string, path: string, what: string): LinuxInterface | undefined {
  const found = byName.get(name);
  if (found === undefined) sink.problem(path, `${what} ${name} is not a Linux interface (it has no linux container)`);
  return found;
}
