// Files at the edge of the datastore layer: crash-safe replacement (through the transport's
// writeFileAtomic: temp file in the same directory, write, fsync, rename, fsync the directory),
// reading a file that may be absent, durable removal, and a private state directory.
// Everything the datastores keep on disk goes through here, so a reader after a crash (kill -9,
// power loss) sees either the old content or the new one, never a torn file.
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

import { syncDirectory, writeFileAtomic } from '../netconf/transport/atomic-write.js';

/** Configuration may hold secrets (keys, passwords): owner-only by default. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Replaces `path` atomically with `data`; resolves once the new content and the rename are durable. */
export function writeAtomic(path: string, data: string | Uint8Array, mode: number = PRIVATE_FILE_MODE): Promise<void> {
  return writeFileAtomic(path, data, mode);
}

/** The file's text, or undefined when it does not exist (any other failure rejects). */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes `path` and makes the removal durable; false when it was not there. */
export async function removeDurably(path: string): Promise<boolean> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await syncDirectory(dirname(path));
  return true;
}

/** Creates the directory (and its parents) if missing, owner-only. */
export async function ensureDirectory(dir: string, mode: number = PRIVATE_DIR_MODE): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
}

/** Names of the entries of a directory; [] when it does not exist. */
export async function listDirectory(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
