// The 13 axes (XPath 1.0 §2.2) over the adapter, each returning the nodes that pass the step's
// node test in axis order: document order for forward axes, reverse document order for
// ancestor, ancestor-or-self, preceding and preceding-sibling. YANG data has no attributes or
// namespace nodes, so those axes are empty.
//
// text(): YANG leaves have no text children; here a leaf stands for its own text node, so
// `mtu/text()` selects the mtu leaf (whose string-value is its value) and `//text()` selects every
// leaf — libyang gives the same values and counts. `text()/..` therefore is the leaf's parent.
import type { NodeTest, Step } from './ast.js';
import type { DocumentOrder } from './document-order.js';
import type { XPathNodeAdapter } from './node-adapter.js';

/** What the axes need from the evaluation. */
export interface AxisContext<N> {
  readonly adapter: XPathNodeAdapter<N>;
  readonly order: DocumentOrder<N>;
  readonly defaultNameModule: string | undefined;
}

type Match<N> = (node: N) => boolean;

function matcher<N>(ctx: AxisContext<N>, test: NodeTest): Match<N> {
  const a = ctx.adapter;
  switch (test.kind) {
    case 'name': {
      const module = test.module ?? ctx.defaultNameModule;
      const local = test.local;
      if (module === undefined) return (n) => a.kind(n) === 'element' && a.localName(n) === local;
      return (n) => a.kind(n) === 'element' && a.localName(n) === local && a.moduleName(n) === module;
    }
    case 'prefix-any': {
      const module = test.module;
      return (n) => a.kind(n) === 'element' && a.moduleName(n) === module;
    }
    case 'any-name':
      return (n) => a.kind(n) === 'element';
    case 'node-type':
      switch (test.type) {
        case 'node': return () => true;
        case 'text': return (n) => a.kind(n) === 'text';
        default: return () => false; // no comments or processing instructions in YANG data
      }
  }
}

function isTextTest(test: NodeTest): boolean {
  return test.kind === 'node-type' && test.type === 'text';
}

/** A leaf (element with a value) stands for its text node. */
function isLeafText<N>(a: XPathNodeAdapter<N>, n: N): boolean {
  return a.kind(n) === 'element' && a.value(n) !== undefined;
}

export function axisNodes<N>(ctx: AxisContext<N>, node: N, step: Step): readonly N[] {
  const a = ctx.adapter;
  const test = step.test;
  switch (step.axis) {
    case 'child': {
      if (test.kind === 'name' && a.childrenNamed !== undefined) {
        const module = test.module ?? ctx.defaultNameModule;
        if (module !== undefined) return a.childrenNamed(node, module, test.local);
      }
      const match = matcher(ctx, test);
      const out = a.children(node).filter(match);
      if (isTextTest(test) && out.length === 0 && isLeafText(a, node)) out.push(node);
      return out;
    }
    case 'descendant': case 'descendant-or-self': {
      const out: N[] = [];
      if (isTextTest(test)) {
        subtree(a, node, (n) => {
          if (isLeafText(a, n) || (a.kind(n) === 'text' && (n !== node || step.axis === 'descendant-or-self'))) out.push(n);
        });
        return out;
      }
      const match = matcher(ctx, test);
      subtree(a, node, (n) => {
        if ((n !== node || step.axis === 'descendant-or-self') && match(n)) out.push(n);
      });
      return out;
    }
    case 'self': {
      return matcher(ctx, test)(node) ? [node] : [];
    }
    case 'parent': {
      const p = a.parent(node);
      return p !== undefined && matcher(ctx, test)(p) ? [p] : [];
    }
    case 'ancestor': case 'ancestor-or-self': {
      const match = matcher(ctx, test);
      const out: N[] = [];
      if (step.axis === 'ancestor-or-self' && match(node)) out.push(node);
      for (let p = a.parent(node); p !== undefined; p = a.parent(p)) if (match(p)) out.push(p);
      return out;
    }
    case 'following-sibling': case 'preceding-sibling': {
      const p = a.parent(node);
      if (p === undefined || a.kind(node) === 'root') return [];
      const siblings = a.children(p);
      const i = ctx.order.indexInParent(node);
      const match = matcher(ctx, test);
      const out: N[] = [];
      if (step.axis === 'following-sibling') {
        for (let j = i + 1; j < siblings.length; j++) if (match(siblings[j] as N)) out.push(siblings[j] as N);
      } else {
        for (let j = i - 1; j >= 0; j--) if (match(siblings[j] as N)) out.push(siblings[j] as N);
      }
      return out;
    }
    case 'following': {
      // For the node and each ancestor: the later siblings, each with its subtree.
      const match = matcher(ctx, test);
      const out: N[] = [];
      for (let n: N = node, p = a.parent(n); p !== undefined; n = p, p = a.parent(p)) {
        const siblings = a.children(p);
        for (let j = ctx.order.indexInParent(n) + 1; j < siblings.length; j++) {
          subtree(a, siblings[j] as N, (m) => {
            if (match(m)) out.push(m);
          });
        }
      }
      return out;
    }
    case 'preceding': {
      // Reverse document order: for the node and each ancestor, the earlier siblings from the
      // nearest, each subtree last-descendant first. Ancestors are not included.
      const match = matcher(ctx, test);
      const out: N[] = [];
      for (let n: N = node, p = a.parent(n); p !== undefined; n = p, p = a.parent(p)) {
        const siblings = a.children(p);
        for (let j = ctx.order.indexInParent(n) - 1; j >= 0; j--) {
          subtreeReverse(a, siblings[j] as N, (m) => {
            if (match(m)) out.push(m);
          });
        }
      }
      return out;
    }
    case 'attribute': case 'namespace':
      return [];
  }
}

/** Visits `root` and its descendants in document order. */
function subtree<N>(a: XPathNodeAdapter<N>, root: N, visit: (n: N) => void): void {
  const stack: N[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as N;
    visit(n);
    const children = a.children(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as N);
  }
}

/** Visits `root` and its descendants in reverse document order. */
function subtreeReverse<N>(a: XPathNodeAdapter<N>, root: N, visit: (n: N) => void): void {
  const doc: N[] = [];
  subtree(a, root, (n) => {
    doc.push(n);
  });
  for (let i = doc.length - 1; i >= 0; i--) visit(doc[i] as N);
}
