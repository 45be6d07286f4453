// The XPath engine (src/validation/xpath) over a DataTree. Tree nodes have no parent pointers
// (a shared node has a parent in every version), so the adapter wraps them in handles (XNode)
// made on demand, once per node per adapter: identity-stable, with a parent link and a depth.
// One adapter serves one evaluation (or a batch of evaluations over an unchanged tree).
//
// Handles are only made where the evaluation goes: a child step by name uses the schema index
// (childrenNamed) and a key predicate uses the EntrySet's key index (findListEntries), so
// `/if:interfaces/if:interface[if:name='eth7']/if:mtu` touches a handful of nodes whatever the
// number of interfaces. `created` counts handles, which tests use to prove it.
//
// Document order: a global numeric order key would mean numbering the whole tree (every list
// entry) per evaluation, which is exactly what the index paths avoid; so the adapter offers no
// documentOrderKey and the engine orders nodes from parent links and sibling positions, which
// only materializes the siblings of nodes it actually has to compare (cached per handle).
import type { DataSchemaNode, Schema } from '../validation/schema.js';
import type { TypeSpec, XPathExpr } from '../validation/schema-model.js';
import { parseText } from '../validation/types/index.js';
import type { TypedValue, ValueBase, ValueContext } from '../validation/types/value.js';
import {
  evaluate, isXPathError,
  type CompiledXPath, type EvaluateOptions, type ValueScope, type XPathError, type XPathNodeAdapter, type XPathNodeKind,
  type XPathResult,
} from '../validation/xpath/index.js';
import { orderedSlots } from './child-order.js';
import { keyString, type DataNode, type DataTree, type InnerNode, type RootData } from './data-tree.js';

/** A handle on one node of the tree for one evaluation. */
export class XNode {
  /** @internal handles of children made so far, by data node */
  _byNode: Map<DataNode, XNode> | undefined;
  /** @internal every child, in document order, once asked for */
  _children: XNode[] | undefined;
  /** @internal children by schema node (childrenNamed answers) */
  _named: Map<DataSchemaNode, XNode[]> | undefined;

  constructor(
    /** The tree node: the root, or a container, list entry, leaf, leaf-list entry, anydata. */
    readonly data: RootData | DataNode,
    readonly parent: XNode | undefined,
    readonly depth: number,
  ) {}

  /** The node when it holds children (root, container, list entry). */
  get inner(): InnerNode | undefined {
    const d = this.data;
    return d.kind === 'root' || d.kind === 'container' || d.kind === 'list-entry' ? d : undefined;
  }

  /** The inner nodes from the root down to the parent (empty for the root itself). */
  ancestors(): InnerNode[] {
    const out: InnerNode[] = [];
    for (let p = this.parent; p !== undefined; p = p.parent) out.push(p.inner as InnerNode);
    return out.reverse();
  }
}

const EMPTY: readonly XNode[] = Object.freeze([]);

/** The XPath adapter over one DataTree (or any root of one). */
export class DataTreeAdapter implements XPathNodeAdapter<XNode> {
  /** Handles made so far (the root included). */
  created = 1;
  readonly root: XNode;

  constructor(readonly schema: Schema, root: RootData) {
    this.root = new XNode(root, undefined, 0);
  }

  static of(tree: DataTree): DataTreeAdapter {
    return new DataTreeAdapter(tree.schema, tree.root);
  }

  /** The handle of `child`, a child of `parent`'s node (made once). */
  child(parent: XNode, child: DataNode): XNode {
    parent._byNode ??= new Map();
    let h = parent._byNode.get(child);
    if (h === undefined) {
      h = new XNode(child, parent, parent.depth + 1);
      parent._byNode.set(child, h);
      this.created++;
    }
    return h;
  }

  /**
   * A handle for a node that is not (yet) in the tree, hanging under `parent` without being one
   * of its children: the context node of a `when` on a node about to be created (libyang does
   * the same with a dummy node).
   */
  detached(parent: XNode, node: DataNode): XNode {
    this.created++;
    return new XNode(node, parent, parent.depth + 1);
  }

  /** The handle of a node given its ancestors (root first, as XNode.ancestors() returns them). */
  handleAt(ancestors: readonly InnerNode[], node?: DataNode): XNode {
    let h = this.root;
    for (let i = 1; i < ancestors.length; i++) h = this.child(h, ancestors[i] as DataNode);
    return node === undefined ? h : this.child(h, node);
  }

  // ---- XPathNodeAdapter: required ----

  kind(n: XNode): XPathNodeKind {
    return n.data.kind === 'root' ? 'root' : 'element';
  }

  localName(n: XNode): string {
    return n.data.kind === 'root' ? '' : n.data.schema.name;
  }

  moduleName(n: XNode): string {
    return n.data.kind === 'root' ? '' : n.data.schema.module;
  }

  parent(n: XNode): XNode | undefined {
    return n.parent;
  }

  children(n: XNode): readonly XNode[] {
    if (n._children !== undefined) return n._children;
    const inner = n.inner;
    if (inner === undefined) return EMPTY;
    const out: XNode[] = [];
    for (const slot of orderedSlots(this.schema, inner)) {
      if (slot.kind === 'entries') for (const e of slot) out.push(this.child(n, e));
      else out.push(this.child(n, slot));
    }
    n._children = out;
    return out;
  }

  value(n: XNode): string | undefined {
    const d = n.data;
    return d.kind === 'leaf' || d.kind === 'leaf-list-entry' ? d.value.canonical : undefined;
  }

  // ---- optional: typing ----

  typeBase(n: XNode): ValueBase | undefined {
    const d = n.data;
    return d.kind === 'leaf' || d.kind === 'leaf-list-entry' ? d.value.base : undefined;
  }

  namespaceUri(n: XNode): string | undefined {
    return n.data.kind === 'root' ? undefined : this.schema.namespaceOf(n.data.schema.module);
  }

  enumValue(n: XNode): number | undefined {
    const d = n.data;
    if ((d.kind !== 'leaf' && d.kind !== 'leaf-list-entry') || d.value.base !== 'enumeration') return undefined;
    return enumIn(d.schema.type, d.value.canonical);
  }

  leafrefPath(n: XNode): XPathExpr | undefined {
    const d = n.data;
    if (d.kind !== 'leaf' && d.kind !== 'leaf-list-entry') return undefined;
    return d.schema.type.base === 'leafref' ? d.schema.type.path : undefined;
  }

  canonicalize(n: XNode, text: string, scope: ValueScope): string | undefined {
    const d = n.data;
    if (d.kind !== 'leaf' && d.kind !== 'leaf-list-entry') return undefined;
    const r = parseText(d.schema.type, text, this.valueContext(scope, d.schema.module));
    return r.ok ? r.value.canonical : undefined;
  }

  isDerivedFrom(identity: string, base: string): boolean {
    return this.schema.isDerivedFrom(identity, base);
  }

  hasIdentity(identity: string): boolean {
    return this.schema.hasIdentity(identity);
  }

  // ---- optional: speed ----

  childrenNamed(n: XNode, module: string, name: string): readonly XNode[] {
    const inner = n.inner;
    if (inner === undefined) return EMPTY;
    const ref = this.schema.child(inner.schema, module, name);
    if (ref === undefined) return EMPTY;
    const cached = n._named?.get(ref.node);
    if (cached !== undefined) return cached;
    const slot = inner.slot(ref.node);
    const out: XNode[] = [];
    if (slot?.kind === 'entries') for (const e of slot) out.push(this.child(n, e));
    else if (slot !== undefined) out.push(this.child(n, slot));
    n._named ??= new Map();
    n._named.set(ref.node, out);
    return out;
  }

  findListEntries(parent: XNode, module: string, name: string, keys: ReadonlyMap<string, string>, scope: ValueScope): readonly XNode[] | undefined {
    const inner = parent.inner;
    if (inner === undefined) return EMPTY;
    const ref = this.schema.child(inner.schema, module, name);
    if (ref === undefined || ref.node.kind !== 'list') return undefined;
    const list = ref.node;
    if (list.keys.length === 0 || list.keys.length !== keys.size || !list.keys.every((k) => keys.has(k))) return undefined;
    const set = inner.entries(list);
    if (set === undefined) return EMPTY;
    // Each key text matches an entry whose canonical value is the text itself or the text
    // canonicalized by the key's type (what XPath `=` means for a typed leaf here).
    const options: string[][] = [];
    for (const leaf of this.schema.keyLeaves(list)) {
      const text = keys.get(leaf.name) as string;
      const r = parseText(leaf.type, text, this.valueContext(scope, leaf.module));
      if (!r.ok) return EMPTY; // not a value of the key's type: no entry can hold it
      options.push(r.value.canonical === text ? [text] : [r.value.canonical, text]);
    }
    const found = new Set<XNode>();
    const values: TypedValue[] = [];
    const walk = (i: number): void => {
      if (i === options.length) {
        const e = set.get(keyString(values));
        if (e !== undefined) found.add(this.child(parent, e));
        return;
      }
      for (const canonical of options[i] as string[]) {
        values[i] = { canonical, base: 'string' };
        walk(i + 1);
      }
    };
    walk(0);
    // Two hits would need their list positions to be ordered: let the engine scan instead.
    return found.size > 1 ? undefined : [...found];
  }

  private valueContext(scope: ValueScope, localModule: string): ValueContext {
    return {
      format: 'xml',
      resolvePrefix: (p) => (p === '' ? scope.defaultModule : scope.resolvePrefix(p)),
      localModule,
      identities: this.schema,
    };
  }
}

/** The value of an enum member in a type (seeing through unions and leafrefs). */
function enumIn(type: TypeSpec, name: string): number | undefined {
  if (type.base === 'enumeration') return type.enums?.find((e) => e.name === name)?.value;
  if (type.base === 'leafref' && type.target !== undefined) return enumIn(type.target, name);
  for (const m of type.members ?? []) {
    const v = enumIn(m, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

// ---- selecting nodes ----------------------------------------------------------------------------

/** A node an expression selected, with the inner nodes above it (root first). */
export interface SelectedNode {
  /** The selected node; the tree's root when the expression selected `/`. */
  node: DataNode | RootData;
  ancestors: InnerNode[];
}

export type TreeSelection =
  | { kind: 'nodes'; nodes: SelectedNode[] }
  /** The expression gave a string, number or boolean. */
  | { kind: 'value'; value: Exclude<XPathResult<XNode>, { type: 'node-set' }> }
  | { kind: 'error'; error: XPathError };

/**
 * Evaluates `compiled` on a tree (context node: the root, unless given) and returns the selected
 * data nodes, each with its ancestors, in document order. Never throws.
 */
export function selectNodes(tree: DataTree, compiled: CompiledXPath,
  options: EvaluateOptions<XNode> & { adapter?: DataTreeAdapter; context?: XNode } = {}): TreeSelection {
  const adapter = options.adapter ?? DataTreeAdapter.of(tree);
  const r = evaluate(compiled, options.context ?? adapter.root, adapter, options);
  if (isXPathError(r)) return { kind: 'error', error: r };
  if (r.type !== 'node-set') return { kind: 'value', value: r };
  return { kind: 'nodes', nodes: r.nodes.map((n) => ({ node: n.data, ancestors: n.ancestors() })) };
}
