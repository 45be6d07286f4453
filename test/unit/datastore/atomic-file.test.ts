import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ensureDirectory, listDirectory, readIfExists, removeDurably, writeAtomic,
} from '../../../src/datastore/atomic-file.js';

describe('atomic-file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, replaces and reads a file, owner-only, leaving no temp file', async () => {
    const file = join(dir, 'running.json');
    await writeAtomic(file, '{"a":1}');
    assert.equal(await readIfExists(file), '{"a":1}');
    await writeAtomic(file, '{"a":2}');
    assert.equal(await readIfExists(file), '{"a":2}');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['running.json']);
  });

  it('reads a missing file as undefined', async () => {
    assert.equal(await readIfExists(join(dir, 'nope.json')), undefined);
  });

  it('rejects reading something that is not a file', async () => {
    await assert.rejects(readIfExists(dir), /EISDIR/);
  });

  it('removes a file and says whether it was there', async () => {
    const file = join(dir, 'startup.json');
    await writeAtomic(file, 'x');
    assert.equal(await removeDurably(file), true);
    assert.equal(await removeDurably(file), false);
    assert.equal(await readIfExists(file), undefined);
  });

  it('creates a private directory and lists it (a missing one lists as empty)', async () => {
    const sub = join(dir, 'state', 'history');
    assert.deepEqual(await listDirectory(sub), []);
    await ensureDirectory(sub);
    assert.equal((await stat(sub)).mode & 0o777, 0o700);
    await writeAtomic(join(sub, 'a'), '1');
    assert.deepEqual(await listDirectory(sub), ['a']);
  });
});
