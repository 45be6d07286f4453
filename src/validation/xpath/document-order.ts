// Document order for node-sets (XPath 1.0 §5): sorting and deduplicating nodes, using the
// adapter's order key when it has one, otherwise the path of sibling positions from the root
// (computed once per node and per parent during one evaluation).
import type { XPathNodeAdapter } from './node-adapter.js';

/** Up to this many siblings, a linear search is cheaper than building an index. */
const SCAN_SIBLINGS = 32;

export class DocumentOrder<N> {
  private readonly paths = new Map<N, readonly number[]>();
  private readonly siblingIndex = new Map<N, Map<N, number>>();

  constructor(private readonly adapter: XPathNodeAdapter<N>) {}

  /** Distance from the top of the tree (the root has depth 0). */
  depth(node: N): number {
    let d = 0;
    for (let p = this.adapter.parent(node); p !== undefined; p = this.adapter.parent(p)) d++;
    return d;
  }

  /** Position of `node` among its parent's children (0-based); 0 for the root. */
  indexInParent(node: N): number {
    const parent = this.adapter.parent(node);
    if (parent === undefined) return 0;
    let index = this.siblingIndex.get(parent);
    if (index === undefined) {
      const children = this.adapter.children(parent);
      if (children.length <= SCAN_SIBLINGS) return children.indexOf(node);
      index = new Map();
      for (let i = 0; i < children.length; i++) index.set(children[i] as N, i);
      this.siblingIndex.set(parent, index);
    }
    return index.get(node) ?? -1;
  }

  private path(node: N): readonly number[] {
    let p = this.paths.get(node);
    if (p !== undefined) return p;
    // Walk up to the nearest ancestor whose path is known, then fill in downwards.
    const chain: N[] = [];
    let base: readonly number[] = [];
    for (let n: N | undefined = node; n !== undefined; n = this.adapter.parent(n)) {
      const known = this.paths.get(n);
      if (known !== undefined) {
        base = known;
        break;
      }
      chain.push(n);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i] as N;
      const parentKnown = this.adapter.parent(n) !== undefined;
      p = parentKnown ? [...base, this.indexInParent(n)] : [];
      this.paths.set(n, p);
      base = p;
    }
    return p ?? base;
  }

  /** Negative when a comes before b in document order, 0 when they are the same node. */
  compare(a: N, b: N): number {
    if (a === b) return 0;
    if (this.adapter.documentOrderKey !== undefined) return this.adapter.documentOrderKey(a) - this.adapter.documentOrderKey(b);
    // Climb to the same depth, then to the children of the lowest common ancestor.
    const parent = (n: N): N | undefined => this.adapter.parent(n);
    let x = a;
    let y = b;
    let dx = this.depth(x);
    let dy = this.depth(y);
    while (dx > dy) {
      x = parent(x) as N;
      dx--;
    }
    if (x === b) return 1; // b is an ancestor of a
    while (dy > dx) {
      y = parent(y) as N;
      dy--;
    }
    if (y === a) return -1; // a is an ancestor of b
    for (;;) {
      const px = parent(x);
      const py = parent(y);
      if (px === py || px === undefined || py === undefined) break;
      x = px;
      y = py;
    }
    return this.indexInParent(x) - this.indexInParent(y);
  }

  /** The union of two node-sets that are each in document order without duplicates. */
  merge(a: readonly N[], b: readonly N[]): N[] {
    const out: N[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i] as N;
      const y = b[j] as N;
      const d = this.compare(x, y);
      if (d <= 0) {
        out.push(x);
        i++;
        if (d === 0) j++;
      } else {
        out.push(y);
        j++;
      }
    }
    while (i < a.length) out.push(a[i++] as N);
    while (j < b.length) out.push(b[j++] as N);
    return out;
  }

  /** The nodes in document order, each once. */
  sortUnique(nodes: readonly N[]): N[] {
    if (nodes.length <= 1) return [...nodes];
    const unique = [...new Set(nodes)];
    const adapter = this.adapter;
    if (adapter.documentOrderKey !== undefined) {
      const keyed = unique.map((n) => ({ n, k: adapter.documentOrderKey?.(n) ?? 0 }));
      keyed.sort((x, y) => x.k - y.k);
      return keyed.map((x) => x.n);
    }
    const keyed = unique.map((n) => ({ n, p: this.path(n) }));
    keyed.sort((x, y) => {
      const n = Math.min(x.p.length, y.p.length);
      for (let i = 0; i < n; i++) {
        const d = (x.p[i] as number) - (y.p[i] as number);
        if (d !== 0) return d;
      }
      return x.p.length - y.p.length;
    });
    return keyed.map((x) => x.n);
  }
}
