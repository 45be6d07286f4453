// OpenSSH key encodings built from Node's own key objects: the unencrypted "openssh-key-v1"
// private key file (what `ssh-keygen` writes and what ssh2 parses for every key type, including
// ed25519, which ssh2 does not read from PKCS#8), the one-line public key, and the SHA256
// fingerprint as OpenSSH prints it. Wire primitives follow RFC 4251 section 5.
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';

/** The host key types vrouterd generates. */
export type OpenSshKeyType = 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ssh-rsa';

export interface OpenSshKeyPair {
  type: OpenSshKeyType;
  /** The public key blob (RFC 4253 section 6.6): what fingerprints are computed over. */
  publicBlob: Buffer;
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted, ending with a newline. */
  privateKeyText: string;
  /** `type base64 comment` plus a newline: the authorized_keys / known_hosts form. */
  publicKeyLine: string;
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value, 0);
  return b;
}

/** RFC 4251 `string`: uint32 length, then the bytes. */
export function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** RFC 4251 `mpint` of a non-negative big-endian magnitude: no leading zeros, a 0x00 when the top bit is set. */
export function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length > 0 && (body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}

/** OpenSSH style: `SHA256:` and the unpadded base64 of the SHA-256 of the public key blob. */
export function sshFingerprint(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

function jwkField(jwk: Record<string, unknown>, name: string): Buffer {
  const value = jwk[name];
  if (typeof value !== 'string' || value === '') throw new Error(`private key export lacks the JWK field "${name}"`);
  return Buffer.from(value, 'base64url');
}

/** Public blob and the type-specific private fields, in the order the openssh-key-v1 format wants. */
function keyParts(type: OpenSshKeyType, privateKey: KeyObject): { publicBlob: Buffer; privateFields: Buffer } {
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  switch (type) {
    case 'ssh-ed25519': {
      if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an ed25519 key');
      const pub = jwkField(jwk, 'x');
      const seed = jwkField(jwk, 'd');
      return {
        publicBlob: Buffer.concat([sshString(type), sshString(pub)]),
        // OpenSSH keeps seed || public key as the 64-byte "private key".
        privateFields: Buffer.concat([sshString(pub), sshString(Buffer.concat([seed, pub]))]),
      };
    }
    case 'ecdsa-sha2-nistp256': {
      if (privateKey.asymmetricKeyType !== 'ec' || jwk['crv'] !== 'P-256') throw new Error('not a P-256 key');
      const point = Buffer.concat([Buffer.from([4]), jwkField(jwk, 'x'), jwkField(jwk, 'y')]);
      return {
        publicBlob: Buffer.concat([sshString(type), sshString('nistp256'), sshString(point)]),
        privateFields: Buffer.concat([sshString('nistp256'), sshString(point), sshMpint(jwkField(jwk, 'd'))]),
      };
    }
    case 'ssh-rsa': {
      if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
      const n = jwkField(jwk, 'n');
      const e = jwkField(jwk, 'e');
      return {
        publicBlob: Buffer.concat([sshString(type), sshMpint(e), sshMpint(n)]),
        privateFields: Buffer.concat([
          sshMpint(n),
          sshMpint(e),
          sshMpint(jwkField(jwk, 'd')),
          sshMpint(jwkField(jwk, 'qi')), // iqmp = q^-1 mod p
          sshMpint(jwkField(jwk, 'p')),
          sshMpint(jwkField(jwk, 'q')),
        ]),
      };
    }
  }
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join('\n');
}

/** Encodes a Node private key as an unencrypted OpenSSH private key file plus its public forms. */
export function encodeOpenSshKeyPair(type: OpenSshKeyType, privateKey: KeyObject, comment: string): OpenSshKeyPair {
  const { publicBlob, privateFields } = keyParts(type, privateKey);
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, sshString(type), privateFields, sshString(comment)]);
  // Pad to the cipher block size ("none" uses 8) with the bytes 1, 2, 3, ...
  const padLength = (8 - (section.length % 8)) % 8;
  const padding = Buffer.alloc(padLength);
  for (let i = 0; i < padLength; i++) padding[i] = i + 1;
  section = Buffer.concat([section, padding]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'), // cipher
    sshString('none'), // kdf
    sshString(''), // kdf options
    uint32(1), // number of keys
    sshString(publicBlob),
    sshString(section),
  ]);
  const privateKeyText =
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
  const publicKeyLine = `${type} ${publicBlob.toString('base64')}${comment === '' ? '' : ` ${comment}`}\n`;
  return { type, publicBlob, privateKeyText, publicKeyLine };
}

/**
 * Parses key text with ssh2's own parser (the one the server and the auth checks use). ssh2 returns
 * an array for multi-key files; the first key is taken. Errors come back as values, like ssh2's.
 */
export function parseKeyText(text: string): ParsedKey | Error {
  const parsed: unknown = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) return parsed;
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : (parsed as ParsedKey);
  return key ?? new Error('no key found');
}
