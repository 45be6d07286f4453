// Hand-written SchemaExport objects for codec and data-tree tests, in the shape the libyang
// addon exports (schema-model.ts): builders fill in module, path, config inheritance and
// isKey, so that a fixture reads like the YANG it mirrors. routerExport() mirrors
// ietf-interfaces (2018-02-20) + ietf-ip + iana-if-type + ietf-routing + ietf-ipv4/ipv6-unicast-
// routing (only the nodes the tests need), plus "vr-test", a module full of edge cases.
// test/unit/validation/schema.test.ts checks it against what libyang exports for the same
// modules (STANDARD_MODULES) when the addon is built; the one node libyang does not have is
// ietf-ip's netmask, whose feature (ipv4-non-contiguous-netmasks) vrouterd leaves off.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { YangContext } from '../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../src/validation/module-search-path.js';
import { Schema } from '../../src/validation/schema.js';
import type {
  AnyNode, CaseNode, ChoiceNode, ContainerNode, IdentitySpec, LeafListNode, LeafNode, ListNode,
  ModuleSpec, NotificationNode, OperationNode, SchemaExport, SchemaNode, TypeSpec,
} from '../../src/validation/schema-model.js';

// ---- types ---------------------------------------------------------------------------------------

const range = (min: string, max: string): TypeSpec['range'] => ({ intervals: [{ min, max }] });

export const T = {
  string: (extra: Partial<TypeSpec> = {}): TypeSpec => ({ base: 'string', ...extra }),
  boolean: (): TypeSpec => ({ base: 'boolean' }),
  empty: (): TypeSpec => ({ base: 'empty' }),
  int: (base: 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64', min?: string, max?: string): TypeSpec =>
    (min !== undefined && max !== undefined ? { base, range: range(min, max) } : { base }),
  decimal64: (fractionDigits: number): TypeSpec => ({ base: 'decimal64', fractionDigits }),
  enumeration: (...names: string[]): TypeSpec => ({ base: 'enumeration', enums: names.map((name, value) => ({ name, value })) }),
  identityref: (...bases: string[]): TypeSpec => ({ base: 'identityref', bases }),
  instanceId: (): TypeSpec => ({ base: 'instance-identifier', requireInstance: true }),
  union: (...members: TypeSpec[]): TypeSpec => ({ base: 'union', members }),
  leafref: (path: string, target: TypeSpec, prefixes: Record<string, string> = {}): TypeSpec =>
    ({ base: 'leafref', path: { text: path, prefixes }, target, requireInstance: true }),
};

const V4_OCTET = '([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])';
const V4_ADDR = `(${V4_OCTET}\\.){3}${V4_OCTET}`;
const V6_P1 = '((:|[0-9a-fA-F]{0,4}):)([0-9a-fA-F]{0,4}:){0,5}((([0-9a-fA-F]{0,4}:)?(:|[0-9a-fA-F]{0,4}))|'
  + '(((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])))';
const V6_P2 = '(([^:]+:){6}(([^:]+:[^:]+)|(.*\\..*)))|((([^:]+:)*[^:]+)?::(([^:]+:)*[^:]+)?)';
const pat = (regex: string) => ({ regex, invert: false });

export const INET = {
  ipv4Address: (): TypeSpec => ({ base: 'string', typedef: 'ietf-inet-types:ipv4-address-no-zone', patterns: [pat(`${V4_ADDR}(%[\\p{N}\\p{L}]+)?`), pat('[0-9\\.]*')] }),
  ipv4AddressWithZone: (): TypeSpec => ({ base: 'string', typedef: 'ietf-inet-types:ipv4-address', patterns: [pat(`${V4_ADDR}(%[\\p{N}\\p{L}]+)?`)] }),
  ipv6AddressWithZone: (): TypeSpec => ({ base: 'string', typedef: 'ietf-inet-types:ipv6-address', patterns: [pat(`${V6_P1}(%[\\p{N}\\p{L}]+)?`), pat(`${V6_P2}(%.+)?`)] }),
  ipv4Prefix: (): TypeSpec => ({ base: 'string', typedef: 'ietf-inet-types:ipv4-prefix', patterns: [pat(`${V4_ADDR}/(([0-9])|([1-2][0-9])|(3[0-2]))`)] }),
  ipv6Address: (): TypeSpec => ({ base: 'string', typedef: 'ietf-inet-types:ipv6-address-no-zone', patterns: [pat(`${V6_P1}(%[\\p{N}\\p{L}]+)?`), pat(`${V6_P2}(%.+)?`), pat('[0-9a-fA-F:\\.]*')] }),
  ipv6Prefix: (): TypeSpec => ({ base: 'string', typedef: 'ietf-inet-types:ipv6-prefix', patterns: [pat(`${V6_P1}(/(([0-9])|([0-9]{2})|(1[0-1][0-9])|(12[0-8])))`), pat(`${V6_P2}(/.+)`)] }),
};

// ---- nodes ---------------------------------------------------------------------------------------
// Builders leave module / path / config to `finish` unless given: a node without a module takes
// its parent's, config true unless set false (inherited), paths module-qualified where the
// module changes, as the addon writes them.

interface Opts { module?: string; config?: boolean }

function base<K extends SchemaNode['kind']>(kind: K, name: string, o: Opts) {
  return { kind, name, module: o.module ?? '', path: '', config: o.config ?? true, explicitConfig: o.config !== undefined, status: 'current' as const };
}

export function container(name: string, children: SchemaNode[], o: Opts & { presence?: boolean } = {}): ContainerNode {
  return { ...base('container', name, o), presence: o.presence ?? false, children };
}

export function list(name: string, keys: string[], children: SchemaNode[], o: Opts & { orderedBy?: 'user' | 'system'; max?: number } = {}): ListNode {
  return { ...base('list', name, o), keys, unique: [], minElements: 0, maxElements: o.max ?? null, orderedBy: o.orderedBy ?? 'system', children };
}

export function leaf(name: string, type: TypeSpec, o: Opts & { default?: string; mandatory?: boolean } = {}): LeafNode {
  const n = { ...base('leaf', name, o), type, mandatory: o.mandatory ?? false, isKey: false } as LeafNode;
  if (o.default !== undefined) n.default = o.default;
  return n;
}

export function leafList(name: string, type: TypeSpec, o: Opts & { orderedBy?: 'user' | 'system' } = {}): LeafListNode {
  return { ...base('leaf-list', name, o), type, minElements: 0, maxElements: null, orderedBy: o.orderedBy ?? 'system' };
}

export function choice(name: string, cases: CaseNode[], o: Opts & { mandatory?: boolean } = {}): ChoiceNode {
  return { ...base('choice', name, o), mandatory: o.mandatory ?? false, children: cases };
}

export function caseOf(name: string, children: SchemaNode[], o: Opts = {}): CaseNode {
  return { ...base('case', name, o), children };
}

export function anydata(name: string, o: Opts = {}): AnyNode {
  return { ...base('anydata', name, o), mandatory: false };
}

export function anyxml(name: string, o: Opts = {}): AnyNode {
  return { ...base('anyxml', name, o), mandatory: false };
}

export function rpc(name: string, input: SchemaNode[], output: SchemaNode[], o: Opts = {}): OperationNode {
  return {
    ...base('rpc', name, o),
    input: { ...base('input', 'input', {}), children: input },
    output: { ...base('output', 'output', {}), children: output },
  };
}

export function action(name: string, input: SchemaNode[], output: SchemaNode[], o: Opts = {}): OperationNode {
  return { ...rpc(name, input, output, o), kind: 'action' };
}

export function notification(name: string, children: SchemaNode[], o: Opts = {}): NotificationNode {
  return { ...base('notification', name, o), children };
}

/** Places nodes of `module` (augmenting another module's node): they keep their own module. */
export function augment(module: string, nodes: SchemaNode[]): SchemaNode[] {
  for (const n of nodes) n.module = module;
  return nodes;
}

function childrenOf(n: SchemaNode): SchemaNode[] {
  switch (n.kind) {
    case 'container': case 'list': case 'case': case 'input': case 'output': case 'notification': return n.children;
    case 'choice': return n.children;
    case 'rpc': case 'action': return [n.input, n.output];
    default: return [];
  }
}

function finishNode(n: SchemaNode, parentModule: string, parentPath: string, parentConfig: boolean, operation: boolean): void {
  const d = n as SchemaNode & { explicitConfig?: boolean };
  if (n.module === '') n.module = parentModule;
  const qualified = parentPath === '' || n.module !== parentModule;
  n.path = `${parentPath}/${qualified ? `${n.module}:` : ''}${n.name}`;
  const inOp = operation || n.kind === 'rpc' || n.kind === 'action' || n.kind === 'notification';
  n.config = inOp ? false : parentConfig && (d.explicitConfig === true ? d.config : true);
  delete d.explicitConfig;
  if (n.kind === 'list') {
    for (const c of n.children) if (c.kind === 'leaf' && c.module === '' && n.keys.includes(c.name)) c.isKey = true;
  }
  for (const c of childrenOf(n)) finishNode(c, n.module, n.path, n.config, inOp);
}

export function identity(name: string, ...bases: string[]): IdentitySpec {
  return { name, bases, derived: [], status: 'current' };
}

export function moduleSpec(name: string, namespace: string, prefix: string, content: {
  data?: SchemaNode[]; rpcs?: OperationNode[]; notifications?: NotificationNode[]; identities?: IdentitySpec[]; implemented?: boolean;
} = {}): ModuleSpec {
  return {
    name, namespace, prefix, yangVersion: '1.1', implemented: content.implemented ?? true, features: [], allFeatures: [],
    submodules: [], deviatedBy: [], identities: content.identities ?? [], data: content.data ?? [],
    rpcs: content.rpcs ?? [], notifications: content.notifications ?? [],
  };
}

/** Completes modules (module, path, config, isKey, derived identities) into a SchemaExport. */
export function schemaExport(modules: ModuleSpec[], contentId = 'test'): SchemaExport {
  for (const m of modules) {
    for (const n of [...m.data, ...m.rpcs, ...m.notifications]) finishNode(n, m.name, '', true, false);
  }
  const all = new Map<string, IdentitySpec>();
  for (const m of modules) for (const id of m.identities) all.set(id.name, id);
  for (const id of all.values()) {
    const seen = new Set<string>();
    const up = (name: string): void => {
      for (const b of all.get(name)?.bases ?? []) {
        if (seen.has(b)) continue;
        seen.add(b);
        all.get(b)?.derived.push(id.name);
        up(b);
      }
    };
    up(id.name);
  }
  return { contentId, modules };
}

// ---- the router fixture ----------------------------------------------------------------------------

export const NS = {
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ip: 'urn:ietf:params:xml:ns:yang:ietf-ip',
  ianaift: 'urn:ietf:params:xml:ns:yang:iana-if-type',
  rt: 'urn:ietf:params:xml:ns:yang:ietf-routing',
  v4ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing',
  v6ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv6-unicast-routing',
  vt: 'urn:vrouterd:test',
  nc: 'urn:ietf:params:xml:ns:netconf:base:1.0',
  yang: 'urn:ietf:params:xml:ns:yang:1',
};

function ipAugment(): SchemaNode[] {
  return augment('ietf-ip', [
    container('ipv4', [
      leaf('enabled', T.boolean(), { default: 'true' }),
      leaf('forwarding', T.boolean(), { default: 'false' }),
      leaf('mtu', T.int('uint16', '68', '65535')),
      list('address', ['ip'], [
        leaf('ip', INET.ipv4Address()),
        choice('subnet', [
          caseOf('prefix-length', [leaf('prefix-length', T.int('uint8', '0', '32'))]),
          caseOf('netmask', [leaf('netmask', { base: 'string', typedef: 'ietf-yang-types:dotted-quad', patterns: [pat(V4_ADDR)] })]),
        ], { mandatory: true }),
      ]),
      list('neighbor', ['ip'], [
        leaf('ip', INET.ipv4Address()),
        leaf('link-layer-address', { base: 'string', typedef: 'ietf-yang-types:phys-address', patterns: [pat('([0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*)?')] }, { mandatory: true }),
      ]),
    ], { presence: true }),
    container('ipv6', [
      leaf('enabled', T.boolean(), { default: 'true' }),
      leaf('forwarding', T.boolean(), { default: 'false' }),
      leaf('mtu', T.int('uint32', '1280', '4294967295')),
      list('address', ['ip'], [
        leaf('ip', INET.ipv6Address()),
        leaf('prefix-length', T.int('uint8', '0', '128'), { mandatory: true }),
      ]),
      leaf('dup-addr-detect-transmits', T.int('uint32'), { default: '1' }),
    ], { presence: true }),
  ]);
}

function interfacesModule(): ModuleSpec {
  return moduleSpec('ietf-interfaces', NS.if, 'if', {
    identities: [identity('ietf-interfaces:interface-type')],
    data: [container('interfaces', [
      list('interface', ['name'], [
        leaf('name', T.string()),
        leaf('description', T.string()),
        leaf('type', T.identityref('ietf-interfaces:interface-type'), { mandatory: true }),
        leaf('enabled', T.boolean(), { default: 'true' }),
        leaf('oper-status', T.enumeration('up', 'down', 'testing', 'unknown', 'dormant', 'not-present', 'lower-layer-down'), { config: false }),
        container('statistics', [
          leaf('in-octets', { base: 'uint64', typedef: 'ietf-yang-types:counter64' }),
          leaf('out-octets', { base: 'uint64', typedef: 'ietf-yang-types:counter64' }),
        ], { config: false }),
        ...ipAugment(),
      ]),
    ])],
  });
}

const IF_REF = (): TypeSpec => ({ ...T.leafref('/if:interfaces/if:interface/if:name', T.string(), { if: 'ietf-interfaces' }), typedef: 'ietf-interfaces:interface-ref' });

function routingModule(): ModuleSpec {
  const nextHop = (module: string, addr: TypeSpec): ContainerNode => container('next-hop', [
    choice('next-hop-options', [
      caseOf('simple-next-hop', [leaf('outgoing-interface', IF_REF()), leaf('next-hop-address', addr)]),
      caseOf('special-next-hop', [leaf('special-next-hop', T.enumeration('blackhole', 'unreachable', 'prohibit', 'receive'))]),
      caseOf('next-hop-list', [container('next-hop-list', [
        list('next-hop', ['index'], [leaf('index', T.string()), leaf('outgoing-interface', IF_REF()), leaf('next-hop-address', addr)]),
      ])]),
    ], { mandatory: true }),
  ], { module });
  return moduleSpec('ietf-routing', NS.rt, 'rt', {
    identities: [
      identity('ietf-routing:address-family'),
      identity('ietf-routing:ipv4', 'ietf-routing:address-family'),
      identity('ietf-routing:ipv6', 'ietf-routing:address-family'),
      identity('ietf-routing:control-plane-protocol'),
      identity('ietf-routing:static', 'ietf-routing:control-plane-protocol'),
      identity('ietf-routing:direct', 'ietf-routing:control-plane-protocol'),
    ],
    data: [container('routing', [
      leaf('router-id', { base: 'string', typedef: 'ietf-yang-types:dotted-quad', patterns: [pat(V4_ADDR)] }),
      container('control-plane-protocols', [
        list('control-plane-protocol', ['type', 'name'], [
          leaf('type', T.identityref('ietf-routing:control-plane-protocol')),
          leaf('name', T.string()),
          leaf('description', T.string()),
          container('static-routes', [
            ...augment('ietf-ipv4-unicast-routing', [container('ipv4', [
              list('route', ['destination-prefix'], [
                leaf('destination-prefix', INET.ipv4Prefix()),
                leaf('description', T.string()),
                nextHop('ietf-ipv4-unicast-routing', INET.ipv4AddressWithZone()),
              ]),
            ])]),
            ...augment('ietf-ipv6-unicast-routing', [container('ipv6', [
              list('route', ['destination-prefix'], [
                leaf('destination-prefix', INET.ipv6Prefix()),
                leaf('description', T.string()),
                nextHop('ietf-ipv6-unicast-routing', INET.ipv6AddressWithZone()),
              ]),
            ])]),
          ]),
        ]),
      ]),
      container('ribs', [
        list('rib', ['name'], [
          leaf('name', T.string()),
          leaf('address-family', T.identityref('ietf-routing:address-family')),
        ]),
      ]),
    ])],
  });
}

function testModule(): ModuleSpec {
  return moduleSpec('vr-test', NS.vt, 'vt', {
    identities: [identity('vr-test:fancy', 'iana-if-type:iana-interface-type')],
    data: [
      container('top', [
        leaf('i64', T.int('int64')),
        leaf('u64', T.int('uint64')),
        leaf('d64', T.decimal64(2)),
        leaf('flag', T.empty()),
        leaf('small', T.int('uint8')),
        leaf('name', T.string({ length: { intervals: [{ min: '1', max: '8' }], errorAppTag: 'name-too-long' } })),
        leafList('tags', T.string(), { orderedBy: 'user' }),
        leafList('sys-tags', T.string()),
        list('rule', ['name'], [leaf('name', T.string()), leaf('verdict', T.enumeration('permit', 'deny'))], { orderedBy: 'user' }),
        list('pair', ['a', 'b'], [leaf('a', T.string()), leaf('b', T.int('uint8')), leaf('v', T.string())]),
        leaf('kind', T.identityref('ietf-interfaces:interface-type')),
        leafList('kinds', T.identityref('ietf-interfaces:interface-type')),
        list('by-kind', ['kind'], [leaf('kind', T.identityref('ietf-interfaces:interface-type')), leaf('note', T.string())]),
        leaf('target', T.instanceId()),
        leaf('u', T.union(T.int('int32'), T.string())),
        choice('transport', [
          caseOf('tcp', [leaf('tcp-port', T.int('uint16'))]),
          caseOf('udp', [leaf('udp-port', T.int('uint16')), leaf('udp-checksum', T.boolean())]),
        ]),
        anydata('blob'),
        anyxml('raw'),
        container('state', [
          leaf('counter', T.int('uint64')),
          list('session', [], [leaf('id', T.int('uint32')), leaf('peer', T.string())]),
          leafList('seen', T.string()),
        ], { config: false }),
        leaf('status', T.string(), { config: false }),
        container('pc', [leaf('x', T.string())], { presence: true }),
      ], { module: 'vr-test' }),
      list('widget', ['id'], [leaf('id', T.int('uint32')), leaf('label', T.string())]),
      leaf('top-leaf', T.string()),
    ],
    rpcs: [rpc('reset', [leaf('delay', T.int('uint32')), leafList('targets', T.string())], [leaf('done', T.boolean())])],
    notifications: [notification('alarm', [leaf('severity', T.enumeration('minor', 'major', 'critical')), leaf('text', T.string())])],
  });
}

/** The router fixture as the addon would export it. */
export function routerExport(): SchemaExport {
  return schemaExport([
    interfacesModule(),
    moduleSpec('ietf-ip', NS.ip, 'ip'),
    moduleSpec('iana-if-type', NS.ianaift, 'ianaift', {
      identities: [
        identity('iana-if-type:iana-interface-type', 'ietf-interfaces:interface-type'),
        identity('iana-if-type:ethernetCsmacd', 'iana-if-type:iana-interface-type'),
        identity('iana-if-type:softwareLoopback', 'iana-if-type:iana-interface-type'),
        identity('iana-if-type:l2vlan', 'iana-if-type:iana-interface-type'),
      ],
    }),
    moduleSpec('ietf-inet-types', 'urn:ietf:params:xml:ns:yang:ietf-inet-types', 'inet', { implemented: false }),
    moduleSpec('ietf-yang-types', 'urn:ietf:params:xml:ns:yang:ietf-yang-types', 'yang', { implemented: false }),
    routingModule(),
    moduleSpec('ietf-ipv4-unicast-routing', NS.v4ur, 'v4ur'),
    moduleSpec('ietf-ipv6-unicast-routing', NS.v6ur, 'v6ur'),
    testModule(),
  ]);
}

let cached: Schema | undefined;

/** The router fixture's Schema (built once per test run). */
export function routerSchema(): Schema {
  cached ??= new Schema(routerExport());
  return cached;
}

/** Finds a schema node by its addon-style schema path, or fails the test. */
export function node<K extends SchemaNode['kind']>(schema: Schema, path: string, kind?: K): Extract<SchemaNode, { kind: K }> {
  const n = schema.nodeByPath(path);
  if (n === undefined) throw new Error(`no schema node ${path}`);
  if (kind !== undefined && n.kind !== kind) throw new Error(`${path} is a ${n.kind}, not a ${kind}`);
  return n as Extract<SchemaNode, { kind: K }>;
}

// ---- the same modules compiled by libyang ----------------------------------------------------------

/** A schema the codec suites run against. */
export interface SchemaVariant {
  name: string;
  schema: Schema;
}

let variants: Promise<SchemaVariant[]> | undefined;

/** vr-test.yang, the YANG twin of testModule(), lives next to the codec tests. */
const TEST_YANG_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'unit', 'datastore', 'yang');

/**
 * The hand-written fixture, and — when the libyang addon is built — the real modules
 * (STANDARD_MODULES: ietf-interfaces 2018-02-20 first, ietf-ip, ietf-routing …) plus vr-test,
 * as libyang compiles and exports them. Codec suites run once per variant.
 */
export function schemaVariants(): Promise<SchemaVariant[]> {
  variants ??= (async () => {
    const out: SchemaVariant[] = [{ name: 'hand-written fixture', schema: routerSchema() }];
    // The addon is part of the build: without it these suites fail loudly instead of shrinking.
    const ctx = await YangContext.create({
      searchDirs: [TEST_YANG_DIR, ...defaultSearchDirs()],
      modules: [...STANDARD_MODULES, { name: 'vr-test' }],
    });
    try {
      out.push({ name: 'libyang-compiled modules', schema: new Schema(ctx.exportSchema()) });
    } finally {
      ctx.close();
    }
    return out;
  })();
  return variants;
}
