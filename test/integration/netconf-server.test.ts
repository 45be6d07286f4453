// The NETCONF server for real: SSH on 127.0.0.1 (ephemeral port), a temp state directory, a user
// from the user store; ncclient (python3-ncclient, Debian's /usr/bin/python3) as the client, the
// raw protocol through ssh2's Client, and the vrouterd command line as a process.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import ssh2, { type ClientChannel } from 'ssh2';
import { encodeChunked } from '../../src/netconf/framing/chunked-framing.js';
import { encodeEom } from '../../src/netconf/framing/eom-framing.js';
import { Framer } from '../../src/netconf/framing/framer.js';
import { loadYang, startServer, type ServerHandle } from '../../src/netconf/server.js';
import { generateHostKeyPair } from '../../src/netconf/transport/host-keys.js';
import { UserStore } from '../../src/netconf/transport/user-store.js';
import type { YangContext } from '../../src/validation/libyang.js';
import { requireCommand } from '../support/prerequisites.js';

const PASSWORD = 'correct horse battery staple';
const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const NCCLIENT = fileURLToPath(new URL('../support/ncclient-netconf-server.py', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(REPO, 'src', 'main.ts');

function requireNcclient(): void {
  requireCommand('/usr/bin/python3', 'python3');
  // Debian's interpreter, not a pyenv / venv one earlier on PATH: the package installs there.
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ncclient'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('ncclient is not installed for /usr/bin/python3: install the Debian package python3-ncclient');
}

interface NcclientResult {
  ok: boolean;
  sessionId?: string;
  capabilities?: string[];
  schema?: string;
  yin?: string;
  unknownSchema?: { tag: string; type: string; message: string } | null;
  closeOk?: boolean;
}

function runNcclient(args: Record<string, unknown>): Promise<NcclientResult> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [NCCLIENT, JSON.stringify(args)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ncclient client failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as NcclientResult);
      } catch {
        reject(new Error(`ncclient client printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

function sshConnect(port: number, username: string, password: string): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.connect({ host: '127.0.0.1', port, username, password, readyTimeout: 15_000 });
  });
}

function netconfChannel(client: ssh2.Client): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.subsys('netconf', (err, ch) => (err ? reject(err) : resolve(ch))));
}

/** Reads NETCONF messages from a channel: the hello EOM-framed, then chunked (base:1.1). */
function messageReader(channel: ClientChannel): { next(): Promise<string>; closed: Promise<void> } {
  const framer = new Framer();
  const queue: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  const push = (m: Buffer): void => {
    const w = waiters.shift();
    if (w) w(m.toString('utf8'));
    else queue.push(m.toString('utf8'));
  };
  channel.on('data', (d: Buffer) => {
    const r = framer.feed(d);
    r.messages.forEach(push);
    if (framer.phase === 'awaiting-mode') framer.useChunked().messages.forEach(push);
  });
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  return {
    next: () => {
      const m = queue.shift();
      if (m !== undefined) return Promise.resolve(m);
      return new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no NETCONF message within 10 s')), 10_000);
        waiters.push((msg) => {
          clearTimeout(t);
          resolve(msg);
        });
      });
    },
    closed,
  };
}

const HELLO = `<hello xmlns="${BASE_NS}"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>`
  + '<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>';

describe('NETCONF server (integration: SSH, ncclient, command line)', function () {
  this.timeout(120_000);
  let tmp = '';
  let yang: YangContext | undefined;
  let server: ServerHandle | undefined;
  const children: ChildProcess[] = [];
  const clients: ssh2.Client[] = [];
  const logLines: string[] = [];

  before(async function () {
    requireNcclient();
    tmp = await mkdtemp(join(tmpdir(), 'vrouterd-netconf-'));
    yang = await loadYang();
    const users = await UserStore.open(join(tmp, 'users.json'));
    await users.addUser('alice', { password: PASSWORD });
    server = await startServer({
      address: '127.0.0.1',
      port: 0,
      stateDir: join(tmp, 'state'),
      settings: { writableRunning: false, maxMessageSize: 1 << 24, idleTimeoutMs: 0 },
      maxSessions: 8,
      logger: pino({ level: 'debug' }, { write: (l: string) => void logLines.push(l) }),
      yang,
      users,
      hostKeyTypes: ['ssh-ed25519'],
    });
  });

  after(async function () {
    for (const c of clients.splice(0)) c.destroy();
    for (const p of children.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await server?.close();
    yang?.close();
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
  });

  it('ncclient sees the hello, fetches schemas, gets an rpc-error and closes the session', async function () {
    const srv = server as ServerHandle;
    const r = await runNcclient({ host: '127.0.0.1', port: srv.port, username: 'alice', password: PASSWORD });
    assert.ok(r.ok);
    assert.ok(Number(r.sessionId) >= 1);
    const caps = r.capabilities ?? [];
    assert.ok(caps.includes('urn:ietf:params:netconf:base:1.1'));
    assert.ok(caps.includes('urn:ietf:params:netconf:capability:candidate:1.0'));
    assert.ok(caps.some((c) => c.startsWith('urn:ietf:params:netconf:capability:yang-library:1.1?revision=2019-01-04&content-id=')));
    assert.ok(caps.some((c) => c.startsWith('urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit')));
    assert.match(r.schema ?? '', /^module ietf-interfaces \{/);
    assert.match(r.yin ?? '', /<module name="ietf-ip"/);
    assert.deepEqual([r.unknownSchema?.tag, r.unknownSchema?.type], ['invalid-value', 'application']);
    assert.equal(r.closeOk, true);
    const st = srv.core.totals;
    assert.equal(st.inBadRpcs, 0);
    assert.equal(st.droppedSessions, 0, 'close-session is not a dropped session');
  });

  it('raw protocol over SSH: hello and a chunked rpc in one write, then close-session', async function () {
    const srv = server as ServerHandle;
    const client = await sshConnect(srv.port, 'alice', PASSWORD);
    clients.push(client);
    const channel = await netconfChannel(client);
    const reader = messageReader(channel);
    const hello = await reader.next();
    assert.match(hello, /<session-id>\d+<\/session-id>/);
    channel.write(Buffer.concat([
      encodeEom(HELLO),
      encodeChunked(`<rpc xmlns="${BASE_NS}" message-id="1"><get-schema xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><identifier>vrouter-agent</identifier></get-schema></rpc>`),
      encodeChunked(`<rpc xmlns="${BASE_NS}" message-id="2"><close-session/></rpc>`),
    ]));
    const first = await reader.next();
    assert.match(first, /^<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><data xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring">module vrouter-agent \{/);
    assert.equal(await reader.next(), `<rpc-reply xmlns="${BASE_NS}" message-id="2"><ok/></rpc-reply>`);
    await reader.closed;
  });

  describe('the vrouterd command', () => {
    function run(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
        children.push(child);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input ?? '');
      });
    }

    it('user add / list / del edit the user file', async function () {
      const dir = join(tmp, 'cli-users');
      const key = await generateHostKeyPair('ssh-ed25519', { comment: 'bench@test' });
      const keyFile = join(tmp, 'id.pub');
      await writeFile(keyFile, `${key.publicKeyLine}\n`);
      const a = await run(['user', 'add', 'carol', '--state-dir', dir], 'a long enough password\n');
      assert.equal(a.code, 0, a.stderr);
      const b = await run(['user', 'add', 'bench', '--state-dir', dir, '--authorized-key', keyFile]);
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stdout, /1 key/);
      const short = await run(['user', 'add', 'dave', '--state-dir', dir], 'short\n');
      assert.equal(short.code, 1);
      assert.match(short.stderr, /at least 8 characters/);
      const list = await run(['user', 'list', '--state-dir', dir]);
      assert.match(list.stdout, /carol\s+yes\s+0/);
      assert.match(list.stdout, /bench\s+no\s+1/);
      assert.equal((await run(['user', 'del', 'carol', '--state-dir', dir])).code, 0);
      assert.equal((await run(['user', 'del', 'carol', '--state-dir', dir])).code, 1);
    });

    it('refuses a bad configuration file, naming the path', async function () {
      const file = join(tmp, 'bad.json');
      await writeFile(file, JSON.stringify({ 'vrouter-agent:agent': { netconf: { 'idle-timeout': -1 } } }));
      const r = await run(['--config', file, '--state-dir', join(tmp, 'cli-bad')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bad configuration: .*bad\.json: .*\/vrouter-agent:agent\/netconf\/idle-timeout/);
      const usage = await run(['--port', 'eighty']);
      assert.equal(usage.code, 2);
    });

    it('--init-admin creates admin on the first start and prints its password once; SIGTERM exits cleanly', async function () {
      const stateDir = join(tmp, 'cli-run');
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--state-dir', stateDir, '--init-admin', '--port', '0', '--address', '127.0.0.1'],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const deadline = Date.now() + 60_000;
      let port = 0;
      while (port === 0) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`vrouterd did not start:\n${stdout}`);
        const line = stdout.split('\n').find((l) => l.includes('"ssh server listening"'));
        if (line !== undefined) port = (JSON.parse(line) as { port: number }).port;
        else await new Promise((r) => setTimeout(r, 100));
      }
      const password = /created NETCONF user "admin" with password (\S+)/.exec(stdout)?.[1];
      assert.ok(password, stdout);
      assert.equal(stdout.split(password).length - 1, 1, 'the password appears once and never in a log line');
      const client = await sshConnect(port, 'admin', password);
      clients.push(client);
      const channel = await netconfChannel(client);
      const reader = messageReader(channel);
      assert.match(await reader.next(), /<hello/);
      channel.write(Buffer.concat([encodeEom(HELLO), encodeChunked(`<rpc xmlns="${BASE_NS}" message-id="1"><close-session/></rpc>`)]));
      assert.match(await reader.next(), /<ok\/>/);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(stdout, /"shutting down"/);
    });
  });
});
