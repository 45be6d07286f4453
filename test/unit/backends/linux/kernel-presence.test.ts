import assert from 'node:assert/strict';

import type { Item } from '../../../../src/commit/item.js';
import type { RunResult } from '../../../../src/backends/linux/ip-runner.js';
import { KernelPresence, namespacesOf, type PresenceRunner } from '../../../../src/backends/linux/kernel-presence.js';
import type { LinkMonitorEvent } from '../../../../src/backends/linux/link-monitor.js';
import type { MonitorEvent } from '../../../../src/backends/linux/monitor-parse.js';
import type { PresenceEvents } from '../../../../src/backends/linux/presence.js';
import { FakeTime } from '../../../support/fake-time.js';

/** A kernel in memory: named namespaces and, per namespace ('' = default), its links. */
class FakeKernel implements PresenceRunner {
  readonly namespaces = new Set<string>();
  readonly links = new Map<string, Set<string>>();

  listNamespaces(): Promise<{ name: string }[]> {
    return Promise.resolve([...this.namespaces].map((name) => ({ name })));
  }

  namespaceExists(name: string): Promise<boolean> {
    return Promise.resolve(this.namespaces.has(name));
  }

  run(args: readonly string[]): Promise<RunResult> {
    const ns = args[0] === '-n' ? args[1]! : '';
    const dev = args[args.length - 1]!;
    const present = this.links.get(ns)?.has(dev) ?? false;
    return Promise.resolve({
      argv: ['ip', ...args], exitCode: present ? 0 : 1, signal: null, timedOut: false, stdout: '',
      stderr: present ? '' : `Device "${dev}" does not exist.`, durationMs: 1,
    });
  }
}

function item(key: string, dependencies: string[] = []): Item {
  return { key, value: {}, backend: 'linux', dependencies } as Item;
}

function link(action: 'new' | 'del', name: string): LinkMonitorEvent {
  const event: MonitorEvent = { kind: 'link', action, name };
  return { type: 'change', namespace: null, event };
}

function setup(): {
  kernel: FakeKernel; time: FakeTime; presence: KernelPresence; log: string[]; checks: (() => Promise<boolean>)[];
  monitors: Map<string, (e: LinkMonitorEvent) => void>; changeDir: () => void; events: PresenceEvents;
} {
  const kernel = new FakeKernel();
  const time = new FakeTime();
  const log: string[] = [];
  const checks: (() => Promise<boolean>)[] = [];
  const monitors = new Map<string, (e: LinkMonitorEvent) => void>();
  let onDir: (() => void) | undefined;
  const presence = new KernelPresence({
    runner: kernel,
    timers: time,
    settleMs: 20,
    watchDir: (_dir, onChange) => {
      onDir = onChange;
      return { stop: () => void log.push('dir watch stopped') };
    },
    startMonitor: (ns, onEvent) => {
      const name = ns ?? '(default)';
      log.push(`monitor ${name} started`);
      monitors.set(name, onEvent);
      return {
        stop: () => {
          monitors.delete(name);
          log.push(`monitor ${name} stopped`);
        },
      };
    },
  });
  const events: PresenceEvents = {
    appeared: (key) => log.push(`appeared ${key}`),
    disappeared: (key, stillGone) => {
      log.push(`disappeared? ${key}`);
      checks.push(stillGone);
    },
    resync: (reason) => log.push(`resync: ${reason}`),
  };
  return { kernel, time, presence, log, checks, monitors, changeDir: () => onDir?.(), events };
}

const settle = async (time: FakeTime): Promise<void> => {
  time.advance(20);
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('linux kernel-presence', () => {
  it('namespacesOf collects the namespaces of keys and dependencies (undefined = default)', () => {
    const ns = namespacesOf([
      item('linux/netns/r1'),
      item('linux/default/route/254/10.0.0.0%2F8/0', ['linux/default/link/eth0']),
      item('linux/r2/address/eth0/192.0.2.1/24', ['linux/netns/r2', 'linux/r2/link/eth0']),
      item('linux/container/web', ['docker/container/web', 'linux/netns/r3']),
    ]);
    assert.deepEqual([...ns].map((n) => n ?? '(default)').sort(), ['(default)', 'r1', 'r2', 'r3']);
  });

  it('monitors only the wanted namespaces that exist, and follows namespaces appearing and disappearing', async () => {
    const { kernel, time, presence, log, checks, changeDir, events } = setup();
    kernel.namespaces.add('r1');
    kernel.namespaces.add('unrelated');
    presence.watch([item('linux/r1/link/eth0', ['linux/netns/r1']), item('linux/r2/link/eth0', ['linux/netns/r2'])]);
    await presence.start(events);
    assert.deepEqual(log, ['monitor r1 started']);

    kernel.namespaces.add('r2');
    changeDir();
    changeDir();
    await settle(time);
    assert.deepEqual(log.slice(1), ['appeared linux/netns/r2', 'monitor r2 started'], 'one listing for a burst of events');

    kernel.namespaces.delete('r1');
    changeDir();
    await settle(time);
    assert.deepEqual(log.slice(3), ['disappeared? linux/netns/r1', 'monitor r1 stopped']);
    assert.equal(await checks[0]!(), true, 'r1 is gone for good');
    kernel.namespaces.add('r1');
    assert.equal(await checks[0]!(), false, 'a re-created namespace is not reported gone in the engine queue');

    presence.watch([item('linux/r2/link/eth0', ['linux/netns/r2'])]);
    await presence.stop();
    assert.deepEqual(log.slice(5), ['dir watch stopped', 'monitor r2 stopped']);
  });

  it('turns link events into device (and link item) keys, confirmed with ip link show; a restarted monitor asks for a resync', async () => {
    const { kernel, presence, log, checks, monitors, events } = setup();
    kernel.namespaces.add('r1');
    presence.watch([item('linux/r1/route/254/10.0.0.0%2F8/0', ['linux/netns/r1', 'linux/r1/link/ext0'])]);
    await presence.start(events);
    const emit = monitors.get('r1')!;
    log.length = 0;

    kernel.links.set('r1', new Set(['ext0']));
    emit(link('new', 'ext0'));
    emit({ type: 'change', namespace: 'r1', event: { kind: 'route', action: 'del', prefix: '10.0.0.0/8' } });
    assert.deepEqual(log, ['appeared linux/r1/device/ext0'], 'routes and addresses are not presence');

    emit(link('del', 'ext0'));
    assert.deepEqual(log.slice(1), ['disappeared? linux/r1/device/ext0', 'disappeared? linux/r1/link/ext0']);
    assert.equal(await checks[0]!(), false, 'ext0 still exists: a late event changes nothing');
    kernel.links.get('r1')!.delete('ext0');
    assert.equal(await checks[1]!(), true);

    emit({ type: 'started', namespace: 'r1', pid: 7, restarts: 1, resync: true });
    emit({ type: 'started', namespace: 'r1', pid: 7, restarts: 0, resync: false });
    assert.deepEqual(log.slice(3), ['resync: link monitor of r1 restarted']);
    await presence.stop();
    const stopped = log.length;
    emit(link('new', 'ext1'));
    assert.equal(log.length, stopped, 'nothing is reported after stop');
  });

  it('the default namespace is monitored only when the configuration mentions it', async () => {
    const { presence, log, events } = setup();
    await presence.start(events);
    assert.deepEqual(log, []);
    presence.watch([item('linux/default/route/254/10.0.0.0%2F8/0', ['linux/default/device/eth0'])]);
    assert.deepEqual(log, ['monitor (default) started']);
    presence.watch([]);
    assert.deepEqual(log, ['monitor (default) started', 'monitor (default) stopped']);
    await presence.stop();
  });
});
