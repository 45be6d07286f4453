// Ansible (Debian's ansible 7.7: ansible-core 2.14, ansible.netcommon 4.1) drives a real vrouterd
// over NETCONF: ansible-playbook with ansible_connection=ansible.netcommon.netconf (network_os
// "default") runs the playbooks of test/integration/ansible/ — netconf_config (merge + commit under
// a lock, idempotent re-run, backup, validate, delete with nc:operation="delete"), netconf_get
// (subtree and XPath filters; running, startup and <get>) and netconf_rpc (a confirmed commit left
// to time out, one confirmed; copy-config running → startup). The JSON stdout callback gives each
// task's result; the server's state is checked independently with ncclient (python3-ncclient),
// and what cannot be seen from outside afterwards (locks taken, confirmed-commit events) in the
// server's log.
//
// Isolation: HOME, ANSIBLE_HOME, the local temp and the persistent-connection sockets all live
// in a temp dir; host keys are not checked (ANSIBLE_HOST_KEY_CHECKING=False) and no SSH agent
// or user key is used, so the host's own SSH state is never read or written.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand } from '../support/prerequisites.js';
import { describeResult, NcclientSession, requireNcclient, VrouterdProcess } from '../support/vrouterd-process.js';

const PLAYBOOKS = fileURLToPath(new URL('./ansible/', import.meta.url));
const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';

function requireAnsible(): void {
  requireCommand(ANSIBLE_PLAYBOOK, 'ansible');
  requireNcclient();
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ncclient, ansible_collections.ansible.netcommon, xmltodict'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`Ansible's netconf connection needs ncclient, ansible.netcommon and xmltodict for /usr/bin/python3: install the Debian packages python3-ncclient, ansible, python3-xmltodict\n${r.stderr}`);
  }
}

// ---- the JSON callback's output ------------------------------------------------------------------

interface HostResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  stdout?: string;
  output?: unknown;
  backup_path?: string;
  warnings?: string[];
  [key: string]: unknown;
}

interface TaskResult {
  task: { name: string };
  hosts: Record<string, HostResult>;
}

interface HostStats {
  ok: number;
  changed: number;
  failures: number;
  unreachable: number;
  skipped: number;
}

interface PlaybookRun {
  code: number | null;
  tasks: TaskResult[];
  stats: Record<string, HostStats>;
  raw: string;
  stderr: string;
}

interface JsonCallbackOutput {
  plays: { tasks: TaskResult[] }[];
  stats: Record<string, HostStats>;
}

const HOST = 'vrouter1';

/** The result of the task called `name` on vrouter1 (fails naming the tasks seen if it is absent). */
function task(run: PlaybookRun, name: string): HostResult {
  const t = run.tasks.find((x) => x.task.name === name);
  assert.ok(t, `no task "${name}" in the run; tasks: ${run.tasks.map((x) => x.task.name).join(' | ')}`);
  const r = t.hosts[HOST];
  assert.ok(r, `task "${name}" did not run on ${HOST}`);
  return r;
}

function describeFailures(run: PlaybookRun): string {
  const failed = run.tasks.flatMap((t) => Object.values(t.hosts).filter((h) => h.failed === true).map((h) => `${t.task.name}: ${h.msg ?? JSON.stringify(h)}`));
  return `ansible-playbook exited ${run.code}; failed tasks:\n  ${failed.join('\n  ')}\nstderr:\n${run.stderr}`;
}

function assertClean(run: PlaybookRun): void {
  const s = run.stats[HOST];
  assert.ok(s, `no recap for ${HOST}:\n${run.raw.slice(0, 4000)}\n${run.stderr}`);
  assert.ok(run.code === 0 && s.failures === 0 && s.unreachable === 0, describeFailures(run));
}

// ---- the suite -----------------------------------------------------------------------------------

describe('Ansible netconf modules against vrouterd (integration)', function () {
  this.timeout(180_000);
  let tmp = '';
  let server: VrouterdProcess | undefined;
  let backupDir = '';
  const playbooks = new Set<ChildProcess>();

  before(async function () {
    requireAnsible();
    tmp = await mkdtemp(join(tmpdir(), 'vrouterd-ansible-'));
    backupDir = join(tmp, 'backup');
    await mkdir(join(tmp, 'home'), { recursive: true });
    server = await VrouterdProcess.start({ username: 'ansible', password: 'ansible test password' });
  });

  after(async function () {
    for (const child of playbooks) child.kill('SIGKILL');
    // Ansible's persistent connection (ansible-connection) ends with the playbook, or at the
    // latest with its SSH session when vrouterd stops here.
    await server?.cleanup();
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
  });

  function playbook(file: string): Promise<PlaybookRun> {
    const srv = server as VrouterdProcess;
    const home = join(tmp, 'home');
    const env: NodeJS.ProcessEnv = {
      PATH: `/usr/bin:/bin:${process.env['PATH'] ?? ''}`,
      LANG: 'C.UTF-8',
      HOME: home,
      ANSIBLE_HOME: join(home, '.ansible'),
      ANSIBLE_CONFIG: join(PLAYBOOKS, 'ansible.cfg'),
      ANSIBLE_LOCAL_TEMP: join(tmp, 'ansible-tmp'),
      ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: join(tmp, 'pc'),
      ANSIBLE_STDOUT_CALLBACK: 'json',
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_PARAMIKO_LOOK_FOR_KEYS: 'False',
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      VROUTERD_HOST: '127.0.0.1',
      VROUTERD_PORT: String(srv.port),
      VROUTERD_USER: srv.username,
      VROUTERD_PASSWORD: srv.password,
      VROUTERD_BACKUP_DIR: backupDir,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(ANSIBLE_PLAYBOOK, ['-i', join(PLAYBOOKS, 'inventory.yml'), join(PLAYBOOKS, file)],
        { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
      playbooks.add(child);
      child.once('exit', () => playbooks.delete(child));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const start = stdout.indexOf('{');
        let parsed: JsonCallbackOutput;
        try {
          parsed = JSON.parse(stdout.slice(start)) as JsonCallbackOutput;
        } catch {
          reject(new Error(`ansible-playbook printed no JSON (exit ${code}):\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ code, tasks: parsed.plays.flatMap((p) => p.tasks), stats: parsed.stats, raw: stdout, stderr });
      });
    });
  }

  /** <get-config> of `source` through a second client (ncclient), as the reply's XML. */
  async function getConfig(source: string, filterXml: string): Promise<string> {
    const session = await NcclientSession.open((server as VrouterdProcess).credentials);
    try {
      const r = await session.getConfig(source, { filter: { type: 'subtree', xml: filterXml } });
      assert.ok(r.ok, `get-config ${source}: ${describeResult(r)}`);
      return r.xml ?? '';
    } finally {
      await session.close();
    }
  }

  /** The server's JSON log entries with message `msg`, from line `fromLine` of its output on. */
  function logEntries(fromLine: number, msg: string): Record<string, unknown>[] {
    const entries: Record<string, unknown>[] = [];
    for (const line of (server as VrouterdProcess).output().split('\n').slice(fromLine)) {
      if (!line.includes(`"msg":"${msg}"`)) continue;
      try {
        entries.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a JSON log line
      }
    }
    return entries;
  }

  /** The datastores locked since `fromLine`, as the server logged them. */
  const lockedDatastores = (fromLine: number): unknown[] => logEntries(fromLine, 'datastore locked').map((e) => e['datastore']);

  const logLines = (): number => (server as VrouterdProcess).output().split('\n').length - 1;

  const MERGE = 'Merge interface ans0 into the candidate under a lock and commit';

  it('merges an interface into the candidate under a lock and commits it', async function () {
    const mark = logLines();
    const run = await playbook('interface.yml');
    assertClean(run);
    const merged = task(run, MERGE);
    assert.equal(merged.changed, true, JSON.stringify(merged));
    assert.equal(run.stats[HOST]?.changed, 1);
    // Ansible's capability detection read vrouterd's hello: :candidate, so target candidate + commit.
    const caps = merged['server_capabilities'] as string[] | undefined;
    assert.ok(caps?.includes('urn:ietf:params:netconf:capability:candidate:1.0'), 'server_capabilities from the hello');
    // lock: always took the candidate lock (and released it: the commit went through).
    assert.ok(lockedDatastores(mark).includes('candidate'), 'the server logged a lock of the candidate');

    const cfg = await getConfig('running', `<interfaces xmlns="${IF_NS}"/>`);
    assert.match(cfg, /<name>ans0<\/name>/);
    assert.match(cfg, /<description>uplink, managed by Ansible<\/description>/);
    assert.match(cfg, /<type xmlns:(\w+)="urn:ietf:params:xml:ns:yang:iana-if-type">\1:ethernetCsmacd<\/type>/);
    assert.match(cfg, /<enabled>true<\/enabled>/);
  });

  it('re-running the same playbook changes nothing (changed=false)', async function () {
    const run = await playbook('interface.yml');
    assertClean(run);
    assert.equal(task(run, MERGE).changed, false);
    assert.equal(run.stats[HOST]?.changed, 0);
  });

  describe('operations.yml', function () {
    let run: PlaybookRun;
    let mark = 0;

    before(async function () {
      mark = logLines();
      run = await playbook('operations.yml');
    });

    it('runs every task without failure', function () {
      assertClean(run);
    });

    it('backup: true writes the configuration as it was before the task; validate: true validates the candidate', async function () {
      const r = task(run, 'Back up the configuration, validate the candidate, merge a second interface and commit');
      assert.equal(r.failed ?? false, false, r.msg);
      const backupFile = join(backupDir, `${HOST}.xml`);
      assert.ok(existsSync(backupFile), `backup file ${backupFile}; the task said ${JSON.stringify(r['backup_path'])}`);
      const backup = await readFile(backupFile, 'utf8');
      assert.match(backup, /^<data xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">/, backup);
      assert.match(backup, /<name>ans0<\/name>/, 'the backup holds what interface.yml committed');
      assert.doesNotMatch(backup, /<name>ans1<\/name>/, 'the backup is taken before the change');
    });

    it('netconf_get with a subtree filter on running (lock: always) returns the one interface', function () {
      const r = task(run, 'Read interface ans0 from running with a subtree filter, running locked meanwhile');
      const xml = r.stdout ?? '';
      assert.match(xml, /<name>ans0<\/name>/, xml);
      assert.match(xml, /uplink, managed by Ansible/);
      assert.doesNotMatch(xml, /<name>ans1<\/name>/, 'the subtree filter selects ans0 only');
      // Ansible warns that running cannot be locked (it infers lockable datastores from
      // :writable-running, which vrouterd does not offer), but lock: always still locks it.
      assert.ok(lockedDatastores(mark).includes('running'), 'the server logged a lock of running');
    });

    it('netconf_get with an XPath filter (<get>) returns the selected interface', function () {
      const r = task(run, 'Read interface ans1 with <get> and an XPath filter (module names as prefixes)');
      const xml = r.stdout ?? '';
      assert.match(xml, /<name>ans1<\/name>/, xml);
      assert.doesNotMatch(xml, /<name>ans0<\/name>/, 'the XPath filter selects ans1 only');
      assert.match(JSON.stringify(r.output), /ianaift:softwareLoopback/);
    });

    it('a confirmed commit (netconf_rpc) that is not confirmed reverts running when its timeout passes', function () {
      assert.match(task(run, 'Commit with a 2 second confirm timeout and do not confirm it').stdout ?? '', /<ok\s*\/>/);
      const xml = task(run, 'Running is back to the configuration before the unconfirmed commit').stdout ?? '';
      assert.match(xml, /<name>ans1<\/name>/, xml);
      assert.doesNotMatch(xml, /never confirmed/, xml);
      // The server's account: the first confirmed commit timed out, the second was confirmed.
      const events = logEntries(mark, 'confirmed commit').map((e) => e['event']);
      assert.deepEqual(events, ['start', 'timeout', 'start', 'complete']);
    });

    it('netconf_rpc commit with <confirmed/> applies the change at once; the confirming commit makes it stay', function () {
      assert.match(task(run, 'Commit with a confirm timeout (confirmed commit, RFC 6241 section 8.4)').stdout ?? '', /<ok\s*\/>/);
      const pending = task(run, 'Running holds the change while the commit waits for its confirmation').stdout ?? '';
      assert.match(pending, /<description>loopback, confirmed commit<\/description>/, pending);
      assert.match(task(run, 'Confirm the commit').stdout ?? '', /<ok\s*\/>/);
    });

    it('nc:operation="delete" removes the interface; copy-config saves running to startup', async function () {
      assert.equal(task(run, 'Delete interface ans0 (nc:operation="delete") and commit').changed, true);
      assert.match(task(run, 'Save running to startup').stdout ?? '', /<ok\s*\/>/);
      const startupXml = task(run, 'Read startup').stdout ?? '';
      assert.match(startupXml, /<name>ans1<\/name>/, startupXml);
      assert.doesNotMatch(startupXml, /<name>ans0<\/name>/);

      // The server's own view, through a second client, after the playbook ended: the confirmed
      // commit stayed (it was confirmed before the session closed) and startup holds running.
      for (const source of ['running', 'startup']) {
        const xml = await getConfig(source, `<interfaces xmlns="${IF_NS}"/>`);
        assert.match(xml, /<name>ans1<\/name>/, `${source}: ${xml}`);
        assert.match(xml, /<description>loopback, confirmed commit<\/description>/, `${source}: ${xml}`);
        assert.doesNotMatch(xml, /<name>ans0<\/name>/, `${source}: ${xml}`);
      }
    });
  });
});
