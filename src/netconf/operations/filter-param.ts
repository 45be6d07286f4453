// The <filter> parameter of <get> and <get-config> (RFC 6241 §6 subtree filters, §8.9 :xpath).
//
// - type="subtree" (the default when type is absent): the filter's content, as light elements
//   with their namespace scopes, goes to subtreeFilter.
// - type="xpath" select="...": the expression's prefixes are the namespace declarations in scope
//   on the <filter> element (the <rpc> and the operation element included).
// - The attributes are unqualified in RFC 6241; a base-namespace qualified one (nc:type) is
//   accepted too, since some clients qualify every attribute of a base element.
// Errors: an unknown type → bad-attribute (bad-attribute type, bad-element filter); an xpath
// filter without select → missing-attribute (bad-attribute select); an expression that does not
// compile or gives no node-set → invalid-value; content in an xpath filter is ignored.
import type { DataNode, DataTree } from '../../datastore/data-tree.js';
import { isNamespaceDeclaration, type FilterElement } from '../filters/filter-element.js';
import { subtreeFilter } from '../filters/subtree-filter.js';
import { xpathFilter } from '../filters/xpath-filter.js';
import type { RpcError } from '../rpc-error.js';
import type { XmlElement } from '../xml/element.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import { reject } from './params.js';

export type FilterSpec =
  | { kind: 'subtree'; elements: FilterElement[] }
  | { kind: 'xpath'; select: string; nsInScope: (prefix: string) => string | undefined };

function attribute(el: XmlElement, name: string): string | undefined {
  return el.attribute(name) ?? el.attribute(name, NETCONF_BASE_NS);
}

/** The light element tree → the filter's own element model (namespace scopes kept). */
export function toFilterElements(parent: XmlElement): FilterElement[] {
  return parent.children.map((el) => ({
    name: el.name,
    namespace: el.namespace,
    attributes: el.attributes
      .filter((a) => !isNamespaceDeclaration({ name: a.name, namespace: a.uri }))
      .map((a) => ({ name: a.local, namespace: a.uri, value: a.value })),
    children: toFilterElements(el),
    text: el.text,
    nsInScope: (prefix: string) => el.resolvePrefix(prefix),
  }));
}

/** The operation's <filter>, or undefined when it has none (everything is returned). */
export function readFilter(op: XmlElement): FilterSpec | undefined {
  const el = op.child(NETCONF_BASE_NS, 'filter');
  if (el === undefined) return undefined;
  const type = attribute(el, 'type') ?? 'subtree';
  if (type === 'subtree') return { kind: 'subtree', elements: toFilterElements(el) };
  if (type === 'xpath') {
    const select = attribute(el, 'select');
    if (select === undefined || select.trim() === '') {
      reject({ type: 'protocol', tag: 'missing-attribute', info: { badAttribute: 'select', badElement: 'filter' },
        message: 'an xpath filter needs a select attribute holding the expression, e.g. <filter type="xpath" select="/if:interfaces"/>' });
    }
    return { kind: 'xpath', select, nsInScope: (prefix) => el.resolvePrefix(prefix) };
  }
  reject({ type: 'protocol', tag: 'bad-attribute', info: { badAttribute: 'type', badElement: 'filter' },
    message: `filter type ${JSON.stringify(type)} is not supported: use type="subtree" or type="xpath"` });
}

/** Applies the filter to `tree` (the reply's data before filtering). */
export function applyFilter(tree: DataTree, filter: FilterSpec, defaultTagged: ReadonlySet<DataNode>): DataTree {
  if (filter.kind === 'subtree') return subtreeFilter(tree, filter.elements, { defaultTagged });
  const result = xpathFilter(tree, filter.select, filter.nsInScope);
  if (result.ok) return result.tree;
  const e = result.error;
  const error: RpcError = { type: e.type, tag: e.tag, message: e.message,
    info: e.tag === 'missing-attribute' || e.tag === 'bad-attribute' ? { badAttribute: 'select', badElement: 'filter' } : { badElement: 'filter' } };
  reject(error);
}

/**
 * Whether data under the top-level node `namespace`:`name` can be selected by the filter:
 * exact for subtree filters, conservative (true unless the expression obviously names other
 * nodes only) for XPath. Lets <get> skip building state data nobody asked for.
 */
export function maySelect(filter: FilterSpec | undefined, namespace: string, name: string): boolean {
  if (filter === undefined) return true;
  if (filter.kind === 'subtree') {
    return filter.elements.some((el) => el.name === name
      && (el.namespace === namespace || el.namespace === '' || el.namespace === NETCONF_BASE_NS));
  }
  // Any axis or test that can reach a node without naming its top-level ancestor.
  if (/\/\/|\*|descendant|following|preceding|ancestor|node\s*\(|text\s*\(/.test(filter.select)) return true;
  return filter.select.includes(name);
}
