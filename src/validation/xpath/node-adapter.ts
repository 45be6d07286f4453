// What the XPath engine needs from a data tree. The engine never sees the concrete tree: a tree
// implements this interface (the required part is six small functions), and may add the optional
// hooks to make evaluation cheaper (child lookup by name, list entry by keys, a document-order
// key) or to make YANG typing visible (type base, enum values, identities, leafref targets).
//
// Node values N must be identity-stable: the same tree node is always the same N (===), because
// node-sets are deduplicated by identity.
import type { XPathExpr } from '../schema-model.js';
import type { ValueBase } from '../types/value.js';

/**
 * XPath node kinds. YANG data trees have a root (the datastore) and elements (containers, list
 * entries, leaves, leaf-list entries, anydata); they have no text nodes — the string-value of a
 * leaf is its canonical value. An adapter may still expose text nodes (e.g. inside anydata).
 */
export type XPathNodeKind = 'root' | 'element' | 'text';

/** How prefixes in a value compared with a node (an identityref literal) are resolved. */
export interface ValueScope {
  /** Prefix → module name, from the expression's prefix map. */
  resolvePrefix(prefix: string): string | undefined;
  /** The module of an unprefixed identity name, if the expression has one. */
  defaultModule: string | undefined;
}

export interface XPathNodeAdapter<N> {
  kind(node: N): XPathNodeKind;
  /** The node's name without prefix; '' for the root and text nodes. */
  localName(node: N): string;
  /** The YANG module that defines the node (for augmented nodes, the augmenting module); '' for the root. */
  moduleName(node: N): string;
  /** undefined for the root (or for the top of a detached subtree). */
  parent(node: N): N | undefined;
  /** Children in document order (for lists: the entries in list order). */
  children(node: N): readonly N[];
  /**
   * The canonical value of a leaf or leaf-list entry (identityref: "module:identity"; empty: '';
   * bits: the set names in position order); the text of a text node; undefined for every other
   * node (the engine derives an inner node's string-value from the values below it).
   */
  value(node: N): string | undefined;

  // ---- optional: YANG typing ----

  /** The built-in type that holds the leaf's value (for a union: the member that accepted it; for a leafref: its target's). */
  typeBase?(node: N): ValueBase | undefined;
  /** The XML namespace of the node's module, for namespace-uri(). */
  namespaceUri?(node: N): string | undefined;
  /** The integer value of an enumeration leaf's current enum, for enum-value(). */
  enumValue?(node: N): number | undefined;
  /**
   * A leafref leaf's path, for deref(): the engine evaluates it from the leaf and keeps the
   * targets whose value equals the leaf's. Unprefixed names in it belong to the leaf's module.
   */
  leafrefPath?(node: N): XPathExpr | undefined;
  /** Overrides deref() entirely: the nodes a leafref or instance-identifier leaf refers to. */
  deref?(node: N): readonly N[] | undefined;
  /**
   * Parses `text` as a value of the leaf's type and returns its canonical form, or undefined if it
   * is not a valid value. Used when a leaf is compared with a string, as libyang does: `n = '01'`
   * holds for a uint8 leaf holding 1, `type = 'ianaift:ethernetCsmacd'` for an identityref. Without
   * it, the engine canonicalizes identityref, integer, decimal64 and boolean values itself (see
   * `canonicalizeBuiltin`), given `typeBase`.
   */
  canonicalize?(node: N, text: string, scope: ValueScope): string | undefined;
  /** true when identity `identity` is derived, directly or not, from `base`; both "module:name". */
  isDerivedFrom?(identity: string, base: string): boolean;
  /** true when "module:name" is a known identity; lets derived-from() report a misspelt identity. */
  hasIdentity?(identity: string): boolean;

  // ---- optional: speed ----

  /**
   * A number that grows in document order, valid while the tree does not change. Without it the
   * engine derives the order from parents and sibling positions (cached per evaluation).
   */
  documentOrderKey?(node: N): number;
  /** The children with this module and name, in document order — O(1) in a tree that indexes them. */
  childrenNamed?(node: N, module: string, name: string): readonly N[];
  /**
   * The entries of list (module, name) under `parent` whose key leaves equal `keys` (key local
   * name → text from the expression), in document order; undefined when the adapter cannot answer
   * from an index (not a list, `keys` is not exactly its key set, no index) — the engine then scans.
   * "Equal" means what XPath `=` means here: a key leaf matches text t when its canonical value is t,
   * or when canonicalize(leaf, t, scope) is its canonical value.
   */
  findListEntries?(parent: N, module: string, name: string, keys: ReadonlyMap<string, string>, scope: ValueScope): readonly N[] | undefined;
}
