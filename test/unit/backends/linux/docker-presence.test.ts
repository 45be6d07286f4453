// The Docker presence source against a fake Docker client and fake timers: which containers it
// watches, what it reports on (re)connection, start, die and destroy, how it confirms a
// disappearance (restarts included), that an unreachable engine is only logged, and, through a
// real TransactionEngine with the attachment descriptor on a fake spawn, that an attachment waits
// for its container, is applied when it starts, and comes back after a restart.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';

import { pino } from 'pino';

import { ContainerLookup, type DockerApi, type DockerEventsOptions, type InspectedContainer } from '../../../../src/backends/linux/container-lookup.js';
import { containerDescriptor } from '../../../../src/backends/linux/descriptors-container.js';
import { containerNamesOf, DockerPresence } from '../../../../src/backends/linux/docker-presence.js';
import { IpRunner } from '../../../../src/backends/linux/ip-runner.js';
import type { PresenceEvents } from '../../../../src/backends/linux/presence.js';
import { containerKey, dockerContainerKey, type ContainerAttachmentValue, type TranslatedItem } from '../../../../src/backends/linux/translate-keys.js';
import { TransactionEngine } from '../../../../src/commit/engine.js';
import { DescriptorRegistry } from '../../../../src/commit/registry.js';
import { FakeTime } from '../../../support/fake-time.js';
import { FakeSpawn } from './fake-spawn.js';

const SOCKET = '/run/test/docker.sock';

class FakeDocker implements DockerApi {
  containers = new Map<string, InspectedContainer>();
  failWith: Error | undefined;
  inspected: string[] = [];
  eventRequests: DockerEventsOptions[] = [];
  streams: PassThrough[] = [];

  run(name: string, pid: number): void {
    this.containers.set(name, { Id: `id-${name}`, Name: `/${name}`, State: { Running: true, Pid: pid } });
  }

  halt(name: string): void {
    this.containers.set(name, { Id: `id-${name}`, Name: `/${name}`, State: { Running: false, Pid: 0 } });
  }

  getContainer(id: string): { inspect(): Promise<InspectedContainer> } {
    return {
      inspect: () => {
        this.inspected.push(id);
        if (this.failWith !== undefined) return Promise.reject(this.failWith);
        const c = this.containers.get(id);
        if (c === undefined) return Promise.reject(Object.assign(new Error('no such container'), { statusCode: 404, json: { message: `No such container: ${id}` } }));
        return Promise.resolve(c);
      },
    };
  }

  getEvents(options?: DockerEventsOptions): Promise<NodeJS.ReadableStream> {
    this.eventRequests.push(options ?? {});
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    const s = new PassThrough();
    this.streams.push(s);
    return Promise.resolve(s);
  }

  get lastStream(): PassThrough {
    const s = this.streams[this.streams.length - 1];
    assert.ok(s !== undefined, 'no event stream was opened');
    return s;
  }

  /** Writes one event line on the open stream. */
  emit(action: string, name: string): void {
    const line = JSON.stringify({ Type: 'container', Action: action, Actor: { ID: `id-${name}`, Attributes: { name } }, time: 1 });
    this.lastStream.write(`${line}\n`);
  }
}

/** Lets promise chains and stream callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

class Recorder implements PresenceEvents {
  log: string[] = [];
  checks: (() => Promise<boolean>)[] = [];
  appeared(key: string): void {
    this.log.push(`+${key}`);
  }
  disappeared(key: string, stillGone: () => Promise<boolean>): void {
    this.log.push(`-${key}`);
    this.checks.push(stillGone);
  }
  resync(reason: string): void {
    this.log.push(`resync ${reason}`);
  }
}

/** An item that needs the named containers, as the translator makes them. */
function needing(...names: string[]): TranslatedItem[] {
  return names.map((n) => ({
    key: containerKey(n), backend: 'linux', dependencies: [dockerContainerKey(n), 'linux/netns/r1'],
    value: { container: n, hostName: `v-${n}`, hostNamespace: 'r1', name: 'eth0', addresses: [], routes: [] },
  }));
}

interface Rig {
  docker: FakeDocker;
  time: FakeTime;
  presence: DockerPresence;
  events: Recorder;
  logs: string[];
  lookup: ContainerLookup;
}

function rig(): Rig {
  const docker = new FakeDocker();
  const time = new FakeTime();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) });
  const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker, timers: time, clock: () => time.now });
  const presence = new DockerPresence({ containers: lookup, logger });
  return { docker, time, presence, events: new Recorder(), logs, lookup };
}

/** watch(names), start, let the first lookups settle, then forget what they reported. */
async function watching(r: Rig, ...names: string[]): Promise<void> {
  r.presence.watch(needing(...names));
  await r.presence.start(r.events);
  await settle();
  r.events.log = [];
}

const WEB = dockerContainerKey('web');
const DB = dockerContainerKey('db');

describe('Docker presence source', () => {
  it('watches the docker/container/<name> dependencies of the items', () => {
    const other: TranslatedItem = { key: 'linux/r1/link/e0', backend: 'linux', value: { kind: 'other', name: 'e0' }, dependencies: ['linux/r1/device/e0'] };
    assert.deepEqual([...containerNamesOf([...needing('web', 'db'), other])].sort(), ['db', 'web']);
    assert.deepEqual([...containerNamesOf([{ key: 'x', backend: 'linux', value: {} }])], []);
  });

  it('opens no event stream while the configuration has no container', async () => {
    const r = rig();
    r.presence.watch([]);
    await r.presence.start(r.events);
    r.presence.watch([]);
    await settle();
    assert.equal(r.docker.eventRequests.length, 0);
    await r.presence.stop();
  });

  it('on connection looks every watched container up: running ones appear, the others are reported gone', async () => {
    const r = rig();
    r.docker.run('web', 100);
    r.presence.watch(needing('web', 'db'));
    await r.presence.start(r.events);
    await settle();
    assert.deepEqual(r.docker.eventRequests[0]?.filters, { type: ['container'], event: ['start', 'die', 'destroy'] });
    assert.deepEqual(r.events.log.sort(), [`+${WEB}`, `-${DB}`].sort());
    assert.equal(await r.events.checks[0]!(), true, 'db does not exist: gone');
    await r.presence.stop();
  });

  it('start of a watched container: looked up, then reported present; others are ignored', async () => {
    const r = rig();
    await watching(r, 'web');
    r.docker.run('web', 100);
    r.docker.run('other', 200);
    r.docker.emit('start', 'other');
    r.docker.emit('start', 'web');
    await settle();
    assert.deepEqual(r.events.log, [`+${WEB}`]);
    assert.deepEqual(r.docker.inspected.filter((n) => n === 'other'), []);
    await r.presence.stop();
  });

  it('die and destroy report the container gone, confirmed by a lookup (not running, or another PID)', async () => {
    const r = rig();
    r.docker.run('web', 100);
    await watching(r, 'web');
    r.docker.emit('die', 'web');
    await settle();
    assert.deepEqual(r.events.log, [`-${WEB}`]);
    const check = r.events.checks[r.events.checks.length - 1]!;
    assert.equal(await check(), false, 'still running with the same PID: not gone');
    r.docker.run('web', 101);
    assert.equal(await check(), true, 'restarted with another PID: its namespace (and the pair) is new');
    r.docker.halt('web');
    assert.equal(await check(), true);
    r.docker.containers.delete('web');
    assert.equal(await check(), true);
    r.docker.failWith = new Error('connect ECONNREFUSED');
    assert.equal(await check(), true, 'the engine said it died and cannot confirm: trusted');
    r.docker.failWith = undefined;
    r.docker.emit('destroy', 'web');
    await settle();
    assert.deepEqual(r.events.log, [`-${WEB}`, `-${WEB}`]);
    await r.presence.stop();
  });

  it('a name watch() adds while connected is looked up at once; removed names are no longer reported', async () => {
    const r = rig();
    await watching(r, 'web');
    r.docker.run('db', 300);
    r.presence.watch(needing('web', 'db'));
    await settle();
    assert.deepEqual(r.events.log, [`+${DB}`]);
    assert.equal(r.docker.eventRequests.length, 1, 'the stream stays open');
    r.presence.watch(needing('db'));
    r.docker.run('web', 1);
    r.docker.emit('start', 'web');
    await settle();
    assert.deepEqual(r.events.log, [`+${DB}`]);
    await r.presence.stop();
  });

  it('the stream closes when no container is watched any more, and reopens when one is', async () => {
    const r = rig();
    r.presence.watch(needing('web'));
    await r.presence.start(r.events);
    await settle();
    const first = r.docker.lastStream;
    r.presence.watch([]);
    await settle();
    assert.ok(first.destroyed);
    r.docker.run('web', 7);
    r.presence.watch(needing('web'));
    await settle();
    assert.equal(r.docker.eventRequests.length, 2);
    assert.ok(r.events.log.includes(`+${WEB}`));
    await r.presence.stop();
  });

  it('after a reconnection everything is looked up again; a container that restarted meanwhile is reported gone, then present', async () => {
    const r = rig();
    r.docker.run('web', 100);
    await watching(r, 'web');
    r.docker.lastStream.end();
    await settle();
    r.docker.run('web', 222);
    r.time.advance(200);
    await settle();
    assert.equal(r.docker.eventRequests.length, 2);
    assert.deepEqual(r.events.log, [`-${WEB}`, `+${WEB}`]);
    assert.equal(await r.events.checks[r.events.checks.length - 1]!(), true);
    await r.presence.stop();
  });

  it('an unreachable engine is logged once per outage and retried; nothing fails, and its return is caught up', async () => {
    const r = rig();
    r.docker.failWith = Object.assign(new Error(`connect ENOENT ${SOCKET}`), { code: 'ENOENT' });
    r.presence.watch(needing('web'));
    await r.presence.start(r.events);
    await settle();
    for (let i = 0; i < 4; i++) {
      r.time.advance(20_000);
      await settle();
    }
    assert.ok(r.docker.eventRequests.length >= 4);
    const warns = r.logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    assert.equal(warns.length, 1, r.logs.join(''));
    assert.match(warns[0]!.msg, /Docker event stream unavailable/);
    assert.deepEqual(r.events.log, []);
    r.docker.failWith = undefined;
    r.docker.run('web', 5);
    r.time.advance(20_000);
    await settle();
    assert.deepEqual(r.events.log, [`+${WEB}`]);
    assert.ok(r.logs.some((l) => l.includes('Docker engine reachable again')));
    await r.presence.stop();
  });

  it('a lookup that fails is logged, not reported', async () => {
    const r = rig();
    await watching(r, 'web');
    r.docker.failWith = new Error('socket hang up');
    r.docker.emit('start', 'web');
    await settle();
    assert.deepEqual(r.events.log, []);
    assert.ok(r.logs.some((l) => l.includes('Docker container lookup failed')));
    await r.presence.stop();
  });

  it('stop() closes the stream; nothing is reported after it', async () => {
    const r = rig();
    r.docker.run('web', 1);
    r.presence.watch(needing('web'));
    await r.presence.start(r.events);
    await settle();
    const s = r.docker.lastStream;
    await r.presence.stop();
    r.events.log = [];
    s.write(`${JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'id-web', Attributes: { name: 'web' } } })}\n`);
    r.presence.watch(needing('web', 'db'));
    await settle();
    assert.ok(s.destroyed);
    assert.deepEqual(r.events.log, []);
    assert.equal(r.docker.eventRequests.length, 1);
  });
});

describe('Docker presence driving the engine with the attachment descriptor (fake spawn)', () => {
  it('the attachment waits for its container, is applied when it starts, goes back to pending when it dies, and returns on restart', async () => {
    const r = rig();
    const fake = new FakeSpawn();
    fake.onSpawn = (child): void => void setImmediate(() => child.exit(0));
    const registry = new DescriptorRegistry();
    registry.register(containerDescriptor(new IpRunner({ spawn: fake.spawn }), {
      containers: r.lookup, nsenter: new IpRunner({ spawn: fake.spawn, ipPath: 'nsenter' }),
    }));
    const engine = new TransactionEngine({ registry });
    const value: ContainerAttachmentValue = { container: 'web', hostName: 'v-web', hostNamespace: '', name: 'eth0', addresses: [], routes: [] };
    const items: TranslatedItem[] = [{ key: containerKey('web'), backend: 'linux', value, dependencies: [WEB] }];
    const state = (): string | undefined => engine.snapshot().items.find((i) => i.key === containerKey('web'))?.state;
    const adds = (): number => fake.children.filter((c) => c.stdin?.written.startsWith('link add') === true).length;

    const outcome = await engine.commit(items);
    assert.ok(outcome.ok);
    assert.equal(state(), 'pending');
    assert.deepEqual(engine.snapshot().items[0]?.waitingFor, [WEB]);

    const events: PresenceEvents = {
      appeared: (key) => void engine.keyAppeared(key),
      disappeared: (key, stillGone) => void engine.keyDisappeared(key, stillGone),
      resync: () => undefined,
    };
    r.presence.watch(items);
    await r.presence.start(events);
    await settle();
    assert.equal(state(), 'pending', 'not created yet');

    r.docker.run('web', 100);
    r.docker.emit('start', 'web');
    await settle();
    await engine.idle();
    assert.equal(state(), 'applied');
    assert.equal(adds(), 1);
    assert.ok(fake.children.some((c) => c.stdin?.written.includes('netns 100') === true));

    // docker restart: die then start; the die is confirmed after the new start (another PID).
    r.docker.emit('die', 'web');
    r.docker.run('web', 200);
    r.docker.emit('start', 'web');
    await settle();
    await engine.idle();
    await settle();
    await engine.idle();
    assert.equal(state(), 'applied');
    assert.equal(adds(), 2, 're-created in the new namespace');
    assert.ok(fake.children.some((c) => c.stdin?.written.includes('netns 200') === true));

    r.docker.halt('web');
    r.docker.emit('die', 'web');
    await settle();
    await engine.idle();
    assert.equal(state(), 'pending');
    await r.presence.stop();
  });
});
