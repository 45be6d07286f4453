import assert from 'node:assert/strict';
import type { ParsedKey } from 'ssh2';
import { AuthThrottle } from '../../../../src/netconf/transport/auth-throttle.js';
import { Authenticator } from '../../../../src/netconf/transport/authenticator.js';
import { generateHostKeyPair } from '../../../../src/netconf/transport/host-keys.js';
import { parseKeyText, type OpenSshKeyPair } from '../../../../src/netconf/transport/openssh-key.js';
import { normalizeAddress } from '../../../../src/netconf/transport/ssh-server.js';
import type { UserDirectory } from '../../../../src/netconf/transport/user-store.js';

/** alice / right-password, with one authorized key. */
function directory(authorized: ParsedKey): UserDirectory {
  return {
    verifyPassword: (u, p) => Promise.resolve(u === 'alice' && p === 'right-password'),
    findAuthorizedKey: (u, algo, data) =>
      u === 'alice' && algo === authorized.type && authorized.getPublicSSH().equals(data) ? authorized : undefined,
  };
}

describe('authenticator', function () {
  let pair: OpenSshKeyPair;
  let priv: ParsedKey;
  let throttle: AuthThrottle;
  let auth: Authenticator;
  const address = '192.0.2.10';

  before(async function () {
    pair = await generateHostKeyPair('ssh-ed25519');
    const parsed = parseKeyText(pair.privateKeyText);
    assert.ok(!(parsed instanceof Error));
    priv = parsed;
  });

  beforeEach(function () {
    const pub = parseKeyText(pair.publicKeyLine);
    assert.ok(!(pub instanceof Error));
    throttle = new AuthThrottle({ now: () => 0 });
    auth = new Authenticator(directory(pub), throttle);
  });

  it('accepts the right password and records the success', async function () {
    assert.deepEqual(await auth.decide({ method: 'password', username: 'alice', address, password: 'right-password' }), { outcome: 'accept', method: 'password' });
    assert.equal(throttle.snapshot().totalSuccesses, 1);
  });

  it('a wrong password or an unknown user is a counted failure with a growing delay', async function () {
    const first = await auth.decide({ method: 'password', username: 'alice', address, password: 'nope' });
    const second = await auth.decide({ method: 'password', username: 'mallory', address, password: 'right-password' });
    assert.deepEqual(first, { outcome: 'reject', delayMs: 1000, counted: true, reason: 'wrong user name or password' });
    assert.equal(second.outcome === 'reject' && second.delayMs, 2000);
    assert.equal(throttle.snapshot().totalFailures, 2);
  });

  it('publickey: a query for an authorized key gets key-ok, a valid signature is accepted', async function () {
    const keyData = pair.publicBlob;
    assert.deepEqual(await auth.decide({ method: 'publickey', username: 'alice', address, keyAlgo: 'ssh-ed25519', keyData }), { outcome: 'key-ok' });
    const blob = Buffer.from('session id and request');
    const signature = priv.sign(blob);
    assert.deepEqual(
      await auth.decide({ method: 'publickey', username: 'alice', address, keyAlgo: 'ssh-ed25519', keyData, blob, signature }),
      { outcome: 'accept', method: 'publickey' },
    );
  });

  it('publickey: a bad signature for an authorized key is a counted failure', async function () {
    const blob = Buffer.from('session id and request');
    const signature = priv.sign(Buffer.from('something else'));
    const d = await auth.decide({ method: 'publickey', username: 'alice', address, keyAlgo: 'ssh-ed25519', keyData: pair.publicBlob, blob, signature });
    assert.deepEqual(d, { outcome: 'reject', delayMs: 1000, counted: true, reason: 'public key signature did not verify' });
  });

  it('publickey: an unauthorized key is refused without counting or delay', async function () {
    const other = await generateHostKeyPair('ssh-ed25519');
    const d = await auth.decide({ method: 'publickey', username: 'alice', address, keyAlgo: 'ssh-ed25519', keyData: other.publicBlob, blob: Buffer.from('x'), signature: Buffer.alloc(64) });
    assert.equal(d.outcome, 'reject');
    assert.equal(d.outcome === 'reject' && d.counted, false);
    assert.equal(d.outcome === 'reject' && d.delayMs, 0);
    assert.equal(throttle.snapshot().totalFailures, 0);
  });

  it('"none" and methods not offered are refused without counting', async function () {
    for (const request of [
      { method: 'none', username: 'alice', address } as const,
      { method: 'other', name: 'keyboard-interactive', username: 'alice', address } as const,
    ]) {
      const d = await auth.decide(request);
      assert.equal(d.outcome, 'reject');
      assert.equal(d.outcome === 'reject' && d.counted, false);
    }
    assert.equal(throttle.snapshot().totalFailures, 0);
  });

  it('normalizeAddress folds IPv4-mapped IPv6 addresses', function () {
    assert.equal(normalizeAddress('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(normalizeAddress('2001:db8::1'), '2001:db8::1');
    assert.equal(normalizeAddress('::ffff:0:1'), '::ffff:0:1');
  });
});
