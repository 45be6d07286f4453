import assert from 'node:assert/strict';
import {
  DEFAULT_SCRYPT_PARAMS,
  checkPasswordPolicy,
  dummyPasswordHash,
  generatePassword,
  hashPassword,
  parsePasswordHash,
  verifyPasswordHash,
} from '../../../../src/netconf/transport/password-hash.js';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password-hash', function () {
  this.timeout(20_000);

  it('stores scrypt with explicit N, r, p, a 16-byte salt and a 32-byte hash', async function () {
    const encoded = await hashPassword('s3cret-passphrase');
    assert.match(encoded, /^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parsePasswordHash(encoded);
    assert.deepEqual(parsed.params, DEFAULT_SCRYPT_PARAMS);
    assert.equal(parsed.salt.length, 16);
    assert.equal(parsed.hash.length, 32);
    assert.equal(await verifyPasswordHash('s3cret-passphrase', encoded), true);
    assert.equal(await verifyPasswordHash('s3cret-passphrasE', encoded), false);
  });

  it('uses a fresh salt every time and honours other parameters', async function () {
    const a = await hashPassword('same password', CHEAP);
    const b = await hashPassword('same password', CHEAP);
    assert.notEqual(a, b);
    assert.match(a, /^\$scrypt\$N=1024,r=8,p=1\$/);
    assert.equal(await verifyPasswordHash('same password', a), true);
    assert.equal(await verifyPasswordHash('same password', b), true);
  });

  it('compares Unicode passwords in NFC', async function () {
    const composed = 'caf\u00e9-au-lait';
    const decomposed = 'cafe\u0301-au-lait';
    const encoded = await hashPassword(composed, CHEAP);
    assert.equal(await verifyPasswordHash(decomposed, encoded), true);
  });

  it('rejects malformed stored hashes and unsafe parameters', function () {
    for (const bad of [
      '',
      'plaintext',
      '$scrypt$N=16384,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$scrypt$N=1000,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$scrypt$N=512,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$scrypt$N=16384,r=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$scrypt$N=16384,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$scrypt$N=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA',
    ]) {
      assert.throws(() => parsePasswordHash(bad), /scrypt|salt|hash/, bad);
    }
  });

  it('a malformed stored hash never verifies', async function () {
    assert.equal(await verifyPasswordHash('anything-at-all', 'not-a-hash'), false);
  });

  it('the dummy hash is well-formed, default-cost, and matches nothing', async function () {
    const dummy = dummyPasswordHash();
    assert.deepEqual(parsePasswordHash(dummy).params, DEFAULT_SCRYPT_PARAMS);
    assert.notEqual(dummy, dummyPasswordHash());
    assert.equal(await verifyPasswordHash('', dummy), false);
    assert.equal(await verifyPasswordHash('password', dummy), false);
  });

  it('refuses empty and short passwords', async function () {
    assert.throws(() => checkPasswordPolicy(''), /at least 8 characters/);
    assert.throws(() => checkPasswordPolicy('1234567'), /at least 8 characters/);
    await assert.rejects(hashPassword('short'), /at least 8 characters/);
    checkPasswordPolicy('12345678');
  });

  it('generatePassword gives 20 random base62 characters by default', function () {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      assert.match(p, /^[A-Za-z0-9]{20}$/);
      seen.add(p);
    }
    assert.equal(seen.size, 200);
    assert.match(generatePassword(32), /^[A-Za-z0-9]{32}$/);
    assert.throws(() => generatePassword(4), /at least 8/);
    // Every symbol of the alphabet shows up over enough draws (no truncated alphabet).
    assert.equal(new Set([...seen].join('')).size, 62);
  });
});
