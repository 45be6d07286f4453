// Whole XML documents → data tree: decodeXml(schema, xml), decodeXmlStream(schema, chunks), or
// new XmlDocumentDecoder(schema).write(chunk)...close(). It drives its own saxes parser
// (xmlns: true, strict XML 1.0) and feeds the events to the SAX-level XmlDataDecoder
// (xml-content-decoder.ts), which the NETCONF layer can also feed directly from its own parser.
// The top-level elements are the data (several are fine, an empty document is empty data), or,
// with `wrapped`, the children of the document element (a <config> or <data> file). A DOCTYPE
// (and so any entity declaration) and anything saxes calls malformed end decoding.
import { SaxesParser } from 'saxes';
import type { Schema } from '../validation/schema.js';
import { XmlDataDecoder, type XmlDecodeOptions, type XmlDecodeResult } from './xml-content-decoder.js';

export { XmlDataDecoder, type XmlDecodeOptions, type XmlDecodeResult, type XmlOpenTag } from './xml-content-decoder.js';

/** Thrown inside saxes callbacks to stop the parser; never escapes this module. */
class Abort extends Error {}
const ABORT = new Abort('decoding stopped');

export class XmlDocumentDecoder {
  private readonly content: XmlDataDecoder;
  private readonly parser: SaxesParser<{ xmlns: true }>;
  /** The start of the input while it may still be an XML declaration (null once decided). */
  private head: string | null = '';

  constructor(schema: Schema, private readonly options: XmlDecodeOptions = {}) {
    const fragment = options.wrapped !== true;
    const p = new SaxesParser({ xmlns: true, fragment, resolvePrefix: (prefix: string) => this.content.resolveOuter(prefix) });
    this.parser = p;
    this.content = new XmlDataDecoder(schema, { ...options, position: () => ({ line: p.line, column: p.column }) });
    p.on('doctype', () => this.fatal('doctype', 'the document has a DOCTYPE: DTDs and entity declarations are not accepted'));
    p.on('error', (e) => {
      const message = e.message.replace(/^\d+:\d+: /, '');
      if (fragment && message === 'document must contain a root element.') return; // empty data is fine
      this.fatal(/doctype/i.test(message) ? 'doctype' : 'malformed', `the XML is not well-formed: ${message}`);
    });
    // Once decoding has stopped, saxes is stopped at its next event — not at the event that
    // found the error, so that a well-formedness error saxes reports right after it still wins.
    p.on('opentag', (tag) => { this.abortIfStopped(); this.content.openTag(tag); });
    p.on('text', (t) => { this.abortIfStopped(); this.content.text(t); });
    p.on('cdata', (t) => { this.abortIfStopped(); this.content.text(t); });
    p.on('closetag', () => { this.abortIfStopped(); this.content.closeTag(); });
  }

  /** true once decoding has stopped at an error. */
  get stopped(): boolean {
    return this.content.stopped;
  }

  /** Feeds a chunk of the document. */
  write(chunk: string): this {
    if (this.content.stopped) return this;
    if (this.head === null) {
      this.feed(chunk);
      return this;
    }
    // saxes in fragment mode refuses an XML declaration, so it is blanked here (turned into
    // spaces, so that line and column numbers stay right). A BOM is dropped.
    this.head += chunk;
    const rest = this.head.startsWith('\uFEFF') ? this.head.slice(1) : this.head;
    if (rest.length < 6 && '<?xml '.startsWith(rest)) return this;
    let text = rest;
    if (this.options.wrapped !== true && /^<\?xml[ \t\r\n]/.test(rest)) {
      const end = rest.indexOf('?>');
      if (end < 0 && rest.length < 4096) return this;
      if (end >= 0) text = rest.slice(0, end + 2).replace(/[^\n]/g, ' ') + rest.slice(end + 2);
    }
    this.head = null;
    this.feed(text);
    return this;
  }

  /** Ends the document and returns the result. */
  close(): XmlDecodeResult {
    if (this.head !== null) {
      const pending = this.head;
      this.head = null;
      if (pending.length > 0) this.feed(pending);
    }
    if (!this.content.stopped) this.run(() => this.parser.close());
    return this.content.result();
  }

  private feed(text: string): void {
    if (!this.content.stopped) this.run(() => this.parser.write(text));
  }

  private run(step: () => void): void {
    try {
      step();
    } catch (e) {
      if (e !== ABORT) throw e;
    }
  }

  private fatal(kind: 'doctype' | 'malformed', message: string): never {
    this.content.fatal(kind, message);
    throw ABORT;
  }

  private abortIfStopped(): void {
    if (this.content.stopped) throw ABORT;
  }
}

/** Decodes a whole XML document (or a fragment of top-level data elements). */
export function decodeXml(schema: Schema, xml: string, options: XmlDecodeOptions = {}): XmlDecodeResult {
  return new XmlDocumentDecoder(schema, options).write(xml).close();
}

/** Decodes a document that arrives in chunks (strings, or UTF-8 bytes split anywhere). */
export async function decodeXmlStream(schema: Schema, chunks: AsyncIterable<string | Uint8Array>,
  options: XmlDecodeOptions = {}): Promise<XmlDecodeResult> {
  const decoder = new XmlDocumentDecoder(schema, options);
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  for await (const chunk of chunks) {
    decoder.write(typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true }));
    if (decoder.stopped) break;
  }
  const tail = utf8.decode();
  if (tail.length > 0) decoder.write(tail);
  return decoder.close();
}
