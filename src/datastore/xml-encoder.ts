// Data tree → XML. Our own small serializer: the default namespace is declared where the module
// changes; identityref / instance-identifier values get prefixes declared on the element that
// holds them (through the value layer's formatXml); list keys come first, in key order
// (RFC 7950 §7.8.5); other children in schema order; entries in their list's order.
// A per-node hook adds attributes (e.g. wd:default="true" for with-defaults report-all-tagged).
import type { Schema } from '../validation/schema.js';
import type { SchemaNode } from '../validation/schema-model.js';
import { formatXml } from '../validation/types/index.js';
import type { TypedValue } from '../validation/types/value.js';
import { orderedSlots } from './child-order.js';
import type { DataNode, DataTree, InnerNode, Location } from './data-tree.js';
import { escapeAttribute, escapeText } from './xml-escape.js';

/** An attribute the hook adds to a node's element. */
export interface ExtraAttribute {
  namespace: string;
  /** The prefix to use (declared on the element unless already bound to `namespace`). */
  prefix: string;
  name: string;
  value: string;
}

export interface XmlEncodeOptions {
  /** Indent nested elements, with this many spaces (true: 2). Default: no added whitespace. */
  pretty?: boolean | number;
  /** Extra attributes for a node's element. */
  attributes?: (node: DataNode) => readonly ExtraAttribute[] | undefined;
  /** The default namespace in effect where the output goes (not declared again). Default: none. */
  defaultNamespace?: string;
  /** Indentation level of the first elements (when pretty), for embedding in a bigger document. */
  level?: number;
}

/** Bindings in scope: prefix → namespace (shared until an element declares something). */
type Bindings = ReadonlyMap<string, string>;

/** prefixFor for values that hold no QName (formatXml never calls it for them). */
const noPrefixes = (module: string): string => module;

/** One element's start tag under construction (a class, so that no closures are made per node). */
class StartTag {
  readonly tag: string;
  readonly defaultNs: string;
  private decls = '';
  private attrs = '';
  /** Own copy of the bindings, made only when this element declares a prefix. */
  private bindings: Map<string, string> | undefined;

  constructor(private readonly schema: Schema, s: SchemaNode, parentDefault: string, private readonly parentBindings: Bindings) {
    this.tag = s.name;
    this.defaultNs = schema.namespaceOf(s.module) ?? '';
    if (this.defaultNs !== parentDefault) this.decls = ` xmlns="${escapeAttribute(this.defaultNs)}"`;
  }

  /** The prefix bound to `uri` for this element, declaring it here unless already in scope. */
  declare(prefix: string, uri: string): string {
    if ((this.bindings ?? this.parentBindings).get(prefix) === uri) return prefix;
    this.bindings ??= new Map(this.parentBindings);
    this.bindings.set(prefix, uri);
    this.decls += ` xmlns:${prefix}="${escapeAttribute(uri)}"`;
    return prefix;
  }

  /** formatXml's prefixFor for `value`: a module's prefix, declared on this element when needed. */
  prefixer(value: TypedValue): (module: string) => string {
    if (value.base !== 'identityref' && value.base !== 'instance-identifier') return noPrefixes;
    return (module) => this.declare(this.schema.xmlPrefix(module), this.schema.namespaceOf(module) ?? '');
  }

  addAttributes(extra: readonly ExtraAttribute[]): void {
    for (const a of extra) this.attrs += ` ${this.declare(a.prefix, a.namespace)}:${a.name}="${escapeAttribute(a.value)}"`;
  }

  /** The start tag without its closing ">" or "/>". */
  render(): string {
    return `<${this.tag}${this.decls}${this.attrs}`;
  }

  /** The bindings in scope for the children. */
  scope(): Bindings {
    return this.bindings ?? this.parentBindings;
  }
}

class XmlWriter {
  readonly parts: string[] = [];
  private readonly indent: string;

  constructor(private readonly schema: Schema, private readonly options: XmlEncodeOptions) {
    const p = options.pretty;
    this.indent = p === undefined || p === false ? '' : ' '.repeat(p === true ? 2 : p);
  }

  private get pretty(): boolean {
    return this.indent !== '';
  }

  private pad(level: number): string {
    return this.pretty ? this.indent.repeat(level) : '';
  }

  private nl(): string {
    return this.pretty ? '\n' : '';
  }

  /** Writes the children of an inner node (its slots in schema order; list keys first). */
  children(inner: InnerNode, defaultNs: string, bindings: Bindings, level: number): void {
    for (const slot of orderedSlots(this.schema, inner)) {
      if (slot.kind === 'entries') {
        for (const e of slot) this.node(e, defaultNs, bindings, level);
      } else {
        this.node(slot, defaultNs, bindings, level);
      }
    }
  }

  /** Writes one node and its subtree. */
  node(node: DataNode, parentDefault: string, parentBindings: Bindings, level: number): void {
    const start = this.open(node.schema, node, parentDefault, parentBindings);
    const tag = start.tag;
    switch (node.kind) {
      case 'leaf':
      case 'leaf-list-entry': {
        const text = formatXml(node.value, start.prefixer(node.value));
        this.parts.push(this.pad(level), start.render(), text === '' ? '/>' : `>${escapeText(text)}</${tag}>`, this.nl());
        return;
      }
      case 'any': {
        const v = node.value;
        const raw = v.format === 'xml' ? v.xml : escapeText(JSON.stringify(v.json));
        this.parts.push(this.pad(level), start.render(), raw === '' ? '/>' : `>${raw}</${tag}>`, this.nl());
        return;
      }
      case 'container':
      case 'list-entry': {
        const head = start.render();
        if (node.slotCount === 0) {
          this.parts.push(this.pad(level), head, '/>', this.nl());
          return;
        }
        this.parts.push(this.pad(level), head, '>', this.nl());
        this.children(node, start.defaultNs, start.scope(), level + 1);
        this.parts.push(this.pad(level), `</${tag}>`, this.nl());
      }
    }
  }

  /**
   * Prepares a start tag: the default namespace is declared where the module changes; a value
   * or an extra attribute may declare prefixes before the tag is rendered.
   */
  open(s: SchemaNode, node: DataNode | undefined, parentDefault: string, parentBindings: Bindings): StartTag {
    const start = new StartTag(this.schema, s, parentDefault, parentBindings);
    const extra = node === undefined ? undefined : this.options.attributes?.(node);
    if (extra !== undefined) start.addAttributes(extra);
    return start;
  }

  /** Opens the elements of the ancestors of `loc` (list entries with their keys); returns how to close them. */
  ancestors(loc: Location | null, level: number): { defaultNs: string; bindings: Bindings; level: number; close: () => void } {
    const chain: Location[] = [];
    for (let l = loc; l !== null; l = l.up) chain.push(l);
    chain.reverse();
    let defaultNs = this.options.defaultNamespace ?? '';
    let bindings: Bindings = new Map();
    const closers: string[] = [];
    for (const l of chain) {
      const start = this.open(l.schema, undefined, defaultNs, bindings);
      this.parts.push(this.pad(level), start.render(), '>', this.nl());
      defaultNs = start.defaultNs;
      bindings = start.scope();
      closers.push(`${this.pad(level)}</${start.tag}>${this.nl()}`);
      level++;
      if (l.schema.kind === 'list' && l.keyValues !== undefined) {
        for (const [i, k] of this.schema.keyLeaves(l.schema).entries()) {
          const v = l.keyValues[i];
          if (v === undefined) continue;
          const ks = this.open(k, undefined, defaultNs, bindings);
          const text = formatXml(v, ks.prefixer(v));
          this.parts.push(this.pad(level), ks.render(), `>${escapeText(text)}</${k.name}>`, this.nl());
        }
      }
    }
    return { defaultNs, bindings, level, close: () => { this.parts.push(...closers.reverse()); } };
  }
}

/** The whole tree: every top-level node (for an rpc / notification tree: the root's children). */
export function encodeXml(schema: Schema, tree: DataTree, options: XmlEncodeOptions = {}): string {
  return encodeXmlChildren(schema, tree.root, options);
}

/** The children of an inner node (e.g. the content of an rpc reply's output). */
export function encodeXmlChildren(schema: Schema, parent: InnerNode, options: XmlEncodeOptions = {}): string {
  const w = new XmlWriter(schema, options);
  w.children(parent, options.defaultNamespace ?? '', new Map(), options.level ?? 0);
  return w.parts.join('');
}

/**
 * One node and its subtree; with `withAncestors`, wrapped in its ancestors' elements (list
 * entries with their keys), as a subtree filter answer needs.
 */
export function encodeXmlNode(schema: Schema, node: DataNode, options: XmlEncodeOptions & { withAncestors?: boolean } = {}): string {
  const w = new XmlWriter(schema, options);
  const level = options.level ?? 0;
  if (options.withAncestors === true && node.up !== null) {
    const a = w.ancestors(node.up, level);
    w.node(node, a.defaultNs, a.bindings, a.level);
    a.close();
  } else {
    w.node(node, options.defaultNamespace ?? '', new Map(), level);
  }
  return w.parts.join('');
}
