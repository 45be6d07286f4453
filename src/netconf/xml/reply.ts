// The <rpc-reply> envelope (RFC 6241 §4.2): the base namespace as the default namespace, the
// message-id and every other attribute of the <rpc> repeated, with the declarations their
// prefixes need so that the reply is well-formed on its own.
import { escapeAttribute } from '../../datastore/xml-escape.js';
import { renderRpcError, type RpcError } from '../rpc-error.js';
import type { RpcEnvelope } from './message-parser.js';
import { NETCONF_BASE_NS } from './namespaces.js';

/** `<rpc-reply ...>` + body + `</rpc-reply>`; without an envelope (message-id unknown) the reply has no message-id. */
export function renderReply(envelope: RpcEnvelope | undefined, body: string): string {
  let head = `<rpc-reply xmlns="${NETCONF_BASE_NS}"`;
  if (envelope !== undefined) {
    if (envelope.messageId !== undefined) head += ` message-id="${escapeAttribute(envelope.messageId)}"`;
    for (const [prefix, ns] of Object.entries(envelope.echoNamespaces)) head += ` xmlns:${prefix}="${escapeAttribute(ns)}"`;
    for (const a of envelope.echo) head += ` ${a.name}="${escapeAttribute(a.value)}"`;
  }
  return `${head}>${body}</rpc-reply>`;
}

export function renderErrorsBody(errors: readonly RpcError[]): string {
  return errors.map(renderRpcError).join('');
}

export const OK_BODY = '<ok/>';
