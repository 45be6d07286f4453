// The capabilities this server announces in its <hello>: exactly what it implements.
//
// - Protocol capabilities (RFC 6241 §8): base 1.0 and 1.1, :candidate, :confirmed-commit 1.0/1.1,
//   :rollback-on-error, :validate 1.0/1.1, :startup, :xpath, :writable-running only when the agent
//   is configured for it. Not :url (not implemented).
// - RFC 6243 with-defaults (basic-mode explicit), RFC 5277 :notification and :interleave.
// - The YANG library (RFC 7950 §5.6.4 / RFC 8526 §2): yang-library:1.0 with the RFC 7895
//   module-set-id and yang-library:1.1 with the RFC 8525 content-id.
// - Module capabilities `namespace?module=..&revision=..&features=..&deviations=..` (RFC 6020
//   §5.6.4) for implemented YANG 1.0 modules. RFC 7950 §5.6.4 has YANG 1.1 modules announced
//   through the YANG library only, as libnetconf2 / Netopeer2 do (their hello lists 1.0 modules);
//   `advertiseYang11Modules` lists them too for clients that read only the hello.
import type { ModuleSpec } from '../validation/schema-model.js';

const BASE = 'urn:ietf:params:netconf:base:';
const CAP = 'urn:ietf:params:netconf:capability:';

export const CAPABILITY = {
  base10: `${BASE}1.0`,
  base11: `${BASE}1.1`,
  writableRunning: `${CAP}writable-running:1.0`,
  candidate: `${CAP}candidate:1.0`,
  confirmedCommit10: `${CAP}confirmed-commit:1.0`,
  confirmedCommit11: `${CAP}confirmed-commit:1.1`,
  rollbackOnError: `${CAP}rollback-on-error:1.0`,
  validate10: `${CAP}validate:1.0`,
  validate11: `${CAP}validate:1.1`,
  startup: `${CAP}startup:1.0`,
  xpath: `${CAP}xpath:1.0`,
  withDefaults: `${CAP}with-defaults:1.0?basic-mode=explicit&also-supported=report-all,report-all-tagged,trim`,
  notification: `${CAP}notification:1.0`,
  interleave: `${CAP}interleave:1.0`,
  yangLibrary10: `${CAP}yang-library:1.0`,
  yangLibrary11: `${CAP}yang-library:1.1`,
} as const;

export interface CapabilityOptions {
  writableRunning: boolean;
  /** RFC 7895 module-set-id (ietf-yang-library:modules-state/module-set-id). */
  moduleSetId: string;
  /** RFC 8525 content-id. */
  contentId: string;
  /** Announce YANG 1.1 modules in the hello too (default: only through the YANG library). */
  advertiseYang11Modules?: boolean;
}

/** The module capability URI of one module (RFC 6020 §5.6.4). */
export function moduleCapability(m: ModuleSpec): string {
  let uri = `${m.namespace}?module=${m.name}`;
  if (m.revision !== undefined) uri += `&revision=${m.revision}`;
  if (m.features.length > 0) uri += `&features=${m.features.join(',')}`;
  if (m.deviatedBy.length > 0) uri += `&deviations=${m.deviatedBy.join(',')}`;
  return uri;
}

/** The server's capability list, in a stable order: protocol, then modules by name. */
export function serverCapabilities(modules: Iterable<ModuleSpec>, options: CapabilityOptions): string[] {
  const caps: string[] = [CAPABILITY.base10, CAPABILITY.base11];
  if (options.writableRunning) caps.push(CAPABILITY.writableRunning);
  caps.push(
    CAPABILITY.candidate,
    CAPABILITY.confirmedCommit10,
    CAPABILITY.confirmedCommit11,
    CAPABILITY.rollbackOnError,
    CAPABILITY.validate10,
    CAPABILITY.validate11,
    CAPABILITY.startup,
    CAPABILITY.xpath,
    CAPABILITY.withDefaults,
    CAPABILITY.notification,
    CAPABILITY.interleave,
    `${CAPABILITY.yangLibrary10}?revision=2016-06-21&module-set-id=${options.moduleSetId}`,
    `${CAPABILITY.yangLibrary11}?revision=2019-01-04&content-id=${options.contentId}`,
  );
  const announced = [...modules]
    // ietf-yang-library has its own capability; libyang's internal "yang" module (metadata
    // annotations) is an implementation detail of the library, not a data model we serve.
    .filter((m) => m.implemented && m.name !== 'ietf-yang-library' && m.name !== 'yang')
    .filter((m) => options.advertiseYang11Modules === true || m.yangVersion === '1.0')
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const m of announced) {
    // The writable-running feature follows the configuration, whatever the module was compiled with.
    const spec = m.name === 'ietf-netconf' && !options.writableRunning
      ? { ...m, features: m.features.filter((f) => f !== 'writable-running') }
      : m;
    caps.push(moduleCapability(spec));
  }
  return caps;
}

/** Does the client's capability list contain `uri` (parameters after '?' ignored)? */
export function hasCapability(list: readonly string[], uri: string): boolean {
  return list.some((c) => c === uri || c.startsWith(`${uri}?`));
}
