// yangcli (yuma123 2.13, Debian package yangcli) against a real vrouterd: password login over SSH,
// schema autoload, then scripted workflows run with --batch-mode --run-script — create / merge in
// the candidate, commit, get-config, discard-changes, delete, lock / unlock — asserted on what
// yangcli prints and, independently, on what a second client (ncclient) reads from the server.
//
// Facts about yangcli 2.13 that shape this file (found by running it against vrouterd):
// - Schemas: with yang-library:1.0 in the hello, yangcli sends <get> for /modules-state and loads
//   every module listed there, fetching each with <get-schema> (YANG 1.1 modules such as
//   ietf-interfaces@2018-02-20 included, which the hello does not list). It aborts (assertion in
//   check_module_capabilities) if that <get> fails.
// - The first RPC error in a --run-script cancels the rest of the script ("Script '...' canceled")
//   and yangcli still exits 0: expected errors come last in a script, and the exit status proves
//   nothing — the printed replies are what is asserted.
// - yangcli keeps its per-session work directory (modules fetched with <get-schema>) under the
//   passwd entry's home (~/.yuma) whenever HOME is set, whatever HOME says; without HOME it uses
//   /tmp/yuma. So yangcli runs without HOME (which also keeps it away from ~/.ssh keys), with
//   history, aliases and user variables off; the suite removes what it leaves in /tmp/yuma.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommand } from '../support/prerequisites.js';
import { describeResult, NcclientSession, requireNcclient, VrouterdProcess } from '../support/vrouterd-process.js';

const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const YUMA_TMP = '/tmp/yuma';

interface YangcliReply {
  kind: 'OK' | 'Data' | 'Error';
  /** What yangcli printed for the reply (display-mode plain). */
  body: string;
}

interface YangcliRun {
  code: number | null;
  output: string;
  replies: YangcliReply[];
  /** An RPC error stopped the script. */
  canceled: boolean;
}

const REPLY_LINE = /^RPC (OK|Data|Error) Reply \d+ for session \d+:\s*$/;

/** The replies to the script's commands, in order (autoload traffic is not printed at log-level info). */
function parseReplies(output: string): YangcliReply[] {
  const replies: YangcliReply[] = [];
  let current: YangcliReply | undefined;
  for (const line of output.split('\n')) {
    const m = REPLY_LINE.exec(line);
    if (m !== null) {
      current = { kind: m[1] as YangcliReply['kind'], body: '' };
      replies.push(current);
    } else if (/^Script '.*' canceled/.test(line) || line.startsWith('runstack:')) {
      current = undefined;
    } else if (current !== undefined) {
      current.body += `${line}\n`;
    }
  }
  return replies;
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Asserts the kinds of the replies, showing yangcli's output when they differ. */
function expectReplies(run: YangcliRun, kinds: YangcliReply['kind'][]): YangcliReply[] {
  assert.deepEqual(run.replies.map((r) => r.kind), kinds, `yangcli replies differ; its output ended with:\n${tail(run.output)}`);
  return run.replies;
}

function errorTag(reply: YangcliReply | undefined): string | undefined {
  return /error-tag (\S+)/.exec(reply?.body ?? '')?.[1];
}

describe('yangcli (yuma123) against vrouterd (integration)', function () {
  this.timeout(120_000);
  let server: VrouterdProcess | undefined;
  let tmp = '';
  let scripts = 0;
  const yumaTmpExisted = existsSync(YUMA_TMP);
  const yangcliPids: number[] = [];
  const children = new Set<ChildProcess>();

  before(async function () {
    requireCommand('yangcli', 'yangcli');
    requireNcclient();
    tmp = await mkdtemp(join(tmpdir(), 'vrouterd-yangcli-'));
    server = await VrouterdProcess.start({ username: 'yangcli', password: 'yangcli test password' });
  });

  after(async function () {
    for (const child of children) child.kill('SIGKILL');
    await server?.cleanup();
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
    await cleanYumaTmp();
  });

  /** Removes the work directories our yangcli runs left under /tmp/yuma (and /tmp/yuma itself if we made it and it is empty). */
  async function cleanYumaTmp(): Promise<void> {
    const sessions = join(YUMA_TMP, 'tmp');
    const entries = await readdir(sessions).catch(() => [] as string[]);
    // yangcli names them <YYYYMMDDhhmmss><pid>; it removes them itself when it exits normally.
    for (const e of entries) {
      if (yangcliPids.some((pid) => new RegExp(`^\\d{14}${pid}$`).test(e))) await rm(join(sessions, e), { recursive: true, force: true });
    }
    if (!yumaTmpExisted) {
      await rmdir(sessions).catch(() => undefined);
      await rmdir(YUMA_TMP).catch(() => undefined);
    }
  }

  /** Runs `lines` as a yangcli script in one session (password login, batch mode). */
  async function yangcli(lines: readonly string[], options: { logLevel?: string } = {}): Promise<YangcliRun> {
    const srv = server as VrouterdProcess;
    const script = join(tmp, `script-${++scripts}.yangcli`);
    await writeFile(script, `${lines.join('\n')}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C' };
    delete env['HOME'];
    delete env['SSH_AUTH_SOCK'];
    const args = [
      '--server=127.0.0.1', `--ncport=${srv.port}`, `--user=${srv.username}`, `--password=${srv.password}`,
      '--batch-mode', `--run-script=${script}`, '--timeout=30', `--log-level=${options.logLevel ?? 'info'}`,
      '--autohistory=false', '--autoaliases=false', '--autouservars=false',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('yangcli', args, { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      if (child.pid !== undefined) yangcliPids.push(child.pid);
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        children.delete(child);
        resolve({ code, output, replies: parseReplies(output), canceled: /^Script '.*' canceled/m.test(output) });
      });
    });
  }

  /** <get-config> of `source` through a second client (ncclient), as the reply's XML. */
  async function getConfig(source: string): Promise<string> {
    const session = await NcclientSession.open((server as VrouterdProcess).credentials);
    try {
      const r = await session.getConfig(source, { filter: { type: 'subtree', xml: `<interfaces xmlns="${IF_NS}"/>` } });
      assert.ok(r.ok, `get-config ${source}: ${describeResult(r)}`);
      return r.xml ?? '';
    } finally {
      await session.close();
    }
  }

  it('logs in with a password and loads the schemas through the YANG library and <get-schema>, ietf-interfaces@2018-02-20 included', async function () {
    const run = await yangcli(['get-schema identifier=ietf-interfaces version=2018-02-20 format=yang'], { logLevel: 'debug' });
    const out = run.output;
    assert.match(out, /NETCONF session established for yangcli on 127\.0\.0\.1/, tail(out));
    assert.match(out, /Protocol version set to: RFC 6241 \(base:1\.1\)/);
    assert.match(out, /Default target set to: <candidate>/);
    // The module list comes from /modules-state (<get>), not only from the hello.
    assert.match(out, /Sending yang-library \/modules-state <get> autoload request/);
    assert.match(out, /Current module-set-id: \w+/);
    for (const [module, revision] of [['ietf-interfaces', '2018-02-20'], ['vrouter-agent', '']]) {
      const rev = revision === '' ? '[0-9-]+' : revision;
      assert.match(out, new RegExp(`Sending autoload request for '${module}', r'${rev}'`), `autoload of ${module}`);
      assert.match(out, new RegExp(`Got autoload reply for '${module}' r'${rev}'`), `autoload reply for ${module}`);
      // ... and compiled from the copy the server sent (the session work directory), not a local file.
      assert.match(out, new RegExp(`Loading YANG module from file:\\s*\\n\\s*${YUMA_TMP}/tmp/\\S+/${module}@${rev}\\.yang`), `${module} loaded from the server's copy`);
    }
    const [schema] = expectReplies(run, ['Data']);
    assert.match(schema?.body ?? '', /module ietf-interfaces \{/);
    assert.match(schema?.body ?? '', /yang-version 1\.1;/);
    assert.match(schema?.body ?? '', /revision 2018-02-20 \{/);
  });

  it('create and merge an interface in the candidate, commit; get-config shows it', async function () {
    const run = await yangcli([
      'create /interfaces/interface -- name=yc0 type=ethernetCsmacd',
      'merge /interfaces/interface -- name=yc0 description="uplink, set by yangcli" enabled=false',
      'commit',
      'xget-config /interfaces source=running',
    ]);
    const [, , , data] = expectReplies(run, ['OK', 'OK', 'OK', 'Data']);
    assert.match(data?.body ?? '', /interface yc0 \{/);
    assert.match(data?.body ?? '', /description 'uplink, set by yangcli'/);
    assert.match(data?.body ?? '', /enabled false/);
    assert.match(data?.body ?? '', /type ianaift:ethernetCsmacd/);

    const running = await getConfig('running');
    assert.match(running, /<name>yc0<\/name>/, running);
    assert.match(running, /<description>uplink, set by yangcli<\/description>/);
    assert.match(running, /<enabled>false<\/enabled>/);
    assert.match(running, /<type xmlns:(\w+)="urn:ietf:params:xml:ns:yang:iana-if-type">\1:ethernetCsmacd<\/type>/);
  });

  it('create of an interface that exists fails with data-exists and ends the script', async function () {
    const run = await yangcli([
      'create /interfaces/interface -- name=yc0 type=ethernetCsmacd',
      'commit',
    ]);
    const [error] = expectReplies(run, ['Error']);
    assert.equal(errorTag(error), 'data-exists', error?.body);
    assert.ok(run.canceled, 'yangcli cancels the script at the first rpc-error');
  });

  it('discard-changes under a candidate lock: the candidate returns to running', async function () {
    const run = await yangcli([
      'lock target=candidate',
      'merge /interfaces/interface -- name=yc0 description="not to be committed"',
      'xget-config /interfaces source=candidate',
      'discard-changes',
      'xget-config /interfaces source=candidate',
      'unlock target=candidate',
    ]);
    const [, , edited, , discarded] = expectReplies(run, ['OK', 'OK', 'Data', 'OK', 'Data', 'OK']);
    assert.match(edited?.body ?? '', /description 'not to be committed'/);
    assert.match(discarded?.body ?? '', /description 'uplink, set by yangcli'/);
    assert.doesNotMatch(discarded?.body ?? '', /not to be committed/);

    for (const source of ['running', 'candidate']) {
      const xml = await getConfig(source);
      assert.match(xml, /<description>uplink, set by yangcli<\/description>/, `${source}: ${xml}`);
      assert.doesNotMatch(xml, /not to be committed/, source);
    }
  });

  it('lock of a candidate another session holds is lock-denied, naming that session', async function () {
    const holder = await NcclientSession.open((server as VrouterdProcess).credentials);
    try {
      assert.ok((await holder.lock('candidate')).ok);
      const run = await yangcli(['lock target=candidate', 'unlock target=candidate']);
      const [denied] = expectReplies(run, ['Error']);
      assert.equal(errorTag(denied), 'lock-denied', denied?.body);
      assert.equal(/session-id (\d+)/.exec(denied?.body ?? '')?.[1], String(holder.sessionId), denied?.body);
      assert.ok(run.canceled);
      assert.ok((await holder.unlock('candidate')).ok);
    } finally {
      await holder.close();
    }
  });

  it('lock and unlock candidate and running; unlock of a datastore not locked fails', async function () {
    const run = await yangcli([
      'lock target=candidate',
      'unlock target=candidate',
      'lock target=running',
      'unlock target=running',
      'unlock target=running',
    ]);
    const replies = expectReplies(run, ['OK', 'OK', 'OK', 'OK', 'Error']);
    assert.equal(errorTag(replies[4]), 'operation-failed', replies[4]?.body);
  });

  it('delete the interface in the candidate, commit; get-config no longer shows it', async function () {
    const run = await yangcli([
      "delete /interfaces/interface[name='yc0']",
      'commit',
      'xget-config /interfaces source=running',
    ]);
    const [, , data] = expectReplies(run, ['OK', 'OK', 'Data']);
    assert.doesNotMatch(data?.body ?? '', /yc0/);

    const running = await getConfig('running');
    assert.doesNotMatch(running, /yc0/, running);
  });
});
