// Tests that need a system tool or root say so loudly: a missing prerequisite is a failure with a
// message that names the package, never a silent skip (CI must see it).
import { spawnSync } from 'node:child_process';

/** Throws unless `command` is on PATH; `pkg` is the Debian package that provides it. */
export function requireCommand(command: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${command} is not installed: run scripts/install-deps.sh (Debian package ${pkg})`);
  }
  return path;
}

/** Throws unless the tests run as root (network namespaces, daemons). */
export function requireRoot(why: string): void {
  if (process.getuid?.() !== 0) throw new Error(`this test must run as root: ${why}`);
}
