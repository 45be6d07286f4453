// Instance paths of data nodes, in the RFC 7951 JSON form used in messages and logs
// ("/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu") and in the XML form
// that NETCONF's <error-path> carries ("/if:interfaces/if:interface[if:name='eth0']/ip:ipv4/ip:mtu"
// plus the xmlns bindings for those prefixes).
//
// A Location is the identity of a node's position: its schema node, its key values (list entry)
// or value (leaf-list entry), and the location of its parent. Data nodes are Locations
// themselves, so a path never needs a parent pointer into a particular version of the tree.
import type { Schema } from '../validation/schema.js';
import type { SchemaNode } from '../validation/schema-model.js';
import { formatXml } from '../validation/types/index.js';
import type { TypedValue } from '../validation/types/value.js';

export interface Location {
  /** The parent's location; null at the top level. */
  readonly up: Location | null;
  readonly schema: SchemaNode;
  /** List entry: the key values in key order. Leaf-list entry: its value. Otherwise absent. */
  readonly keyValues?: readonly TypedValue[] | undefined;
}

/** An XPath 1.0 string literal for a value (concat() when it holds both quote kinds). */
export function xpathLiteral(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `concat('${value.split("'").join(`', "'", '`)}')`;
}

function chain(loc: Location | null): Location[] {
  const out: Location[] = [];
  for (let l = loc; l !== null; l = l.up) out.push(l);
  return out.reverse();
}

function jsonSegment(loc: Location): string {
  const s = loc.schema;
  const qualified = loc.up === null || loc.up.schema.module !== s.module;
  let seg = qualified ? `/${s.module}:${s.name}` : `/${s.name}`;
  const kv = loc.keyValues;
  if (kv !== undefined && kv.length > 0) {
    if (s.kind === 'list') {
      s.keys.forEach((k, i) => {
        const v = kv[i];
        if (v !== undefined) seg += `[${k}=${xpathLiteral(v.canonical)}]`;
      });
    } else if (s.kind === 'leaf-list' && kv[0] !== undefined) {
      seg += `[.=${xpathLiteral(kv[0].canonical)}]`;
    }
  }
  return seg;
}

/** RFC 7951 form: module-qualified where the module changes, predicates with canonical values. */
export function jsonPath(loc: Location | null): string {
  if (loc === null) return '/';
  let out = '';
  for (const l of chain(loc)) out += jsonSegment(l);
  return out;
}

/** The JSON path of a child that has no Location (yet): an unknown element, a missing key... */
export function jsonChildPath(parent: Location | null, module: string | undefined, name: string): string {
  const base = parent === null ? '' : jsonPath(parent);
  const qualified = module !== undefined && (parent === null || parent.schema.module !== module);
  return `${base}/${qualified ? `${module}:` : ''}${name}`;
}

/** An XML-form path and the xmlns bindings its prefixes need. */
export interface XmlPath {
  path: string;
  namespaces: Record<string, string>;
}

/** XML form: every step prefixed with its module's prefix (schema.xmlPrefix). */
export function xmlPath(loc: Location | null, schema: Schema): XmlPath {
  const namespaces: Record<string, string> = {};
  const prefixFor = (module: string): string => {
    const prefix = schema.xmlPrefix(module);
    const ns = schema.namespaceOf(module);
    if (ns !== undefined) namespaces[prefix] = ns;
    return prefix;
  };
  if (loc === null) return { path: '/', namespaces };
  let path = '';
  for (const l of chain(loc)) path += xmlSegment(l, prefixFor);
  return { path, namespaces };
}

/** XML-form path of a child without a Location; undefined module: an unknown namespace. */
export function xmlChildPath(parent: Location | null, schema: Schema, module: string | undefined, name: string): XmlPath | undefined {
  if (module === undefined || schema.namespaceOf(module) === undefined) return undefined;
  const base = xmlPath(parent, schema);
  const prefix = schema.xmlPrefix(module);
  base.namespaces[prefix] = schema.namespaceOf(module) ?? '';
  base.path = `${base.path === '/' ? '' : base.path}/${prefix}:${name}`;
  return base;
}

function xmlSegment(loc: Location, prefixFor: (module: string) => string): string {
  const s = loc.schema;
  const p = prefixFor(s.module);
  let seg = `/${p}:${s.name}`;
  const kv = loc.keyValues;
  if (kv !== undefined && kv.length > 0) {
    if (s.kind === 'list') {
      s.keys.forEach((k, i) => {
        const v = kv[i];
        if (v !== undefined) seg += `[${p}:${k}=${xpathLiteral(formatXml(v, prefixFor))}]`;
      });
    } else if (s.kind === 'leaf-list' && kv[0] !== undefined) {
      seg += `[.=${xpathLiteral(formatXml(kv[0], prefixFor))}]`;
    }
  }
  return seg;
}
