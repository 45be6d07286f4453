// The SSH edge against real clients on 127.0.0.1: ssh2's own Client, paramiko (python3-paramiko,
// the library under ncclient and Ansible) restricted to aes128-ctr + hmac-sha2-256, and OpenSSH.
// The session factory here just echoes bytes; NETCONF itself is tested elsewhere.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';
import { AuthThrottle } from '../../src/netconf/transport/auth-throttle.js';
import { generateHostKeyPair, loadOrCreateHostKeys, type HostKey } from '../../src/netconf/transport/host-keys.js';
import { sshFingerprint, type OpenSshKeyPair } from '../../src/netconf/transport/openssh-key.js';
import { SSH_ALGORITHMS, startSshServer, type SshServerHandle, type SshServerOptions, type SshSessionInfo } from '../../src/netconf/transport/ssh-server.js';
import { UserStore } from '../../src/netconf/transport/user-store.js';
import { requireCommand } from '../support/prerequisites.js';

const PASSWORD = 'correct horse battery staple';
const PARAMIKO_CLIENT = fileURLToPath(new URL('../support/paramiko-netconf-client.py', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the connected client, or rejects with the client's error. */
function sshConnect(port: number, config: ConnectConfig): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.connect({ host: '127.0.0.1', port, readyTimeout: 15_000, ...config });
  });
}

function subsys(client: ssh2.Client, name: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.subsys(name, (err, ch) => (err ? reject(err) : resolve(ch))));
}

function echoThrough(channel: ClientChannel, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= text.length) {
        channel.off('data', onData);
        resolve(got);
      }
    };
    channel.on('data', onData);
    channel.once('close', () => reject(new Error(`channel closed after ${JSON.stringify(got)}`)));
    channel.write(text);
  });
}

async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function requireParamiko(): void {
  requireCommand('/usr/bin/python3', 'python3');
  // Debian's interpreter, not a pyenv/venv one earlier on PATH: the package installs there.
  const r = spawnSync('/usr/bin/python3', ['-c', 'import paramiko'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('paramiko is not installed for /usr/bin/python3: install the Debian package python3-paramiko');
}

interface ParamikoResult {
  ok: boolean;
  error?: string;
  stage?: string;
  echo?: string;
  cipher?: string;
  remoteCipher?: string;
  mac?: string;
  remoteMac?: string;
  hostKeyType?: string;
  hostKeyFingerprint?: string;
}

function runParamiko(args: Record<string, unknown>): Promise<ParamikoResult> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [PARAMIKO_CLIENT, JSON.stringify(args)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`paramiko client failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as ParamikoResult);
      } catch {
        reject(new Error(`paramiko client printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

function echoSession(sessions: SshSessionInfo[]): (channel: Duplex, info: SshSessionInfo) => void {
  return (channel, info) => {
    sessions.push(info);
    channel.on('data', (d: Buffer) => channel.write(d));
    channel.on('end', () => channel.end());
  };
}

describe('SSH transport (integration, real clients)', function () {
  this.timeout(90_000);
  let tmp = '';
  let stateDir = '';
  let hostKeys: HostKey[] = [];
  let users: UserStore;
  const clientKeys = new Map<string, OpenSshKeyPair>();
  const servers: SshServerHandle[] = [];
  const clients: ssh2.Client[] = [];
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

  async function start(overrides: Partial<SshServerOptions> = {}): Promise<{ server: SshServerHandle; throttle: AuthThrottle; sessions: SshSessionInfo[] }> {
    const throttle = new AuthThrottle();
    const sessions: SshSessionInfo[] = [];
    const server = await startSshServer({
      host: '127.0.0.1',
      port: 0,
      hostKeys,
      users,
      throttle,
      maxSessions: 4,
      onSession: echoSession(sessions),
      logger,
      ...overrides,
    });
    servers.push(server);
    return { server, throttle, sessions };
  }

  function track(client: ssh2.Client): ssh2.Client {
    clients.push(client);
    return client;
  }

  before(async function () {
    tmp = await mkdtemp(join(tmpdir(), 'vrouterd-ssh-'));
    stateDir = join(tmp, 'state');
    hostKeys = await loadOrCreateHostKeys(stateDir); // RSA-3072 as in production
    for (const type of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'] as const) {
      clientKeys.set(type, await generateHostKeyPair(type, { rsaBits: 2048, comment: `alice-${type}` }));
    }
    users = await UserStore.open(join(tmp, 'users.json'));
    await users.addUser('alice', { password: PASSWORD, authorizedKeys: [...clientKeys.values()].map((k) => k.publicKeyLine) });
  });

  afterEach(async function () {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  after(async function () {
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
  });

  it('password login opens the netconf subsystem and the channel echoes', async function () {
    const { server, sessions } = await start();
    let hostKeyBlob: Buffer | undefined;
    const client = track(
      await sshConnect(server.port, {
        username: 'alice',
        password: PASSWORD,
        hostVerifier: (key: Buffer) => {
          hostKeyBlob = key;
          return true;
        },
      }),
    );
    const channel = await subsys(client, 'netconf');
    assert.equal(await echoThrough(channel, 'hello netconf'), 'hello netconf');
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.username, 'alice');
    assert.equal(sessions[0]?.remoteAddress, '127.0.0.1');
    assert.equal(sessions[0]?.authMethod, 'password');
    assert.ok(hostKeyBlob);
    assert.ok(hostKeys.some((k) => k.fingerprint === sshFingerprint(hostKeyBlob as Buffer)), 'offered host key is one of ours');
    assert.equal(server.stats().sessions, 1);
    channel.end();
    await waitFor('session count back to 0', () => server.stats().sessions === 0);
  });

  for (const type of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']) {
    it(`publickey login with a ${type} key`, async function () {
      const { server, sessions, throttle } = await start();
      const key = clientKeys.get(type);
      assert.ok(key);
      const client = track(await sshConnect(server.port, { username: 'alice', privateKey: key.privateKeyText }));
      const channel = await subsys(client, 'netconf');
      assert.equal(await echoThrough(channel, 'k'), 'k');
      assert.equal(sessions[0]?.authMethod, 'publickey');
      assert.equal(throttle.snapshot().totalSuccesses, 1);
      assert.equal(throttle.snapshot().totalFailures, 0);
    });
  }

  it('every offered key exchange, cipher and MAC negotiates with the ssh2 client', async function () {
    const { server } = await start();
    const negotiate = async (algorithms: ConnectConfig['algorithms']): Promise<{ kex: string; cipher: string; mac: string }> => {
      const c = new ssh2.Client();
      clients.push(c);
      const negotiated = new Promise<{ kex: string; cs: { cipher: string; mac: string } }>((resolve) => c.once('handshake', resolve));
      await new Promise<void>((resolve, reject) => {
        c.on('ready', () => resolve()).on('error', reject);
        c.connect({ host: '127.0.0.1', port: server.port, username: 'alice', password: PASSWORD, ...(algorithms ? { algorithms } : {}) });
      });
      const n = await negotiated;
      c.end();
      return { kex: n.kex, cipher: n.cs.cipher, mac: n.cs.mac };
    };
    for (const kex of SSH_ALGORITHMS.kex) assert.equal((await negotiate({ kex: [kex] })).kex, kex);
    for (const cipher of SSH_ALGORITHMS.cipher) assert.equal((await negotiate({ cipher: [cipher] })).cipher, cipher);
    for (const hmac of SSH_ALGORITHMS.hmac) {
      const n = await negotiate({ cipher: ['aes256-ctr'], hmac: [hmac] });
      assert.deepEqual([n.cipher, n.mac], ['aes256-ctr', hmac]);
    }
    await assert.rejects(negotiate({ cipher: ['aes128-cbc'] }), /no matching|Handshake failed/i);
    await assert.rejects(negotiate({ hmac: ['hmac-sha1'], cipher: ['aes128-ctr'] }), /no matching|Handshake failed/i);
    // ssh2 has no server side for DH group exchange, so it must not be offered.
    await assert.rejects(negotiate({ kex: ['diffie-hellman-group-exchange-sha256'] }), /no matching|Handshake failed/i);
  });

  it('a key that is not authorized is refused', async function () {
    const { server } = await start();
    const stranger = await generateHostKeyPair('ssh-ed25519');
    await assert.rejects(sshConnect(server.port, { username: 'alice', privateKey: stranger.privateKeyText }), /authentication methods failed/);
  });

  it('a wrong password is refused, counted and delayed', async function () {
    const { server, throttle } = await start();
    const t0 = Date.now();
    await assert.rejects(sshConnect(server.port, { username: 'alice', password: 'not the password' }), /authentication methods failed/);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 900, `the refusal came after ${elapsed} ms, expected the 1 s throttle delay`);
    const snap = throttle.snapshot();
    assert.equal(snap.totalFailures, 1);
    assert.deepEqual(snap.users.map((u) => [u.username, u.failures]), [['alice', 1]]);
    assert.deepEqual(snap.addresses.map((a) => [a.address, a.failures, a.consecutiveFailures]), [['127.0.0.1', 1, 1]]);
    assert.ok(logLines.some((l) => l.includes('ssh authentication failed') && l.includes('"user":"alice"')));
    assert.ok(!logLines.some((l) => l.includes('not the password')), 'the password must never be logged');
  });

  it('an unknown user is refused and counted', async function () {
    const { server, throttle } = await start();
    await assert.rejects(sshConnect(server.port, { username: 'mallory', password: PASSWORD }), /authentication methods failed/);
    assert.deepEqual(throttle.snapshot().users.map((u) => [u.username, u.failures]), [['mallory', 1]]);
  });

  it('exec, shell and other subsystems are refused, the connection stays usable', async function () {
    const { server } = await start();
    const client = track(await sshConnect(server.port, { username: 'alice', password: PASSWORD }));
    await assert.rejects(new Promise((res, rej) => client.exec('uname -a', (err, ch) => (err ? rej(err) : res(ch)))), /Unable to exec/);
    // ssh2 asks for a pty first unless told not to: both requests are refused.
    await assert.rejects(new Promise((res, rej) => client.shell((err, ch) => (err ? rej(err) : res(ch)))), /Unable to request a pseudo-terminal/);
    await assert.rejects(new Promise((res, rej) => client.shell(false, (err, ch) => (err ? rej(err) : res(ch)))), /Unable to open shell/);
    await assert.rejects(subsys(client, 'sftp'), /Unable to start subsystem/);
    const channel = await subsys(client, 'netconf');
    assert.equal(await echoThrough(channel, 'still here'), 'still here');
  });

  it('max sessions: the next netconf channel is told why and closed; a freed slot is reusable', async function () {
    const { server } = await start({ maxSessions: 2 });
    const a = track(await sshConnect(server.port, { username: 'alice', password: PASSWORD }));
    const first = await subsys(a, 'netconf');
    await subsys(a, 'netconf');
    const b = track(await sshConnect(server.port, { username: 'alice', password: PASSWORD }));
    // Listeners go on inside the callback: exit-status and close may arrive in the same read.
    const outcome = await new Promise<{ stderr: string; code: unknown }>((resolve, reject) => {
      b.subsys('netconf', (err, refused) => {
        if (err) return reject(err);
        let stderr = '';
        let code: unknown;
        refused.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        refused.on('exit', (c: unknown) => (code = c));
        refused.on('close', () => resolve({ stderr, code }));
        refused.resume();
      });
    });
    assert.match(outcome.stderr, /too many NETCONF sessions \(limit 2\)/);
    assert.equal(outcome.code, 1);
    assert.equal(server.stats().refusedSessions, 1);
    first.end();
    await waitFor('a free slot', () => server.stats().sessions === 1);
    const again = await subsys(b, 'netconf');
    assert.equal(await echoThrough(again, 'slot'), 'slot');
  });

  it('abrupt disconnects at every stage do not disturb the server', async function () {
    const { server } = await start();
    // 1. TCP connect and reset before any SSH byte.
    await new Promise<void>((resolve) => {
      const s = netConnect(server.port, '127.0.0.1', () => {
        s.resetAndDestroy();
        resolve();
      });
      s.on('error', () => undefined);
    });
    // 2. An identification line, then garbage, then a reset.
    await new Promise<void>((resolve) => {
      const s = netConnect(server.port, '127.0.0.1', () => {
        s.write('SSH-2.0-brokenclient\r\n');
        s.write(Buffer.alloc(64, 0xff));
        setTimeout(() => {
          s.resetAndDestroy();
          resolve();
        }, 100);
      });
      s.on('error', () => undefined);
    });
    // 3. Gone right after the key exchange, before authentication.
    await new Promise<void>((resolve) => {
      const c = new ssh2.Client();
      c.on('error', () => undefined);
      c.on('handshake', () => {
        c.destroy();
        resolve();
      });
      c.connect({ host: '127.0.0.1', port: server.port, username: 'alice', password: PASSWORD });
    });
    // 4. Gone while the server holds back the answer to a wrong password.
    await new Promise<void>((resolve) => {
      const c = new ssh2.Client();
      c.on('error', () => undefined);
      c.on('handshake', () => setTimeout(() => {
        c.destroy();
        resolve();
      }, 200));
      c.connect({ host: '127.0.0.1', port: server.port, username: 'alice', password: 'wrong password here' });
    });
    // 5. Gone with an open netconf channel and data in flight.
    const c5 = await sshConnect(server.port, { username: 'alice', password: PASSWORD });
    c5.on('error', () => undefined);
    const ch5 = await subsys(c5, 'netconf');
    ch5.on('error', () => undefined);
    ch5.write(Buffer.alloc(256 * 1024, 0x41));
    c5.destroy();
    await waitFor('all connections gone', () => server.stats().connections === 0 && server.stats().sessions === 0);
    await sleep(1200); // the delayed refusal of case 4 fires on a closed connection
    const ok = track(await sshConnect(server.port, { username: 'alice', password: PASSWORD }));
    assert.equal(await echoThrough(await subsys(ok, 'netconf'), 'alive'), 'alive');
  });

  it('unauthenticated connections are bounded and time out', async function () {
    const { server } = await start({ maxUnauthenticated: 2, loginGraceMs: 500 });
    const sockets = [0, 1, 2].map(() => {
      const s = netConnect(server.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.resume(); // read the server's identification line, or 'end' never comes
      return s;
    });
    const closedAt = sockets.map((s) => new Promise<number>((resolve) => s.on('close', () => resolve(Date.now()))));
    const t0 = Date.now();
    const times = await Promise.all(closedAt);
    assert.equal(server.stats().refusedConnections, 1);
    assert.ok(times.filter((t) => t - t0 >= 400).length === 2, 'the two admitted connections waited for the login grace time');
  });

  it('close() disconnects connected clients', async function () {
    const { server } = await start();
    const client = track(await sshConnect(server.port, { username: 'alice', password: PASSWORD }));
    await subsys(client, 'netconf');
    const gone = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await server.close();
    await gone;
    assert.equal(server.stats().connections, 0);
  });

  it('the host keys are the same after a restart with the same state directory', async function () {
    const offered = async (port: number): Promise<string[]> => {
      const seen: string[] = [];
      for (const algo of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256'] as const) {
        const client = track(
          await sshConnect(port, {
            username: 'alice',
            password: PASSWORD,
            algorithms: { serverHostKey: [algo] },
            hostVerifier: (key: Buffer) => {
              seen.push(`${algo} ${sshFingerprint(key)}`);
              return true;
            },
          }),
        );
        client.end();
      }
      return seen;
    };
    const first = await start();
    const before = await offered(first.server.port);
    await first.server.close();
    const reloaded = await loadOrCreateHostKeys(stateDir);
    assert.ok(reloaded.every((k) => !k.created), 'no key was regenerated');
    assert.deepEqual(reloaded.map((k) => k.fingerprint), hostKeys.map((k) => k.fingerprint));
    const second = await start({ hostKeys: reloaded });
    assert.deepEqual(await offered(second.server.port), before);
    const byType = new Map(hostKeys.map((k) => [k.type, k.fingerprint]));
    assert.deepEqual(before, [
      `ssh-ed25519 ${byType.get('ssh-ed25519')}`,
      `ecdsa-sha2-nistp256 ${byType.get('ecdsa-sha2-nistp256')}`,
      `rsa-sha2-512 ${byType.get('ssh-rsa')}`,
      `rsa-sha2-256 ${byType.get('ssh-rsa')}`,
    ]);
  });

  describe('paramiko (python3-paramiko, as used by ncclient)', function () {
    const ctrOnly = { ciphers: ['aes128-ctr'], macs: ['hmac-sha2-256'] };

    before(function () {
      requireParamiko();
    });

    it('password login over aes128-ctr + hmac-sha2-256, echo through the subsystem', async function () {
      const { server, sessions } = await start();
      const r = await runParamiko({ host: '127.0.0.1', port: server.port, username: 'alice', password: PASSWORD, send: '<hello/>', ...ctrOnly });
      assert.equal(r.error, undefined);
      assert.equal(r.ok, true);
      assert.equal(r.echo, '<hello/>');
      assert.deepEqual([r.cipher, r.remoteCipher, r.mac, r.remoteMac], ['aes128-ctr', 'aes128-ctr', 'hmac-sha2-256', 'hmac-sha2-256']);
      assert.equal(r.hostKeyFingerprint, hostKeys.find((k) => k.type === r.hostKeyType)?.fingerprint);
      assert.equal(sessions[0]?.authMethod, 'password');
    });

    it('publickey login (ed25519 key in OpenSSH format) and the RSA host key via rsa-sha2-512', async function () {
      await paramikoKeyLogin('ssh-ed25519');
    });

    it('publickey login with an RSA key', async function () {
      await paramikoKeyLogin('ssh-rsa');
    });

    async function paramikoKeyLogin(keyType: string): Promise<void> {
      const { server, sessions } = await start();
      const keyFile = join(tmp, `paramiko_${keyType}`);
      await writeFile(keyFile, clientKeys.get(keyType)?.privateKeyText ?? '', { mode: 0o600 });
      const r = await runParamiko({
        host: '127.0.0.1',
        port: server.port,
        username: 'alice',
        keyFile,
        keyType,
        hostKeyTypes: ['rsa-sha2-512'],
        send: 'pk',
        ...ctrOnly,
      });
      assert.equal(r.error, undefined);
      assert.equal(r.echo, 'pk');
      assert.equal(r.hostKeyType, 'ssh-rsa');
      assert.equal(r.hostKeyFingerprint, hostKeys.find((k) => k.type === 'ssh-rsa')?.fingerprint);
      assert.equal(sessions[0]?.authMethod, 'publickey');
    }

    it('a wrong password is refused', async function () {
      const { server, throttle } = await start();
      const r = await runParamiko({ host: '127.0.0.1', port: server.port, username: 'alice', password: 'nope-nope-nope', ...ctrOnly });
      assert.equal(r.ok, false);
      assert.equal(r.stage, 'auth');
      assert.equal(throttle.snapshot().totalFailures, 1);
    });
  });

  describe('OpenSSH client (openssh-client)', function () {
    before(function () {
      requireCommand('ssh', 'openssh-client');
    });

    it('verifies the host key from known_hosts, logs in with a key and echoes through -s netconf', async function () {
      const { server } = await start();
      const keyFile = join(tmp, 'openssh_ecdsa');
      await writeFile(keyFile, clientKeys.get('ecdsa-sha2-nistp256')?.privateKeyText ?? '', { mode: 0o600 });
      const knownHosts = join(tmp, 'known_hosts');
      await writeFile(knownHosts, hostKeys.map((k) => `[127.0.0.1]:${server.port} ${k.publicKey}\n`).join(''));
      const args = [
        '-F', '/dev/null', '-p', String(server.port), '-i', keyFile,
        '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
        '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-s', 'alice@127.0.0.1', 'netconf',
      ];
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end('from openssh');
      });
      // The echo session sends no exit-status, so ssh exits 255; the bytes are what matter.
      assert.equal(out.stdout, 'from openssh', out.stderr);
    });
  });
});
