// The server's SSH host keys: generated once into the state directory, then loaded on every later
// start, so clients see the same host identity across restarts. One file per type in OpenSSH's own
// format (`ssh_host_<kind>_key`, mode 0600, plus a `.pub` next to it for `ssh-keygen -lf`).
// RSA-3072 takes seconds to generate, so generation is asynchronous (libuv thread pool).
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { encodeOpenSshKeyPair, parseKeyText, sshFingerprint, type OpenSshKeyPair, type OpenSshKeyType } from './openssh-key.js';

export type HostKeyType = OpenSshKeyType;

/** All types, in the order the server prefers them. */
export const HOST_KEY_TYPES: readonly HostKeyType[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'];

export const DEFAULT_RSA_BITS = 3072;

export interface HostKey {
  type: HostKeyType;
  /** The private key file. */
  path: string;
  /** OpenSSH private key text, as handed to ssh2's `hostKeys`. */
  privateKey: string;
  /** One-line public key (`type base64 comment`), no trailing newline. */
  publicKey: string;
  /** `SHA256:...` as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** True when this start generated the key (log it: clients will see a new host key). */
  created: boolean;
  /** True when the file was readable by group/others and was narrowed to 0600. */
  permissionsFixed: boolean;
}

export interface HostKeyOptions {
  /** Which types to load or create; default all of HOST_KEY_TYPES. */
  types?: readonly HostKeyType[];
  /** RSA modulus size for new keys; default 3072. */
  rsaBits?: number;
  /** Comment stored in new keys; default `vrouterd@<hostname>`. */
  comment?: string;
}

const FILE_KIND: Record<HostKeyType, string> = {
  'ssh-ed25519': 'ed25519',
  'ecdsa-sha2-nistp256': 'ecdsa',
  'ssh-rsa': 'rsa',
};

/** `ssh_host_ed25519_key`, `ssh_host_ecdsa_key`, `ssh_host_rsa_key` (OpenSSH's names). */
export function hostKeyFileName(type: HostKeyType): string {
  return `ssh_host_${FILE_KIND[type]}_key`;
}

function generateNodeKey(type: HostKeyType, rsaBits: number): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _publicKey: KeyObject, privateKey: KeyObject): void => {
      if (err) reject(err);
      else resolve(privateKey);
    };
    switch (type) {
      case 'ssh-ed25519':
        generateKeyPair('ed25519', {}, done);
        break;
      case 'ecdsa-sha2-nistp256':
        generateKeyPair('ec', { namedCurve: 'prime256v1' }, done);
        break;
      case 'ssh-rsa':
        generateKeyPair('rsa', { modulusLength: rsaBits, publicExponent: 0x10001 }, done);
        break;
    }
  });
}

/** Generates one key pair in OpenSSH format without blocking the event loop. */
export async function generateHostKeyPair(type: HostKeyType, options: { rsaBits?: number; comment?: string } = {}): Promise<OpenSshKeyPair> {
  const rsaBits = options.rsaBits ?? DEFAULT_RSA_BITS;
  if (type === 'ssh-rsa' && rsaBits < 2048) throw new Error(`RSA host keys need at least 2048 bits (got ${rsaBits})`);
  const privateKey = await generateNodeKey(type, rsaBits);
  return encodeOpenSshKeyPair(type, privateKey, options.comment ?? `vrouterd@${hostname()}`);
}

/** Parses a private key file's text with ssh2 (the same parser the server uses) and checks its type. */
export function parseHostKey(text: string, expected: HostKeyType, path: string): { publicBlob: Buffer; comment: string } {
  const k = parseKeyText(text);
  if (k instanceof Error) throw new Error(`host key ${path}: ${k.message}`);
  if (k.type !== expected) throw new Error(`host key ${path}: expected a ${expected} key, found ${k.type}`);
  if (!k.isPrivateKey()) throw new Error(`host key ${path}: the file holds a public key, not a private key`);
  return { publicBlob: k.getPublicSSH(), comment: k.comment };
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function loadOne(path: string, type: HostKeyType): Promise<HostKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  // A host key that exists but cannot be read is an error, never a reason to silently make a new
  // identity: clients would see a changed host key.
  const { publicBlob, comment } = parseHostKey(text, type, path);
  let permissionsFixed = false;
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(path, 0o600);
    permissionsFixed = true;
  }
  const publicKey = `${type} ${publicBlob.toString('base64')}${comment === '' ? '' : ` ${comment}`}`;
  await ensurePublicFile(`${path}.pub`, `${publicKey}\n`);
  return { type, path, privateKey: text, publicKey, fingerprint: sshFingerprint(publicBlob), created: false, permissionsFixed };
}

async function ensurePublicFile(path: string, line: string): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')) === line) return;
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  await writeFileAtomic(path, line, 0o644);
}

async function createOne(path: string, type: HostKeyType, options: HostKeyOptions): Promise<HostKey> {
  const pair = await generateHostKeyPair(type, options);
  await writeFileAtomic(path, pair.privateKeyText, 0o600);
  await writeFileAtomic(`${path}.pub`, pair.publicKeyLine, 0o644);
  return {
    type,
    path,
    privateKey: pair.privateKeyText,
    publicKey: pair.publicKeyLine.trimEnd(),
    fingerprint: sshFingerprint(pair.publicBlob),
    created: true,
    permissionsFixed: false,
  };
}

/**
 * Loads the host keys from `stateDir`, generating (in parallel) those that do not exist yet.
 * The directory is created with mode 0700 if needed. Keys come back in HOST_KEY_TYPES order.
 */
export async function loadOrCreateHostKeys(stateDir: string, options: HostKeyOptions = {}): Promise<HostKey[]> {
  const types = options.types ?? HOST_KEY_TYPES;
  if (types.length === 0) throw new Error('at least one host key type is needed');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  return Promise.all(
    types.map(async (type) => {
      const path = join(stateDir, hostKeyFileName(type));
      return (await loadOne(path, type)) ?? (await createOne(path, type, options));
    }),
  );
}
