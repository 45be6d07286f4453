// The parameters of <commit> and <cancel-commit> (RFC 6241 §8.3.4.1, §8.4.4.1, §8.4.5.1 with
// :confirmed-commit:1.1), read from the operation element, plus what the commit-related
// operations share (the vrouter-agent namespace, the session as the datastore layer sees it).
//
// Checks, all answered before anything is committed:
// - confirm-timeout is a uint32 ≥ 1 (ietf-netconf: range 1..max) → else invalid-value;
// - confirm-timeout and persist belong to a confirmed commit: without <confirmed/> they are
//   invalid-value (a client sending them expects a confirmed commit; committing for good instead
//   would be the surprise). persist-id alone is the confirming commit of a persistent one;
// - a parameter given twice → bad-element; an element that is no parameter → unknown-element
//   (RFC 6241 appendix A), so that a typo (<confirm-timout>) is not silently ignored.
import type { DataTree } from '../../datastore/data-tree.js';
import type { SessionRef } from '../../datastore/datastore-set.js';
import type { ConfirmedCommitParams } from '../../datastore/confirmed-commit.js';
import type { RpcError } from '../rpc-error.js';
import { RpcErrorException } from '../rpc-error.js';
import type { XmlElement } from '../xml/element.js';
import { NETCONF_BASE_NS } from '../xml/namespaces.js';
import type { CallingSession } from './context.js';
import { invalidValue } from './registry.js';

/** vrouter-agent's namespace: <comment> in <commit>, and the list-commits / rollback rpcs. */
export const VROUTER_AGENT_NS = 'urn:vrouterd:params:xml:ns:yang:vrouter-agent';
export const VROUTER_AGENT_MODULE = 'vrouter-agent';

const UINT32_MAX = 4294967295;

export interface CommitParameters {
  confirmed: ConfirmedCommitParams;
  /** vrouterd extension: <comment xmlns="urn:vrouterd:params:xml:ns:yang:vrouter-agent">. */
  comment?: string;
}

/** The session as the datastore layer identifies it. */
export function sessionRef(session: CallingSession): SessionRef {
  return { sessionId: session.id, user: session.username };
}

/** The session's peer address for commit records and notifications (none when the transport has none). */
export function sourceHostOf(session: CallingSession): { sourceHost?: string } {
  return session.sourceHost === '' ? {} : { sourceHost: session.sourceHost };
}

function reject(first: RpcError): never {
  throw new RpcErrorException(first);
}

/** The parameter children of `op` by local name; unknown or repeated elements are rejected. */
function parameters(op: XmlElement, allowed: readonly { ns: string; name: string }[]): Map<string, XmlElement> {
  const found = new Map<string, XmlElement>();
  for (const child of op.children) {
    const known = allowed.find((a) => a.ns === child.namespace && a.name === child.name);
    if (known === undefined) {
      const names = allowed.map((a) => `<${a.name}>`).join(', ');
      reject({
        type: 'protocol', tag: 'unknown-element', info: { badElement: child.name },
        message: `<${op.name}> has no parameter <${child.name}>${child.namespace === '' ? '' : ` in namespace ${child.namespace}`}; its parameters are ${names}`,
      });
    }
    if (found.has(child.name)) {
      reject({ type: 'protocol', tag: 'bad-element', info: { badElement: child.name }, message: `<${child.name}> is given twice` });
    }
    found.set(child.name, child);
  }
  return found;
}

const text = (el: XmlElement | undefined): string | undefined => (el === undefined ? undefined : el.text.trim());

const COMMIT_PARAMETERS = [
  { ns: NETCONF_BASE_NS, name: 'confirmed' },
  { ns: NETCONF_BASE_NS, name: 'confirm-timeout' },
  { ns: NETCONF_BASE_NS, name: 'persist' },
  { ns: NETCONF_BASE_NS, name: 'persist-id' },
  { ns: VROUTER_AGENT_NS, name: 'comment' },
] as const;

/** <commit>'s parameters; throws RpcErrorException when they are wrong. */
export function parseCommitParameters(op: XmlElement): CommitParameters {
  const p = parameters(op, COMMIT_PARAMETERS);
  const confirmed: ConfirmedCommitParams = {};
  if (p.has('confirmed')) confirmed.confirmed = true;
  const timeoutText = text(p.get('confirm-timeout'));
  if (timeoutText !== undefined) {
    const seconds = /^[0-9]{1,10}$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(seconds >= 1 && seconds <= UINT32_MAX)) {
      reject(invalidValue('confirm-timeout', `confirm-timeout ${JSON.stringify(timeoutText)} is not a whole number of seconds in 1..${UINT32_MAX}`));
    }
    confirmed.confirmTimeout = seconds;
  }
  const persist = text(p.get('persist'));
  if (persist !== undefined) confirmed.persist = persist;
  const persistId = text(p.get('persist-id'));
  if (persistId !== undefined) confirmed.persistId = persistId;
  if (confirmed.confirmed !== true) {
    for (const name of ['confirm-timeout', 'persist'] as const) {
      if (p.has(name)) reject(invalidValue(name, `<${name}> applies to a confirmed commit only: add <confirmed/>, or leave <${name}> out`));
    }
  }
  const out: CommitParameters = { confirmed };
  const comment = text(p.get('comment'));
  if (comment !== undefined && comment !== '') out.comment = comment;
  return out;
}

/** <cancel-commit>'s optional persist-id. */
export function parseCancelCommitParameters(op: XmlElement): { persistId?: string } {
  const p = parameters(op, [{ ns: NETCONF_BASE_NS, name: 'persist-id' }]);
  const persistId = text(p.get('persist-id'));
  return persistId === undefined ? {} : { persistId };
}

/** The top-level leaves of a decoded YANG rpc input, by name, as canonical text. */
export function inputLeaves(input: DataTree): Map<string, string> {
  const out = new Map<string, string>();
  for (const slot of input.root.slots()) {
    if (slot.kind === 'leaf') out.set(slot.schema.name, slot.value.canonical);
  }
  return out;
}
