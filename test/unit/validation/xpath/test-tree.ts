// A small in-memory YANG-like data tree implementing XPathNodeAdapter, shaped like
// ietf-interfaces + ietf-ip data, plus a test module with the types the YANG functions need.
import type { XPathExpr } from '../../../../src/validation/schema-model.js';
import type { ValueBase } from '../../../../src/validation/types/value.js';
import {
  canonicalizeBuiltin, compileXPath, evaluate, isXPathError,
  type PrefixMap, type UnprefixedNames, type ValueScope, type XPathError, type XPathNodeAdapter, type XPathResult,
} from '../../../../src/validation/xpath/index.js';

export interface TNode {
  kind: 'root' | 'element';
  module: string;
  name: string;
  parent: TNode | undefined;
  children: TNode[];
  value?: string;
  typeBase?: ValueBase;
  enumValue?: number;
  leafref?: XPathExpr;
  /** Key leaf names, on list entries. */
  keys?: string[];
}

type Spec = (parent: TNode) => TNode;

function split(qname: string, parent: TNode): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? [parent.module, qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

function make(parent: TNode, qname: string, extra: Partial<TNode>, children: Spec[]): TNode {
  const [module, name] = split(qname, parent);
  const n: TNode = { kind: 'element', module, name, parent, children: [], ...extra };
  for (const c of children) n.children.push(c(n));
  return n;
}

/** A container ("module:name" or "name", inheriting the parent's module). */
export const c = (qname: string, ...children: Spec[]): Spec => (p) => make(p, qname, {}, children);
/** A list entry with its key leaf names. */
export const l = (qname: string, keys: string[], ...children: Spec[]): Spec => (p) => make(p, qname, { keys }, children);
/** A leaf or leaf-list entry. */
export const leaf = (qname: string, value: string, typeBase: ValueBase = 'string', extra: Partial<TNode> = {}): Spec =>
  (p) => make(p, qname, { value, typeBase, ...extra }, []);

export function root(...children: Spec[]): TNode {
  const r: TNode = { kind: 'root', module: '', name: '', parent: undefined, children: [] };
  for (const ch of children) r.children.push(ch(r));
  return r;
}

/** Identities: "module:name" → direct bases. */
const IDENTITIES: Record<string, string[]> = {
  'ietf-interfaces:interface-type': [],
  'iana-if-type:iana-interface-type': ['ietf-interfaces:interface-type'],
  'iana-if-type:ethernetCsmacd': ['iana-if-type:iana-interface-type'],
  'iana-if-type:softwareLoopback': ['iana-if-type:iana-interface-type'],
  'vrouter-test:tunnel': [],
  'vrouter-test:vxlan': ['vrouter-test:tunnel'],
};

const NAMESPACES: Record<string, string> = {
  'ietf-interfaces': 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  'ietf-ip': 'urn:ietf:params:xml:ns:yang:ietf-ip',
  'vrouter-test': 'urn:vrouterd:test',
};

export interface TestTreeOptions {
  /** Offer childrenNamed and findListEntries (the keyed fast path). */
  index?: boolean;
  /** Offer documentOrderKey (numbered once, preorder). */
  orderKeys?: boolean;
  /** More identities ("module:name" → direct bases) besides the built-in ones. */
  identities?: Record<string, string[]>;
}

export class TestTree implements XPathNodeAdapter<TNode> {
  /** How many times findListEntries answered from the index. */
  indexHits = 0;
  private readonly named = new Map<TNode, Map<string, TNode[]>>();
  private readonly keyIndex = new Map<TNode, Map<string, Map<string, TNode[]>>>();
  private readonly order = new Map<TNode, number>();
  childrenNamed?: (node: TNode, module: string, name: string) => readonly TNode[];
  findListEntries?: (parent: TNode, module: string, name: string, keys: ReadonlyMap<string, string>, scope: ValueScope) => readonly TNode[] | undefined;
  documentOrderKey?: (node: TNode) => number;

  private readonly identities: Record<string, string[]>;

  constructor(readonly root: TNode, options: TestTreeOptions = {}) {
    this.identities = { ...IDENTITIES, ...options.identities };
    if (options.index === true) {
      this.childrenNamed = (node, module, name) => this.namedChildren(node).get(`${module}:${name}`) ?? [];
      this.findListEntries = (parent, module, name, keys, scope) => this.lookup(parent, module, name, keys, scope);
    }
    if (options.orderKeys === true) {
      let i = 0;
      const walk = (n: TNode): void => {
        this.order.set(n, i++);
        n.children.forEach(walk);
      };
      walk(root);
      this.documentOrderKey = (node) => this.order.get(node) ?? -1;
    }
  }

  kind(n: TNode): 'root' | 'element' { return n.kind; }
  localName(n: TNode): string { return n.name; }
  moduleName(n: TNode): string { return n.module; }
  parent(n: TNode): TNode | undefined { return n.parent; }
  children(n: TNode): readonly TNode[] { return n.children; }
  value(n: TNode): string | undefined { return n.value; }
  typeBase(n: TNode): ValueBase | undefined { return n.typeBase; }
  enumValue(n: TNode): number | undefined { return n.enumValue; }
  leafrefPath(n: TNode): XPathExpr | undefined { return n.leafref; }
  namespaceUri(n: TNode): string | undefined { return NAMESPACES[n.module]; }
  hasIdentity(id: string): boolean { return Object.hasOwn(this.identities, id); }

  isDerivedFrom(id: string, base: string): boolean {
    const seen = new Set<string>();
    const todo = [...(this.identities[id] ?? [])];
    while (todo.length > 0) {
      const b = todo.pop() as string;
      if (b === base) return true;
      if (seen.has(b)) continue;
      seen.add(b);
      todo.push(...(this.identities[b] ?? []));
    }
    return false;
  }

  private namedChildren(node: TNode): Map<string, TNode[]> {
    let m = this.named.get(node);
    if (m === undefined) {
      m = new Map();
      for (const ch of node.children) {
        const k = `${ch.module}:${ch.name}`;
        const list = m.get(k) ?? [];
        list.push(ch);
        m.set(k, list);
      }
      this.named.set(node, m);
    }
    return m;
  }

  private lookup(parent: TNode, module: string, name: string, keys: ReadonlyMap<string, string>, scope: ValueScope): readonly TNode[] | undefined {
    const entries = this.namedChildren(parent).get(`${module}:${name}`) ?? [];
    const sample = entries[0];
    if (sample === undefined) return [];
    const keyNames = sample.keys;
    if (keyNames === undefined || keyNames.length !== keys.size || !keyNames.every((k) => keys.has(k))) return undefined;
    let byKey = this.keyIndex.get(parent)?.get(`${module}:${name}`);
    if (byKey === undefined) {
      byKey = new Map();
      for (const e of entries) {
        const k = keyNames.map((kn) => e.children.find((ch) => ch.name === kn)?.value ?? '').join('\u0000');
        byKey.set(k, [...(byKey.get(k) ?? []), e]);
      }
      const perParent = this.keyIndex.get(parent) ?? new Map<string, Map<string, TNode[]>>();
      perParent.set(`${module}:${name}`, byKey);
      this.keyIndex.set(parent, perParent);
    }
    this.indexHits++;
    // Each key text may match as written or canonicalized by the key leaf's type.
    const options = keyNames.map((kn) => {
      const text = keys.get(kn) as string;
      const keyLeaf = sample.children.find((ch) => ch.name === kn);
      const canonical = keyLeaf?.typeBase !== undefined ? canonicalizeBuiltin(keyLeaf.typeBase, text, scope) : undefined;
      return canonical !== undefined && canonical !== text ? [text, canonical] : [text];
    });
    const out: TNode[] = [];
    const walk = (i: number, parts: string[]): void => {
      if (i === options.length) {
        out.push(...(byKey.get(parts.join('\u0000')) ?? []));
        return;
      }
      for (const o of options[i] as string[]) walk(i + 1, [...parts, o]);
    };
    walk(0, []);
    return out;
  }
}

/** A readable path for a node: /interfaces/interface[eth0]/ipv4/address[10.0.0.1]. */
export function label(n: TNode): string {
  if (n.kind === 'root') return '/';
  const parts: string[] = [];
  for (let x: TNode | undefined = n; x !== undefined && x.kind !== 'root'; x = x.parent) {
    let part = x.name;
    if (x.keys !== undefined) {
      part += `[${x.keys.map((k) => x?.children.find((ch) => ch.name === k)?.value ?? '?').join(',')}]`;
    } else if (x.value !== undefined && x.parent?.children.filter((s) => s.name === x?.name).length !== 1) {
      part += `[.=${x.value}]`; // a leaf-list entry
    }
    parts.unshift(part);
  }
  return `/${parts.join('/')}`;
}

export const PREFIXES: Readonly<Record<string, string>> = {
  if: 'ietf-interfaces',
  ip: 'ietf-ip',
  ianaift: 'iana-if-type',
  vt: 'vrouter-test',
};

/** ietf-interfaces + ietf-ip data, and a vrouter-test:system container with typed leaves. */
export function sampleTree(): TNode {
  const addr = (ip: string, len: string): Spec => l('address', ['ip'], leaf('ip', ip), leaf('prefix-length', len, 'uint8'));
  return root(
    c('ietf-interfaces:interfaces',
      l('interface', ['name'],
        leaf('name', 'eth0'),
        leaf('description', 'uplink'),
        leaf('type', 'iana-if-type:ethernetCsmacd', 'identityref'),
        leaf('enabled', 'true', 'boolean'),
        c('ietf-ip:ipv4',
          leaf('enabled', 'true', 'boolean'),
          leaf('forwarding', 'false', 'boolean'),
          leaf('mtu', '1500', 'uint16'),
          addr('10.0.0.1', '24'),
          addr('10.0.0.2', '32')),
        c('ietf-ip:ipv6',
          leaf('enabled', 'true', 'boolean'),
          addr('2001:db8::1', '64'))),
      l('interface', ['name'],
        leaf('name', 'eth1'),
        leaf('type', 'iana-if-type:ethernetCsmacd', 'identityref'),
        leaf('enabled', 'false', 'boolean'),
        c('ietf-ip:ipv4',
          leaf('mtu', '9000', 'uint16'),
          addr('192.168.1.1', '24'))),
      l('interface', ['name'],
        leaf('name', 'lo'),
        leaf('type', 'iana-if-type:softwareLoopback', 'identityref'),
        leaf('enabled', 'true', 'boolean'))),
    c('vrouter-test:system',
      leaf('hostname', 'r1'),
      leaf('mode', 'fast', 'enumeration', { enumValue: 2 }),
      leaf('flags', 'a c', 'bits'),
      leaf('speed', '5.0', 'decimal64'),
      leaf('tunnel', 'vrouter-test:vxlan', 'identityref'),
      leaf('uplink', 'eth0', 'string', { leafref: { text: '/if:interfaces/if:interface/if:name', prefixes: { if: 'ietf-interfaces' } } }),
      leaf('target', "/ietf-interfaces:interfaces/interface[name='eth1']/enabled", 'instance-identifier'),
      leaf('count', '3', 'uint32'),
      leaf('count', '1', 'uint32'),
      leaf('count', '2', 'uint32'),
      c('empty')),
  );
}

export interface RunOptions {
  tree?: TestTree;
  prefixes?: PrefixMap;
  unprefixed?: UnprefixedNames;
  /** Context node, default the root. */
  context?: TNode;
  current?: TNode;
  variables?: Record<string, string | number | boolean>;
}

let shared: TestTree | undefined;

export function defaultTree(): TestTree {
  shared ??= new TestTree(sampleTree());
  return shared;
}

export function run(expr: string, o: RunOptions = {}): XPathResult<TNode> | XPathError {
  const tree = o.tree ?? defaultTree();
  const compiled = compileXPath(expr, o.prefixes ?? PREFIXES, { unprefixed: o.unprefixed ?? 'inherit' });
  if (isXPathError(compiled)) return compiled;
  return evaluate(compiled, o.context ?? tree.root, tree, { variables: o.variables, current: o.current });
}

/** Evaluates and returns the node labels; throws on an error or a non-node-set. */
export function select(expr: string, o: RunOptions = {}): string[] {
  const r = run(expr, o);
  if (isXPathError(r)) throw new Error(r.message);
  if (r.type !== 'node-set') throw new Error(`${expr}: expected a node-set, got ${r.type}`);
  return r.nodes.map(label);
}

/** Evaluates and returns a scalar (string, number or boolean); throws on an error or node-set. */
export function value(expr: string, o: RunOptions = {}): string | number | boolean {
  const r = run(expr, o);
  if (isXPathError(r)) throw new Error(r.message);
  if (r.type === 'node-set') throw new Error(`${expr}: expected a scalar, got a node-set`);
  return r.value;
}

/** Evaluates and returns the error message; throws if there is none. */
export function error(expr: string, o: RunOptions = {}): string {
  const r = run(expr, o);
  if (!isXPathError(r)) throw new Error(`${expr}: expected an error, got ${JSON.stringify(r.type)}`);
  return r.message;
}

/** Finds a node by its label. */
export function nodeAt(tree: TestTree, path: string): TNode {
  const found: TNode[] = [];
  const walk = (n: TNode): void => {
    if (label(n) === path) found.push(n);
    n.children.forEach(walk);
  };
  walk(tree.root);
  const n = found[0];
  if (n === undefined) throw new Error(`no node ${path}`);
  return n;
}
