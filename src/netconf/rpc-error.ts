// The <rpc-error> model (RFC 6241 §4.3, appendix A) and its XML, plus the converters from what
// the lower layers report: DecodeError (the XML / JSON codecs) and libyang's ValidationError.
// What reaches a client is always one of these: an unexpected exception becomes a generic
// operation-failed that carries only a reference to the log line (never exception text).
import { randomBytes } from 'node:crypto';
import type { DecodeError, ErrorTag, ErrorType } from '../datastore/decode-error.js';
import { netconfErrorFor } from '../datastore/decode-error.js';
import { escapeAttribute, escapeText } from '../datastore/xml-escape.js';
import type { ValidationError } from '../validation/libyang.js';
import type { Schema } from '../validation/schema.js';

export type { ErrorTag, ErrorType } from '../datastore/decode-error.js';

/** An XML instance path for <error-path> and the prefix → namespace bindings it uses. */
export interface ErrorPath {
  path: string;
  namespaces: Readonly<Record<string, string>>;
}

/** <error-info> content. RFC 6241 appendix A says which tag carries which field. */
export interface ErrorInfo {
  badElement?: string;
  badAttribute?: string;
  badNamespace?: string;
  /** lock-denied / in-use: the session holding the resource (0 when not a NETCONF session). */
  sessionId?: number;
  /** More error-info elements as XML text, each declaring the namespaces it uses. */
  elements?: readonly string[];
}

export interface RpcError {
  type: ErrorType;
  tag: ErrorTag;
  /** Default 'error'. */
  severity?: 'error' | 'warning';
  appTag?: string;
  path?: ErrorPath;
  /** A sentence a person can act on (sent with xml:lang="en"). */
  message?: string;
  info?: ErrorInfo;
}

const ERROR_TAGS: ReadonlySet<string> = new Set<ErrorTag>([
  'in-use', 'invalid-value', 'too-big', 'missing-attribute', 'bad-attribute', 'unknown-attribute',
  'missing-element', 'bad-element', 'unknown-element', 'unknown-namespace', 'access-denied',
  'lock-denied', 'resource-denied', 'rollback-failed', 'data-exists', 'data-missing',
  'operation-not-supported', 'operation-failed', 'partial-operation', 'malformed-message',
]);

export function isErrorTag(tag: string): tag is ErrorTag {
  return ERROR_TAGS.has(tag);
}

/**
 * Thrown by an operation handler to answer with rpc-errors from deep inside its call chain;
 * the session turns it into the reply (it is not an "unexpected" exception).
 */
export class RpcErrorException extends Error {
  override readonly name = 'RpcErrorException';
  readonly errors: readonly [RpcError, ...RpcError[]];
  constructor(first: RpcError, ...rest: RpcError[]) {
    super(first.message ?? first.tag);
    this.errors = [first, ...rest];
  }
}

// ---- XML ------------------------------------------------------------------------------------

function element(name: string, text: string): string {
  return `<${name}>${escapeText(text)}</${name}>`;
}

/** One <rpc-error> element in the NETCONF base namespace (in scope as the default namespace). */
export function renderRpcError(e: RpcError): string {
  let out = '<rpc-error>';
  out += element('error-type', e.type);
  out += element('error-tag', e.tag);
  out += element('error-severity', e.severity ?? 'error');
  if (e.appTag !== undefined) out += element('error-app-tag', e.appTag);
  if (e.path !== undefined && e.path.path !== '') {
    let decls = '';
    for (const [prefix, ns] of Object.entries(e.path.namespaces)) decls += ` xmlns:${prefix}="${escapeAttribute(ns)}"`;
    out += `<error-path${decls}>${escapeText(e.path.path)}</error-path>`;
  }
  if (e.message !== undefined) out += `<error-message xml:lang="en">${escapeText(e.message)}</error-message>`;
  const info = e.info;
  if (info !== undefined) {
    let body = '';
    if (info.badAttribute !== undefined) body += element('bad-attribute', info.badAttribute);
    if (info.badElement !== undefined) body += element('bad-element', info.badElement);
    if (info.badNamespace !== undefined) body += element('bad-namespace', info.badNamespace);
    if (info.sessionId !== undefined) body += element('session-id', String(info.sessionId));
    for (const x of info.elements ?? []) body += x;
    if (body !== '') out += `<error-info>${body}</error-info>`;
  }
  return `${out}</rpc-error>`;
}

// ---- converters -----------------------------------------------------------------------------

/** A codec error (bad content in <config>, an rpc input ...) as an rpc-error. */
export function fromDecodeError(e: DecodeError): RpcError {
  const { tag, type } = netconfErrorFor(e.kind);
  const out: RpcError = { type, tag, message: e.message };
  if (e.appTag !== undefined) out.appTag = e.appTag;
  if (e.xmlPath !== undefined && tag !== 'malformed-message') out.path = e.xmlPath;
  const info: ErrorInfo = {};
  switch (tag) {
    case 'unknown-namespace':
      if (e.element !== undefined) info.badElement = e.element;
      if (e.namespace !== undefined) info.badNamespace = e.namespace;
      break;
    case 'unknown-element': case 'bad-element': case 'missing-element':
      if (e.element !== undefined) info.badElement = e.element;
      break;
    case 'unknown-attribute': case 'bad-attribute': case 'missing-attribute':
      // The local name: the prefix is whatever the client chose (nc:operation, xc:operation ...).
      if (e.attribute !== undefined) info.badAttribute = e.attribute.slice(e.attribute.indexOf(':') + 1);
      if (e.element !== undefined) info.badElement = e.element;
      break;
    default:
      break;
  }
  if (Object.keys(info).length > 0) out.info = info;
  return out;
}

/** Every error of a failed decode, in order. */
export function fromDecodeErrors(errors: readonly DecodeError[]): [RpcError, ...RpcError[]] {
  const [first, ...rest] = errors.map(fromDecodeError);
  if (first === undefined) return [{ type: 'application', tag: 'operation-failed', message: 'decoding failed' }];
  return [first, ...rest];
}

/** A libyang validation error (commit, validate) as an rpc-error; its JSON path becomes an XML error-path. */
export function fromValidationError(e: ValidationError, schema: Schema): RpcError {
  const tag: ErrorTag = isErrorTag(e.errorTag) ? e.errorTag : 'operation-failed';
  const out: RpcError = { type: 'application', tag, message: e.path === '' ? e.message : `${e.message} (at ${e.path})` };
  if (e.appTag !== undefined) out.appTag = e.appTag;
  const path = e.path === '' ? undefined : jsonPathToXml(e.path, schema);
  if (path !== undefined) out.path = path;
  // libyang names the missing node itself; for unknown / bad elements its path is the parent's.
  const last = tag === 'missing-element' ? lastStepName(e.path) : undefined;
  if (last !== undefined) out.info = { badElement: last };
  return out;
}

/** A short random reference that ties a generic rpc-error to its log line. */
export function newCorrelationId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The answer to an unexpected exception: operation-failed with a reference only. The caller
 * logs the exception itself with the same reference.
 */
export function internalError(correlationId: string): RpcError {
  return {
    type: 'application',
    tag: 'operation-failed',
    message: `internal error in the agent (reference ${correlationId}); the agent log has the details`,
  };
}

// ---- JSON instance path → XML error-path -----------------------------------------------------

/** Splits "/a:b/c[k='x/y']/d" into steps, keeping predicates (and slashes inside quotes) intact. */
function splitSteps(path: string): string[] | undefined {
  const steps: string[] = [];
  let cur = '';
  let quote = '';
  let depth = 0;
  for (const ch of path) {
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '[') {
      depth++;
    } else if (ch === ']') {
      depth--;
    } else if (ch === '/' && depth === 0) {
      if (cur !== '') steps.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (quote !== '' || depth !== 0) return undefined;
  if (cur !== '') steps.push(cur);
  return steps;
}

function lastStepName(path: string): string | undefined {
  const last = splitSteps(path)?.at(-1);
  if (last === undefined) return undefined;
  const name = last.replace(/\[.*$/s, '');
  return name.slice(name.indexOf(':') + 1);
}

/**
 * "/ietf-interfaces:interfaces/interface[name='eth0']/mtu" (RFC 7951, as libyang reports it) →
 * "/if:interfaces/if:interface[if:name='eth0']/if:mtu" with the bindings; undefined when a
 * module is unknown or the path does not parse (the message still names the path then).
 */
export function jsonPathToXml(path: string, schema: Schema): ErrorPath | undefined {
  const steps = splitSteps(path);
  if (steps === undefined || !path.startsWith('/')) return undefined;
  const namespaces: Record<string, string> = {};
  const prefixOf = (module: string): string | undefined => {
    const ns = schema.namespaceOf(module);
    if (ns === undefined) return undefined;
    const p = schema.xmlPrefix(module);
    namespaces[p] = ns;
    return p;
  };
  let module: string | undefined;
  let out = '';
  for (const step of steps) {
    const m = /^(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)((?:\[.*\])?)$/s.exec(step);
    if (m === null) return undefined;
    module = m[1] ?? module;
    if (module === undefined) return undefined;
    const prefix = prefixOf(module);
    if (prefix === undefined) return undefined;
    const preds = m[3] ?? '';
    const current = module;
    // Qualify key names (not ".", not positions) and module-qualified identity values.
    const fixed = preds.replace(/\[([A-Za-z_][\w.-]*)=/g, (_s, key: string) => `[${prefix}:${key}=`)
      .replace(/(['"])([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)\1/g, (s, q: string, mod: string, id: string) => {
        if (schema.module(mod) === undefined) return s;
        const p = prefixOf(mod);
        return p === undefined ? s : `${q}${p}:${id}${q}`;
      });
    out += `/${prefix}:${m[2] ?? ''}${fixed}`;
    module = current;
  }
  return { path: out, namespaces };
}
