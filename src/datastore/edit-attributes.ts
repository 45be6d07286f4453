// The edit attributes an <edit-config> element may carry (RFC 6241 §7.2 `operation`, RFC 7950
// §7.8.6 / §7.7.9 `insert`, `key`, `value`, RFC 6243 `default`), read from an element's
// attributes and checked against the schema node they sit on. The XML decoder collects them
// per node in a side map (never in the tree's values); the edit engine reads that map.
import type { DataSchemaNode, Schema } from '../validation/schema.js';
import type { ListNode, LeafNode } from '../validation/schema-model.js';
import { parseText } from '../validation/types/index.js';
import type { TypedValue, ValueContext } from '../validation/types/value.js';
import { keyString } from './data-tree.js';
import type { DecodeErrorKind } from './decode-error.js';

export const NETCONF_BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const YANG_NS = 'urn:ietf:params:xml:ns:yang:1';
export const WITH_DEFAULTS_NS = 'urn:ietf:params:xml:ns:netconf:default:1.0';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export type EditOperation = 'merge' | 'replace' | 'create' | 'delete' | 'remove';
export type InsertWhere = 'first' | 'last' | 'before' | 'after';

export interface EditAttributes {
  operation?: EditOperation;
  insert?: InsertWhere;
  /**
   * insert before/after: the anchor's key in its EntrySet (keyString of the list entry's key
   * values from `key`, or the canonical leaf-list value from `value`).
   */
  anchor?: string;
  /** The `key` / `value` attribute as written, for messages. */
  anchorText?: string;
  /** wd:default="true" (the RFC 6243 report-all-tagged attribute): the client marks a value as the default. */
  defaultTagged?: boolean;
  /**
   * A leaf under delete / remove written without a value (`<mtu nc:operation="delete"/>`): the
   * leaf in the tree holds an empty placeholder value that must not be used.
   */
  valueOmitted?: boolean;
}

/** An attribute as saxes (xmlns: true) reports it. */
export interface XmlAttribute {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  value: string;
}

export type AttributeResult =
  | { ok: true; attributes: EditAttributes | undefined }
  | { ok: false; kind: DecodeErrorKind; attribute: string; message: string };

const OPERATIONS: ReadonlySet<string> = new Set(['merge', 'replace', 'create', 'delete', 'remove']);
const INSERTS: ReadonlySet<string> = new Set(['first', 'last', 'before', 'after']);
const EDIT_LOCALS: ReadonlySet<string> = new Set(['operation', 'insert', 'key', 'value']);

function bad(kind: DecodeErrorKind, attribute: string, message: string): AttributeResult {
  return { ok: false, kind, attribute, message };
}

/**
 * Reads the edit attributes of an element for `node` (nodePath: its instance path, made only
 * for messages). `ctx` resolves prefixes in scope at the element (for `key` and `value`).
 */
export function readEditAttributes(attributes: Iterable<XmlAttribute>, node: DataSchemaNode, nodePath: () => string,
  schema: Schema, ctx: ValueContext): AttributeResult {
  let shown: string | undefined;
  const path = (): string => (shown ??= nodePath());
  const out: EditAttributes = {};
  let any = false;
  let keyAttr: string | undefined;
  let valueAttr: string | undefined;
  for (const a of attributes) {
    if (a.uri === XMLNS_NS || a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    if (a.uri === NETCONF_BASE_NS) {
      if (a.local !== 'operation') return bad('unknown-attribute', a.name, `attribute ${a.name} of the NETCONF namespace is not allowed on ${path()}; only operation is`);
      if (!OPERATIONS.has(a.value)) {
        return bad('bad-attribute', a.name, `operation ${JSON.stringify(a.value)} on ${path()} is not one of merge, replace, create, delete, remove`);
      }
      out.operation = a.value as EditOperation;
      any = true;
    } else if (a.uri === YANG_NS) {
      switch (a.local) {
        case 'insert':
          if (!INSERTS.has(a.value)) return bad('bad-attribute', a.name, `insert ${JSON.stringify(a.value)} on ${path()} is not one of first, last, before, after`);
          out.insert = a.value as InsertWhere;
          break;
        case 'key': keyAttr = a.value; break;
        case 'value': valueAttr = a.value; break;
        default: return bad('unknown-attribute', a.name, `attribute ${a.name} of the YANG namespace is not allowed on ${path()}; only insert, key and value are`);
      }
      any = true;
    } else if (a.uri === WITH_DEFAULTS_NS && a.local === 'default') {
      out.defaultTagged = a.value === 'true' || a.value === '1';
      any = true;
    } else if (a.uri === '' && EDIT_LOCALS.has(a.local)) {
      const ns = a.local === 'operation' ? NETCONF_BASE_NS : YANG_NS;
      return bad('unknown-attribute', a.name,
        `attribute ${a.name} on ${path()} has no namespace, so it is not an edit attribute: write it prefixed, bound to ${ns}`);
    }
  }
  if (!any) return { ok: true, attributes: undefined };

  const userOrdered = (node.kind === 'list' || node.kind === 'leaf-list') && node.orderedBy === 'user';
  if (out.insert !== undefined && !userOrdered) {
    return bad('unknown-attribute', 'insert', `insert is only allowed on ordered-by user lists and leaf-lists; ${path()} is not one`);
  }
  if (keyAttr !== undefined && node.kind !== 'list') return bad('unknown-attribute', 'key', `key is only allowed on list entries; ${path()} is not one`);
  if (valueAttr !== undefined && node.kind !== 'leaf-list') return bad('unknown-attribute', 'value', `value is only allowed on leaf-list entries; ${path()} is not one`);
  if (out.insert === 'before' || out.insert === 'after') {
    if (node.kind === 'list') {
      if (keyAttr === undefined) return bad('missing-attribute', 'key', `insert="${out.insert}" on ${path()} needs a key attribute naming the anchor entry, e.g. key="[name='x']"`);
      const anchor = parseKeyPredicates(keyAttr, node, schema, ctx);
      if (typeof anchor === 'string') return bad('bad-attribute', 'key', `key ${JSON.stringify(keyAttr)} on ${path()}: ${anchor}`);
      out.anchor = keyString(anchor);
      out.anchorText = keyAttr;
    } else if (node.kind === 'leaf-list') {
      if (valueAttr === undefined) return bad('missing-attribute', 'value', `insert="${out.insert}" on ${path()} needs a value attribute naming the anchor value`);
      ctx.localModule = node.module;
      const r = parseText(node.type, valueAttr, ctx);
      if (!r.ok) return bad('bad-attribute', 'value', `value ${JSON.stringify(valueAttr)} on ${path()}: ${r.error.message}`);
      out.anchor = r.value.canonical;
      out.anchorText = valueAttr;
    }
  }
  return { ok: true, attributes: out };
}

const PREDICATE = /\s*\[\s*(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?:'([^']*)'|"([^"]*)")\s*\]\s*/y;

/**
 * The key values named by a `key` attribute ("[ex:name='eth0'][ex:unit='1']"), in key order,
 * or a message saying what is wrong.
 */
export function parseKeyPredicates(text: string, list: ListNode, schema: Schema, ctx: ValueContext): TypedValue[] | string {
  const keys = schema.keyLeaves(list);
  const found = new Map<LeafNode, TypedValue>();
  PREDICATE.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    PREDICATE.lastIndex = pos;
    const m = PREDICATE.exec(text);
    if (m === null) return `expected predicates like [prefix:key='value'] at offset ${pos}`;
    pos = PREDICATE.lastIndex;
    const [, prefix, name, single, double] = m;
    if (prefix !== undefined) {
      const module = ctx.resolvePrefix(prefix);
      if (module !== list.module) return `prefix ${JSON.stringify(prefix)} does not name module ${list.module}`;
    }
    const leaf = keys.find((k) => k.name === name);
    if (leaf === undefined) return `${String(name)} is not a key of ${list.name} (keys: ${list.keys.join(', ')})`;
    if (found.has(leaf)) return `key ${leaf.name} is given twice`;
    ctx.localModule = leaf.module;
    const r = parseText(leaf.type, single ?? double ?? '', ctx);
    if (!r.ok) return `key ${leaf.name}: ${r.error.message}`;
    found.set(leaf, r.value);
  }
  const out: TypedValue[] = [];
  for (const k of keys) {
    const v = found.get(k);
    if (v === undefined) return `key ${k.name} is missing`;
    out.push(v);
  }
  return out;
}
