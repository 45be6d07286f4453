import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { IpRunner } from '../../../../src/backends/linux/ip-runner.js';
import { LinkMonitor, type LinkMonitorEvent, type LinkMonitorOptions } from '../../../../src/backends/linux/link-monitor.js';
import { FakeTime } from '../../../support/fake-time.js';
import { requireCommand, requireRoot } from '../../../support/prerequisites.js';
import { FakeSpawn, flush } from './fake-spawn.js';

function summary(e: LinkMonitorEvent): string {
  switch (e.type) {
    case 'change': return `change ${e.event.action} ${e.event.kind} ${e.event.name ?? '-'}`;
    case 'started': return `started restarts=${e.restarts} resync=${e.resync}`;
    case 'exited': return `exited code=${e.code} signal=${e.signal} retry=${e.restartInMs}${e.error !== undefined ? ` error=${e.error}` : ''}`;
  }
}

function setup(extra: Partial<LinkMonitorOptions> = {}): { fake: FakeSpawn; time: FakeTime; events: LinkMonitorEvent[]; log: () => string[]; monitor: LinkMonitor } {
  const fake = new FakeSpawn();
  const time = new FakeTime();
  const events: LinkMonitorEvent[] = [];
  const monitor = new LinkMonitor({
    namespace: 'r1', onEvent: (e) => events.push(e), spawn: fake.spawn, timers: time, clock: () => time.now,
    initialBackoffMs: 100, maxBackoffMs: 1000, stableMs: 5000, settleMs: 50, killTimeoutMs: 500, ...extra,
  });
  return { fake, time, events, log: () => events.map(summary), monitor };
}

describe('linux link-monitor (fake spawn)', () => {
  it('spawns ip -n NS -o -ts monitor link address route and emits parsed events', () => {
    const { fake, time, events, log, monitor } = setup();
    monitor.start();
    monitor.start();
    assert.equal(fake.children.length, 1);
    const c = fake.last;
    assert.equal(c.command, 'ip');
    assert.deepEqual(c.args, ['-n', 'r1', '-o', '-ts', 'monitor', 'link', 'address', 'route']);
    assert.equal(c.stdin, null);
    c.started();
    time.advance(50);
    c.out('[2026-11-22T04:31:45.88] 8: xa@if2: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noop\n[2026-11-22T04:31:45.89] 8: xa    inet 192.0.2.9/30 scope');
    c.out(' global xa\\       valid_lft forever\nDeleted 198.18.9.0/24 via 192.0.2.10 dev xa\n192.0.2.2 dev xa lladdr 02:00:00:00:00:02 REACHABLE\n');
    assert.deepEqual(log(), ['started restarts=0 resync=false', 'change new link xa', 'change new address xa', 'change del route xa']);
    const ev = events[2];
    assert.ok(ev?.type === 'change');
    assert.equal(ev.namespace, 'r1');
    assert.equal(ev.event.prefix, '192.0.2.9/30');
    assert.equal(ev.event.namespace, 'r1');
  });

  it('a UTF-8 character split across chunks is decoded whole', () => {
    const { fake, log, monitor } = setup();
    monitor.start();
    const line = Buffer.from('8: w\u00e9: <UP> mtu 1500\n');
    fake.last.out(line.subarray(0, 5));
    fake.last.out(line.subarray(5));
    assert.deepEqual(log(), ['change new link w\u00e9']);
  });

  it('the root namespace: no -n', () => {
    const { fake, monitor } = setup({ namespace: null });
    monitor.start();
    assert.deepEqual(fake.last.args, ['-o', '-ts', 'monitor', 'link', 'address', 'route']);
  });

  it('a dying child is reported, restarted with doubling backoff, and the restart asks for a resync', () => {
    const { fake, time, events, log, monitor } = setup();
    monitor.start();
    fake.last.started();
    time.advance(50);
    fake.last.err('Cannot open netlink socket\n');
    fake.last.exit(1);
    const exited = events[1];
    assert.ok(exited?.type === 'exited');
    assert.equal(exited.stderr, 'Cannot open netlink socket\n');
    for (let i = 0; i < 5; i++) {
      const before = fake.children.length;
      time.advance(Math.min(100 * 2 ** i, 1000) - 1);
      assert.equal(fake.children.length, before, `no restart before the backoff (${i})`);
      time.advance(1);
      assert.equal(fake.children.length, before + 1);
      fake.last.started();
      time.advance(50);
      fake.last.exit(null, 'SIGKILL');
    }
    assert.deepEqual(log(), [
      'started restarts=0 resync=false', 'exited code=1 signal=null retry=100',
      'started restarts=1 resync=true', 'exited code=null signal=SIGKILL retry=200',
      'started restarts=2 resync=true', 'exited code=null signal=SIGKILL retry=400',
      'started restarts=3 resync=true', 'exited code=null signal=SIGKILL retry=800',
      'started restarts=4 resync=true', 'exited code=null signal=SIGKILL retry=1000',
      'started restarts=5 resync=true', 'exited code=null signal=SIGKILL retry=1000',
    ]);
    assert.equal(monitor.restarts, 5);
  });

  it('after a child stayed up for stableMs the backoff starts over', () => {
    const { fake, time, log, monitor } = setup();
    monitor.start();
    fake.last.exit(1);
    time.advance(100);
    fake.last.exit(1);
    time.advance(200);
    fake.last.started();
    time.advance(6000);
    fake.last.exit(1);
    assert.deepEqual(log().filter((l) => l.startsWith('exited')), [
      'exited code=1 signal=null retry=100', 'exited code=1 signal=null retry=200', 'exited code=1 signal=null retry=100',
    ]);
  });

  it('output and exits of an old child are ignored after a restart', () => {
    const { fake, time, log, monitor } = setup();
    monitor.start();
    const old = fake.last;
    old.exit(1);
    time.advance(100);
    old.out('9: late: <UP> mtu 1500\n');
    old.emit('close', 1, null);
    assert.equal(fake.children.length, 2);
    assert.deepEqual(log(), ['exited code=1 signal=null retry=100']);
  });

  it('a binary that cannot start (error event or throwing spawn) is retried', () => {
    const { fake, time, log, monitor } = setup();
    monitor.start();
    fake.last.emit('error', new Error('spawn ip ENOENT'));
    fake.last.exit(-2);
    fake.throwOnSpawn = new Error('EAGAIN');
    time.advance(100);
    fake.throwOnSpawn = undefined;
    time.advance(200);
    assert.equal(fake.children.length, 2);
    assert.deepEqual(log(), [
      'exited code=null signal=null retry=100 error=spawn ip ENOENT',
      'exited code=null signal=null retry=200 error=EAGAIN',
    ]);
  });

  it('stop() sends SIGTERM, resolves on exit and never restarts', async () => {
    const { fake, time, log, monitor } = setup();
    monitor.start();
    fake.last.started();
    const stopped = monitor.stop();
    assert.deepEqual(fake.last.signals, ['SIGTERM']);
    await flush();
    await stopped;
    time.advance(10_000);
    assert.equal(fake.children.length, 1);
    assert.deepEqual(log(), []);
    assert.equal(monitor.isRunning, false);
    assert.equal(time.armed, 0);
  });

  it('stop() escalates to SIGKILL when the child ignores SIGTERM, and gives up waiting after that', async () => {
    const { fake, time, monitor } = setup();
    monitor.start();
    fake.last.exitOnKill = false;
    const stopped = monitor.stop();
    time.advance(499);
    assert.deepEqual(fake.last.signals, ['SIGTERM']);
    time.advance(1);
    assert.deepEqual(fake.last.signals, ['SIGTERM', 'SIGKILL']);
    time.advance(500);
    await stopped;
    assert.equal(time.armed, 0);
  });

  it('stop() while a restart is pending cancels it', async () => {
    const { fake, time, monitor } = setup();
    monitor.start();
    fake.last.exit(1);
    assert.equal(time.armed, 1);
    await monitor.stop();
    assert.equal(time.armed, 0);
    time.advance(10_000);
    assert.equal(fake.children.length, 1);
  });
});

// ---- against the real ip binary, in a namespace this test creates (root) ----

const PID_SUFFIX = `-${process.pid}`;
const NS = `vrt-lmon${PID_SUFFIX}`;

function ownNamespaces(): string[] {
  const r = spawnSync('ip', ['-json', 'netns', 'list'], { encoding: 'utf8', timeout: 15000 });
  const list = JSON.parse(r.stdout.trim() === '' ? '[]' : r.stdout) as { name: string }[];
  return list.map((n) => n.name).filter((n) => n.startsWith('vrt-lmon') && n.endsWith(PID_SUFFIX));
}

describe('linux link-monitor against iproute2 (root)', function () {
  this.timeout(30000);
  const runner = new IpRunner();
  let monitor: LinkMonitor | undefined;

  before(async () => {
    requireRoot('creates network namespaces');
    requireCommand('ip', 'iproute2');
    await runner.addNamespace(NS);
  });

  after(async () => {
    await monitor?.stop();
    for (const ns of ownNamespaces()) spawnSync('ip', ['netns', 'del', ns], { timeout: 15000 });
    assert.deepEqual(ownNamespaces(), []);
  });

  it('sees a link created by a plain `ip -n NS link add` within a second, and stops cleanly', async () => {
    const events: LinkMonitorEvent[] = [];
    let wake: (() => void) | undefined;
    const m = new LinkMonitor({ namespace: NS, onEvent: (e) => { events.push(e); wake?.(); } });
    monitor = m;
    const waitFor = async (pred: (e: LinkMonitorEvent) => boolean, ms: number): Promise<LinkMonitorEvent> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit !== undefined) return hit;
        const left = deadline - Date.now();
        if (left <= 0) assert.fail(`no matching event within ${ms} ms; saw ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, left); });
      }
    };
    m.start();
    const started = await waitFor((e) => e.type === 'started', 5000);
    assert.ok(started.type === 'started' && started.resync === false && started.pid !== undefined);
    const t0 = Date.now();
    const add = spawnSync('ip', ['-n', NS, 'link', 'add', 'name', 'mon0', 'type', 'ifb'], { encoding: 'utf8', timeout: 15000 });
    assert.equal(add.status, 0, add.stderr);
    const seen = await waitFor((e) => e.type === 'change' && e.event.kind === 'link' && e.event.name === 'mon0', 1000);
    assert.ok(Date.now() - t0 < 1000);
    assert.ok(seen.type === 'change' && seen.event.action === 'new' && seen.event.namespace === NS);
    const pid = started.pid;
    await m.stop();
    assert.equal(m.isRunning, false);
    assert.ok(events.every((e) => e.type !== 'exited'), JSON.stringify(events));
    assert.throws(() => process.kill(pid ?? 0, 0), /ESRCH/u);
  });

  it('a killed monitor child is reported, restarted with resync, and sees changes again', async () => {
    const events: LinkMonitorEvent[] = [];
    const m = new LinkMonitor({ namespace: NS, onEvent: (e) => events.push(e), initialBackoffMs: 50 });
    monitor = m;
    const until = async (pred: (e: LinkMonitorEvent) => boolean, ms: number): Promise<LinkMonitorEvent> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit !== undefined) return hit;
        if (Date.now() > deadline) assert.fail(`no matching event within ${ms} ms; saw ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    m.start();
    const first = await until((e) => e.type === 'started', 5000);
    assert.ok(first.type === 'started' && first.pid !== undefined);
    process.kill(first.pid, 'SIGKILL');
    const exited = await until((e) => e.type === 'exited', 5000);
    assert.ok(exited.type === 'exited' && exited.signal === 'SIGKILL' && exited.restartInMs === 50);
    const again = await until((e) => e.type === 'started' && e.resync, 5000);
    assert.ok(again.type === 'started' && again.restarts === 1 && again.pid !== first.pid);
    const add = spawnSync('ip', ['-n', NS, 'link', 'add', 'name', 'mon1', 'type', 'ifb'], { encoding: 'utf8', timeout: 15000 });
    assert.equal(add.status, 0, add.stderr);
    await until((e) => e.type === 'change' && e.event.name === 'mon1', 1000);
    await m.stop();
  });
});
