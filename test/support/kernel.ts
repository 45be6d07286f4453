// The kernel as the root integration tests read it: iproute2 run directly (never through
// vrouterd), the namespaces a test owns (by name prefix), and the XML namespaces of the modules
// those tests configure. Tests only touch namespaces whose names start with their own prefix.
import { spawnSync } from 'node:child_process';

export const XML_NS = {
  nc: 'urn:ietf:params:xml:ns:netconf:base:1.0',
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ianaift: 'urn:ietf:params:xml:ns:yang:iana-if-type',
  ip: 'urn:ietf:params:xml:ns:yang:ietf-ip',
  rt: 'urn:ietf:params:xml:ns:yang:ietf-routing',
  v4ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing',
  vl: 'urn:vrouterd:params:xml:ns:yang:vrouter-linux',
  va: 'urn:vrouterd:params:xml:ns:yang:vrouter-agent',
} as const;

/** A `<config>` element (with the nc prefix bound for operation attributes) around `parts`. */
export const configXml = (...parts: string[]): string => `<config xmlns="${XML_NS.nc}" xmlns:nc="${XML_NS.nc}">${parts.join('')}</config>`;

export interface IpResult { status: number | null; stdout: string; stderr: string }

/** `ip ARGS` with LC_ALL=C; never throws. */
export function ip(args: readonly string[]): IpResult {
  const r = spawnSync('ip', [...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `ip -n NS -json ARGS`, parsed; throws with ip's words on failure. */
export function ipJson<T>(ns: string, ...args: string[]): T {
  const r = ip(['-n', ns, '-json', ...args]);
  if (r.status !== 0) throw new Error(`ip -n ${ns} -json ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout === '' ? '[]' : r.stdout) as T;
}

/** The named namespaces whose names start with `prefix`, sorted. */
export function namespacesWith(prefix: string): string[] {
  const r = ip(['-json', 'netns', 'list']);
  if (r.status !== 0) throw new Error(`ip netns list: ${r.stderr}`);
  const list = r.stdout.trim() === '' ? [] : JSON.parse(r.stdout) as { name: string }[];
  return list.map((n) => n.name).filter((n) => n.startsWith(prefix)).sort();
}

/** Deletes every named namespace whose name starts with `prefix`. */
export function deleteNamespacesWith(prefix: string): void {
  for (const ns of namespacesWith(prefix)) ip(['netns', 'del', ns]);
}
