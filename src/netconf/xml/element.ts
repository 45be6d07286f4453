// The light element tree an operation reads its parameters from: name, namespace, attributes,
// children and text, with prefix resolution for QName values (an identityref in <format>, an
// XPath in select="..."). It keeps saxes' open tag objects, so replaying an element into a
// SAX-level consumer (XmlDataDecoder) hands it exactly what the parser saw.
import type { XmlOpenTag } from '../../datastore/xml-content-decoder.js';
import type { XmlAttribute } from '../../datastore/edit-attributes.js';
import { XMLNS_NS, XML_NS } from './namespaces.js';

/** Anything that takes namespace-resolved SAX events: XmlDataDecoder is one, a filter parser may be another. */
export interface ContentSink {
  openTag(tag: XmlOpenTag): void;
  text(text: string): void;
  closeTag(): void;
}

export class XmlElement {
  /** Content in document order: elements and text segments (kept apart from `children` for mixed content). */
  readonly nodes: (XmlElement | string)[] = [];
  /**
   * Set when the operation streamed this element's content into a sink while the message was
   * parsed (see StreamedParameter): the sink holds the content and `nodes` stays empty.
   */
  sink: ContentSink | undefined;

  constructor(
    /** The tag as saxes reported it (namespace-resolved). */
    readonly tag: XmlOpenTag,
    readonly parent: XmlElement | null,
  ) {}

  /** Local name. */
  get name(): string {
    return this.tag.local;
  }

  get prefix(): string {
    return this.tag.prefix;
  }

  /** Namespace URI ('' for none). */
  get namespace(): string {
    return this.tag.uri;
  }

  /** Attributes other than namespace declarations. */
  get attributes(): XmlAttribute[] {
    return Object.values(this.tag.attributes).filter((a) => a.uri !== XMLNS_NS && a.name !== 'xmlns');
  }

  /** Child elements in document order. */
  get children(): XmlElement[] {
    return this.nodes.filter((n): n is XmlElement => typeof n !== 'string');
  }

  /** The element's own text (its text segments joined, child elements' text excluded). */
  get text(): string {
    let out = '';
    for (const n of this.nodes) if (typeof n === 'string') out += n;
    return out;
  }

  /** The namespace a prefix is bound to here ('' = the default namespace); undefined when unbound. */
  resolvePrefix(prefix: string): string | undefined {
    if (prefix === 'xml') return XML_NS;
    if (Object.hasOwn(this.tag.ns, prefix)) return this.tag.ns[prefix];
    for (let e = this.parent; e !== null; e = e.parent) {
      const ns = e.tag.ns;
      if (Object.hasOwn(ns, prefix)) return ns[prefix];
    }
    return prefix === '' ? '' : undefined;
  }

  /** Every binding in scope here, innermost wins (for a decoder that takes the content elsewhere). */
  bindingsInScope(): Record<string, string> {
    const chain: XmlElement[] = [];
    chain.push(this);
    for (let e = this.parent; e !== null; e = e.parent) chain.push(e);
    const out: Record<string, string> = {};
    for (const e of chain.reverse()) Object.assign(out, e.tag.ns);
    return out;
  }

  /** The first child element with this namespace and local name. */
  child(namespace: string, name: string): XmlElement | undefined {
    for (const n of this.nodes) if (typeof n !== 'string' && n.name === name && n.namespace === namespace) return n;
    return undefined;
  }

  /** Every child element with this namespace and local name. */
  childrenNamed(namespace: string, name: string): XmlElement[] {
    return this.children.filter((c) => c.name === name && c.namespace === namespace);
  }

  /** An attribute's value by local name and namespace ('' = unqualified, the usual case). */
  attribute(local: string, namespace = ''): string | undefined {
    for (const a of Object.values(this.tag.attributes)) if (a.local === local && a.uri === namespace) return a.value;
    return undefined;
  }

  /**
   * Replays this element's content (not the element itself) into a SAX-level consumer, in
   * document order. Iterative, so a deep document cannot overflow the stack.
   */
  replayContent(sink: ContentSink): void {
    const stack: { el: XmlElement; i: number }[] = [{ el: this, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { el: XmlElement; i: number };
      if (top.i >= top.el.nodes.length) {
        stack.pop();
        if (stack.length > 0) sink.closeTag();
        continue;
      }
      const n = top.el.nodes[top.i++] as XmlElement | string;
      if (typeof n === 'string') {
        sink.text(n);
      } else {
        sink.openTag(n.tag);
        stack.push({ el: n, i: 0 });
      }
    }
  }
}

/** Trimmed text of an optional element (undefined when the element is absent). */
export function textOf(el: XmlElement | undefined): string | undefined {
  return el === undefined ? undefined : el.text.trim();
}

/** `prefix:local` split, with '' as the prefix of an unprefixed name. */
export function splitQName(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}
