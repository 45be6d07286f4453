// RFC 6241 §6 subtree filtering over a DataTree. The filter is walked, not the data: at each
// level the filter's elements name the data children to look at (schema lookups), and a list
// whose keys are all given as content matches is answered from its EntrySet key index, so a
// filter for one interface out of 100k looks at that one entry. The answer is a new DataTree
// built by grafting the selected subtrees (see selection-builder.ts).
//
// Interpretation choices (section numbers are RFC 6241):
// - Roles (§6.2.3–6.2.5): an element with child elements is a containment node; one with
//   non-whitespace text and no child elements is a content match node; an empty one (or one
//   holding only whitespace) is a selection node.
// - Namespaces (§6.2.1): an element matches data of its own namespace only. An element without
//   a namespace (xmlns="") matches every namespace (the RFC's wildcard); so does one left in the
//   NETCONF base namespace by an <rpc> default namespace, since no data node lives in that
//   namespace and clients often omit xmlns — the alternative would be selecting nothing.
// - Unknown elements or namespaces select nothing and are not an error: §6.1 says only nodes
//   that exist in the underlying data model are selected by a filter. As a content match, an
//   unknown element is a test that fails, so its sibling set selects nothing.
// - Content match values (§6.2.5) are compared after parsing the text by the leaf's type and
//   canonicalizing it (`<mtu>01500</mtu>` matches 1500; identityref prefixes are resolved with
//   the namespaces in scope in the filter). Text the type refuses matches nothing. For a
//   leaf-list, the content match selects the entries with that value.
// - Sibling sets (§6.2.5): every content match node must hold, else the set selects nothing;
//   then the matching content nodes, the selection nodes and whatever the containment nodes
//   select are returned; with content matches only, the whole parent is returned. A list entry
//   or container is returned only when something in it is selected; a list entry always carries
//   its keys. An empty filter selects nothing (§6.4.2).
// - Attribute match expressions (§6.2.2): the data must carry the attribute with that value.
//   vrouterd data carries no XML attributes, so an element with attributes matches nothing —
//   except wd:default (RFC 6243 §6), which report-all-tagged data carries: wd:default="true"
//   matches exactly the nodes in `defaultTagged`. Namespace declarations are not attributes.
// - Several filter elements selecting the same data merge (§6.1: no duplicates). Entries of a
//   list appear in data order when one filter element selects them; with several elements for
//   the same list, in the order of the elements (data order for ordered-by-user lists).
import type { ChildRef, ParentSchemaNode, Schema } from '../../validation/schema.js';
import type { LeafListNode, LeafNode, ListNode, ModuleSpec } from '../../validation/schema-model.js';
import { parseText } from '../../validation/types/index.js';
import type { TypedValue, ValueContext } from '../../validation/types/value.js';
import { keyString, type ContainerData, type DataNode, type DataTree, type EntrySet, type InnerData, type InnerNode, type ListEntry } from '../../datastore/data-tree.js';
import { WITH_DEFAULTS_NS } from '../../datastore/edit-attributes.js';
import { isNamespaceDeclaration, type FilterElement } from './filter-element.js';
import { SelectionBuilder } from './selection-builder.js';

const NETCONF_BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const XML_SPACE = /^[ \t\r\n]*$/;

export interface SubtreeFilterOptions {
  /** Nodes reported with wd:default="true" (report-all-tagged), for wd:default attribute matches. */
  defaultTagged?: ReadonlySet<DataNode>;
  /** Counts the data nodes the evaluation looks at (tests prove index use with it). */
  stats?: { visited: number };
}

/** Applies a subtree filter (the elements inside <filter type="subtree">) to a tree. */
export function subtreeFilter(tree: DataTree, filter: readonly FilterElement[], options: SubtreeFilterOptions = {}): DataTree {
  const builder = new SelectionBuilder(tree);
  if (filter.length > 0) {
    const ev = new Evaluation(tree.schema, builder, options);
    const root = tree.root;
    const outcome = ev.siblings(filter, root, root.schema, () => builder.root());
    if (outcome === 'all') builder.selectChildren(builder.root(), root);
  }
  return builder.finish();
}

type Role = 'containment' | 'content' | 'selection';

function roleOf(f: FilterElement): Role {
  if (f.children.length > 0) return 'containment';
  return XML_SPACE.test(f.text) ? 'selection' : 'content';
}

/** What a sibling set selected: nothing, something (already written), or the whole parent. */
type Outcome = 'none' | 'some' | 'all';

class Evaluation {
  private readonly attrsOf = new Map<FilterElement, FilterElement['attributes']>();
  private readonly targetCache = new Map<FilterElement, Map<ParentSchemaNode | null, readonly ChildRef[]>>();

  constructor(private readonly schema: Schema, private readonly builder: SelectionBuilder, private readonly options: SubtreeFilterOptions) {}

  private visit(n = 1): void {
    if (this.options.stats !== undefined) this.options.stats.visited += n;
  }

  /**
   * Evaluates a sibling set of filter elements against the children of `data` (an inner node of
   * schema `parentSchema`). Selected children go under `out()`, the answer's counterpart of
   * `data`, made on first use; `out()` gives undefined when the answer already holds `data` whole.
   */
  siblings(filters: readonly FilterElement[], data: InnerNode, parentSchema: ParentSchemaNode | null,
    out: () => InnerData | undefined): Outcome {
    const resolved = filters.map((f) => ({ f, role: roleOf(f), targets: this.targets(f, parentSchema) }));
    // Every content match must hold before anything at this level is selected.
    const contentHits: DataNode[] = [];
    let onlyContent = true;
    for (const { f, role, targets } of resolved) {
      if (role !== 'content') {
        onlyContent = false;
        continue;
      }
      const hits = this.contentHits(f, targets, data);
      if (hits.length === 0) return 'none';
      contentHits.push(...hits);
    }
    if (onlyContent) return 'all'; // §6.2.5: no selection or containment nodes: the whole level
    let some = false;
    for (const hit of contentHits) {
      this.add(out, hit);
      some = true;
    }
    const perList = new Map<ListNode, number>();
    for (const { f, role, targets } of resolved) {
      if (role === 'content') continue;
      for (const ref of targets) {
        if (ref.node.kind === 'list') perList.set(ref.node, (perList.get(ref.node) ?? 0) + 1);
        if (role === 'selection' ? this.select(f, ref, data, out) : this.contain(f, ref, data, out)) some = true;
      }
    }
    for (const [list, n] of perList) if (n > 1 && list.orderedBy === 'user' && some) this.dataOrder(out, list, data);
    return some ? 'some' : 'none';
  }

  /** Several filter elements filled one ordered-by-user list: put its entries back in data order. */
  private dataOrder(out: () => InnerData | undefined, list: ListNode, data: InnerNode): void {
    const parent = out();
    const selected = parent?.entries(list);
    const all = data.entries(list);
    if (parent === undefined || selected === undefined || selected.size < 2 || all === undefined || list.keys.length === 0) return;
    for (const e of all) {
      this.visit();
      const picked = selected.get(e.key);
      if (picked !== undefined) this.builder.out.move(parent, picked, { where: 'last' });
    }
  }

  /** A selection node: every instance of the child (that passes the attribute matches). */
  private select(f: FilterElement, ref: ChildRef, data: InnerNode, out: () => InnerData | undefined): boolean {
    const slot = data.slot(ref.node);
    this.visit();
    if (slot === undefined) return false;
    let some = false;
    const nodes: Iterable<DataNode> = slot.kind === 'entries' ? slot : [slot];
    for (const n of nodes) {
      this.visit();
      if (!this.attributesMatch(f, n)) continue;
      this.add(out, n);
      some = true;
    }
    return some;
  }

  /** A containment node: the child's instances, each filtered by the element's children. */
  private contain(f: FilterElement, ref: ChildRef, data: InnerNode, out: () => InnerData | undefined): boolean {
    const node = ref.node;
    if (node.kind !== 'container' && node.kind !== 'list') return false; // a leaf or anydata has no children to match
    const slot = data.slot(node);
    this.visit();
    if (slot === undefined) return false;
    const instances: Iterable<ContainerData | ListEntry> = node.kind === 'list'
      ? this.candidateEntries(f, node, slot as EntrySet<ListEntry>)
      : [slot as ContainerData];
    let some = false;
    for (const child of instances) {
      this.visit();
      if (!this.attributesMatch(f, child)) continue;
      let childOut: InnerData | undefined | null = null; // null: not made yet
      const lazy = (): InnerData | undefined => {
        if (childOut === null) {
          const parentOut = out();
          childOut = parentOut === undefined ? undefined : this.builder.enter(parentOut, child);
        }
        return childOut;
      };
      const outcome = this.siblings(f.children, child, child.schema, lazy);
      if (outcome === 'all') this.add(out, child);
      if (outcome !== 'none') some = true;
    }
    return some;
  }

  /**
   * The entries a containment node on a list can match: the one entry its key content matches
   * name, through the key index, when every key is given; otherwise all of them.
   */
  private candidateEntries(f: FilterElement, list: ListNode, set: EntrySet<ListEntry>): Iterable<ListEntry> {
    const keys = this.schema.keyLeaves(list);
    if (keys.length === 0) return set;
    const values: TypedValue[] = [];
    for (const key of keys) {
      let value: TypedValue | undefined;
      for (const c of f.children) {
        if (roleOf(c) !== 'content' || c.name !== key.name || !this.namespaceMatches(c, key.module)) continue;
        const v = this.parseValue(key, c);
        if (v === undefined || (value !== undefined && value.canonical !== v.canonical)) return []; // refused, or two different keys asked together
        value = v;
      }
      if (value === undefined) return set; // a key not given: scan
      values.push(value);
    }
    this.visit();
    const entry = set.get(keyString(values));
    return entry === undefined ? [] : [entry];
  }

  /** The leaves / leaf-list entries a content match node selects under `data`. */
  private contentHits(f: FilterElement, targets: readonly ChildRef[], data: InnerNode): DataNode[] {
    const hits: DataNode[] = [];
    for (const ref of targets) {
      const node = ref.node;
      if (node.kind !== 'leaf' && node.kind !== 'leaf-list') continue; // no simple content to match
      const slot = data.slot(node);
      this.visit();
      if (slot === undefined) continue;
      const want = this.parseValue(node, f);
      if (want === undefined) continue;
      if (slot.kind === 'leaf') {
        if (slot.value.canonical === want.canonical && this.attributesMatch(f, slot)) hits.push(slot);
      } else if (slot.kind === 'entries') {
        // Configuration leaf-lists are keyed by value; state ones may repeat values: scan those.
        const entries = node.config ? [slot.get(want.canonical)] : slot;
        for (const e of entries) {
          this.visit();
          if (e !== undefined && e.kind === 'leaf-list-entry' && e.value.canonical === want.canonical && this.attributesMatch(f, e)) hits.push(e);
        }
      }
    }
    return hits;
  }

  private parseValue(node: LeafNode | LeafListNode, f: FilterElement): TypedValue | undefined {
    const ctx: ValueContext = {
      format: 'xml',
      resolvePrefix: (p) => {
        const ns = f.nsInScope(p);
        return ns === undefined || ns === '' ? undefined : this.schema.moduleByNamespace(ns)?.name;
      },
      localModule: node.module,
      identities: this.schema,
    };
    const r = parseText(node.type, f.text, ctx);
    return r.ok ? r.value : undefined;
  }

  /** The schema children a filter element names under `parent` (several under the namespace wildcard). */
  private targets(f: FilterElement, parent: ParentSchemaNode | null): readonly ChildRef[] {
    let perParent = this.targetCache.get(f);
    if (perParent === undefined) this.targetCache.set(f, perParent = new Map<ParentSchemaNode | null, readonly ChildRef[]>());
    let refs = perParent.get(parent);
    if (refs === undefined) {
      if (this.isWildcard(f)) {
        refs = this.schema.children(parent).filter((r) => r.node.name === f.name);
      } else {
        const module = this.moduleOf(f.namespace);
        const ref = module === undefined ? undefined : this.schema.child(parent, module.name, f.name);
        refs = ref === undefined ? [] : [ref];
      }
      perParent.set(parent, refs);
    }
    return refs;
  }

  private isWildcard(f: FilterElement): boolean {
    return f.namespace === '' || f.namespace === NETCONF_BASE_NS;
  }

  private namespaceMatches(f: FilterElement, module: string): boolean {
    return this.isWildcard(f) || this.moduleOf(f.namespace)?.name === module;
  }

  private moduleOf(namespace: string): ModuleSpec | undefined {
    const m = this.schema.moduleByNamespace(namespace);
    return m?.implemented === true ? m : undefined;
  }

  /** §6.2.2: every attribute on the filter element must be carried by the data node. */
  private attributesMatch(f: FilterElement, node: DataNode): boolean {
    let attrs = this.attrsOf.get(f);
    if (attrs === undefined) {
      attrs = f.attributes.filter((a) => !isNamespaceDeclaration(a));
      this.attrsOf.set(f, attrs);
    }
    for (const a of attrs) {
      if (a.namespace !== WITH_DEFAULTS_NS || a.name !== 'default') return false;
      const tagged = this.options.defaultTagged?.has(node) ?? false;
      if (!(tagged && (a.value.trim() === 'true' || a.value.trim() === '1'))) return false;
    }
    return true;
  }

  private add(out: () => InnerData | undefined, node: DataNode): void {
    const parent = out();
    if (parent !== undefined) this.builder.selectAll(parent, node);
  }
}
