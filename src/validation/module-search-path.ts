// Where vrouterd finds YANG modules, and the standard set it loads. The standard modules come
// from Debian packages (libyang2, libyuma-base, frr) and are never copied into the repository;
// vrouterd's own modules live in the repository's yang/ folder.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ModuleRequest } from './libyang.js';

/** The repository (package) root: the nearest ancestor with vrouterd's package.json. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'vrouterd') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('vrouterd package root (package.json) not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/**
 * Candidate directories in priority order: libyang searches them in this order, so the
 * repository's modules win, then FRR's (which carry ietf-interfaces@2018-02-20), then libyang's
 * own copies, then yuma's IETF collection (ietf-ip, ietf-routing, iana-if-type …).
 */
export function candidateSearchDirs(root: string = packageRoot()): string[] {
  return [
    path.join(root, 'yang'),
    '/usr/share/yang',
    '/usr/share/yang/modules/libyang',
    '/usr/share/yuma/modules/ietf',
    '/usr/share/yuma/modules/ietf-derived',
  ];
}

/** The candidate directories that exist on this machine. */
export function defaultSearchDirs(root?: string): string[] {
  return candidateSearchDirs(root).filter((dir) => existsSync(dir));
}

/**
 * The standard modules vrouterd serves, in load order. ietf-interfaces has two revisions on disk
 * (2014-05-08 in yuma's directory, 2018-02-20 in /usr/share/yang); it is loaded first and by
 * revision so that every later import without revision-date resolves to the NMDA version.
 * Features are the ones the agent implements; the NETCONF layer advertises them as capabilities.
 */
export const STANDARD_MODULES: readonly ModuleRequest[] = Object.freeze([
  // Interfaces are named by the user and may be configured before they exist (pending items).
  { name: 'ietf-interfaces', revision: '2018-02-20', features: ['arbitrary-names', 'pre-provisioning'] },
  { name: 'iana-if-type', revision: '2014-05-08' },
  { name: 'ietf-ip', revision: '2014-06-16', features: [] },
  { name: 'ietf-routing', revision: '2016-11-04', features: ['router-id'] },
  { name: 'ietf-ipv4-unicast-routing', revision: '2016-11-04' },
  { name: 'ietf-ipv6-unicast-routing', revision: '2016-11-04' },
  { name: 'ietf-netconf', revision: '2011-06-01',
    features: ['writable-running', 'candidate', 'confirmed-commit', 'rollback-on-error', 'validate', 'startup', 'xpath'] },
  { name: 'ietf-netconf-acm', revision: '2018-02-14' },
  { name: 'ietf-netconf-monitoring', revision: '2010-10-04' },
  { name: 'ietf-netconf-with-defaults', revision: '2011-06-01' },
  { name: 'ietf-netconf-notifications', revision: '2012-02-06' },
]);
