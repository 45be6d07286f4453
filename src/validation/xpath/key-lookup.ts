// The keyed fast path: a child step whose first predicate compares every key of a list with a
// context-free value — `if:interface[if:name = 'eth0']`, `address[ip = current()/../ip]` — is
// answered by the adapter's list index (findListEntries) instead of testing every entry. The
// entries it returns are checked against the predicate again (cheap: usually one), so the result
// is exactly what a scan would give; when the adapter cannot answer, the caller scans.
import type { Expr, Step } from './ast.js';
import type { Evaluation } from './evaluator.js';

/** Beyond this many key-value combinations (node-set values multiply), scanning is simpler. */
const MAX_COMBINATIONS = 64;

export function keyedLookup<N>(ev: Evaluation<N>, node: N, step: Step): readonly N[] | undefined {
  const keyed = step.keyed;
  const test = step.test;
  const a = ev.adapter;
  if (keyed === undefined || test.kind !== 'name' || a.findListEntries === undefined) return undefined;
  const module = test.module ?? ev.defaultNameModule;
  if (module === undefined) return undefined;

  const values: string[][] = [];
  let combinations = 1;
  for (const k of keyed.keys) {
    // Keys are defined in the list itself, so they belong to the list's module.
    if ((k.module ?? ev.defaultNameModule) !== module) return undefined;
    const v = ev.eval(k.value, node, 1, 1);
    let texts: string[];
    if (v.type === 'string') {
      texts = [v.value];
    } else if (v.type === 'node-set') {
      texts = [...new Set(v.nodes.map((n) => ev.stringValue(n)))];
      if (texts.length === 0) return []; // "= empty node-set" is false for every entry
    } else {
      return undefined; // numbers and booleans compare by conversion, not by key text
    }
    combinations *= texts.length;
    if (combinations > MAX_COMBINATIONS) return undefined;
    values.push(texts);
  }

  const found: N[] = [];
  const combo: string[] = [];
  const lookup = (i: number): boolean => {
    if (i === values.length) {
      const keys = new Map<string, string>();
      keyed.keys.forEach((k, j) => keys.set(k.local, combo[j] as string));
      const entries = a.findListEntries?.(node, module, test.local, keys, ev.scope);
      if (entries === undefined) return false;
      for (const e of entries) found.push(e);
      return true;
    }
    for (const t of values[i] as string[]) {
      combo[i] = t;
      if (!lookup(i + 1)) return false;
    }
    return true;
  };
  if (!lookup(0)) return undefined;
  const candidates = combinations > 1 ? ev.order.sortUnique(found) : found;
  return ev.predicate(candidates, step.predicates[0] as Expr);
}
