// Canonical forms that libyang 2.1.30 gives some ietf-inet-types typedefs beyond their patterns
// (its plugins_types ipv6_address*, ipv4_prefix, ipv6_prefix), matched here exactly, as compared
// with yanglint: IPv6 addresses are printed the way glibc's inet_ntop prints them (lower case,
// the first longest run of two or more zero groups compressed, "::ffff:a.b.c.d" and "::a.b.c.d"
// kept dotted), the zone kept as given; prefixes get their host bits cleared.
// Deliberately not done: ipv4-address (its pattern admits only the canonical form), mac-address /
// hex-string / uuid (libyang 2.1.30 keeps their case), and date-and-time, which libyang rewrites
// into the *process's local time zone* (and rolls 02-30 over to 03-01) — not a stable canonical
// form, so values stay as given.
import type { TypeSpec } from '../schema-model.js';
import { fail, quote, type TypeCodec } from './codec.js';
import type { ValueResult } from './value.js';

type Canonicalize = (s: string) => string | undefined;

const CANONICALIZERS: Record<string, { fn: Canonicalize; what: string }> = {
  'ietf-inet-types:ipv6-address': { fn: canonicalIpv6WithZone, what: 'IPv6 address' },
  'ietf-inet-types:ipv6-address-no-zone': { fn: canonicalIpv6WithZone, what: 'IPv6 address' },
  'ietf-inet-types:ipv4-prefix': { fn: canonicalIpv4Prefix, what: 'IPv4 prefix' },
  'ietf-inet-types:ipv6-prefix': { fn: canonicalIpv6Prefix, what: 'IPv6 prefix' },
};

export function wellKnownTypedef(type: TypeSpec, codec: TypeCodec): TypeCodec {
  const t = type.typedef;
  const c = t !== undefined && Object.hasOwn(CANONICALIZERS, t) ? CANONICALIZERS[t] : undefined;
  if (c === undefined) return codec;
  const after = (r: ValueResult): ValueResult => {
    if (!r.ok) return r;
    const canonical = c.fn(r.value.canonical);
    if (canonical === undefined) return fail(`${quote(r.value.canonical)} is not a valid ${c.what}`, t as string);
    return canonical === r.value.canonical ? r : { ok: true, value: { canonical, base: r.value.base } };
  };
  return {
    text: (s, ctx) => after(codec.text(s, ctx)),
    json: (j, ctx) => after(codec.json(j, ctx)),
  };
}

/** Dotted quad to four octets, as glibc's inet_pton4: decimal, no leading zeros, each ≤ 255. */
export function parseIpv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

/** Hex digit value, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * An IPv6 address (no zone) to eight 16-bit words, accepting what glibc's inet_pton6 accepts:
 * groups of 1-4 hex digits, one "::" standing for at least one zero group, and an optional dotted
 * quad as the last 32 bits. One pass over the characters, no regex or split.
 */
export function parseIpv6(s: string): number[] | undefined {
  const words: number[] = [];
  let gap = -1; // index in `words` where "::" stands
  const n = s.length;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    if (words.length >= 8) return undefined;
    const start = i;
    let v = 0;
    for (let h = hexValue(s.charCodeAt(i)); h >= 0 && i - start < 5; h = hexValue(s.charCodeAt(i))) {
      v = v * 16 + h;
      i++;
    }
    if (i < n && s.charCodeAt(i) === 46) {
      // A dotted quad: it must end the address and fit in the remaining words.
      const v4 = parseIpv4(s.slice(start));
      if (v4 === undefined || words.length > 6) return undefined;
      words.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      break;
    }
    if (i === start || i - start > 4) return undefined;
    words.push(v);
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return undefined;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined;
      gap = words.length;
      i++;
    } else if (i === n) {
      return undefined; // a single trailing ":"
    }
  }
  if (gap < 0) return words.length === 8 ? words : undefined;
  if (words.length > 7) return undefined;
  words.splice(gap, 0, ...new Array<number>(8 - words.length).fill(0));
  return words;
}

/** Eight words as glibc's inet_ntop6 prints them. */
export function formatIpv6(w: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    // Strictly longer: the first of equally long runs wins.
    if (j - i > bestLen) { bestBase = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      const a = w[6] as number;
      const b = w[7] as number;
      out += `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
      return out;
    }
    out += (w[i] as number).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

function canonicalIpv6WithZone(s: string): string | undefined {
  const pct = s.indexOf('%');
  const words = parseIpv6(pct < 0 ? s : s.slice(0, pct));
  if (words === undefined) return undefined;
  return pct < 0 ? formatIpv6(words) : formatIpv6(words) + s.slice(pct);
}

function splitPrefix(s: string, max: number): [string, number] | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return undefined;
  const len = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(len) || Number(len) > max) return undefined;
  return [s.slice(0, slash), Number(len)];
}

function canonicalIpv4Prefix(s: string): string | undefined {
  const p = splitPrefix(s, 32);
  const octets = p === undefined ? undefined : parseIpv4(p[0]);
  if (p === undefined || octets === undefined) return undefined;
  const len = p[1];
  const masked = octets.map((o, i) => {
    const keep = Math.min(8, Math.max(0, len - i * 8));
    return o & ((0xff << (8 - keep)) & 0xff);
  });
  return `${masked.join('.')}/${len}`;
}

function canonicalIpv6Prefix(s: string): string | undefined {
  const p = splitPrefix(s, 128);
  const words = p === undefined ? undefined : parseIpv6(p[0]);
  if (p === undefined || words === undefined) return undefined;
  const len = p[1];
  const masked = words.map((w, i) => {
    const keep = Math.min(16, Math.max(0, len - i * 16));
    return w & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${formatIpv6(masked)}/${len}`;
}
