// One inbound NETCONF message (a framed unit of bytes) → a <hello>, an <rpc> ready to dispatch,
// or the reason it cannot be answered normally. saxes with namespaces, strict XML 1.0; a DOCTYPE
// (and with it any entity declaration) is refused. <rpc> and <hello> are recognised by namespace
// and local name, whatever the prefix (ncclient sends <nc:rpc>).
//
// The operation's content becomes a light element tree, except where the operation declares a
// streamed parameter (edit-config's <config>, a YANG rpc's whole input): that element's content is
// forwarded event by event to a sink (XmlDataDecoder) while saxes parses, so large data is never
// held twice. An unknown operation's content is only checked for well-formedness.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { XmlAttribute } from '../../datastore/edit-attributes.js';
import type { Schema } from '../../validation/schema.js';
import type { RpcError } from '../rpc-error.js';
import { XmlElement, type ContentSink } from './element.js';
import { NETCONF_BASE_NS, XMLNS_NS } from './namespaces.js';

/** What a sink factory gets: the schema, the prefixes bound around the content, the parser position. */
export interface SinkEnvironment {
  schema: Schema;
  /** Resolves prefixes bound on the streamed element and its ancestors ('' = default namespace). */
  namespaces: (prefix: string) => string | undefined;
  position: () => { line: number; column: number };
}

/**
 * An operation parameter whose content is decoded while the message is parsed. `path` is the
 * chain of local names from the operation element down, each in the operation's namespace:
 * ['config'] for edit-config, ['source', 'config'] for copy-config, [] for the operation
 * element's own content (a YANG rpc's input).
 */
export interface StreamedParameter {
  readonly path: readonly string[];
  sink(env: SinkEnvironment): ContentSink;
}

/** What the parser needs to know of an operation; undefined = not implemented. */
export type OperationLookup = (namespace: string, name: string) => { streamed?: readonly StreamedParameter[] } | undefined;

export interface ParseOptions {
  /** The session's phase: the client's <hello>, or an <rpc>. */
  expect: 'hello' | 'rpc';
  lookup?: OperationLookup;
  /** Needed for streamed parameters; without it they are kept as light elements. */
  schema?: Schema;
}

/** What the reply must repeat of the <rpc> (RFC 6241 §4.2). */
export interface RpcEnvelope {
  /** undefined when the <rpc> had none (or the parse failed before it was seen). */
  messageId: string | undefined;
  /** The other attributes of <rpc>, echoed on <rpc-reply>. */
  echo: readonly XmlAttribute[];
  /** Declarations the echoed attributes' prefixes need. */
  echoNamespaces: Readonly<Record<string, string>>;
}

export type ParsedMessage =
  | { kind: 'hello'; hello: XmlElement }
  | { kind: 'rpc'; envelope: RpcEnvelope & { messageId: string }; operation: XmlElement; known: boolean }
  /** A well-formed message that is not a correct <rpc>: answer with these errors. */
  | { kind: 'bad-rpc'; envelope: RpcEnvelope | undefined; errors: [RpcError, ...RpcError[]] }
  /** Not well-formed XML (or a DOCTYPE, or not UTF-8). */
  | { kind: 'malformed'; envelope: RpcEnvelope | undefined; message: string }
  /** Expecting a hello, got something else or nothing usable: the session ends (RFC 6241 §8.1). */
  | { kind: 'bad-hello'; message: string };

type Frame =
  | { kind: 'rpc'; el: XmlElement }
  /** `pending`: streamed parameters whose path may still end below; `depth` below the operation element. */
  | { kind: 'light'; el: XmlElement; pending: readonly StreamedParameter[]; depth: number }
  /** The streamed element itself: its end tag is not forwarded. */
  | { kind: 'sink-root'; sink: ContentSink }
  | { kind: 'sink'; sink: ContentSink }
  | { kind: 'skip' };

const SKIP: Frame = { kind: 'skip' };

class Abort extends Error {}
const ABORT = new Abort('parse stopped');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one message. Never throws for what a peer sent. */
export function parseMessage(bytes: Buffer | string, options: ParseOptions): ParsedMessage {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    try {
      text = utf8.decode(bytes);
    } catch {
      return failed(options, undefined, 'the message is not valid UTF-8 (NETCONF messages are UTF-8 encoded)');
    }
  }
  // A BOM, or a line break left after the previous message's delimiter, would make an XML
  // declaration illegal; neither is content.
  text = text.replace(/^\uFEFF?[ \t\r\n]*/, '');
  return new MessageParser(options).run(text);
}

function failed(options: ParseOptions, envelope: RpcEnvelope | undefined, message: string): ParsedMessage {
  return options.expect === 'hello' ? { kind: 'bad-hello', message } : { kind: 'malformed', envelope, message };
}

class MessageParser {
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private readonly frames: Frame[] = [];
  private root: XmlElement | undefined;
  private operation: XmlElement | undefined;
  private known = true;
  private envelope: RpcEnvelope | undefined;
  private readonly errors: RpcError[] = [];
  private malformed: string | undefined;
  private notHello: string | undefined;

  constructor(private readonly options: ParseOptions) {
    const p = this.parser;
    p.on('doctype', () => this.fail('the message has a DOCTYPE: DTDs and entity declarations are not accepted in NETCONF'));
    p.on('error', (e) => this.fail(`the XML is not well-formed: ${e.message.replace(/^\d+:\d+: /, '')}`));
    p.on('opentag', (tag) => this.open(tag));
    p.on('text', (t) => this.text(t));
    p.on('cdata', (t) => this.text(t));
    p.on('closetag', () => this.close());
  }

  run(text: string): ParsedMessage {
    try {
      this.parser.write(text).close();
    } catch (e) {
      if (e !== ABORT) throw e;
    }
    const opts = this.options;
    if (this.malformed !== undefined) return failed(opts, this.envelope, this.malformed);
    if (opts.expect === 'hello') {
      if (this.notHello !== undefined || this.root === undefined) return { kind: 'bad-hello', message: this.notHello ?? 'empty message' };
      return { kind: 'hello', hello: this.root };
    }
    const [first, ...rest] = this.errors;
    if (first !== undefined) return { kind: 'bad-rpc', envelope: this.envelope, errors: [first, ...rest] };
    const env = this.envelope;
    if (env?.messageId === undefined || this.operation === undefined) {
      // Both cases record an error above; this keeps the types honest.
      return { kind: 'bad-rpc', envelope: env, errors: [{ type: 'rpc', tag: 'missing-element', message: 'the <rpc> holds no operation' }] };
    }
    return { kind: 'rpc', envelope: { ...env, messageId: env.messageId }, operation: this.operation, known: this.known };
  }

  private fail(message: string): never {
    this.malformed ??= message;
    throw ABORT;
  }

  private open(tag: SaxesTagNS): void {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined) {
      this.openRoot(tag);
      return;
    }
    switch (top.kind) {
      case 'skip':
        this.frames.push(SKIP);
        return;
      case 'sink-root': case 'sink':
        top.sink.openTag(tag);
        this.frames.push({ kind: 'sink', sink: top.sink });
        return;
      case 'rpc':
        this.openOperation(top.el, tag);
        return;
      case 'light': {
        const el = new XmlElement(this.parameterTag(tag, top.el, top.depth), top.el);
        top.el.nodes.push(el);
        if (top.pending.length === 0) this.frames.push({ kind: 'light', el, pending: top.pending, depth: top.depth + 1 });
        else this.descend(el, top.pending, top.depth + 1);
      }
    }
  }

  private openRoot(tag: SaxesTagNS): void {
    const el = new XmlElement(tag, null);
    const isBase = tag.uri === NETCONF_BASE_NS;
    if (this.options.expect === 'hello') {
      if (!isBase || tag.local !== 'hello') {
        this.notHello = `expected <hello> in namespace ${NETCONF_BASE_NS}, got <${tag.name}>${tag.uri === '' ? ' without a namespace' : ` in ${tag.uri}`}`;
        throw ABORT;
      }
      this.root = el;
      this.frames.push({ kind: 'light', el, pending: [], depth: 0 });
      return;
    }
    if (!isBase || tag.local !== 'rpc') {
      const what = isBase && tag.local === 'hello' ? 'a second <hello>' : `<${tag.name}>${tag.uri === '' ? ' without a namespace' : ` in namespace ${tag.uri}`}`;
      this.errors.push({
        type: 'rpc', tag: 'unknown-element', info: { badElement: tag.local },
        message: `expected an <rpc> in namespace ${NETCONF_BASE_NS}, got ${what}`,
      });
      this.frames.push(SKIP);
      return;
    }
    this.root = el;
    this.envelope = envelopeOf(tag);
    if (this.envelope.messageId === undefined) {
      // RFC 6241 §4.1: a missing message-id is answered with missing-attribute.
      this.errors.push({
        type: 'rpc', tag: 'missing-attribute', info: { badAttribute: 'message-id', badElement: 'rpc' },
        message: 'the <rpc> has no message-id attribute',
      });
    }
    this.frames.push({ kind: 'rpc', el });
  }

  private openOperation(rpc: XmlElement, tag: SaxesTagNS): void {
    if (this.operation !== undefined) {
      this.errors.push({
        type: 'rpc', tag: 'unknown-element', info: { badElement: tag.local },
        message: `an <rpc> holds exactly one operation: <${tag.name}> follows <${this.operation.tag.name}>`,
      });
      this.frames.push(SKIP);
      return;
    }
    const el = new XmlElement(tag, rpc);
    rpc.nodes.push(el);
    this.operation = el;
    const lookup = this.options.lookup;
    const found = lookup === undefined ? {} : lookup(tag.uri, tag.local);
    if (found === undefined) {
      // Unknown: the session answers without reading the content, so none of it is kept.
      this.known = false;
      this.frames.push(SKIP);
      return;
    }
    this.descend(el, found.streamed ?? [], 0);
  }

  /**
   * ncclient and Ansible write edit-config's <config> (and Ansible <source>/<target> content) in no
   * namespace: parameters of a base operation, and the datastore names inside <source> / <target>,
   * written unqualified are taken as base-namespace parameters. Data inside them is never touched.
   */
  private parameterTag(tag: SaxesTagNS, parent: XmlElement, parentDepth: number): SaxesTagNS {
    if (tag.uri !== '' || parentDepth > 1 || this.operation?.namespace !== NETCONF_BASE_NS) return tag;
    if (parent.namespace !== NETCONF_BASE_NS) return tag;
    if (parentDepth === 1 && parent.name !== 'source' && parent.name !== 'target') return tag;
    return { ...tag, uri: NETCONF_BASE_NS };
  }

  /**
   * Pushes the frame for a new element at `depth` below the operation: a sink when a streamed
   * parameter's path ends here, else a light element that remembers which paths may still match.
   */
  private descend(el: XmlElement, candidates: readonly StreamedParameter[], depth: number): void {
    const schema = this.options.schema;
    const opNs = this.operation?.namespace;
    const pending = depth === 0 ? candidates
      : candidates.filter((s) => s.path[depth - 1] === el.name && el.namespace === opNs);
    const here = pending.find((s) => s.path.length === depth);
    if (here !== undefined && schema !== undefined) {
      const p = this.parser;
      const sink = here.sink({ schema, namespaces: (prefix) => el.resolvePrefix(prefix), position: () => ({ line: p.line, column: p.column }) });
      el.sink = sink;
      this.frames.push({ kind: 'sink-root', sink });
      return;
    }
    this.frames.push({ kind: 'light', el, pending: pending.filter((s) => s.path.length > depth), depth });
  }

  private text(t: string): void {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined) return;
    switch (top.kind) {
      case 'light': top.el.nodes.push(t); return;
      case 'sink-root': case 'sink': top.sink.text(t); return;
      case 'rpc':
        if (/\S/.test(t) && this.errors.length === 0) {
          this.errors.push({ type: 'rpc', tag: 'bad-element', info: { badElement: 'rpc' }, message: 'text is not allowed directly inside <rpc>' });
        }
        return;
      case 'skip': return;
    }
  }

  private close(): void {
    const top = this.frames.pop();
    if (top?.kind === 'sink') top.sink.closeTag();
  }
}

function envelopeOf(tag: SaxesTagNS): RpcEnvelope {
  let messageId: string | undefined;
  const echo: XmlAttribute[] = [];
  const echoNamespaces: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.uri === XMLNS_NS || a.name === 'xmlns') continue;
    if (a.uri === '' && a.local === 'message-id') {
      messageId = a.value;
      continue;
    }
    echo.push(a);
    if (a.prefix !== '' && a.prefix !== 'xml' && Object.hasOwn(tag.ns, a.prefix)) echoNamespaces[a.prefix] = a.uri;
  }
  return { messageId, echo, echoNamespaces };
}
