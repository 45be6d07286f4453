// An item is one backend object (a VPP interface, an address on it, a Linux route…) as the
// transaction engine sees it: a stable key, a JSON-serialisable value, and the backend it lives in.
//
// Key convention: `/`-separated parts, the first part names the backend
// (`vpp/interface/loop0`, `linux/ns1/route/0.0.0.0%2F0`). A part that itself contains `/`
// (a prefix) or `%` is escaped with percent-encoding of exactly those two characters, so
// splitting a key on `/` always gives back the parts.

export interface Item {
  readonly key: string;
  readonly value: unknown;
  readonly backend: string;
}

/** Escapes one key part: `%` → `%25`, `/` → `%2F`. */
export function escapeKeyPart(part: string): string {
  return part.replace(/%/g, '%25').replace(/\//g, '%2F');
}

/** Reverses escapeKeyPart. */
export function unescapeKeyPart(part: string): string {
  return part.replace(/%2F/gi, '/').replace(/%25/g, '%');
}

/** Builds a key from raw (unescaped) parts: makeKey('linux', 'ns1', 'route', '0.0.0.0/0'). */
export function makeKey(...parts: readonly string[]): string {
  if (parts.length === 0) throw new Error('a key needs at least one part');
  return parts.map(escapeKeyPart).join('/');
}

/** Splits a key into its raw (unescaped) parts. */
export function splitKey(key: string): string[] {
  return key.split('/').map(unescapeKeyPart);
}

/** The backend a key belongs to by convention (its first part). */
export function backendOfKey(key: string): string {
  const slash = key.indexOf('/');
  return unescapeKeyPart(slash < 0 ? key : key.slice(0, slash));
}

/** JSON text with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      out[k] = sortKeys((value as Record<string, unknown>)[k]);
    }
    return out;
  }
  return value;
}

/** Structural equality of two JSON-serialisable values. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
