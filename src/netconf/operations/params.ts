// Reading the parameters of the base datastore operations (RFC 6241 §7) from the light element
// tree: which parameters may appear, the <source> / <target> choice, enumerated values, and
// the datastore layer's errors as rpc-errors. Every error names the element it is about
// (error-info <bad-element>) and says what to send instead.
//
// Error choices (RFC 6241 appendix A):
// - a parameter this operation does not have → unknown-element (unknown-namespace when its
//   namespace is none the operation uses), error-type protocol;
// - a mandatory parameter missing, or <source> / <target> naming nothing → missing-element;
// - <source> / <target> naming two things → bad-element;
// - <url> anywhere → operation-not-supported (no :url capability);
// - a datastore the operation does not take (startup as an edit-config target) →
//   operation-not-supported; a name that is no datastore → unknown-element;
// - an enumerated parameter with another value → invalid-value.
import type { DatastoreError, DatastoreName } from '../../datastore/datastore-set.js';
import type { DataTree } from '../../datastore/data-tree.js';
import { encodeJson } from '../../datastore/json-encoder.js';
import { datastoreRpcError } from '../datastore-services.js';
import { fromValidationError, RpcErrorException, type RpcError } from '../rpc-error.js';
import type { XmlElement } from '../xml/element.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import type { NetconfServices } from './context.js';

export const WITH_DEFAULTS_PARAM_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';

export type ParamName = readonly [namespace: string, name: string];

const base = (name: string): ParamName => [NETCONF_BASE_NS, name];

/** The base-namespace parameters named, as ParamNames. */
export function baseParams(...names: string[]): ParamName[] {
  return names.map(base);
}

export function reject(first: RpcError, ...rest: RpcError[]): never {
  throw new RpcErrorException(first, ...rest);
}

function protocol(tag: RpcError['tag'], message: string, badElement?: string): RpcError {
  return { type: 'protocol', tag, message, ...(badElement === undefined ? {} : { info: { badElement } }) };
}

/** Refuses children of the operation element other than `allowed` (and repeated ones). */
export function checkParameters(op: XmlElement, allowed: readonly ParamName[]): void {
  const namespaces = new Set(allowed.map(([ns]) => ns));
  const seen = new Set<string>();
  for (const child of op.children) {
    const known = allowed.some(([ns, name]) => ns === child.namespace && name === child.name);
    if (!known) {
      const names = allowed.map(([, n]) => `<${n}>`).join(', ');
      if (!namespaces.has(child.namespace) && child.namespace !== NETCONF_BASE_NS) {
        reject({ type: 'protocol', tag: 'unknown-namespace', info: { badElement: child.name, badNamespace: child.namespace },
          message: `<${child.name}> in namespace ${child.namespace || '(none)'} is not a parameter of <${op.name}> (it takes ${names})` });
      }
      reject(protocol('unknown-element', `<${child.name}> is not a parameter of <${op.name}>; it takes ${names}`, child.name));
    }
    const key = `${child.namespace} ${child.name}`;
    if (seen.has(key)) reject(protocol('bad-element', `<${child.name}> is given twice in <${op.name}>; give it once`, child.name));
    seen.add(key);
  }
}

/** What a <source> or <target> names. */
export type DatastoreChoice =
  | { kind: 'datastore'; name: DatastoreName }
  /** Inline <config> (the element; its content may have been streamed into a decoder). */
  | { kind: 'config'; element: XmlElement };

const DATASTORES: readonly string[] = ['running', 'candidate', 'startup'];

export interface ChoiceRules {
  /** The datastores this operation accepts here. */
  datastores: readonly DatastoreName[];
  /** Inline <config> is accepted. */
  config?: boolean;
  /** Why a datastore that exists is not accepted here (default: a generic sentence). */
  refused?: Partial<Record<DatastoreName, string>>;
}

/** Reads the mandatory <source> / <target> container of `op`. */
export function datastoreChoice(op: XmlElement, container: 'source' | 'target', rules: ChoiceRules): DatastoreChoice {
  const el = op.child(NETCONF_BASE_NS, container);
  const accepted = [...rules.datastores.map((d) => `<${d}/>`), ...(rules.config === true ? ['<config>'] : [])].join(', ');
  if (el === undefined) reject(protocol('missing-element', `<${op.name}> needs a <${container}>: one of ${accepted}`, container));
  const [first, ...more] = el.children;
  if (first === undefined) reject(protocol('missing-element', `<${container}> names nothing: give one of ${accepted}`, container));
  if (more.length > 0) {
    reject(protocol('bad-element', `<${container}> names ${el.children.map((c) => `<${c.name}>`).join(' and ')}: give exactly one of ${accepted}`, container));
  }
  if (first.namespace === NETCONF_BASE_NS) {
    if (first.name === 'url') {
      reject(protocol('operation-not-supported', `<url> is not supported: this server has no :url capability; use ${accepted}`, 'url'));
    }
    if (first.name === 'config' && rules.config === true) return { kind: 'config', element: first };
    if (DATASTORES.includes(first.name)) {
      const name = first.name as DatastoreName;
      if (rules.datastores.includes(name)) return { kind: 'datastore', name };
      reject(protocol('operation-not-supported',
        rules.refused?.[name] ?? `<${op.name}> does not take the ${name} datastore as its ${container}: use ${accepted}`, name));
    }
  }
  reject(protocol('unknown-element', `<${first.name}> is not a datastore this server knows as a ${container}: use ${accepted}`, first.name));
}

/** An optional enumerated parameter; `fallback` when absent. */
export function enumParam<T extends string>(op: XmlElement, name: string, values: readonly T[], fallback: T, namespace: string = NETCONF_BASE_NS): T {
  const el = op.child(namespace, name);
  if (el === undefined) return fallback;
  if (el.children.length > 0) reject(protocol('invalid-value', `<${name}> takes a value, not elements: one of ${values.join(', ')}`, name));
  const text = el.text.trim();
  if ((values as readonly string[]).includes(text)) return text as T;
  reject(protocol('invalid-value', `${JSON.stringify(text)} is not a valid <${name}>: use one of ${values.join(', ')}`, name));
}

/** Throws the datastore layer's errors as rpc-errors. */
export function rejectDatastore(errors: readonly [DatastoreError, ...DatastoreError[]], services: NetconfServices): never {
  const [first, ...rest] = errors;
  reject(datastoreRpcError(first, services.schema), ...rest.map((e) => datastoreRpcError(e, services.schema)));
}

/** Is `sessionId` allowed to write `target` now (no other session's lock)? Throws in-use otherwise. */
export function checkWritable(services: NetconfServices, target: DatastoreName, sessionId: number): void {
  const held = services.datastore?.locks.checkWrite(target, sessionId);
  if (held !== undefined) rejectDatastore([held], services);
}

/**
 * Validates a configuration tree with the YANG engine (libyang, config datastore): the
 * rpc-errors, error-path from libyang's path, [] when valid.
 */
export async function validateConfig(services: NetconfServices, tree: DataTree): Promise<RpcError[]> {
  const errors = await services.yang.validate(encodeJson(services.schema, tree), { datastore: 'config' });
  return errors.map((e) => fromValidationError(e, services.schema));
}
