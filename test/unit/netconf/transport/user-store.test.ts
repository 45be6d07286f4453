import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHostKeyPair } from '../../../../src/netconf/transport/host-keys.js';
import type { OpenSshKeyPair } from '../../../../src/netconf/transport/openssh-key.js';
import { hashPassword } from '../../../../src/netconf/transport/password-hash.js';
import { UserStore, parseUserFile, serializeUserFile } from '../../../../src/netconf/transport/user-store.js';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('user-store', function () {
  this.timeout(30_000);
  let dir = '';
  let edKey: OpenSshKeyPair;
  let ecKey: OpenSshKeyPair;
  let cheapHash = '';

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'vrouterd-users-'));
    edKey = await generateHostKeyPair('ssh-ed25519', { comment: 'alice@laptop' });
    ecKey = await generateHostKeyPair('ecdsa-sha2-nistp256', { comment: 'ci' });
    cheapHash = await hashPassword('password-one', CHEAP);
  });

  after(async function () {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  describe('parseUserFile', function () {
    it('reads users with a hash, keys, both or neither', function () {
      const text = JSON.stringify({
        users: [
          { name: 'alice', passwordHash: cheapHash, authorizedKeys: [edKey.publicKeyLine] },
          { name: 'ci-bot', authorizedKeys: [ecKey.publicKeyLine.trim()] },
          { name: 'locked' },
        ],
      });
      const users = parseUserFile(text);
      assert.deepEqual(users.map((u) => [u.name, u.passwordHash !== undefined, u.authorizedKeys.length]), [
        ['alice', true, 1],
        ['ci-bot', false, 1],
        ['locked', false, 0],
      ]);
      assert.equal(users[0]?.authorizedKeys[0], edKey.publicKeyLine.trim());
      assert.deepEqual(parseUserFile(serializeUserFile(users)), users);
    });

    const cases: [string, unknown, RegExp][] = [
      ['not JSON', '{', /not valid JSON/],
      ['no users array', { people: [] }, /"users" array/],
      ['a non-object entry', { users: ['alice'] }, /users\[0\]: expected an object/],
      ['a plain password', { users: [{ name: 'a', password: 'x' }] }, /unknown field "password" \(store a scrypt hash/],
      ['a bad name', { users: [{ name: 'al ice' }] }, /users\[0\]: invalid user name/],
      ['an empty name', { users: [{ name: '' }] }, /invalid user name/],
      ['a duplicate', { users: [{ name: 'a' }, { name: 'a' }] }, /users\[1\]: user "a" appears twice/],
      ['a bad hash', { users: [{ name: 'a', passwordHash: 'md5$abc' }] }, /users\[0\] \(a\): a password hash must look like/],
      ['keys not an array', { users: [{ name: 'a', authorizedKeys: 'ssh-ed25519 AAAA' }] }, /must be an array of strings/],
      ['a bad key', { users: [{ name: 'a', authorizedKeys: ['ssh-ed25519 AAAA'] }] }, /authorizedKeys\[0\]: unreadable public key/],
    ];
    for (const [what, doc, message] of cases) {
      it(`refuses ${what}`, function () {
        assert.throws(() => parseUserFile(typeof doc === 'string' ? doc : JSON.stringify(doc), 'users.json'), message);
      });
    }

    it('refuses a private key where a public key line belongs', function () {
      const text = JSON.stringify({ users: [{ name: 'a', authorizedKeys: [edKey.privateKeyText] }] });
      assert.throws(() => parseUserFile(text), /private key was given/);
    });
  });

  describe('UserStore', function () {
    it('a missing file is an empty store; the first change writes it with mode 0600', async function () {
      const path = join(dir, 'fresh.json');
      const store = await UserStore.open(path);
      assert.equal(store.size, 0);
      await assert.rejects(stat(path), /ENOENT/);
      await store.addUser('admin', { password: 'generated-password-1' });
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      const onDisk = parseUserFile(await readFile(path, 'utf8'));
      assert.equal(onDisk.length, 1);
      assert.match(onDisk[0]?.passwordHash ?? '', /^\$scrypt\$N=16384,r=8,p=1\$/);
      assert.ok(!(await readFile(path, 'utf8')).includes('generated-password-1'));
      assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
    });

    it('verifies passwords; unknown users and users without a password never verify', async function () {
      const path = join(dir, 'verify.json');
      await writeFile(path, serializeUserFile([
        { name: 'alice', passwordHash: cheapHash, authorizedKeys: [] },
        { name: 'keyonly', authorizedKeys: [edKey.publicKeyLine] },
      ]));
      const store = await UserStore.open(path);
      assert.equal(await store.verifyPassword('alice', 'password-one'), true);
      assert.equal(await store.verifyPassword('alice', 'password-two'), false);
      assert.equal(await store.verifyPassword('Alice', 'password-one'), false);
      assert.equal(await store.verifyPassword('nobody', 'password-one'), false);
      assert.equal(await store.verifyPassword('keyonly', ''), false);
    });

    it('an unknown user costs about as much as a wrong password (both run scrypt)', async function () {
      const path = join(dir, 'timing.json');
      const store = await UserStore.open(path);
      await store.addUser('alice', { password: 'the-right-one' }); // default cost, like the dummy hash
      const time = async (user: string): Promise<number> => {
        const t0 = process.hrtime.bigint();
        await store.verifyPassword(user, 'a-wrong-one');
        return Number(process.hrtime.bigint() - t0) / 1e6;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 5; i++) {
        known.push(await time('alice'));
        unknown.push(await time('nobody'));
      }
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[2] ?? 0;
      const ratio = median(unknown) / median(known);
      assert.ok(ratio > 0.5 && ratio < 2, `unknown/known verify time ratio ${ratio.toFixed(2)} (${median(unknown)} / ${median(known)} ms)`);
    });

    it('finds authorized keys by type and data', async function () {
      const store = await UserStore.open(join(dir, 'keys.json'));
      await store.addUser('alice', { authorizedKeys: [edKey.publicKeyLine] });
      const found = store.findAuthorizedKey('alice', 'ssh-ed25519', edKey.publicBlob);
      assert.ok(found);
      assert.equal(found.comment, 'alice@laptop');
      assert.equal(store.findAuthorizedKey('alice', 'ecdsa-sha2-nistp256', edKey.publicBlob), undefined);
      assert.equal(store.findAuthorizedKey('alice', 'ecdsa-sha2-nistp256', ecKey.publicBlob), undefined);
      assert.equal(store.findAuthorizedKey('bob', 'ssh-ed25519', edKey.publicBlob), undefined);
      await store.addAuthorizedKey('alice', ecKey.publicKeyLine);
      await store.addAuthorizedKey('alice', ecKey.publicKeyLine); // no duplicate
      assert.ok(store.findAuthorizedKey('alice', 'ecdsa-sha2-nistp256', ecKey.publicBlob));
      assert.deepEqual(store.list(), [{ name: 'alice', hasPassword: false, authorizedKeys: 2 }]);
      await assert.rejects(store.addAuthorizedKey('alice', 'ssh-ed25519 garbage'), /unreadable public key/);
    });

    it('add, set password, remove: the file follows and a reopened store agrees', async function () {
      const path = join(dir, 'crud.json');
      const store = await UserStore.open(path);
      await store.addUser('alice', { password: 'first-password' });
      await assert.rejects(store.addUser('alice', { password: 'whatever-else' }), /already exists/);
      await assert.rejects(store.addUser('bad name'), /invalid user name/);
      await assert.rejects(store.addUser('shorty', { password: 'short' }), /at least 8 characters/);
      await store.setPassword('alice', 'second-password');
      await assert.rejects(store.setPassword('nobody', 'second-password'), /no user "nobody"/);
      assert.equal(await store.verifyPassword('alice', 'first-password'), false);
      assert.equal(await store.verifyPassword('alice', 'second-password'), true);
      await store.addUser('bob', { authorizedKeys: [edKey.publicKeyLine] });
      const reopened = await UserStore.open(path);
      assert.deepEqual(reopened.list().map((u) => u.name), ['alice', 'bob']);
      assert.equal(await reopened.verifyPassword('alice', 'second-password'), true);
      assert.equal(await store.removeUser('alice'), true);
      assert.equal(await store.removeUser('alice'), false);
      await reopened.reload();
      assert.deepEqual(reopened.list().map((u) => u.name), ['bob']);
      assert.equal(await reopened.verifyPassword('alice', 'second-password'), false);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    });

    it('concurrent changes are serialized: none is lost', async function () {
      const path = join(dir, 'concurrent.json');
      const store = await UserStore.open(path);
      await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((n) => store.addUser(n, { authorizedKeys: [edKey.publicKeyLine] })));
      assert.deepEqual((await UserStore.open(path)).list().map((u) => u.name).sort(), ['u1', 'u2', 'u3', 'u4', 'u5']);
    });

    it('a broken file fails to load with the entry named, and reload keeps the old content', async function () {
      const path = join(dir, 'broken.json');
      await writeFile(path, serializeUserFile([{ name: 'alice', authorizedKeys: [edKey.publicKeyLine] }]));
      const store = await UserStore.open(path);
      await writeFile(path, JSON.stringify({ users: [{ name: 'alice', password: 'oops' }] }));
      await assert.rejects(UserStore.open(path), /broken\.json: users\[0\]: unknown field "password"/);
      await assert.rejects(store.reload(), /unknown field/);
      assert.ok(store.has('alice'));
    });
  });
});
