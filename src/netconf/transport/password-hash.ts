// Password hashing with scrypt (RFC 7914). The stored form carries its own parameters so they can
// be raised later without invalidating existing hashes:
//   $scrypt$N=16384,r=8,p=1$<salt, base64 without padding>$<hash, base64 without padding>
// Verification runs scrypt on the libuv thread pool and compares with crypto.timingSafeEqual.
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** 16 MiB and roughly 50 ms per attempt on a small machine. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16384, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const MIN_PASSWORD_LENGTH = 8;

export interface ParsedPasswordHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

const HASH_RE = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

function checkParams(params: ScryptParams): void {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0) {
    throw new PasswordHashError(`scrypt N must be a power of two between 1024 and 1048576 (got ${N})`);
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) throw new PasswordHashError(`scrypt r must be 1..32 (got ${r})`);
  if (!Number.isInteger(p) || p < 1 || p > 16) throw new PasswordHashError(`scrypt p must be 1..16 (got ${p})`);
}

/** Parses the stored form; throws PasswordHashError naming what is wrong. */
export function parsePasswordHash(encoded: string): ParsedPasswordHash {
  const m = HASH_RE.exec(encoded);
  if (!m) throw new PasswordHashError('a password hash must look like $scrypt$N=16384,r=8,p=1$<salt>$<hash>');
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  checkParams(params);
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const hash = Buffer.from(m[5] ?? '', 'base64');
  if (salt.length < SALT_BYTES) throw new PasswordHashError(`the salt must be at least ${SALT_BYTES} bytes`);
  if (hash.length < 16 || hash.length > 64) throw new PasswordHashError('the hash must be 16..64 bytes');
  return { params, salt, hash };
}

export function formatPasswordHash(parsed: ParsedPasswordHash): string {
  const { N, r, p } = parsed.params;
  return `$scrypt$N=${N},r=${r},p=${p}$${b64(parsed.salt)}$${b64(parsed.hash)}`;
}

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  // Unicode passwords compare by NFC so the same text typed on different systems matches.
  const secret = Buffer.from(password.normalize('NFC'), 'utf8');
  const maxmem = 128 * params.N * params.r * params.p + 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/** Refuses empty and short passwords; there is no default password anywhere. */
export function checkPasswordPolicy(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new PasswordHashError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

/** Hashes a password with a fresh random 16-byte salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  checkPasswordPolicy(password);
  checkParams(params);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return formatPasswordHash({ params: { ...params }, salt, hash });
}

/** True when `password` matches the stored hash. A malformed stored hash never matches. */
export async function verifyPasswordHash(password: string, encoded: string): Promise<boolean> {
  let parsed: ParsedPasswordHash;
  try {
    parsed = parsePasswordHash(encoded);
  } catch {
    return false;
  }
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * A hash no password matches (random salt, random "hash") with the default cost: verifying an
 * unknown user against it takes as long as verifying a wrong password for a known one.
 */
export function dummyPasswordHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): string {
  return formatPasswordHash({ params: { ...params }, salt: randomBytes(SALT_BYTES), hash: randomBytes(HASH_BYTES) });
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random password (base62, 20 characters ≈ 119 bits), e.g. for the first-start admin user. */
export function generatePassword(length = 20): string {
  if (!Number.isInteger(length) || length < MIN_PASSWORD_LENGTH) {
    throw new PasswordHashError(`a generated password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  // randomInt draws from the CSPRNG without modulo bias.
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}
