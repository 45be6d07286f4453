// The operation interface and the table the session dispatches through. One operation = one file
// in this folder exporting an OperationDefinition; index.ts lists them. Lookup is by the
// operation element's (namespace, local name), so a YANG-defined rpc of any module plugs in the
// same way as the base operations.
//
// An operation the table lacks is answered as follows (RFC 6241 §4.3 and appendix A, and what
// libnetconf2 / Netopeer2 do for an rpc without a callback):
// - namespace of no loaded module       → unknown-namespace, error-type protocol, bad-element + bad-namespace;
// - an rpc the loaded modules define     → operation-not-supported, error-type protocol
//   (the request is understood, this server does not implement it);
// - any other element                    → unknown-element, error-type protocol, bad-element.
import type { DataTree } from '../../datastore/data-tree.js';
import type { XmlEncodeOptions } from '../../datastore/xml-encoder.js';
import type { Schema } from '../../validation/schema.js';
import type { RpcError } from '../rpc-error.js';
import type { XmlElement } from '../xml/element.js';
import type { OperationLookup, StreamedParameter } from '../xml/message-parser.js';
import type { OperationContext } from './context.js';

/** One <rpc> as an operation receives it. */
export interface RpcRequest {
  readonly messageId: string;
  /**
   * The operation element (name, namespace, attributes); its parameters are its children as
   * light elements, except streamed parameters, whose element holds the sink that decoded them.
   */
  readonly operation: XmlElement;
}

/**
 * What an operation answers. `afterReply` runs once the reply is written and before the next
 * request of the session starts (close-session closes there, create-subscription subscribes).
 */
export type RpcOutcome = (
  /** <ok/> */
  | { kind: 'ok' }
  /** <data> (base namespace) holding the encoded tree: get, get-config. */
  | { kind: 'data'; tree: DataTree; encode?: XmlEncodeOptions }
  /** A YANG rpc's output: the tree (root = the rpc's output) encoded directly in <rpc-reply>. */
  | { kind: 'output'; tree: DataTree }
  /** Reply content as XML text, each top element declaring its namespace (get-schema's <data>). */
  | { kind: 'xml'; xml: string }
  | { kind: 'errors'; errors: readonly [RpcError, ...RpcError[]] }
) & { afterReply?: () => void | Promise<void> };

export type OperationHandler = (request: RpcRequest, ctx: OperationContext) => Promise<RpcOutcome>;

export interface OperationDefinition {
  readonly namespace: string;
  /** Local name of the operation element. */
  readonly name: string;
  /** Parameters decoded while the message is parsed (large data: <config>, a YANG rpc's input). */
  readonly streamed?: readonly StreamedParameter[];
  readonly handler: OperationHandler;
}

// ---- outcome helpers --------------------------------------------------------------------------

export const ok = (afterReply?: () => void | Promise<void>): RpcOutcome =>
  (afterReply === undefined ? { kind: 'ok' } : { kind: 'ok', afterReply });

export function fail(first: RpcError, ...rest: RpcError[]): RpcOutcome {
  return { kind: 'errors', errors: [first, ...rest] };
}

/** invalid-value for a parameter, with the element named in error-info. */
export function invalidValue(element: string, message: string, type: RpcError['type'] = 'protocol'): RpcError {
  return { type, tag: 'invalid-value', message, info: { badElement: element } };
}

/** missing-element for a mandatory parameter. */
export function missingElement(element: string, message: string, type: RpcError['type'] = 'protocol'): RpcError {
  return { type, tag: 'missing-element', message, info: { badElement: element } };
}

// ---- the table --------------------------------------------------------------------------------

const keyOf = (namespace: string, name: string): string => `${namespace}\u0000${name}`;

export class OperationRegistry {
  private readonly table = new Map<string, OperationDefinition>();

  constructor(definitions: readonly OperationDefinition[] = []) {
    for (const d of definitions) this.register(d);
  }

  /** Adds an operation; registering the same (namespace, name) twice is a programming error. */
  register(definition: OperationDefinition): this {
    const key = keyOf(definition.namespace, definition.name);
    if (this.table.has(key)) throw new Error(`operation ${definition.name} (${definition.namespace}) is registered twice`);
    this.table.set(key, definition);
    return this;
  }

  get(namespace: string, name: string): OperationDefinition | undefined {
    return this.table.get(keyOf(namespace, name));
  }

  list(): OperationDefinition[] {
    return [...this.table.values()];
  }

  /** The parser's view: which operations exist and which of their parameters are streamed. */
  readonly lookup: OperationLookup = (namespace, name) => this.get(namespace, name);
}

/** The rpc-error for an operation element the table does not have (see the header). */
export function unsupportedOperation(schema: Schema, operation: XmlElement): RpcError {
  const { namespace, name } = operation;
  const module = schema.moduleByNamespace(namespace);
  if (module === undefined) {
    return {
      type: 'protocol', tag: 'unknown-namespace', info: { badElement: name, badNamespace: namespace },
      message: namespace === ''
        ? `operation <${name}> has no namespace: declare the namespace of the module that defines it`
        : `operation <${name}> is in namespace ${namespace}, which belongs to no module this server implements`,
    };
  }
  if (schema.rpc(module.name, name) !== undefined) {
    return {
      type: 'protocol', tag: 'operation-not-supported',
      message: `operation ${module.name}:${name} is defined by a loaded module but not implemented by this server`,
    };
  }
  return {
    type: 'protocol', tag: 'unknown-element', info: { badElement: name },
    message: `<${name}> is not an operation of module ${module.name}`,
  };
}
