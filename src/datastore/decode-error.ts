// The one error shape every decoder (XML, JSON) returns for bad input. Decoders never throw
// for what a client sent; they return these, and the NETCONF layer turns each into an
// <rpc-error> through `netconfErrorFor`.

/** Why a document was refused. */
export type DecodeErrorKind =
  /** Not well-formed XML / JSON (saxes or JSON.parse refused it). */
  | 'malformed'
  /** A DOCTYPE (and with it any entity declaration): NETCONF messages carry no DTD (RFC 6241 §3). */
  | 'doctype'
  /** The namespace is known but this element is no data node there (or is disabled by a feature). */
  | 'unknown-element'
  /** The element's namespace (or JSON member's module) belongs to no loaded module. */
  | 'unknown-namespace'
  /** A data node of the schema, but not a child of this parent (e.g. a nested node at the top). */
  | 'wrong-place'
  /** A value that its type refuses (range, length, pattern, enum, base identity...). */
  | 'invalid-value'
  /** A prefix in a QName value (identityref, instance-identifier) that no xmlns binds. */
  | 'unbound-prefix'
  /** A list entry without all its keys. */
  | 'missing-key'
  /** A second list entry with the same key, or a repeated leaf-list value in configuration. */
  | 'duplicate-key'
  /** A leaf, container or anydata that appears twice under the same parent. */
  | 'duplicate-element'
  /** Data from more than one case of a choice under the same parent (RFC 7950 §8.3.1). */
  | 'choice-conflict'
  /** A config false node inside configuration data. */
  | 'state-in-config'
  /** Text where only elements may appear (inside a container or list entry), or elements inside a leaf. */
  | 'unexpected-text'
  /** An attribute of the NETCONF or YANG namespace that does not belong on this element. */
  | 'unknown-attribute'
  /** An edit attribute (operation, insert, key, value) with a value it cannot take. */
  | 'bad-attribute'
  /** insert="before|after" without the key / value attribute that names the anchor. */
  | 'missing-attribute';

export interface DecodeError {
  kind: DecodeErrorKind;
  /** A sentence a person can act on; it names the path. */
  message: string;
  /**
   * RFC 7951 instance path of the offending node as far as it is known
   * ("/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu"); "/" when the error is
   * about the document as a whole. For an unknown element, the parent's path plus the element name.
   */
  path: string;
  /**
   * The same path in XML form with module prefixes ("/if:interfaces/if:interface[if:name='eth0']"),
   * and the prefix → namespace bindings it uses: what <error-path> needs. Absent when the path
   * cannot be expressed that way (an unknown namespace).
   */
  xmlPath?: { path: string; namespaces: Record<string, string> };
  /** XML only: 1-based line and 0-based column where the parser was when it saw the problem. */
  line?: number;
  column?: number;
  /** Local name of the offending element (XML) or member (JSON), for error-info <bad-element>. */
  element?: string;
  /** Its namespace (XML) or module name (JSON), for error-info <bad-namespace>. */
  namespace?: string;
  /** The offending attribute, for error-info <bad-attribute>. */
  attribute?: string;
  /** invalid-value: what the type expects ("uint16 in 68..max"). */
  expected?: string;
  /** error-app-tag from the restriction that refused the value, when the module gives one. */
  appTag?: string;
  /** The value layer's own explanation, when it adds something to `message`. */
  detail?: string;
}

export type ErrorType = 'transport' | 'rpc' | 'protocol' | 'application';

export type ErrorTag =
  | 'in-use' | 'invalid-value' | 'too-big' | 'missing-attribute' | 'bad-attribute'
  | 'unknown-attribute' | 'missing-element' | 'bad-element' | 'unknown-element'
  | 'unknown-namespace' | 'access-denied' | 'lock-denied' | 'resource-denied'
  | 'rollback-failed' | 'data-exists' | 'data-missing' | 'operation-not-supported'
  | 'operation-failed' | 'partial-operation' | 'malformed-message';

/**
 * RFC 6241 appendix A tag and type for each kind. Sources:
 * - RFC 7950 §8.3.1 (payload parsing): a value its type refuses → invalid-value (with the
 *   restriction's error-app-tag / error-message); a list entry without all keys →
 *   missing-element; data from two cases of one choice → bad-element; a node disabled by
 *   if-feature (absent from the compiled schema) → unknown-element; insert attributes on a
 *   non-user-ordered node → unknown-attribute; before/after values not valid → bad-attribute.
 * - RFC 6241 §3: no DTD in NETCONF messages; a message that does not parse → malformed-message
 *   (error-type rpc).
 * - Netopeer2 (tests/test_error.c) answers unknown-element / unknown-namespace with
 *   error-type application and error-info <bad-element> (+ <bad-namespace>), which we follow.
 *   It answers type mismatches with bad-element; we follow RFC 7950 (invalid-value) instead.
 * - Duplicate instances inside one document are not covered by either RFC; data-exists means
 *   "already exists in the datastore" (a create on existing data), which is the edit engine's
 *   answer, not the decoder's. A document that repeats an instance is itself wrong content, so:
 *   bad-element, with the path of the repeated instance.
 * - State data inside configuration: no RFC text names a tag; the content is an unacceptable
 *   value for the <config> parameter → invalid-value.
 */
const TAGS: Record<DecodeErrorKind, { tag: ErrorTag; type: ErrorType }> = {
  'malformed': { tag: 'malformed-message', type: 'rpc' },
  'doctype': { tag: 'malformed-message', type: 'rpc' },
  'unknown-element': { tag: 'unknown-element', type: 'application' },
  'unknown-namespace': { tag: 'unknown-namespace', type: 'application' },
  'wrong-place': { tag: 'unknown-element', type: 'application' },
  'invalid-value': { tag: 'invalid-value', type: 'application' },
  'unbound-prefix': { tag: 'invalid-value', type: 'application' },
  'missing-key': { tag: 'missing-element', type: 'application' },
  'duplicate-key': { tag: 'bad-element', type: 'application' },
  'duplicate-element': { tag: 'bad-element', type: 'application' },
  'choice-conflict': { tag: 'bad-element', type: 'application' },
  'state-in-config': { tag: 'invalid-value', type: 'application' },
  'unexpected-text': { tag: 'bad-element', type: 'application' },
  'unknown-attribute': { tag: 'unknown-attribute', type: 'protocol' },
  'bad-attribute': { tag: 'bad-attribute', type: 'protocol' },
  'missing-attribute': { tag: 'missing-attribute', type: 'protocol' },
};

/** The NETCONF error-tag and error-type that a decode error becomes in an <rpc-error>. */
export function netconfErrorFor(kind: DecodeErrorKind): { tag: ErrorTag; type: ErrorType } {
  return TAGS[kind];
}

/** The result of a decoder: the value, or at least one error. */
export type DecodeResult<T> =
  | ({ ok: true } & T)
  | { ok: false; errors: [DecodeError, ...DecodeError[]] };

/** Collects errors for a decoder: stops at the first one unless `collect` is set. */
export class ErrorSink {
  readonly errors: DecodeError[] = [];
  private halted = false;

  constructor(private readonly collect: boolean) {}

  /** Stops decoding whatever the mode (a fatal error: the rest cannot be read). */
  stop(): void {
    this.halted = true;
  }

  /** Records an error; returns true when decoding must stop. */
  add(error: DecodeError): boolean {
    this.errors.push(error);
    return !this.collect;
  }

  get failed(): boolean {
    return this.errors.length > 0;
  }

  /** True when no more errors are wanted (stop-at-first mode after the first one). */
  get stopped(): boolean {
    return this.halted || (!this.collect && this.errors.length > 0);
  }
}

/** A value quoted for a message, shortened so that a huge value cannot flood a log line. */
export function quoteValue(value: string): string {
  const s = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(s);
}
