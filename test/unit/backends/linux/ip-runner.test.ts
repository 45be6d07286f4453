import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { renderBatch, type LinuxOp } from '../../../../src/backends/linux/batch-render.js';
import { diffNamespace, type DesiredState } from '../../../../src/backends/linux/diff.js';
import {
  IpCommandError, IpRunner, parseBatchErrors, type BatchFailure, type BatchResult,
} from '../../../../src/backends/linux/ip-runner.js';
import { addressKey, linkKey, routeKey } from '../../../../src/backends/linux/link-spec.js';
import { FakeTime } from '../../../support/fake-time.js';
import { requireCommand, requireRoot } from '../../../support/prerequisites.js';
import { FakeSpawn, flush, type FakeChild } from './fake-spawn.js';

function failed(r: BatchResult): BatchFailure {
  if (r.ok) assert.fail('expected the batch to fail');
  return r;
}

/** A child that prints `stdout`/`stderr` and exits with `code` on the next turn. */
function respond(stdout: string, stderr: string, code: number): (c: FakeChild) => void {
  return (c) => {
    setImmediate(() => {
      c.started();
      if (stdout !== '') c.out(stdout);
      if (stderr !== '') c.err(stderr);
      c.exit(code);
    });
  };
}

const SCRIPT = [
  'link add name a0 type veth peer name a1',
  'address replace 192.0.2.1/30 dev a0',
  'route replace 198.18.0.0/24 table 254 metric 0 via 192.0.2.2 dev nosuch',
  'link add name b0 type ifb',
].join('\n') + '\n';

describe('linux ip-runner (fake spawn)', () => {
  it('runs ip -n NS -batch - with the script on stdin, no shell, LC_ALL=C', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = respond('', '', 0);
    const r = await new IpRunner({ spawn: fake.spawn }).runBatch('r1', SCRIPT);
    assert.deepEqual(r.ok && r.lines, 4);
    const c = fake.last;
    assert.equal(c.command, 'ip');
    assert.deepEqual(c.args, ['-n', 'r1', '-batch', '-']);
    assert.equal(c.stdin?.written, SCRIPT);
    assert.equal(c.stdin?.ended, true);
    assert.equal(c.options.env['LC_ALL'], 'C');
  });

  it('maps `Command failed -:3` back to line 3, its command and the kernel message', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = respond('', 'Cannot find device "nosuch"\nCommand failed -:3\n', 1);
    const f = failed(await new IpRunner({ spawn: fake.spawn }).runBatch(null, SCRIPT));
    assert.deepEqual(fake.last.args, ['-batch', '-']);
    assert.equal(f.reason, 'command');
    assert.equal(f.line, 3);
    assert.equal(f.command, 'route replace 198.18.0.0/24 table 254 metric 0 via 192.0.2.2 dev nosuch');
    assert.equal(f.message, 'Cannot find device "nosuch"');
    assert.equal(f.exitCode, 1);
    assert.equal(f.failures.length, 1);
  });

  it('-force: every failing line is reported, the first one is the result', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = respond('', [
      'RTNETLINK answers: File exists', 'Command failed -:1',
      'Error: Nexthop has invalid gateway.', 'Command failed -:3', '',
    ].join('\n'), 1);
    const f = failed(await new IpRunner({ spawn: fake.spawn }).runBatch('r1', SCRIPT, { force: true }));
    assert.deepEqual(fake.last.args, ['-n', 'r1', '-force', '-batch', '-']);
    assert.equal(f.line, 1);
    assert.equal(f.message, 'RTNETLINK answers: File exists');
    assert.deepEqual(f.failures.map((x) => `${x.line}: ${x.message}`),
      ['1: RTNETLINK answers: File exists', '3: Error: Nexthop has invalid gateway.']);
  });

  it('an error that makes ip exit without a line number has line null and ip\'s text', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = respond('', 'Error: any valid prefix is expected rather than "10.0.0.0/33".\n', 1);
    const f = failed(await new IpRunner({ spawn: fake.spawn }).runBatch('r1', 'route add 10.0.0.0/33 dev lo\n'));
    assert.equal(f.reason, 'exit');
    assert.equal(f.line, null);
    assert.equal(f.command, null);
    assert.equal(f.message, 'Error: any valid prefix is expected rather than "10.0.0.0/33".');
  });

  it('an exit by signal with no text is a failure that says so', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = (c) => setImmediate(() => c.exit(null, 'SIGSEGV'));
    const f = failed(await new IpRunner({ spawn: fake.spawn }).runBatch('r1', SCRIPT));
    assert.equal(f.reason, 'exit');
    assert.match(f.message, /signal SIGSEGV/u);
  });

  it('EPIPE on stdin when ip exits early does not crash; the failure is still mapped', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = (c) => {
      if (c.stdin !== null) c.stdin.failWith = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      setImmediate(() => { c.err('RTNETLINK answers: File exists\nCommand failed -:1\n'); c.exit(1); });
    };
    const f = failed(await new IpRunner({ spawn: fake.spawn }).runBatch('r1', SCRIPT));
    await flush();
    assert.equal(f.line, 1);
    assert.equal(f.message, 'RTNETLINK answers: File exists');
  });

  it('times out: SIGKILL and a timeout failure, even when the child never closes', async () => {
    const fake = new FakeSpawn();
    const time = new FakeTime();
    fake.onSpawn = (c) => { c.exitOnKill = false; };
    const runner = new IpRunner({ spawn: fake.spawn, timers: time, clock: () => time.now, batchTimeoutMs: 5000 });
    const pending = runner.runBatch('r1', SCRIPT);
    time.advance(4999);
    assert.deepEqual(fake.last.signals, []);
    time.advance(1);
    const f = failed(await pending);
    assert.equal(f.reason, 'timeout');
    assert.deepEqual(fake.last.signals, ['SIGKILL']);
    assert.match(f.message, /timed out after 5000 ms/u);
    assert.equal(time.armed, 0);
  });

  it('a binary that cannot start is a spawn failure (error event or throw)', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = (c) => setImmediate(() => c.emit('error', new Error('spawn ip ENOENT')));
    const f = failed(await new IpRunner({ spawn: fake.spawn }).runBatch('r1', SCRIPT));
    assert.equal(f.reason, 'spawn');
    assert.match(f.message, /ENOENT/u);
    fake.throwOnSpawn = new Error('EAGAIN');
    const g = failed(await new IpRunner({ spawn: fake.spawn }).runBatch('r1', SCRIPT));
    assert.equal(g.reason, 'spawn');
  });

  it('an empty script runs nothing', async () => {
    const fake = new FakeSpawn();
    const r = await new IpRunner({ spawn: fake.spawn }).runBatch('r1', '\n');
    assert.deepEqual(r, { ok: true, lines: 0, stderr: '', durationMs: 0 });
    assert.equal(fake.children.length, 0);
  });

  it('parseBatchErrors keeps multi-line messages and the text after the last marker', () => {
    const r = parseBatchErrors('Error: a\nmore detail\nCommand failed -:2\n\nError: argument "x" is wrong\n', ['l1', 'l2']);
    assert.deepEqual(r.failures, [{ line: 2, command: 'l2', message: 'Error: a\nmore detail' }]);
    assert.equal(r.trailing, 'Error: argument "x" is wrong');
  });

  it('readState runs the three -json reads in the namespace and parses them', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = (c) => {
      const what = c.args.join(' ');
      const out = what.endsWith('-d link show')
        ? '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"mtu":65536,"link_type":"loopback"},'
          + '{"ifindex":2,"ifname":"x0","flags":["UP"],"mtu":1500,"address":"02:00:00:00:00:01","linkinfo":{"info_kind":"ifb"}}]'
        : what.endsWith('addr show')
          ? '[{"ifindex":2,"ifname":"x0","addr_info":[{"family":"inet","local":"192.0.2.1","prefixlen":30}]}]'
          : '[{"dst":"198.18.0.0/24","gateway":"192.0.2.2","dev":"x0","flags":[]}]';
      respond(out, '', 0)(c);
    };
    const state = await new IpRunner({ spawn: fake.spawn }).readState('r1');
    assert.deepEqual(fake.children.map((c) => c.args.join(' ')).sort(), [
      '-n r1 -json -d link show', '-n r1 -json addr show', '-n r1 -json route show table all',
    ]);
    assert.deepEqual(state.links.map((l) => `${l.spec.name}/${l.spec.kind}`), ['lo/other', 'x0/ifb']);
    assert.deepEqual(state.addresses[0]?.spec, { dev: 'x0', address: '192.0.2.1', prefixLength: 30 });
    assert.equal(state.routes[0]?.gateway, '192.0.2.2');
  });

  it('a failing or unparsable read rejects with the command and ip\'s message', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = respond('', 'Cannot open network namespace "nope": No such file or directory\n', 255);
    const runner = new IpRunner({ spawn: fake.spawn });
    await assert.rejects(runner.readLinks('nope'), (e: unknown) => {
      assert.ok(e instanceof IpCommandError);
      assert.equal(e.result.exitCode, 255);
      assert.match(e.message, /^ip -n nope -json -d link show failed \(exit code 255\): Cannot open network namespace/u);
      return true;
    });
    fake.onSpawn = respond('{"not":"an array"}', '', 0);
    await assert.rejects(runner.readRoutes(null), /expected a JSON array/u);
  });

  it('a read that hangs is killed after its timeout', async () => {
    const fake = new FakeSpawn();
    const time = new FakeTime();
    const runner = new IpRunner({ spawn: fake.spawn, timers: time, clock: () => time.now, timeoutMs: 1000 });
    const pending = runner.readAddresses('r1');
    time.advance(1000);
    await assert.rejects(pending, /timed out after 1000 ms/u);
    assert.deepEqual(fake.last.signals, ['SIGKILL']);
  });

  it('namespaces and forwarding use batch-render\'s argv with the configured binary', async () => {
    const fake = new FakeSpawn();
    fake.onSpawn = (c) => respond(c.args.join(' ') === '-json netns list' ? '[{"name":"r1","id":3},{"name":"r2"}]' : '', '', 0)(c);
    const runner = new IpRunner({ spawn: fake.spawn, ipPath: '/sbin/ip' });
    assert.deepEqual(await runner.listNamespaces(), [{ name: 'r1', id: 3 }, { name: 'r2' }]);
    assert.equal(await runner.namespaceExists('r2'), true);
    assert.equal(await runner.namespaceExists('r3'), false);
    await runner.addNamespace('r3');
    await runner.setForwarding({ namespace: 'r3', ipv4: true, ipv6: false });
    await runner.deleteNamespace('r3');
    assert.ok(fake.children.every((c) => c.command === '/sbin/ip'));
    assert.deepEqual(fake.children.slice(3).map((c) => c.args.join(' ')), [
      'netns add r3', '-n r3 link set dev lo up',
      'netns exec r3 sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=0',
      'netns del r3',
    ]);
    fake.onSpawn = respond('', '', 0);
    assert.deepEqual(await runner.listNamespaces(), []);
  });
});

// ---- against the real ip binary, in namespaces this test creates (root) ----

const PID_SUFFIX = `-${process.pid}`;
const NS = `vrt-iprun${PID_SUFFIX}`;

function ownNamespaces(): string[] {
  const r = spawnSync('ip', ['-json', 'netns', 'list'], { encoding: 'utf8', timeout: 15000 });
  const list = JSON.parse(r.stdout.trim() === '' ? '[]' : r.stdout) as { name: string }[];
  return list.map((n) => n.name).filter((n) => n.startsWith('vrt-iprun') && n.endsWith(PID_SUFFIX));
}

function keys(d: DesiredState): Set<string> {
  return new Set([...d.links.map((l) => linkKey(l.name)), ...d.addresses.map(addressKey), ...d.routes.map(routeKey)]);
}

function render(ops: LinuxOp[]): string {
  const r = renderBatch(ops);
  if (!r.ok) assert.fail(r.error.message);
  return r.script;
}

describe('linux ip-runner against iproute2 (root)', function () {
  this.timeout(60000);
  const runner = new IpRunner();

  before(async () => {
    requireRoot('creates network namespaces');
    requireCommand('ip', 'iproute2');
    await runner.addNamespace(NS);
  });

  after(() => {
    for (const ns of ownNamespaces()) spawnSync('ip', ['netns', 'del', ns], { timeout: 15000 });
    assert.deepEqual(ownNamespaces(), []);
  });

  it('applies a rendered veth + addresses + routes batch; read back, the diff is empty', async () => {
    assert.equal(await runner.namespaceExists(NS), true);
    const desired: DesiredState = {
      links: [
        { kind: 'veth', name: 'v0', peer: 'v1', up: true, mtu: 1400 },
        { kind: 'veth', name: 'v1', peer: 'v0', up: true, mtu: 1400 },
      ],
      addresses: [
        { dev: 'v0', address: '192.0.2.1', prefixLength: 30 },
        { dev: 'v1', address: '192.0.2.2', prefixLength: 30 },
        { dev: 'v0', address: '2001:db8::1', prefixLength: 64 },
      ],
      routes: [
        { family: 4, destination: '198.18.0.0/24', type: 'unicast', gateway: '192.0.2.2', dev: 'v0' },
        { family: 4, destination: '198.18.1.0/24', type: 'unicast', gateway: '192.0.2.2', table: 100, metric: 10 },
        { family: 4, destination: '198.18.2.0/24', type: 'blackhole' },
        { family: 6, destination: '2001:db8:1::/48', type: 'unreachable' },
      ],
    };
    const diff = diffNamespace({ namespace: NS, desired, current: await runner.readState(NS), owned: new Set() });
    const r = await runner.runBatch(NS, render(diff.ops));
    assert.ok(r.ok, JSON.stringify(r));
    const again = diffNamespace({ namespace: NS, desired, current: await runner.readState(NS), owned: keys(desired) });
    assert.deepEqual(again, { ops: [], unmanaged: [], conflicts: [], createdElsewhere: [] });
    await runner.setForwarding({ namespace: NS, ipv4: true });
  });

  it('a batch whose third line fails reports line 3 and the kernel\'s message, and stops there', async () => {
    const script = render([
      { op: 'create', object: { type: 'link', spec: { kind: 'veth', name: 'w0', peer: 'w1' } } },
      { op: 'create', object: { type: 'address', spec: { dev: 'w0', address: '203.0.113.1', prefixLength: 24 } } },
      { op: 'create', object: { type: 'route', spec: { family: 4, destination: '198.19.0.0/16', type: 'unicast', gateway: '203.0.113.2', dev: 'missing0' } } },
      { op: 'create', object: { type: 'link', spec: { kind: 'ifb', name: 'w2' } } },
    ]);
    const f = failed(await runner.runBatch(NS, script));
    assert.equal(f.reason, 'command');
    assert.equal(f.line, 3);
    assert.equal(f.command, script.split('\n')[2]);
    assert.equal(f.message, 'Cannot find device "missing0"');
    const names = (await runner.readLinks(NS)).map((l) => l.spec.name);
    assert.ok(names.includes('w0') && !names.includes('w2'), names.join(','));
  });

  it('a failure on line 1 of a long script: EPIPE is absorbed, the kernel\'s words come back', async () => {
    const script = `link add name v0 type veth peer name v9\n${'link set dev lo up\n'.repeat(100_000)}`;
    const f = failed(await runner.runBatch(NS, script));
    assert.equal(f.line, 1);
    assert.equal(f.message, 'RTNETLINK answers: File exists');
  });

  it('-force carries on and reports every failing line', async () => {
    const script = 'link add name v0 type veth peer name v9\nlink add name f0 type ifb\nlink set dev nosuch0 up\n';
    const f = failed(await runner.runBatch(NS, script, { force: true }));
    assert.deepEqual(f.failures.map((x) => x.line), [1, 3]);
    assert.ok((await runner.readLinks(NS)).some((l) => l.spec.name === 'f0'));
  });

  it('a missing namespace is an exit failure without a line', async () => {
    const f = failed(await runner.runBatch(`vrt-absent${PID_SUFFIX}`, 'link set dev lo up\n'));
    assert.equal(f.reason, 'exit');
    assert.match(f.message, /Cannot open network namespace/u);
  });

  it('deleteNamespace removes it', async () => {
    await runner.deleteNamespace(NS);
    assert.equal(await runner.namespaceExists(NS), false);
  });
});
