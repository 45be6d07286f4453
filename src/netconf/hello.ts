// The hello exchange (RFC 6241 §8.1). The server sends its <hello> (capabilities and the
// session-id) as soon as the session opens, EOM-framed; the client's <hello> is checked here:
// - it must not carry a <session-id> (the server MUST then terminate the session);
// - it must list a base protocol version the server speaks (1.0 or 1.1), else terminate;
// - exactly one <capabilities> in the base namespace; elements of other namespaces are ignored
//   (extensibility), other base-namespace elements refuse the hello (as libnetconf2 does).
// Both peers announcing base:1.1 selects chunked framing (RFC 6242 §4.1).
import { escapeText } from '../datastore/xml-escape.js';
import { CAPABILITY } from './capabilities.js';
import type { XmlElement } from './xml/element.js';
import { NETCONF_BASE_NS } from './xml/namespaces.js';

export function renderServerHello(capabilities: readonly string[], sessionId: number): string {
  let caps = '';
  for (const c of capabilities) caps += `<capability>${escapeText(c)}</capability>`;
  return `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${NETCONF_BASE_NS}"><capabilities>${caps}</capabilities><session-id>${sessionId}</session-id></hello>`;
}

export interface ClientHello {
  capabilities: string[];
  /** The framing and protocol version for the rest of the session. */
  version: '1.0' | '1.1';
}

export type HelloCheck = { ok: true; hello: ClientHello } | { ok: false; reason: string };

/** Checks a client <hello> element (already known to be <hello> in the base namespace). */
export function readClientHello(hello: XmlElement): HelloCheck {
  let capsElement: XmlElement | undefined;
  for (const child of hello.children) {
    if (child.namespace !== NETCONF_BASE_NS) continue;
    if (child.name === 'session-id') return { ok: false, reason: 'the client <hello> carries a <session-id> (RFC 6241 §8.1)' };
    if (child.name !== 'capabilities') return { ok: false, reason: `unexpected <${child.name}> in the client <hello>` };
    if (capsElement !== undefined) return { ok: false, reason: 'the client <hello> has more than one <capabilities>' };
    capsElement = child;
  }
  if (capsElement === undefined) return { ok: false, reason: 'the client <hello> has no <capabilities>' };
  const capabilities: string[] = [];
  for (const c of capsElement.children) {
    if (c.namespace !== NETCONF_BASE_NS || c.name !== 'capability') {
      return { ok: false, reason: `unexpected <${c.name}> in the client's <capabilities>` };
    }
    const uri = c.text.trim();
    if (uri === '') return { ok: false, reason: 'the client <hello> has an empty <capability>' };
    capabilities.push(uri);
  }
  const has11 = capabilities.includes(CAPABILITY.base11);
  if (!has11 && !capabilities.includes(CAPABILITY.base10)) {
    return { ok: false, reason: 'the client <hello> announces neither base:1.0 nor base:1.1, so there is no protocol version in common' };
  }
  return { ok: true, hello: { capabilities, version: has11 ? '1.1' : '1.0' } };
}
