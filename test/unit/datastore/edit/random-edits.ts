// Random datastore contents and random edit-config contents over a small universe of names and
// values (so that edits hit existing data often), as NETCONF XML the decoder accepts: every
// operation, insert with existing and missing anchors, values omitted under delete / remove,
// one case per choice. Deterministic for a given PRNG.
import { NS } from '../../../support/schema-fixtures.js';

type Rand = () => number;

const OPS = ['merge', 'replace', 'create', 'delete', 'remove'] as const;

export class RandomXml {
  constructor(private readonly r: Rand, private readonly edit: boolean) {}

  private chance(p: number): boolean {
    return this.r() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.r() * items.length)] as T;
  }

  /** A random subset in random order. */
  private some<T>(items: readonly T[], p: number): T[] {
    const out = items.filter(() => this.chance(p));
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.r() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** An operation attribute (edits only), and whether it takes data away. */
  private op(): { attr: string; removing: boolean } {
    if (!this.edit || !this.chance(0.2)) return { attr: '', removing: false };
    const op = this.pick(OPS);
    return { attr: ` nc:operation="${op}"`, removing: op === 'delete' || op === 'remove' };
  }

  private leaf(name: string, values: readonly string[], p = 0.5, xmlns = ''): string {
    if (!this.chance(p)) return '';
    const { attr, removing } = this.op();
    if (removing && this.chance(0.5)) return `<${name}${xmlns}${attr}/>`;
    return `<${name}${xmlns}${attr}>${this.pick(values)}</${name}>`;
  }

  private insert(kind: 'key' | 'value', anchors: readonly string[]): string {
    if (!this.edit || !this.chance(0.25)) return '';
    const where = this.pick(['first', 'last', 'before', 'after'] as const);
    if (where === 'first' || where === 'last') return ` yang:insert="${where}"`;
    const a = this.pick(anchors);
    return kind === 'key' ? ` yang:insert="${where}" yang:key="[v:name='${a}']"` : ` yang:insert="${where}" yang:value="${a}"`;
  }

  private interfaces(): string {
    const entries = this.some(['e0', 'e1', 'e2', 'e3'], 0.5).map((name) => {
      const { attr } = this.op();
      let body = `<name>${name}</name>`;
      body += this.leaf('description', ['d0', 'd1']);
      body += this.leaf('type', ['ianaift:ethernetCsmacd'], 0.3);
      body += this.leaf('enabled', ['true', 'false'], 0.3);
      if (this.chance(0.5)) {
        const ip = this.op();
        const addresses = this.some(['10.0.0.1', '10.0.0.2', '10.0.0.3'], 0.4).map((a) => {
          const { attr: aa } = this.op();
          return `<address${aa}><ip>${a}</ip>${this.leaf('prefix-length', ['8', '24'], 0.7)}</address>`;
        }).join('');
        body += `<ipv4 xmlns="${NS.ip}"${ip.attr}>${this.leaf('mtu', ['1500', '9000'])}${addresses}</ipv4>`;
      }
      return `<interface${attr}>${body}</interface>`;
    });
    if (entries.length === 0 && this.chance(0.5)) return '';
    return `<interfaces xmlns="${NS.if}" xmlns:ianaift="${NS.ianaift}"${this.op().attr}>${entries.join('')}</interfaces>`;
  }

  private top(): string {
    let body = '';
    body += this.leaf('small', ['0', '1', '2']);
    body += this.leaf('name', ['n0', 'n1']);
    for (const t of this.some(['t0', 't1', 't2', 't3', 't4'], 0.4)) {
      const { attr } = this.op();
      body += `<tags${attr}${this.insert('value', ['t0', 't2', 't4'])}>${t}</tags>`;
    }
    for (const t of this.some(['s0', 's1', 's2'], 0.4)) body += `<sys-tags${this.op().attr}>${t}</sys-tags>`;
    for (const n of this.some(['r0', 'r1', 'r2', 'r3', 'r4'], 0.4)) {
      const { attr } = this.op();
      body += `<rule${attr}${this.insert('key', ['r0', 'r2', 'r4'])}><name>${n}</name>${this.leaf('verdict', ['permit', 'deny'])}</rule>`;
    }
    for (const [a, b] of this.some([['x', '1'], ['x', '2'], ['y', '1']], 0.3)) {
      body += `<pair${this.op().attr}><a>${a}</a><b>${b}</b>${this.leaf('v', ['p', 'q'])}</pair>`;
    }
    const c = this.r();
    if (c < 0.3) body += this.leaf('tcp-port', ['22', '80'], 1);
    else if (c < 0.6) body += this.leaf('udp-port', ['53'], 0.7) + this.leaf('udp-checksum', ['true', 'false']);
    if (this.chance(0.3)) body += `<blob${this.op().attr}><z xmlns="urn:z">${this.pick(['1', '2'])}</z></blob>`;
    if (this.chance(0.4)) body += `<pc${this.op().attr}>${this.leaf('x', ['1', '2'])}</pc>`;
    if (body === '' && this.chance(0.5)) return '';
    return `<top xmlns="${NS.vt}"${this.op().attr}>${body}</top>`;
  }

  private widgets(): string {
    return this.some(['1', '2', '3'], 0.3)
      .map((id) => `<widget xmlns="${NS.vt}"${this.op().attr}><id>${id}</id>${this.leaf('label', ['l0', 'l1'])}</widget>`).join('')
      + this.leaf('top-leaf', ['v0', 'v1'], 0.3, ` xmlns="${NS.vt}"`);
  }

  /** The document: top-level elements, each declaring nc:, yang: and v: for the attributes. */
  document(): string {
    const decl = `xmlns:nc="${NS.nc}" xmlns:yang="${NS.yang}" xmlns:v="${NS.vt}"`;
    return `${this.interfaces()}${this.top()}${this.widgets()}`.replace(/<(interfaces|top|widget|top-leaf) xmlns="/g, `<$1 ${decl} xmlns="`);
  }
}
