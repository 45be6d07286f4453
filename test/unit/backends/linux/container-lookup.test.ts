import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';

import {
  ContainerLookup, DockerEngineError, engineError, netnsPath, netnsTarget, parseContainerEvent,
  type ContainerWatchEvent, type DockerApi, type DockerEventsOptions, type InspectedContainer,
} from '../../../../src/backends/linux/container-lookup.js';
import { FakeTime } from '../../../support/fake-time.js';

const SOCKET = '/run/test/docker.sock';

/** An errno error as Node's http client raises it for a unix socket. */
function connectError(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`connect ${code} ${SOCKET}`);
  err.code = code;
  return err;
}

/** An HTTP error as docker-modem raises it. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });
}

type Pending<T> = { resolve: (v: T) => void; reject: (e: unknown) => void };

class FakeDocker implements DockerApi {
  /** By name or ID, as the engine resolves them. */
  containers = new Map<string, InspectedContainer>();
  /** When set, every request fails with it. */
  failWith: Error | undefined;
  /** When true, inspect never answers (until aborted). */
  hang = false;
  inspected: string[] = [];
  aborted = 0;
  eventRequests: DockerEventsOptions[] = [];
  streams: PassThrough[] = [];
  pendingEvents: Pending<NodeJS.ReadableStream>[] = [];
  /** When true, getEvents stays pending until the test resolves it. */
  holdEvents = false;

  add(name: string, id: string, running: boolean, pid: number): void {
    this.containers.set(name, { Id: id, Name: `/${name}`, State: { Running: running, Pid: pid, Status: running ? 'running' : 'created' } });
  }

  getContainer(id: string): { inspect(options?: { abortSignal?: AbortSignal }): Promise<InspectedContainer> } {
    return {
      inspect: (options) => {
        this.inspected.push(id);
        if (this.failWith !== undefined) return Promise.reject(this.failWith);
        if (this.hang) {
          return new Promise((_resolve, reject) => {
            options?.abortSignal?.addEventListener('abort', () => {
              this.aborted++;
              reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
            });
          });
        }
        const c = this.containers.get(id);
        if (c === undefined) return Promise.reject(httpError(404, `No such container: ${id}`));
        return Promise.resolve(c);
      },
    };
  }

  getEvents(options?: DockerEventsOptions): Promise<NodeJS.ReadableStream> {
    this.eventRequests.push(options ?? {});
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    if (this.holdEvents) return new Promise((resolve, reject) => this.pendingEvents.push({ resolve, reject }));
    const s = new PassThrough();
    this.streams.push(s);
    return Promise.resolve(s);
  }

  get lastStream(): PassThrough {
    const s = this.streams[this.streams.length - 1];
    assert.ok(s !== undefined, 'no event stream was opened');
    return s;
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function event(action: string, id: string, name: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    status: action, id, from: 'vrt-busybox:test', Type: 'container', Action: action,
    Actor: { ID: id, Attributes: { image: 'vrt-busybox:test', name, ...extra } },
    scope: 'local', time: 1795000000, timeNano: 1795000000123456,
  }) + '\n';
}

function summary(e: ContainerWatchEvent): string {
  switch (e.type) {
    case 'container': return `${e.action} ${e.name} ${e.id}${e.exitCode !== undefined ? ` exit=${e.exitCode}` : ''}`;
    case 'connected': return `connected resync=${e.resync}`;
    case 'disconnected': return `disconnected retry=${e.retryInMs}`;
  }
}

describe('linux container-lookup (fake Docker client)', () => {
  describe('lookup', () => {
    it('a running container: id, name without the slash, its PID', async () => {
      const docker = new FakeDocker();
      docker.add('web', 'a1b2c3', true, 4242);
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker });
      const state = await lookup.lookup('web');
      assert.deepEqual(state, { id: 'a1b2c3', name: 'web', running: true, pid: 4242 });
      assert.deepEqual(docker.inspected, ['web']);
      assert.ok(state !== undefined);
      assert.equal(netnsTarget(state), '4242');
      assert.equal(netnsPath(state), '/proc/4242/ns/net');
    });

    it('a container that does not exist: undefined (the attachment stays pending)', async () => {
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: new FakeDocker() });
      assert.equal(await lookup.lookup('absent'), undefined);
    });

    it('a created or stopped container: not running, no PID', async () => {
      const docker = new FakeDocker();
      docker.add('created', 'c0ffee', false, 0);
      // An exiting container may still report its old PID while Running is false.
      docker.add('exited', 'dead01', false, 999);
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker });
      const created = await lookup.lookup('created');
      assert.deepEqual(created, { id: 'c0ffee', name: 'created', running: false, pid: null });
      assert.ok(created !== undefined);
      assert.equal(netnsTarget(created), undefined);
      assert.equal(netnsPath(created), undefined);
      assert.deepEqual(await lookup.lookup('exited'), { id: 'dead01', name: 'exited', running: false, pid: null });
    });

    it('a name the engine resolves as another container\'s ID prefix is not that container', async () => {
      const docker = new FakeDocker();
      docker.containers.set('cafe', { Id: 'cafe1234', Name: '/other', State: { Running: true, Pid: 7 } });
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker });
      assert.equal(await lookup.lookup('cafe'), undefined);
    });

    it('an invalid name is refused before any request', async () => {
      const docker = new FakeDocker();
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker });
      for (const bad of ['', 'a', '../x', 'a/b', '-x', 'x?y', 'é1']) {
        await assert.rejects(lookup.lookup(bad), RangeError);
      }
      assert.deepEqual(docker.inspected, []);
    });

    it('an unreachable engine: a DockerEngineError naming the socket', async () => {
      for (const code of ['ENOENT', 'ECONNREFUSED', 'EACCES']) {
        const docker = new FakeDocker();
        docker.failWith = connectError(code);
        const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker });
        const err = await lookup.lookup('web').then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof DockerEngineError, String(err));
        assert.equal(err.kind, 'unreachable');
        assert.equal(err.socketPath, SOCKET);
        assert.equal(err.code, code);
        assert.match(err.message, new RegExp(`^Docker engine unreachable at unix://${SOCKET}: connect ${code}`));
      }
    });

    it('an engine error other than 404: kind api with the engine\'s message and status', async () => {
      const docker = new FakeDocker();
      docker.failWith = httpError(500, 'something broke');
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker });
      await assert.rejects(lookup.lookup('web'), (err: unknown) => {
        assert.ok(err instanceof DockerEngineError);
        assert.equal(err.kind, 'api');
        assert.equal(err.statusCode, 500);
        assert.equal(err.message, `Docker engine at unix://${SOCKET} answered with an error: HTTP 500: something broke`);
        return true;
      });
    });

    it('an engine that does not answer: a timeout error, and the request is aborted', async () => {
      const docker = new FakeDocker();
      docker.hang = true;
      const time = new FakeTime();
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker, timers: time, timeoutMs: 1000 });
      const result = lookup.lookup('web').then(() => undefined, (e: unknown) => e);
      await flush();
      time.advance(999);
      await flush();
      assert.equal(docker.aborted, 0);
      time.advance(1);
      const err = await result;
      assert.ok(err instanceof DockerEngineError);
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /did not answer: no answer to the lookup of container web within 1000 ms/);
      assert.equal(docker.aborted, 1);
      assert.equal(time.armed, 0);
    });

    it('the timer is cleared after a normal answer', async () => {
      const docker = new FakeDocker();
      docker.add('web', 'a1', true, 5);
      const time = new FakeTime();
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker, timers: time });
      await lookup.lookup('web');
      assert.equal(time.armed, 0);
    });

    it('engineError keeps a DockerEngineError and classifies others', () => {
      const e = new DockerEngineError('timeout', SOCKET, 'x');
      assert.equal(engineError(SOCKET, e), e);
      assert.equal(engineError(SOCKET, 'weird').kind, 'unreachable');
      assert.match(engineError(SOCKET, connectError('ENOENT')).message, /is dockerd running\?/);
    });
  });

  describe('parseContainerEvent', () => {
    it('start, die (with exit code) and destroy of containers', () => {
      assert.deepEqual(parseContainerEvent(event('start', 'abc', 'web')), { type: 'container', action: 'start', id: 'abc', name: 'web', time: 1795000000 });
      assert.deepEqual(parseContainerEvent(event('die', 'abc', 'web', { exitCode: '137' })), {
        type: 'container', action: 'die', id: 'abc', name: 'web', time: 1795000000, exitCode: 137,
      });
      assert.equal(parseContainerEvent(event('destroy', 'abc', 'web'))?.action, 'destroy');
    });

    it('ignores other actions, other types, junk', () => {
      assert.equal(parseContainerEvent(event('create', 'abc', 'web')), undefined);
      assert.equal(parseContainerEvent(JSON.stringify({ Type: 'network', Action: 'start', Actor: { ID: 'n' } })), undefined);
      assert.equal(parseContainerEvent('{not json'), undefined);
      assert.equal(parseContainerEvent('42'), undefined);
      assert.equal(parseContainerEvent(JSON.stringify({ Type: 'container', Action: 'start', Actor: {} })), undefined);
    });

    it('an old-style event (status and id only)', () => {
      assert.deepEqual(parseContainerEvent(JSON.stringify({ status: 'die', id: 'abc', time: 5 })), { type: 'container', action: 'die', id: 'abc', name: '', time: 5 });
    });
  });

  describe('watchContainers', () => {
    function setup(): { docker: FakeDocker; time: FakeTime; events: ContainerWatchEvent[]; log: () => string[]; lookup: ContainerLookup } {
      const docker = new FakeDocker();
      const time = new FakeTime();
      const events: ContainerWatchEvent[] = [];
      const lookup = new ContainerLookup({ socketPath: SOCKET, client: docker, timers: time, clock: () => time.now });
      return { docker, time, events, log: () => events.map(summary), lookup };
    }

    it('subscribes to container start/die/destroy since a second ago and delivers them, split across chunks', async () => {
      const { docker, time, events, log, lookup } = setup();
      const watch = lookup.watchContainers((e) => events.push(e));
      await flush();
      assert.deepEqual(docker.eventRequests.map((o) => ({ since: o.since, filters: o.filters })), [
        { since: Math.floor(time.now / 1000) - 1, filters: { type: ['container'], event: ['start', 'die', 'destroy'] } },
      ]);
      const s = docker.lastStream;
      const two = event('start', 'id1', 'web') + event('create', 'id2', 'db');
      s.write(Buffer.from(two.slice(0, 17)));
      s.write(Buffer.from(two.slice(17) + event('die', 'id1', 'web', { exitCode: '0' }).slice(0, 40)));
      await flush();
      assert.deepEqual(log(), ['connected resync=false', 'start web id1']);
      s.write(event('die', 'id1', 'web', { exitCode: '0' }).slice(40) + 'garbage\n\n' + event('destroy', 'id1', 'web'));
      await flush();
      assert.deepEqual(log(), ['connected resync=false', 'start web id1', 'die web id1 exit=0', 'destroy web id1']);
      watch.stop();
      await flush();
      assert.ok(s.destroyed);
      assert.equal(time.armed, 0);
      assert.equal(events.length, 4);
    });

    it('a stream that ends is reopened with a doubling backoff, and the reopening asks for a resync', async () => {
      const { docker, time, log, lookup, events } = setup();
      const watch = lookup.watchContainers((e) => events.push(e), { initialBackoffMs: 100, maxBackoffMs: 250 });
      await flush();
      docker.lastStream.end();
      await flush();
      assert.deepEqual(log(), ['connected resync=false', 'disconnected retry=100']);
      const last = events[1];
      assert.ok(last?.type === 'disconnected');
      assert.equal(last.error, `Docker engine at unix://${SOCKET} closed the event stream`);
      // The engine is down now: connections fail, the wait doubles up to the maximum.
      docker.failWith = connectError('ECONNREFUSED');
      time.advance(100);
      await flush();
      time.advance(200);
      await flush();
      assert.deepEqual(log().slice(2), ['disconnected retry=200', 'disconnected retry=250']);
      const down = events[2];
      assert.ok(down?.type === 'disconnected');
      assert.match(down.error, /^Docker engine unreachable at unix:\/\/\/run\/test\/docker.sock: connect ECONNREFUSED/);
      // Back up: connected with resync, the backoff starts over.
      docker.failWith = undefined;
      time.advance(250);
      await flush();
      assert.equal(log()[4], 'connected resync=true');
      docker.lastStream.emit('error', connectError('ECONNRESET'));
      await flush();
      assert.equal(log()[5], 'disconnected retry=100');
      assert.equal(docker.eventRequests.length, 4);
      watch.stop();
      assert.equal(time.armed, 0);
      time.advance(10_000);
      await flush();
      assert.equal(docker.eventRequests.length, 4);
      assert.equal(events.length, 6);
    });

    it('stop() while the stream is being opened: the late stream is closed, nothing is reported', async () => {
      const { docker, events, lookup } = setup();
      docker.holdEvents = true;
      const watch = lookup.watchContainers((e) => events.push(e));
      watch.stop();
      watch.stop();
      const late = new PassThrough();
      docker.pendingEvents[0]?.resolve(late);
      await flush();
      assert.ok(late.destroyed);
      assert.deepEqual(events, []);
    });

    it('events after stop() are not delivered', async () => {
      const { docker, events, lookup } = setup();
      const watch = lookup.watchContainers((e) => events.push(e));
      await flush();
      const s = docker.lastStream;
      watch.stop();
      s.emit('data', Buffer.from(event('start', 'id1', 'web')));
      await flush();
      assert.deepEqual(events.map(summary), ['connected resync=false']);
    });
  });
});
