// The errors the edit engine returns, one constructor per reason, each with the NETCONF
// error-tag / error-type (RFC 6241 appendix A, RFC 7950 §15), the instance path in both forms and
// a sentence that says what to change in the request.
import type { Schema } from '../../validation/schema.js';
import type { ErrorTag, ErrorType } from '../decode-error.js';
import type { EditAttributes, EditOperation } from '../edit-attributes.js';
import { jsonPath, xmlPath, type Location } from '../instance-path.js';

export interface EditError {
  tag: ErrorTag;
  type: ErrorType;
  /** RFC 7951 instance path of the node in error. */
  path: string;
  /** The same path with XML prefixes and their namespaces, for <error-path>. */
  xmlPath?: { path: string; namespaces: Record<string, string> };
  message: string;
  appTag?: string;
}

function make(schema: Schema, at: Location, tag: ErrorTag, type: ErrorType, message: (path: string) => string,
  appTag?: string): EditError {
  const path = jsonPath(at);
  const e: EditError = { tag, type, path, xmlPath: xmlPath(at, schema), message: message(path) };
  if (appTag !== undefined) e.appTag = appTag;
  return e;
}

const q = (path: string): string => `"${path}"`;

/** create on a node that is there (RFC 6241 §7.2). */
export function dataExists(schema: Schema, at: Location): EditError {
  return make(schema, at, 'data-exists', 'application',
    (p) => `${q(p)} already exists: create needs a node that is not there (use merge or replace to change an existing one)`);
}

/** delete on a node that is not there (RFC 6241 §7.2). */
export function deleteMissing(schema: Schema, at: Location): EditError {
  return make(schema, at, 'data-missing', 'application',
    (p) => `${q(p)} does not exist: delete needs an existing node (use remove to ignore a missing one)`);
}

/** delete on a leaf that is not set but has a default: the default is not stored data. */
export function deleteDefault(schema: Schema, at: Location, defaultValue: string): EditError {
  return make(schema, at, 'data-missing', 'application',
    (p) => `${q(p)} is not set (it only takes its default value ${JSON.stringify(defaultValue)}): delete needs a set value (use remove to ignore an unset one)`);
}

/** default-operation none (or an inherited none): the node the edit walks through is missing. */
export function containmentMissing(schema: Schema, at: Location): EditError {
  return make(schema, at, 'data-missing', 'application',
    (p) => `${q(p)} does not exist, and with default-operation none the edit does not create it: put operation="merge" or "create" on it or on an ancestor`);
}

/** insert before / after an entry that is not there (RFC 7950 §15.7). */
export function anchorMissing(schema: Schema, at: Location, attrs: EditAttributes): EditError {
  const attr = at.schema.kind === 'list' ? 'key' : 'value';
  return make(schema, at, 'bad-attribute', 'application',
    (p) => `insert="${attrs.insert ?? ''}" on ${q(p)} names ${attr}=${JSON.stringify(attrs.anchorText ?? attrs.anchor ?? '')}, which is no existing entry: `
      + `give an entry that is there, or insert="first" / "last"`, 'missing-instance');
}

/** insert before / after the entry itself. */
export function anchorIsSelf(schema: Schema, at: Location, attrs: EditAttributes): EditError {
  return make(schema, at, 'bad-attribute', 'application',
    (p) => `insert="${attrs.insert ?? ''}" on ${q(p)} names the entry itself as the anchor: name another entry`, 'missing-instance');
}

/** An operation that adds data inside a subtree that is being deleted or removed. */
export function nestedOperation(schema: Schema, at: Location, op: EditOperation, outer: Location, outerOp: EditOperation): EditError {
  return make(schema, at, 'operation-not-supported', 'protocol',
    (p) => `operation="${op}" on ${q(p)} is inside ${outerOp} of ${q(jsonPath(outer))}, which takes away the whole subtree: `
      + `move the ${op} out of it or drop the ${outerOp}`);
}

/** delete / remove on a list key: a key is the entry's identity, not a value to take away. */
export function keyOperation(schema: Schema, at: Location, op: EditOperation): EditError {
  return make(schema, at, 'operation-not-supported', 'protocol',
    (p) => `operation="${op}" on the list key ${q(p)} is not possible: put it on the list entry instead`);
}

/** wd:default="true" (RFC 6243 §4.5.2) on a value that is not the schema default. */
export function notTheDefault(schema: Schema, at: Location, value: string, defaultValue: string | undefined): EditError {
  return make(schema, at, 'invalid-value', 'application', (p) => defaultValue === undefined
    ? `${q(p)} is marked wd:default="true" but has no default value: drop the attribute`
    : `${q(p)} is marked wd:default="true" but ${JSON.stringify(value)} is not its default ${JSON.stringify(defaultValue)}: drop the attribute or send the default`);
}

/** A leaf without a value outside delete / remove. */
export function valueMissing(schema: Schema, at: Location): EditError {
  return make(schema, at, 'invalid-value', 'application', (p) => `${q(p)} has no value: only delete and remove may omit it`);
}
