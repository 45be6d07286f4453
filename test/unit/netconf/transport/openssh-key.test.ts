import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import ssh2 from 'ssh2';
import {
  encodeOpenSshKeyPair,
  parseKeyText,
  sshFingerprint,
  sshMpint,
  sshString,
  type OpenSshKeyType,
} from '../../../../src/netconf/transport/openssh-key.js';

/** ed25519 key with the seed 0x01..0x20; expected values produced by OpenSSH 9.2's ssh-keygen. */
function vectorKey(): ReturnType<typeof createPrivateKey> {
  const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

describe('openssh-key', function () {
  it('sshString and sshMpint follow RFC 4251', function () {
    assert.deepEqual(sshString('ab'), Buffer.from([0, 0, 0, 2, 0x61, 0x62]));
    assert.deepEqual(sshMpint(Buffer.from([0, 0, 0x12, 0x34])), Buffer.from([0, 0, 0, 2, 0x12, 0x34]));
    assert.deepEqual(sshMpint(Buffer.from([0x80])), Buffer.from([0, 0, 0, 2, 0, 0x80]));
    assert.deepEqual(sshMpint(Buffer.from([0, 0])), Buffer.from([0, 0, 0, 0]));
  });

  it('matches ssh-keygen for a known ed25519 key (public line and SHA256 fingerprint)', function () {
    const pair = encodeOpenSshKeyPair('ssh-ed25519', vectorKey(), 'vector');
    assert.equal(pair.publicKeyLine, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk vector\n');
    assert.equal(sshFingerprint(pair.publicBlob), 'SHA256:eVkCKHnc5RjanBduU2vmOecbFl3M9wOgHdk24INJytY');
    assert.match(pair.privateKeyText, /^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    assert.ok(pair.privateKeyText.split('\n').every((line) => line.length <= 70));
  });

  const nodeKeys: Record<OpenSshKeyType, () => ReturnType<typeof createPrivateKey>> = {
    'ssh-ed25519': () => generateKeyPairSync('ed25519').privateKey,
    'ecdsa-sha2-nistp256': () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
    'ssh-rsa': () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  };
  for (const [type, make] of Object.entries(nodeKeys) as [OpenSshKeyType, () => ReturnType<typeof createPrivateKey>][]) {
    it(`${type}: ssh2 parses the private key, its public blob matches, and it signs verifiably`, function () {
      const pair = encodeOpenSshKeyPair(type, make(), 'test');
      const priv = parseKeyText(pair.privateKeyText);
      assert.ok(!(priv instanceof Error), priv instanceof Error ? priv.message : '');
      assert.equal(priv.type, type);
      assert.ok(priv.isPrivateKey());
      assert.equal(priv.comment, 'test');
      assert.deepEqual(priv.getPublicSSH(), pair.publicBlob);
      const pub = parseKeyText(pair.publicKeyLine);
      assert.ok(!(pub instanceof Error));
      assert.ok(!pub.isPrivateKey());
      const data = Buffer.from('signed data');
      const hash = type === 'ssh-rsa' ? 'sha512' : undefined;
      assert.equal(pub.verify(data, priv.sign(data, hash), hash), true);
      assert.equal(pub.verify(Buffer.from('other data'), priv.sign(data, hash), hash), false);
    });
  }

  it('refuses a key of the wrong kind and reports unparsable text as an Error value', function () {
    assert.throws(() => encodeOpenSshKeyPair('ssh-rsa', vectorKey(), ''), /not an RSA key/);
    assert.ok(parseKeyText('not a key') instanceof Error);
    assert.ok(ssh2.utils.parseKey('ssh-ed25519 AAAA') instanceof Error);
  });
});
