// A generated corpus of configuration documents for the differential tests: valid documents over
// ietf-interfaces, ietf-ip, ietf-routing (+ ipv4 unicast) and the difftest module, and the same
// documents with one mutation each. The documents are written as XML text by hand here, not by
// vrouterd's encoder, so that the oracle (libyang) and the code under test see the same input.
// Deterministic: a seeded PRNG, so a failure names a document that can be regenerated.

export interface CorpusDocument {
  id: number;
  /** What was done to the valid base document (for messages; the oracle decides the verdict). */
  mutation: string;
  /** Top-level sibling elements, as yanglint takes a data file. */
  xml: string;
}

import { mulberry32 } from './prng.js';

const NS = {
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ip: 'urn:ietf:params:xml:ns:yang:ietf-ip',
  ianaift: 'urn:ietf:params:xml:ns:yang:iana-if-type',
  rt: 'urn:ietf:params:xml:ns:yang:ietf-routing',
  v4ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing',
  dt: 'urn:vrouterd:test:difftest',
} as const;


type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, 0, xs.length - 1)] as T;

/** One element: name, optional attributes text, and either text or children. */
interface El {
  name: string;
  attrs?: string;
  text?: string;
  children?: El[];
}

function render(e: El): string {
  const open = e.attrs ? `<${e.name} ${e.attrs}>` : `<${e.name}>`;
  if (e.children) return `${open}${e.children.map(render).join('')}</${e.name}>`;
  if (e.text === undefined) return e.attrs ? `<${e.name} ${e.attrs}/>` : `<${e.name}/>`;
  return `${open}${e.text}</${e.name}>`;
}

const leaf = (name: string, text: string, attrs?: string): El => (attrs ? { name, text, attrs } : { name, text });

interface Base {
  interfaces: El;
  routing: El;
  system: El;
  servers: El;
  limits: El | undefined;
  ifNames: string[];
}

const IF_TYPES = ['ianaift:ethernetCsmacd', 'ianaift:softwareLoopback', 'ianaift:l2vlan', 'ianaift:bridge'];

function makeInterfaces(r: Rand): { el: El; names: string[] } {
  const count = int(r, 1, 4);
  const names: string[] = [];
  const entries: El[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(r, ['eth', 'ens', 'lo', 'br', 'veth']) + String(i);
    names.push(name);
    const children: El[] = [
      leaf('name', name),
      leaf('type', pick(r, IF_TYPES), `xmlns:ianaift="${NS.ianaift}"`),
    ];
    if (r() < 0.5) children.push(leaf('description', `uplink ${i} &amp; more`));
    if (r() < 0.7) children.push(leaf('enabled', pick(r, ['true', 'false'])));
    if (r() < 0.8) {
      const v4: El[] = [];
      if (r() < 0.5) v4.push(leaf('forwarding', pick(r, ['true', 'false'])));
      if (r() < 0.5) v4.push(leaf('mtu', String(int(r, 68, 9000))));
      const addrs = int(r, 0, 3);
      for (let a = 0; a < addrs; a++) {
        v4.push({
          name: 'address',
          children: [leaf('ip', `10.${i}.${a}.${int(r, 1, 254)}`), leaf('prefix-length', String(int(r, 8, 32)))],
        });
      }
      children.push({ name: 'ipv4', attrs: `xmlns="${NS.ip}"`, children: v4 });
    }
    entries.push({ name: 'interface', children });
  }
  return { el: { name: 'interfaces', attrs: `xmlns="${NS.if}"`, children: entries }, names };
}

function makeRouting(r: Rand, ifNames: string[]): El {
  const routes: El[] = [];
  const count = int(r, 0, 4);
  for (let i = 0; i < count; i++) {
    const nh: El[] = r() < 0.5
      ? [leaf('next-hop-address', `192.0.2.${int(r, 1, 254)}`)]
      : [leaf('outgoing-interface', pick(r, ifNames))];
    routes.push({
      name: 'route',
      children: [leaf('destination-prefix', `198.51.${i}.0/24`), { name: 'next-hop', children: nh }],
    });
  }
  const staticProto: El = {
    name: 'control-plane-protocol',
    children: [
      leaf('type', 'rt:static', `xmlns:rt="${NS.rt}"`),
      leaf('name', 'static-1'),
      { name: 'static-routes', children: [{ name: 'ipv4', attrs: `xmlns="${NS.v4ur}"`, children: routes }] },
    ],
  };
  return {
    name: 'routing',
    attrs: `xmlns="${NS.rt}"`,
    children: [{ name: 'control-plane-protocols', children: [staticProto] }],
  };
}

function makeSystem(r: Rand): El {
  const c: El[] = [leaf('hostname', pick(r, ['r1', 'edge-router-7', 'core01', 'A-b-9']))];
  if (r() < 0.7) c.push(leaf('load', pick(r, ['0', '1.5', '99.99', '100', '42.10'])));
  if (r() < 0.6) c.push(leaf('flags', pick(r, ['up', 'up running', 'loopback up', ''])));
  if (r() < 0.6) c.push(leaf('mode', pick(r, ['auto', 'manual', 'off'])));
  if (r() < 0.6) c.push(leaf('timeout', pick(r, ['1', '3600', 'infinite', '30'])));
  if (r() < 0.5) c.push(leaf('code', pick(r, ['a1', 'x', '12b'])));
  if (r() < 0.6) c.push(leaf('peer', pick(r, ['192.0.2.1', '2001:db8::1', '::', 'fe80::1%eth0'])));
  if (r() < 0.5) c.push(leaf('big', pick(r, ['-9223372036854775808', '9223372036854775807', '0', '42'])));
  if (r() < 0.5) c.push(leaf('small', pick(r, ['-128', '127', '0'])));
  if (r() < 0.5) c.push(leaf('ratio', String(int(r, 0, 100))));
  if (r() < 0.4) c.push(leaf('blob', pick(r, ['AQID', 'AAAAAAAAAAA=', 'aGk='])));
  if (r() < 0.3) c.push({ name: 'enabled' });
  if (r() < 0.5) c.push(leaf('active', pick(r, ['true', 'false'])));
  return { name: 'system', attrs: `xmlns="${NS.dt}"`, children: c };
}

function makeServers(r: Rand, ifNames: string[]): El {
  const count = int(r, 0, 4);
  const servers: El[] = [];
  for (let i = 0; i < count; i++) {
    const c: El[] = [leaf('name', `srv${i}`), leaf('address', `203.0.113.${i + 1}`)];
    const transport = pick(r, ['dt:tcp', 'dt:udp', 'dt:quic', '']);
    if (transport) c.push(leaf('transport', transport, `xmlns:dt="${NS.dt}"`));
    const port = r() < 0.5 ? String(int(r, 1024, 9000)) : '';
    if (port) c.push(leaf('port', port));
    if (r() < 0.5) c.push(leaf('interface', pick(r, ifNames)));
    if (r() < 0.4) c.push(leaf('weight', pick(r, ['0.001', '0.5', '1', '0.25'])));
    if ((transport === '' || transport === 'dt:tcp') && r() < 0.5) c.push(leaf('tls', 'true'));
    const auth = r();
    if (auth < 0.3) c.push(leaf('password', 'secret'));
    else if (auth < 0.5) c.push(leaf('key-file', '/etc/k'), leaf('key-type', pick(r, ['rsa', 'ed25519'])));
    servers.push({ name: 'server', children: c });
  }
  return { name: 'servers', attrs: `xmlns="${NS.dt}"`, children: servers };
}

function makeLimits(r: Rand, servers: number): El | undefined {
  if (r() < 0.4) return undefined;
  const dns: El[] = [];
  const n = int(r, 1, 3);
  for (let i = 0; i < n; i++) dns.push(leaf('dns', `192.0.2.${53 + i}`));
  return {
    name: 'limits',
    attrs: `xmlns="${NS.dt}"`,
    children: [...dns, leaf('max-conn', String(servers + int(r, 0, 100)))],
  };
}

function makeBase(r: Rand): Base {
  const { el: interfaces, names } = makeInterfaces(r);
  const servers = makeServers(r, names);
  return {
    interfaces,
    routing: makeRouting(r, names),
    system: makeSystem(r),
    servers,
    limits: makeLimits(r, servers.children?.length ?? 0),
    ifNames: names,
  };
}

/** Sets (or adds) a leaf in an element's children. */
function setLeaf(e: El, name: string, text: string, attrs?: string): void {
  const kids = (e.children ??= []);
  const at = kids.findIndex((k) => k.name === name);
  const l = leaf(name, text, attrs);
  if (at >= 0) kids[at] = l;
  else kids.push(l);
}

function firstChild(e: El, name: string): El | undefined {
  return e.children?.find((k) => k.name === name);
}

type Mutation = (b: Base, r: Rand) => string | undefined;

/** Each mutation changes the base in place and says what it did, or returns undefined if it cannot apply. */
const MUTATIONS: Mutation[] = [
  (b) => (setLeaf(b.system, 'ratio', '101'), 'ratio 101 (percent range with app-tag)'),
  (b) => (setLeaf(b.system, 'small', '128'), 'int8 128'),
  (b) => (setLeaf(b.system, 'small', '+5'), 'int8 +5 (sign)'),
  (b) => (setLeaf(b.system, 'small', ' 5 '), 'int8 with spaces'),
  (b) => (setLeaf(b.system, 'big', '9223372036854775808'), 'int64 overflow'),
  (b) => (setLeaf(b.system, 'big', '0x10'), 'int64 hex'),
  (b) => (setLeaf(b.system, 'hostname', '-bad'), 'hostname pattern'),
  (b) => (setLeaf(b.system, 'hostname', 'a'.repeat(64)), 'hostname length 64'),
  (b) => (setLeaf(b.system, 'hostname', ''), 'hostname empty'),
  (b) => (setLeaf(b.system, 'load', '100.01'), 'decimal64 above range'),
  (b) => (setLeaf(b.system, 'load', '1.234'), 'decimal64 too many fraction digits'),
  (b) => (setLeaf(b.system, 'load', '1.'), 'decimal64 trailing point'),
  (b) => (setLeaf(b.system, 'load', '.5'), 'decimal64 leading point'),
  (b) => (setLeaf(b.system, 'load', '007.50'), 'decimal64 leading zeros'),
  (b) => (setLeaf(b.system, 'flags', 'up sideways'), 'unknown bit'),
  (b) => (setLeaf(b.system, 'flags', 'up up'), 'bit twice'),
  (b) => (setLeaf(b.system, 'mode', 'Auto'), 'enum case'),
  (b) => (setLeaf(b.system, 'mode', '10'), 'enum by value'),
  (b) => (setLeaf(b.system, 'timeout', '0'), 'union: neither member'),
  (b) => (setLeaf(b.system, 'timeout', 'forever'), 'union: unknown enum'),
  (b) => (setLeaf(b.system, 'code', '123'), 'invert-match pattern'),
  (b) => (setLeaf(b.system, 'peer', '256.1.1.1'), 'ip-address out of range'),
  (b) => (setLeaf(b.system, 'peer', '2001:db8:::1'), 'ipv6 malformed'),
  (b) => (setLeaf(b.system, 'blob', 'AQID!'), 'binary not base64'),
  (b) => (setLeaf(b.system, 'blob', 'AAAAAAAAAAAA'), 'binary length 9'),
  (b) => (setLeaf(b.system, 'active', 'yes'), 'boolean yes'),
  (b) => (setLeaf(b.system, 'active', 'TRUE'), 'boolean TRUE'),
  (b) => (setLeaf(b.system, 'enabled', 'x'), 'empty with content'),
  (b) => (setLeaf(b.system, 'uptime', '5'), 'unknown leaf'),
  (b) => ((b.system.attrs = 'xmlns="urn:nowhere"'), 'unknown namespace'),
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'transport', 'dt:red', `xmlns:dt="${NS.dt}"`);
    return 'identityref not derived from base';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'transport', 'zz:tcp');
    return 'identityref unbound prefix';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'transport', 'udp');
    // An unprefixed identityref in XML is in the default namespace in scope: the difftest module here.
    return 'identityref without prefix (default namespace)';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s?.children) return undefined;
    s.children = s.children.filter((c) => c.name !== 'name');
    return 'list entry without key';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s?.children) return undefined;
    s.children = s.children.filter((c) => c.name !== 'address');
    return 'mandatory leaf missing';
  },
  (b) => {
    const s = b.servers.children?.[0];
    if (!s) return undefined;
    b.servers.children?.push(JSON.parse(JSON.stringify(s)) as El);
    return 'duplicate list key';
  },
  (b) => {
    const list = b.servers.children;
    if (!list || list.length < 2) return undefined;
    for (const s of list.slice(0, 2)) {
      setLeaf(s, 'address', '203.0.113.200');
      setLeaf(s, 'port', '9999');
    }
    return 'unique violated';
  },
  (b) => {
    const list = (b.servers.children ??= []);
    for (let i = list.length; i < 7; i++) list.push({ name: 'server', children: [leaf('name', `x${i}`), leaf('address', `198.18.0.${i}`)] });
    return 'max-elements exceeded';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'interface', 'nonexistent0');
    return 'leafref target missing';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'transport', 'dt:udp', `xmlns:dt="${NS.dt}"`);
    setLeaf(s, 'tls', 'true');
    return 'when false (tls with udp)';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'port', '22');
    setLeaf(s, 'transport', 'dt:quic', `xmlns:dt="${NS.dt}"`);
    s.children = s.children?.filter((c) => c.name !== 'tls'); // keep the when out of the way
    return 'must violated (port 22 over quic)';
  },
  (b) => {
    const s = firstChild(b.servers, 'server');
    if (!s) return undefined;
    setLeaf(s, 'password', 'p');
    setLeaf(s, 'key-file', '/k');
    return 'two cases of one choice';
  },
  (b) => {
    if (!b.limits) return undefined;
    b.limits.children = b.limits.children?.filter((c) => c.name !== 'dns');
    return 'leaf-list below min-elements';
  },
  (b) => {
    if (!b.limits) return undefined;
    for (let i = 0; i < 4; i++) b.limits.children?.unshift(leaf('dns', `198.18.1.${i}`));
    return 'leaf-list above max-elements';
  },
  (b) => {
    if (!b.limits) return undefined;
    setLeaf(b.limits, 'max-conn', '0');
    return b.servers.children?.length ? 'must with count() violated' : undefined;
  },
  (b) => {
    const i = firstChild(b.interfaces, 'interface');
    const v4 = i && firstChild(i, 'ipv4');
    if (!v4) return undefined;
    setLeaf(v4, 'mtu', '67');
    return 'ietf-ip mtu below 68';
  },
  (b) => {
    const i = firstChild(b.interfaces, 'interface');
    const v4 = i && firstChild(i, 'ipv4');
    if (!v4) return undefined;
    (v4.children ??= []).push({ name: 'address', children: [leaf('ip', '10.9.9.9'), leaf('prefix-length', '33')] });
    return 'ietf-ip prefix-length 33';
  },
  (b) => {
    const i = firstChild(b.interfaces, 'interface');
    if (!i) return undefined;
    setLeaf(i, 'type', 'ianaift:noSuchType', `xmlns:ianaift="${NS.ianaift}"`);
    return 'unknown identity';
  },
  (b) => {
    const i = firstChild(b.interfaces, 'interface');
    if (!i) return undefined;
    setLeaf(i, 'type', 'if:interface-type', `xmlns:if="${NS.if}"`);
    return 'identityref equal to its base (not derived)';
  },
  (b) => {
    const i = firstChild(b.interfaces, 'interface');
    if (!i) return undefined;
    setLeaf(i, 'oper-status', 'up');
    return 'state leaf in config';
  },
  (b) => {
    const i = firstChild(b.interfaces, 'interface');
    if (!i?.children) return undefined;
    i.children = i.children.filter((c) => c.name !== 'type');
    return 'ietf-interfaces mandatory type missing';
  },
  (b) => {
    const route = b.routing.children?.[0]?.children?.[0]?.children?.[2]?.children?.[0]?.children?.[0];
    if (!route) return undefined;
    setLeaf(route, 'destination-prefix', '198.51.100.0/33');
    return 'route prefix length 33';
  },
  (b) => {
    const route = b.routing.children?.[0]?.children?.[0]?.children?.[2]?.children?.[0]?.children?.[0];
    const nh = route && firstChild(route, 'next-hop');
    if (!nh) return undefined;
    nh.children = [leaf('outgoing-interface', 'missing9')];
    return 'route outgoing-interface leafref missing';
  },
];

function renderBase(b: Base): string {
  return [b.interfaces, b.routing, b.system, b.servers, ...(b.limits ? [b.limits] : [])].map(render).join('\n');
}

/** `count` documents; about 40% unmodified, the rest with one mutation each (all kinds covered in turn). */
export function generateCorpus(count: number, seed = 20261122): CorpusDocument[] {
  const r = mulberry32(seed);
  const docs: CorpusDocument[] = [];
  let m = 0;
  for (let id = 0; docs.length < count; id++) {
    const base = makeBase(r);
    if (r() < 0.4) {
      docs.push({ id, mutation: 'none', xml: renderBase(base) });
      continue;
    }
    const mutation = MUTATIONS[m % MUTATIONS.length] as Mutation;
    const what = mutation(base, r);
    if (what === undefined) continue; // not applicable to this base: the next base gets it
    m++;
    docs.push({ id, mutation: what, xml: renderBase(base) });
  }
  return docs;
}

/** How many different mutations the corpus cycles through. */
export const MUTATION_KINDS = MUTATIONS.length;
