// XML content → data tree for a Schema, at the SAX level: namespace-aware, checking every value
// through the value layer while decoding. It takes namespace-resolved events (saxes' opentag /
// text / closetag with xmlns: true) for the *content* of an element, so the NETCONF layer, which
// already parses the <rpc> with its own saxes parser, forwards the content of <config> (or of
// an rpc's input) as it goes and calls result() at the end: nothing is serialised and parsed
// twice. Prefixes bound on the ancestors (<rpc xmlns:x=...>) reach it through the `namespaces`
// option: a snapshot record or the outer parser's resolver, `(p) => parser.resolve(p)`.
// Whole documents (strings, streams) go through xml-decoder.ts, which drives its own parser.
//
// identityref and instance-identifier text is resolved with the prefixes in scope at the
// element holding it (an XML prefix → namespace → module name), never module names as prefixes.
import type { ParentSchemaNode, Schema } from '../validation/schema.js';
import type { AnyNode, InOutNode, LeafListNode, LeafNode, NotificationNode } from '../validation/schema-model.js';
import { parseText } from '../validation/types/index.js';
import type { TypedValue, ValueContext } from '../validation/types/value.js';
import { DataTree, type DataNode, type InnerData, type ListEntry, type Location } from './data-tree.js';
import { ChosenCases, invalidValueMessage, unknownChild } from './decode-checks.js';
import { ErrorSink, quoteValue, type DecodeError, type DecodeErrorKind, type DecodeResult } from './decode-error.js';
import { NETCONF_BASE_NS, readEditAttributes, type EditAttributes, type EditOperation, type XmlAttribute } from './edit-attributes.js';
import { jsonChildPath, jsonPath, xmlChildPath, xmlPath } from './instance-path.js';
import { escapeAttribute, escapeText } from './xml-escape.js';

export interface XmlDecodeOptions {
  /** 'config' (default) refuses config false nodes; 'state' accepts every node (a <get> reply). */
  datastore?: 'config' | 'state';
  /** Collect edit-config attributes (operation, insert, key, value, wd:default) per node. */
  editAttributes?: boolean;
  /** Report every error instead of stopping at the first one (default: stop). */
  collectErrors?: boolean;
  /** Decode the content of an rpc / action input or output, or a notification, instead of datastore data. */
  root?: { schema: InOutNode | NotificationNode; location?: Location | null };
  /** Prefix bindings in scope around the content ('' = default namespace), or a resolver for them. */
  namespaces?: Readonly<Record<string, string>> | ((prefix: string) => string | undefined);
  /** The first element is a wrapper (<config>, <data>) whose children are the data. */
  wrapped?: boolean;
  /** Where the parser is, for error positions. */
  position?: () => { line: number; column: number };
}

/** A namespace-resolved open tag; saxes' SaxesTagNS is one. */
export interface XmlOpenTag {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  /** Bindings declared on this element. */
  ns: Record<string, string>;
  attributes: Record<string, XmlAttribute>;
  isSelfClosing: boolean;
}

export type XmlDecodeResult = DecodeResult<{ tree: DataTree; attributes: Map<DataNode, EditAttributes> }>;

type Where = { line?: number; column?: number };

interface InnerFrame {
  kind: 'inner';
  node: InnerData;
  schema: ParentSchemaNode | null;
  op: EditOperation | undefined;
  chosen?: ChosenCases;
  /** A list entry whose keys are known only at its end tag. */
  pending?: { parent: InnerData; keys: Map<LeafNode, TypedValue>; badKey: boolean; where: Where };
}
interface LeafFrame {
  kind: 'leaf';
  schema: LeafNode | LeafListNode;
  parent: InnerFrame;
  text: string;
  attrs: EditAttributes | undefined;
  op: EditOperation | undefined;
  where: Where;
}
interface AnyFrame { kind: 'any'; schema: AnyNode; parent: InnerData; parts: string[]; attrs: EditAttributes | undefined }
interface AnyChildFrame { kind: 'any-child'; owner: AnyFrame; name: string; selfClosing: boolean }
type Frame = InnerFrame | LeafFrame | AnyFrame | AnyChildFrame | { kind: 'skip' } | { kind: 'document' };

const SKIP: Frame = { kind: 'skip' };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const PLACEHOLDER: TypedValue = { canonical: '', base: 'empty' };

export class XmlDataDecoder {
  private readonly tree: DataTree;
  private readonly attributes = new Map<DataNode, EditAttributes>();
  private readonly sink: ErrorSink;
  private readonly frames: Frame[] = [];
  private readonly scopes: Record<string, string>[] = [];
  private readonly configOnly: boolean;
  private readonly ctx: ValueContext;
  private unboundPrefix: string | undefined;

  constructor(private readonly schema: Schema, private readonly options: XmlDecodeOptions = {}) {
    this.sink = new ErrorSink(options.collectErrors === true);
    const root = options.root;
    this.tree = new DataTree(schema, root === undefined ? {} : { rootSchema: root.schema, rootLocation: root.location ?? null });
    this.configOnly = (options.datastore ?? 'config') === 'config' && root === undefined;
    this.frames.push(options.wrapped === true
      ? { kind: 'document' }
      : { kind: 'inner', node: this.tree.root, schema: root?.schema ?? null, op: undefined });
    this.ctx = {
      format: 'xml',
      resolvePrefix: (prefix) => {
        const ns = this.resolveNs(prefix);
        if (ns === undefined || ns === '') {
          this.unboundPrefix = prefix;
          return undefined;
        }
        return this.schema.moduleByNamespace(ns)?.name;
      },
      localModule: '',
      identities: schema,
    };
  }

  /** true once decoding has stopped at an error (stop-at-first mode, or a fatal one). */
  get stopped(): boolean {
    return this.sink.stopped;
  }

  // ---- SAX level -------------------------------------------------------------------------------

  openTag(tag: XmlOpenTag): void {
    this.scopes.push(tag.ns);
    const top = this.frames[this.frames.length - 1] ?? SKIP;
    if (this.sink.stopped) {
      this.frames.push(SKIP);
      return;
    }
    switch (top.kind) {
      case 'skip':
        this.frames.push(SKIP);
        return;
      case 'any':
      case 'any-child':
        this.captureOpen(top.kind === 'any' ? top : top.owner, tag, top.kind === 'any');
        return;
      case 'leaf': {
        const leafPath = jsonChildPath(top.parent.node.location, top.schema.module, top.schema.name);
        this.report('unexpected-text', `element <${tag.local}> cannot appear inside ${leafPath}, which holds a value`,
          top.parent.node.location, { module: top.schema.module, name: top.schema.name }, { element: tag.local, namespace: tag.uri });
        this.frames.push(SKIP);
        return;
      }
      case 'document':
        this.frames.push({ kind: 'inner', node: this.tree.root, schema: this.options.root?.schema ?? null, op: undefined });
        return;
      case 'inner':
        this.openChild(top, tag);
    }
  }

  text(text: string): void {
    if (this.sink.stopped) return;
    const top = this.frames[this.frames.length - 1] ?? SKIP;
    switch (top.kind) {
      case 'leaf': top.text += text; return;
      case 'any': top.parts.push(escapeText(text)); return;
      case 'any-child': top.owner.parts.push(escapeText(text)); return;
      case 'inner': case 'document':
        if (/\S/.test(text)) {
          const at = top.kind === 'inner' ? top.node.location : null;
          const what = at === null ? 'at the top level' : `inside ${jsonPath(at)}`;
          this.report('unexpected-text', `text ${quoteValue(text.trim())} is not allowed ${what}: only elements may appear there`, at);
        }
    }
  }

  closeTag(): void {
    const frame = this.frames.pop();
    if (frame !== undefined && !this.sink.stopped) {
      switch (frame.kind) {
        case 'leaf': this.closeLeaf(frame); break;
        case 'inner': if (frame.pending !== undefined) this.closeEntry(frame, frame.pending); break;
        case 'any': {
          const node = this.tree.setAny(frame.parent, frame.schema, { format: 'xml', xml: frame.parts.join('') });
          if (frame.attrs !== undefined) this.attributes.set(node, frame.attrs);
          break;
        }
        case 'any-child': if (!frame.selfClosing) frame.owner.parts.push(`</${frame.name}>`); break;
        default: break;
      }
    }
    this.scopes.pop();
  }

  /**
   * A well-formedness error ends decoding whatever the mode. It replaces the errors found so far:
   * saxes reports e.g. a mismatched end tag only after it has closed the open elements, which
   * may have produced schema errors (a list entry "missing" its key) that mean nothing once the
   * document is known to be broken.
   */
  fatal(kind: DecodeErrorKind, message: string): void {
    this.sink.errors.length = 0;
    this.sink.add({ kind, message, path: '/', ...this.where() });
    this.sink.stop();
  }

  /** The decoded tree and attributes, or the errors. */
  result(): XmlDecodeResult {
    const [first, ...rest] = this.sink.errors;
    if (first !== undefined) return { ok: false, errors: [first, ...rest] };
    return { ok: true, tree: this.tree, attributes: this.attributes };
  }

  // ---- elements --------------------------------------------------------------------------------

  private openChild(frame: InnerFrame, tag: XmlOpenTag): void {
    const at = frame.node.location;
    const where = this.where();
    const module = this.schema.moduleByNamespace(tag.uri);
    if (module === undefined) {
      const message = tag.uri === ''
        ? `element <${tag.local}> has no namespace: declare its module's namespace (xmlns="...")`
        : tag.uri === NETCONF_BASE_NS
          ? `element <${tag.local}> is in the NETCONF base namespace: does it lack its module's xmlns?`
          : `element <${tag.local}> is in namespace ${JSON.stringify(tag.uri)}, which belongs to no loaded YANG module`;
      this.report('unknown-namespace', message, at, { module: undefined, name: tag.local }, { element: tag.local, namespace: tag.uri });
      this.frames.push(SKIP);
      return;
    }
    const ref = this.schema.child(frame.schema, module.name, tag.local);
    if (ref === undefined) {
      const u = unknownChild(this.schema, frame.schema, at, module.name, tag.local);
      // A data element without xmlns inside <config> inherits the rpc's NETCONF namespace.
      const hint = tag.uri === NETCONF_BASE_NS ? ` (<${tag.local}> is in the NETCONF base namespace: does it lack its module's xmlns?)` : '';
      this.report(u.kind, u.message + hint, at, { module: module.name, name: tag.local }, { element: tag.local, namespace: tag.uri });
      this.frames.push(SKIP);
      return;
    }
    const node = ref.node;
    const child = { module: node.module, name: node.name };
    if (this.configOnly && !node.config) {
      this.report('state-in-config', `${jsonChildPath(at, node.module, node.name)} is state data (config false) and cannot appear in configuration`, at, child, { element: tag.local, namespace: tag.uri });
      this.frames.push(SKIP);
      return;
    }
    if (ref.choices.length > 0) {
      const conflict = (frame.chosen ??= new ChosenCases()).choose(ref, at);
      if (conflict !== undefined) {
        this.report('choice-conflict', conflict, at, child, { element: tag.local, namespace: tag.uri });
        this.frames.push(SKIP);
        return;
      }
    }
    let attrs: EditAttributes | undefined;
    if (this.options.editAttributes === true) {
      const r = readEditAttributes(Object.values(tag.attributes), node, () => jsonChildPath(at, node.module, node.name), this.schema, this.ctx);
      if (!r.ok) {
        this.report(r.kind, r.message, at, child, { element: tag.local, namespace: tag.uri, attribute: r.attribute });
        this.frames.push(SKIP);
        return;
      }
      attrs = r.attributes;
    }
    const op = attrs?.operation ?? frame.op;
    if (node.kind !== 'list' && node.kind !== 'leaf-list' && frame.node.slot(node) !== undefined) {
      this.report('duplicate-element', `${jsonChildPath(at, node.module, node.name)} appears more than once`, at, child, { element: tag.local, namespace: tag.uri });
      this.frames.push(SKIP);
      return;
    }
    switch (node.kind) {
      case 'container': {
        const c = this.tree.container(frame.node, node);
        if (attrs !== undefined) this.attributes.set(c, attrs);
        this.frames.push({ kind: 'inner', node: c, schema: node, op });
        return;
      }
      case 'list': {
        const entry = this.tree.newEntry(frame.node, node);
        if (attrs !== undefined) this.attributes.set(entry, attrs);
        this.frames.push({ kind: 'inner', node: entry, schema: node, op, pending: { parent: frame.node, keys: new Map(), badKey: false, where } });
        return;
      }
      case 'leaf': case 'leaf-list':
        this.frames.push({ kind: 'leaf', schema: node, parent: frame, text: '', attrs, op, where });
        return;
      case 'anydata': case 'anyxml': {
        const f: AnyFrame = { kind: 'any', schema: node, parent: frame.node, parts: [], attrs };
        this.frames.push(f);
      }
    }
  }

  private closeLeaf(f: LeafFrame): void {
    const s = f.schema;
    const parent = f.parent.node;
    this.unboundPrefix = undefined;
    this.ctx.localModule = s.module;
    const r = parseText(s.type, f.text, this.ctx);
    let value: TypedValue;
    let attrs = f.attrs;
    if (r.ok) {
      value = r.value;
    } else if (s.kind === 'leaf' && f.text === '' && (f.op === 'delete' || f.op === 'remove')) {
      value = PLACEHOLDER;
      attrs = { ...attrs, valueOmitted: true };
    } else {
      if (s.kind === 'leaf' && s.isKey && f.parent.pending !== undefined) f.parent.pending.badKey = true;
      const path = jsonChildPath(parent.location, s.module, s.name);
      const e = r.error;
      const unbound = this.unboundPrefix;
      const message = unbound !== undefined
        ? `${quoteValue(f.text)} is not a valid value for ${path}: prefix ${JSON.stringify(unbound)} is not bound by any xmlns in scope`
        : invalidValueMessage(quoteValue(f.text), path, e);
      const extra: Partial<DecodeError> = { element: s.name, expected: e.expected, detail: e.message, ...f.where };
      if (e.errorAppTag !== undefined) extra.appTag = e.errorAppTag;
      this.report(unbound !== undefined ? 'unbound-prefix' : 'invalid-value', message, parent.location, { module: s.module, name: s.name }, extra);
      return;
    }
    let node: DataNode;
    if (s.kind === 'leaf') {
      node = this.tree.setLeaf(parent, s, value);
      const pending = f.parent.pending;
      if (s.isKey && pending !== undefined) {
        pending.keys.set(s, value);
        const entry = f.parent.node as ListEntry;
        const keys = this.schema.keyLeaves(entry.schema);
        if (pending.keys.size === keys.length) this.tree.nameEntry(entry, keys.map((k) => pending.keys.get(k) ?? PLACEHOLDER));
      }
    } else {
      const duplicate = parent.entries(s)?.has(value.canonical) === true;
      if (duplicate && s.config) {
        const loc: Location = { up: parent.location, schema: s, keyValues: [value] };
        this.report('duplicate-key', `${jsonPath(loc)} appears more than once: the values of a configuration leaf-list must be unique`,
          loc, undefined, { element: s.name, ...f.where });
        return;
      }
      node = this.tree.leafListEntry(parent, s, value, { duplicate });
    }
    if (attrs !== undefined) this.attributes.set(node, attrs);
  }

  private closeEntry(f: InnerFrame, pending: NonNullable<InnerFrame['pending']>): void {
    const entry = f.node as ListEntry;
    const list = entry.schema;
    const values: TypedValue[] = [];
    for (const k of this.schema.keyLeaves(list)) {
      const v = pending.keys.get(k);
      if (v === undefined) {
        if (!pending.badKey) {
          const path = jsonChildPath(entry.up, list.module, list.name);
          this.report('missing-key', `list entry ${path} has no key leaf ${k.name} (keys: ${list.keys.join(', ')})`,
            entry.up, { module: list.module, name: list.name }, { element: k.name, ...pending.where });
        }
        this.attributes.delete(entry);
        return;
      }
      values.push(v);
    }
    if (!this.tree.attachEntry(pending.parent, entry, values)) {
      const loc: Location = { up: entry.up, schema: list, keyValues: values };
      this.report('duplicate-key', `${jsonPath(loc)} appears more than once: a list entry with the same key is already present`,
        loc, undefined, { element: list.name, ...pending.where });
      this.attributes.delete(entry);
    }
  }

  // ---- anydata / anyxml ------------------------------------------------------------------------

  /** Serialises an element inside anydata; its top-level elements get every binding they may need. */
  private captureOpen(any: AnyFrame, tag: XmlOpenTag, topLevel: boolean): void {
    let s = `<${tag.name}`;
    if (topLevel) {
      const bindings = new Map<string, string>();
      const outer = this.options.namespaces;
      if (outer !== undefined && typeof outer !== 'function') for (const [p, u] of Object.entries(outer)) bindings.set(p, u);
      for (let i = 0; i < this.scopes.length - 1; i++) for (const [p, u] of Object.entries(this.scopes[i] ?? {})) bindings.set(p, u);
      const used = [tag.prefix, ...Object.values(tag.attributes).map((a) => a.prefix)];
      for (const p of used) {
        if (p === 'xmlns' || p === 'xml' || bindings.has(p)) continue;
        const u = this.resolveNs(p);
        if (u !== undefined) bindings.set(p, u);
      }
      for (const [p, u] of bindings) {
        if (Object.hasOwn(tag.ns, p) || (p === '' && u === '')) continue;
        s += p === '' ? ` xmlns="${escapeAttribute(u)}"` : ` xmlns:${p}="${escapeAttribute(u)}"`;
      }
    }
    for (const a of Object.values(tag.attributes)) s += ` ${a.name}="${escapeAttribute(a.value)}"`;
    any.parts.push(tag.isSelfClosing ? `${s}/>` : `${s}>`);
    this.frames.push({ kind: 'any-child', owner: any, name: tag.name, selfClosing: tag.isSelfClosing });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private resolveNs(prefix: string): string | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i];
      if (scope !== undefined && Object.hasOwn(scope, prefix)) return scope[prefix];
    }
    return this.resolveOuter(prefix);
  }

  /** A prefix bound around the content (the `namespaces` option), or the xml prefix. */
  resolveOuter(prefix: string): string | undefined {
    if (prefix === 'xml') return XML_NS;
    const outer = this.options.namespaces;
    if (outer === undefined) return undefined;
    if (typeof outer === 'function') return outer(prefix);
    return Object.hasOwn(outer, prefix) ? outer[prefix] : undefined;
  }

  private where(): { line?: number; column?: number } {
    return this.options.position?.() ?? {};
  }

  /**
   * Records an error about the node at `at`, or about its child `child` when the child has no
   * Location (unknown, or not created).
   */
  private report(kind: DecodeErrorKind, message: string, at: Location | null,
    child?: { module: string | undefined; name: string }, extra: Partial<DecodeError> = {}): void {
    const error: DecodeError = {
      kind,
      message,
      path: child === undefined ? jsonPath(at) : jsonChildPath(at, child.module, child.name),
      ...this.where(),
      ...extra,
    };
    const xp = child === undefined ? xmlPath(at, this.schema) : xmlChildPath(at, this.schema, child.module, child.name);
    if (xp !== undefined) error.xmlPath = xp;
    this.sink.add(error);
  }
}
