// RFC 6241 §8.9 :xpath filters: <filter type="xpath" select="..."/>. The expression is evaluated
// on the datastore tree with the root as context node; the answer holds every selected node with
// its whole subtree, under its ancestors (list entries with their keys), built by grafting (see
// selection-builder.ts).
//
// Prefixes: the namespace declarations in scope on the <filter> element (§8.9.1), and, as a
// vrouterd extension, module names used as prefixes (`/ietf-interfaces:interfaces`); a declared prefix
// wins. An unprefixed name takes the module of the step before it (a first step without prefix
// matches any module) — XPath 1.0 would put it in no namespace, where no YANG data lives.
//
// Errors come back as rpc-error values (never thrown): a select that does not parse, uses an
// unknown prefix or function, or gives a string, number or boolean instead of a node-set is an
// invalid-value (error-type protocol: the bad value is a parameter of the operation), with the
// column of the problem in the message; an empty select is a missing-attribute.
import { DataTreeAdapter, selectNodes } from '../../datastore/xpath-adapter.js';
import type { DataTree, InnerData } from '../../datastore/data-tree.js';
import { compileXPath, filterPrefixes, isXPathError } from '../../validation/xpath/index.js';
import type { FilterError } from './filter-element.js';
import { SelectionBuilder } from './selection-builder.js';

export type XPathFilterResult = { ok: true; tree: DataTree } | { ok: false; error: FilterError };

export interface XPathFilterOptions {
  /** Receives the evaluation's adapter (tests count the handles it made). */
  adapter?: DataTreeAdapter;
}

/**
 * Applies an XPath filter. `nsInScope` resolves a prefix to a namespace URI as declared on the
 * <filter> element and its ancestors (FilterElement.nsInScope, or the NETCONF parser's resolver).
 */
export function xpathFilter(tree: DataTree, select: string, nsInScope: (prefix: string) => string | undefined,
  options: XPathFilterOptions = {}): XPathFilterResult {
  if (select.trim() === '') {
    return fail('missing-attribute', 'an xpath filter needs a non-empty select attribute (RFC 6241 §8.9)');
  }
  const schema = tree.schema;
  const declared = (prefix: string): string | undefined => {
    const ns = nsInScope(prefix);
    return ns === undefined || ns === '' ? undefined : schema.moduleByNamespace(ns)?.name;
  };
  const implemented: string[] = [];
  for (const m of schema.modules) if (m.implemented) implemented.push(m.name);
  const compiled = compileXPath(select, filterPrefixes(declared, implemented), { unprefixed: 'inherit', noCache: true });
  if (isXPathError(compiled)) return fail('invalid-value', `invalid select expression: ${compiled.message}`);

  const adapter = options.adapter ?? DataTreeAdapter.of(tree);
  const selection = selectNodes(tree, compiled, { adapter });
  if (selection.kind === 'error') return fail('invalid-value', `the select expression failed: ${selection.error.message}`);
  if (selection.kind === 'value') {
    return fail('invalid-value', `the select expression must give a node-set, but ${JSON.stringify(select)} gives a ${selection.value.type}`);
  }

  const builder = new SelectionBuilder(tree);
  for (const { node, ancestors } of selection.nodes) {
    if (node.kind === 'root') {
      builder.selectChildren(builder.root(), node);
      continue;
    }
    // Ancestors in the answer as partial copies; stop where the answer already holds one whole.
    let out: InnerData | undefined = builder.root();
    for (let i = 1; i < ancestors.length && out !== undefined; i++) {
      const a = ancestors[i];
      if (a === undefined || a.kind === 'root') continue;
      out = builder.enter(out, a);
    }
    if (out !== undefined) builder.selectAll(out, node);
  }
  return { ok: true, tree: builder.finish() };
}

function fail(tag: FilterError['tag'], message: string): XPathFilterResult {
  return { ok: false, error: { tag, type: 'protocol', message } };
}
