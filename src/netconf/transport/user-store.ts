// The users who may open NETCONF sessions, kept in a JSON file (mode 0600):
//
//   { "users": [ { "name": "admin",
//                  "passwordHash": "$scrypt$N=16384,r=8,p=1$<salt>$<hash>",
//                  "authorizedKeys": ["ssh-ed25519 AAAAC3Nza... alice@laptop"] } ] }
//
// Both credentials are optional per user; a user with neither cannot log in. Plain-text passwords
// are never stored and there is no default password. Every change rewrites the file atomically.
import { readFile } from 'node:fs/promises';
import type { ParsedKey } from 'ssh2';
import { writeFileAtomic } from './atomic-write.js';
import { parseKeyText } from './openssh-key.js';
import { dummyPasswordHash, hashPassword, parsePasswordHash, verifyPasswordHash } from './password-hash.js';

/** One user as stored in the file. */
export interface UserRecord {
  name: string;
  passwordHash?: string;
  authorizedKeys: string[];
}

/** What the SSH server asks of a user directory (UserStore implements it; tests may fake it). */
export interface UserDirectory {
  /** Constant-cost check: unknown users and users without a password cost as much as a wrong password. */
  verifyPassword(username: string, password: string): Promise<boolean>;
  /** The user's authorized key equal to the offered one (`algo` is the key type, e.g. `ssh-rsa`). */
  findAuthorizedKey(username: string, algo: string, keyData: Buffer): ParsedKey | undefined;
}

export interface UserSummary {
  name: string;
  hasPassword: boolean;
  authorizedKeys: number;
}

export class UserFileError extends Error {
  override name = 'UserFileError';
}

const USER_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,63}$/;
const USER_FIELDS = new Set(['name', 'passwordHash', 'authorizedKeys']);

export function checkUserName(name: string): void {
  if (!USER_NAME_RE.test(name)) {
    throw new UserFileError(
      `invalid user name ${JSON.stringify(name)}: 1..64 characters of A-Z a-z 0-9 . _ @ + -, not starting with . @ + -`,
    );
  }
}

/** Parses one OpenSSH public key line (`type base64 [comment]`) with ssh2's parser. */
export function parseAuthorizedKey(line: string): ParsedKey {
  const key = parseKeyText(line.trim());
  if (key instanceof Error) throw new UserFileError(`unreadable public key: ${key.message}`);
  if (key.isPrivateKey()) throw new UserFileError('a private key was given where a public key line belongs');
  return key;
}

/** Validates and normalizes the user file's text. Errors name the offending entry. */
export function parseUserFile(text: string, source = 'user file'): UserRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserFileError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !Array.isArray((doc as { users?: unknown }).users)) {
    throw new UserFileError(`${source}: expected an object with a "users" array`);
  }
  const seen = new Set<string>();
  return ((doc as { users: unknown[] }).users).map((entry, i): UserRecord => {
    const where = `${source}: users[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UserFileError(`${where}: expected an object`);
    const obj = entry as Record<string, unknown>;
    for (const field of Object.keys(obj)) {
      if (!USER_FIELDS.has(field)) {
        const hint = field === 'password' ? ' (store a scrypt hash in "passwordHash", never the password)' : '';
        throw new UserFileError(`${where}: unknown field "${field}"${hint}`);
      }
    }
    const name = obj['name'];
    if (typeof name !== 'string') throw new UserFileError(`${where}: "name" must be a string`);
    try {
      checkUserName(name);
    } catch (err) {
      throw new UserFileError(`${where}: ${(err as Error).message}`);
    }
    if (seen.has(name)) throw new UserFileError(`${where}: user "${name}" appears twice`);
    seen.add(name);
    const record: UserRecord = { name, authorizedKeys: [] };
    const hash = obj['passwordHash'];
    if (hash !== undefined) {
      if (typeof hash !== 'string') throw new UserFileError(`${where} (${name}): "passwordHash" must be a string`);
      try {
        parsePasswordHash(hash);
      } catch (err) {
        throw new UserFileError(`${where} (${name}): ${(err as Error).message}`);
      }
      record.passwordHash = hash;
    }
    const keys = obj['authorizedKeys'];
    if (keys !== undefined) {
      if (!Array.isArray(keys)) throw new UserFileError(`${where} (${name}): "authorizedKeys" must be an array of strings`);
      keys.forEach((line, k) => {
        if (typeof line !== 'string') throw new UserFileError(`${where} (${name}): authorizedKeys[${k}] must be a string`);
        try {
          parseAuthorizedKey(line);
        } catch (err) {
          throw new UserFileError(`${where} (${name}): authorizedKeys[${k}]: ${(err as Error).message}`);
        }
        record.authorizedKeys.push(line.trim());
      });
    }
    return record;
  });
}

export function serializeUserFile(records: readonly UserRecord[]): string {
  const users = records.map((r) => ({
    name: r.name,
    ...(r.passwordHash === undefined ? {} : { passwordHash: r.passwordHash }),
    authorizedKeys: r.authorizedKeys,
  }));
  return `${JSON.stringify({ users }, null, 2)}\n`;
}

interface LoadedUser {
  record: UserRecord;
  keys: ParsedKey[];
}

function index(records: readonly UserRecord[]): Map<string, LoadedUser> {
  return new Map(records.map((record) => [record.name, { record, keys: record.authorizedKeys.map(parseAuthorizedKey) }]));
}

export interface NewUser {
  password?: string;
  authorizedKeys?: string[];
}

/** The user file, loaded into memory; mutations rewrite it atomically, one at a time. */
export class UserStore implements UserDirectory {
  private users: Map<string, LoadedUser>;
  private readonly dummyHash = dummyPasswordHash();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    records: readonly UserRecord[],
  ) {
    this.users = index(records);
  }

  /** Loads `path`; a missing file is an empty store (the file is written on the first change). */
  static async open(path: string): Promise<UserStore> {
    return new UserStore(path, await readRecords(path));
  }

  /** Re-reads the file (e.g. on SIGHUP); on error the old content stays in force. */
  async reload(): Promise<void> {
    await this.serialize(async () => {
      this.users = index(await readRecords(this.path));
    });
  }

  list(): UserSummary[] {
    return [...this.users.values()].map(({ record }) => ({
      name: record.name,
      hasPassword: record.passwordHash !== undefined,
      authorizedKeys: record.authorizedKeys.length,
    }));
  }

  has(name: string): boolean {
    return this.users.has(name);
  }

  get size(): number {
    return this.users.size;
  }

  async addUser(name: string, user: NewUser = {}): Promise<void> {
    checkUserName(name);
    const authorizedKeys = (user.authorizedKeys ?? []).map((line) => {
      parseAuthorizedKey(line);
      return line.trim();
    });
    const passwordHash = user.password === undefined ? undefined : await hashPassword(user.password);
    await this.mutate((records) => {
      if (records.some((r) => r.name === name)) throw new UserFileError(`user "${name}" already exists`);
      return [...records, { name, ...(passwordHash === undefined ? {} : { passwordHash }), authorizedKeys }];
    });
  }

  /** Returns false when there was no such user. */
  async removeUser(name: string): Promise<boolean> {
    let found = false;
    await this.mutate((records) => {
      found = records.some((r) => r.name === name);
      return records.filter((r) => r.name !== name);
    });
    return found;
  }

  async setPassword(name: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.mutate((records) => {
      if (!records.some((r) => r.name === name)) throw new UserFileError(`no user "${name}"`);
      return records.map((r) => (r.name === name ? { ...r, passwordHash } : r));
    });
  }

  async addAuthorizedKey(name: string, line: string): Promise<void> {
    const key = parseAuthorizedKey(line);
    await this.mutate((records) => {
      const user = records.find((r) => r.name === name);
      if (!user) throw new UserFileError(`no user "${name}"`);
      if (user.authorizedKeys.some((l) => parseAuthorizedKey(l).equals(key))) return records;
      return records.map((r) => (r.name === name ? { ...r, authorizedKeys: [...r.authorizedKeys, line.trim()] } : r));
    });
  }

  async verifyPassword(username: string, password: string): Promise<boolean> {
    const hash = this.users.get(username)?.record.passwordHash;
    // Always run one scrypt: an unknown user (or one without a password) costs the same.
    const ok = await verifyPasswordHash(password, hash ?? this.dummyHash);
    return ok && hash !== undefined;
  }

  findAuthorizedKey(username: string, algo: string, keyData: Buffer): ParsedKey | undefined {
    const user = this.users.get(username);
    if (!user) return undefined;
    return user.keys.find((key) => key.type === algo && key.getPublicSSH().equals(keyData));
  }

  private async mutate(change: (records: UserRecord[]) => UserRecord[]): Promise<void> {
    await this.serialize(async () => {
      const current = [...this.users.values()].map((u) => u.record);
      const next = change(current);
      if (next === current) return;
      const nextIndex = index(next);
      await writeFileAtomic(this.path, serializeUserFile(next), 0o600);
      this.users = nextIndex;
    });
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function readRecords(path: string): Promise<UserRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseUserFile(text, path);
}
