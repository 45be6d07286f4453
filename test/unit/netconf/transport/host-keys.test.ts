import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostKeyFileName, loadOrCreateHostKeys, type HostKey } from '../../../../src/netconf/transport/host-keys.js';
import { parseKeyText, sshFingerprint } from '../../../../src/netconf/transport/openssh-key.js';

describe('host-keys', function () {
  this.timeout(60_000);
  let dir = '';
  let first: HostKey[] = [];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-hostkeys-'));
    // 2048-bit RSA keeps the unit test quick; production uses the 3072 default.
    first = await loadOrCreateHostKeys(join(dir, 'state'), { rsaBits: 2048, comment: 'unit' });
  });

  after(async function () {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('generates ed25519, ecdsa and rsa keys in OpenSSH files, mode 0600, with .pub files', async function () {
    assert.deepEqual(first.map((k) => k.type), ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
    assert.ok(first.every((k) => k.created && !k.permissionsFixed));
    const names = (await readdir(join(dir, 'state'))).sort();
    assert.deepEqual(names, [
      'ssh_host_ecdsa_key', 'ssh_host_ecdsa_key.pub', 'ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub',
      'ssh_host_rsa_key', 'ssh_host_rsa_key.pub',
    ]);
    assert.equal((await stat(join(dir, 'state'))).mode & 0o777, 0o700);
    for (const key of first) {
      assert.equal((await stat(key.path)).mode & 0o777, 0o600);
      assert.equal(await readFile(key.path, 'utf8'), key.privateKey);
      assert.equal(await readFile(`${key.path}.pub`, 'utf8'), `${key.publicKey}\n`);
      assert.match(key.publicKey, new RegExp(`^${key.type} [A-Za-z0-9+/=]+ unit$`));
    }
    const rsa = parseKeyText(first[2]?.privateKey ?? '');
    assert.ok(!(rsa instanceof Error));
  });

  it('fingerprints are OpenSSH SHA256 over the public blob', function () {
    for (const key of first) {
      assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
      const pub = parseKeyText(key.publicKey);
      assert.ok(!(pub instanceof Error));
      assert.equal(key.fingerprint, sshFingerprint(pub.getPublicSSH()));
    }
    assert.equal(new Set(first.map((k) => k.fingerprint)).size, 3);
  });

  it('a second load returns the same keys without regenerating', async function () {
    const again = await loadOrCreateHostKeys(join(dir, 'state'));
    assert.ok(again.every((k) => !k.created));
    assert.deepEqual(again.map((k) => [k.type, k.fingerprint, k.privateKey, k.publicKey]), first.map((k) => [k.type, k.fingerprint, k.privateKey, k.publicKey]));
  });

  it('narrows loose permissions and restores a missing .pub file', async function () {
    const ed = first[0];
    assert.ok(ed);
    await chmod(ed.path, 0o644);
    await rm(`${ed.path}.pub`);
    const again = await loadOrCreateHostKeys(join(dir, 'state'), { types: ['ssh-ed25519'] });
    assert.equal(again[0]?.permissionsFixed, true);
    assert.equal((await stat(ed.path)).mode & 0o777, 0o600);
    assert.equal(await readFile(`${ed.path}.pub`, 'utf8'), `${ed.publicKey}\n`);
  });

  it('a damaged or mismatched key file is an error, never silently replaced', async function () {
    const state = join(dir, 'damaged');
    await loadOrCreateHostKeys(state, { types: ['ssh-ed25519'] });
    const path = join(state, hostKeyFileName('ssh-ed25519'));
    await writeFile(path, 'garbage\n', { mode: 0o600 });
    await assert.rejects(loadOrCreateHostKeys(state, { types: ['ssh-ed25519'] }), /host key .*ssh_host_ed25519_key/);
    assert.equal(await readFile(path, 'utf8'), 'garbage\n');
    const ecdsa = await loadOrCreateHostKeys(join(dir, 'other'), { types: ['ecdsa-sha2-nistp256'] });
    await writeFile(path, ecdsa[0]?.privateKey ?? '', { mode: 0o600 });
    await assert.rejects(loadOrCreateHostKeys(state, { types: ['ssh-ed25519'] }), /expected a ssh-ed25519 key, found ecdsa-sha2-nistp256/);
    await writeFile(path, first[0]?.publicKey ?? '', { mode: 0o600 });
    await assert.rejects(loadOrCreateHostKeys(state, { types: ['ssh-ed25519'] }), /holds a public key, not a private key/);
  });

  it('refuses weak RSA sizes and an empty type list', async function () {
    await assert.rejects(loadOrCreateHostKeys(join(dir, 'weak'), { types: ['ssh-rsa'], rsaBits: 1024 }), /at least 2048 bits/);
    await assert.rejects(loadOrCreateHostKeys(join(dir, 'none'), { types: [] }), /at least one host key type/);
  });

  it('leaves no temporary files behind', async function () {
    const names = await readdir(join(dir, 'state'));
    assert.ok(names.every((n) => !n.endsWith('.tmp')), names.join(', '));
  });
});
