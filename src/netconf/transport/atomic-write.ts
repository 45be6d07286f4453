// Crash-safe replacement of a small secret file (host keys, the user file): write a temporary file
// next to the target with the final mode, fsync it, rename it over the target, fsync the directory.
// A reader sees either the old content or the new one, never a torn file.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Replaces `path` atomically with `data`, created with `mode` (e.g. 0o600). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  let renamed = false;
  try {
    await handle.writeFile(data);
    // The mode given to open() is filtered by the umask; make it exact.
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
  await syncDirectory(dir);
}

/** fsync of a directory makes a rename in it durable; some file systems refuse it, which is harmless. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on exotic file systems: the rename itself already happened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
