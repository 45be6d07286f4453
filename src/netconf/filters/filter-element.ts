// The content of a NETCONF <filter> as a light, namespace-resolved element tree: what the
// subtree filter evaluates, and where an :xpath filter's select finds its prefixes. The NETCONF
// layer builds it from its own SAX events; parseFilterXml builds it from text (tests, callers
// that hold the filter as a string).
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { ErrorTag, ErrorType } from '../../datastore/decode-error.js';

export interface FilterAttribute {
  /** Local name. */
  name: string;
  /** '' for an unqualified attribute. */
  namespace: string;
  value: string;
}

export interface FilterElement {
  /** Local name. */
  name: string;
  /** The element's namespace URI; '' when it has none (xmlns=""). */
  namespace: string;
  /** Attributes other than namespace declarations. */
  attributes: FilterAttribute[];
  children: FilterElement[];
  /** The character data directly inside the element (CDATA included), as written. */
  text: string;
  /** prefix → namespace URI in scope at this element ('' = the default namespace). */
  nsInScope: (prefix: string) => string | undefined;
}

/** An rpc-error a filter produces (the NETCONF layer adds error-info and the envelope). */
export interface FilterError {
  tag: ErrorTag;
  type: ErrorType;
  message: string;
  path?: string;
}

export type FilterParseResult = { ok: true; elements: FilterElement[] } | { ok: false; error: FilterError };

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** true for an xmlns / xmlns:p attribute (callers building elements from other parsers may pass them). */
export function isNamespaceDeclaration(a: { name: string; namespace: string }): boolean {
  return a.namespace === XMLNS_NS || a.name === 'xmlns' || a.name.startsWith('xmlns:');
}

type Outer = Readonly<Record<string, string>> | ((prefix: string) => string | undefined);

class Stop extends Error {}

/**
 * Parses filter content: zero or more elements (a fragment), e.g. the text between
 * <filter type="subtree"> and </filter>. `namespaces` are the bindings in scope around it
 * ('' = default namespace), e.g. those of the <rpc> and <filter> elements.
 */
export function parseFilterXml(xml: string, namespaces: Outer = {}): FilterParseResult {
  const outer = typeof namespaces === 'function' ? namespaces : (p: string) => (Object.hasOwn(namespaces, p) ? namespaces[p] : undefined);
  const parser = new SaxesParser({ xmlns: true, fragment: true, resolvePrefix: outer });
  const top: FilterElement[] = [];
  const stack: FilterElement[] = [];
  let error: string | undefined;
  parser.on('doctype', () => {
    error = 'a filter may not contain a DOCTYPE';
    throw new Stop();
  });
  parser.on('error', (e) => {
    const message = e.message.replace(/^\d+:\d+: /, '');
    if (message === 'document must contain a root element.') return; // an empty filter is allowed
    error = message;
    throw new Stop();
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const parentScope = stack[stack.length - 1]?.nsInScope ?? outer;
    const el: FilterElement = {
      name: tag.local,
      namespace: tag.uri,
      attributes: [],
      children: [],
      text: '',
      nsInScope: scopeOf(tag.ns, parentScope),
    };
    for (const a of Object.values(tag.attributes)) {
      const attr = { name: a.local, namespace: a.uri, value: a.value };
      if (!isNamespaceDeclaration({ name: a.name, namespace: a.uri })) el.attributes.push(attr);
    }
    const parent = stack[stack.length - 1];
    (parent === undefined ? top : parent.children).push(el);
    stack.push(el);
  });
  const text = (t: string): void => {
    const el = stack[stack.length - 1];
    if (el !== undefined) el.text += t;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  if (error !== undefined) {
    return { ok: false, error: { tag: 'malformed-message', type: 'rpc', message: `the filter is not well-formed XML: ${error}` } };
  }
  return { ok: true, elements: top };
}

function scopeOf(declared: Record<string, string>, parent: (prefix: string) => string | undefined): (prefix: string) => string | undefined {
  const keys = Object.keys(declared);
  if (keys.length === 0) return parent;
  return (p) => (Object.hasOwn(declared, p) ? declared[p] : parent(p));
}
