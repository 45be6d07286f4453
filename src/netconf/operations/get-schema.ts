// <get-schema> (RFC 6022 §3.1): the text of a loaded module or submodule, as libyang prints it,
// in YANG or YIN. Errors as the RFC says: no such schema → invalid-value; an identifier without
// version that matches several revisions → operation-failed with app-tag data-not-unique.
//
// The parameters are read from the light tree rather than through the YANG input decoder: an
// unprefixed <format> identity is taken from ietf-netconf-monitoring whatever the default
// namespace, because ncclient sends <ncm:format>yang</ncm:format> (no default namespace, or the
// base one) and strict RFC 7950 §9.10.3 resolution would refuse it.
import type { ModuleSpec } from '../../validation/schema-model.js';
import { splitQName, textOf } from '../xml/element.js';
import { MONITORING_NS } from '../xml/namespaces.js';
import { escapeText } from '../../datastore/xml-escape.js';
import { fail, invalidValue, missingElement, type OperationDefinition } from './registry.js';
import type { RpcError } from '../rpc-error.js';

const FORMATS = new Set(['yang', 'yin']);
const KNOWN_FORMATS = new Set(['yang', 'yin', 'xsd', 'rng', 'rnc']);

/** Every (identifier, revision) the server can print: modules and their submodules. */
function schemaVersions(modules: Iterable<ModuleSpec>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, revision: string | undefined): void => {
    let set = out.get(name);
    if (set === undefined) out.set(name, set = new Set());
    set.add(revision ?? '');
  };
  for (const m of modules) {
    add(m.name, m.revision);
    for (const s of m.submodules) add(s.name, s.revision);
  }
  return out;
}

function appError(tag: 'invalid-value' | 'operation-failed', element: string, message: string, appTag?: string): RpcError {
  return { type: 'application', tag, message, info: { badElement: element }, ...(appTag === undefined ? {} : { appTag }) };
}

export const getSchema: OperationDefinition = {
  namespace: MONITORING_NS,
  name: 'get-schema',
  handler: (request, ctx) => {
    const op = request.operation;
    const identifier = textOf(op.child(MONITORING_NS, 'identifier'));
    if (identifier === undefined || identifier === '') {
      return Promise.resolve(fail(missingElement('identifier', 'get-schema needs an <identifier> (a module or submodule name)', 'application')));
    }
    const version = textOf(op.child(MONITORING_NS, 'version'));
    const formatEl = op.child(MONITORING_NS, 'format');
    let format = 'yang';
    if (formatEl !== undefined) {
      const { prefix, local } = splitQName(formatEl.text.trim());
      // Unprefixed: taken as a monitoring identity whatever the default namespace (see the header).
      const fromMonitoring = prefix === '' || formatEl.resolvePrefix(prefix) === MONITORING_NS;
      if (!fromMonitoring || !KNOWN_FORMATS.has(local)) {
        return Promise.resolve(fail(invalidValue('format', `format ${JSON.stringify(formatEl.text.trim())} is not an ietf-netconf-monitoring schema format (yang, yin)`, 'application')));
      }
      if (!FORMATS.has(local)) {
        return Promise.resolve(fail(invalidValue('format', `format ${local} is not served: this server provides yang and yin`, 'application')));
      }
      format = local;
    }
    const versions = schemaVersions(ctx.server.schema.modules).get(identifier);
    if (versions === undefined) {
      return Promise.resolve(fail(appError('invalid-value', 'identifier', `no module or submodule named ${JSON.stringify(identifier)} is loaded; /netconf-state/schemas lists what get-schema serves`)));
    }
    let revision: string;
    if (version === undefined || version === '') {
      if (versions.size > 1) {
        return Promise.resolve(fail(appError('operation-failed', 'identifier',
          `${identifier} is loaded in several revisions (${[...versions].sort().join(', ')}): give <version>`, 'data-not-unique')));
      }
      revision = [...versions][0] ?? '';
    } else if (versions.has(version)) {
      revision = version;
    } else {
      const have = [...versions].filter((v) => v !== '').sort().join(', ') || 'no revision';
      return Promise.resolve(fail(appError('invalid-value', 'version', `${identifier} is not loaded in version ${JSON.stringify(version)} (loaded: ${have})`)));
    }
    const text = ctx.server.yang.printModule(identifier, revision === '' ? undefined : revision, format as 'yang' | 'yin');
    // YIN is an XML document: drop its declaration to embed it in the reply.
    const body = format === 'yin' ? text.replace(/^\s*<\?xml[^?]*\?>\s*/, '') : escapeText(text);
    return Promise.resolve({ kind: 'xml', xml: `<data xmlns="${MONITORING_NS}">${body}</data>` });
  },
};
