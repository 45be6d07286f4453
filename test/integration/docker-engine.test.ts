// Container attachment against a real Docker engine (test/support/docker-engine.ts: Debian's dockerd
// with its own data-root and no host networking): the lookup finds a container and its PID, a veth
// from a namespace the test makes is moved into the container's network namespace by that PID, and
// the container pings the namespace end — the plumbing the Linux backend automates. A container that
// is not started yet is found as not running, and its start arrives on the event stream.
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';

import {
  ContainerLookup, DockerEngineError, netnsTarget, type ContainerWatch, type ContainerWatchEvent,
} from '../../src/backends/linux/container-lookup.js';
import { DockerEngine, run, runOk } from '../support/docker-engine.js';
import { requireCommand, requireRoot } from '../support/prerequisites.js';

const IMAGE = 'vrt-busybox:test';
const RUNNING = `vrt-dock-run-${process.pid}`;
const LATER = `vrt-dock-later-${process.pid}`;
const NS = `vrt-dock-${process.pid}`;
const HOST_END = 'vdk-ns';
const CONTAINER_END = 'vdk-ct';
const NS_ADDR = '198.51.100.1';
const CONTAINER_ADDR = '198.51.100.2';

async function vrtDockNamespaces(): Promise<string[]> {
  const out = await runOk('ip', ['-json', 'netns', 'list']);
  const list = out.trim() === '' ? [] : (JSON.parse(out) as { name: string }[]);
  return list.map((n) => n.name).filter((n) => n.startsWith('vrt-dock-'));
}

/** Resolves with the first event that matches, or rejects after timeoutMs. */
function waitForEvent(events: ContainerWatchEvent[], match: (e: ContainerWatchEvent) => boolean, timeoutMs: number): Promise<ContainerWatchEvent> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const found = events.find(match);
      if (found !== undefined) return resolve(found);
      if (Date.now() > deadline) return reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('container attachment with a real Docker engine', function () {
  this.timeout(60_000);
  let engine: DockerEngine | undefined;
  let lookup: ContainerLookup;
  let watch: ContainerWatch | undefined;

  before(async function () {
    requireRoot('dockerd and network namespaces');
    requireCommand('ip', 'iproute2');
    requireCommand('nsenter', 'util-linux');
    engine = await DockerEngine.start();
    await engine.importBusyboxImage(IMAGE);
    await engine.createContainer(RUNNING, IMAGE);
    lookup = new ContainerLookup({ socketPath: engine.socketPath });
  });

  after(async function () {
    watch?.stop();
    const problems: string[] = [];
    if ((await vrtDockNamespaces()).includes(NS)) {
      const r = await run('ip', ['netns', 'del', NS]);
      if (r.code !== 0) problems.push(`ip netns del ${NS}: ${r.stderr}`);
    }
    try {
      await engine?.stop();
    } catch (err) {
      problems.push((err as Error).message);
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(await vrtDockNamespaces(), [], 'a vrt-dock namespace was left behind');
  });

  it('finds the running container and the PID of its network namespace', async function () {
    const state = await lookup.lookup(RUNNING);
    assert.ok(state !== undefined, 'container not found');
    assert.equal(state.name, RUNNING);
    assert.equal(state.running, true);
    assert.ok(state.pid !== null && state.pid > 1);
    assert.match(state.id, /^[0-9a-f]{64}$/);
    // Its own network namespace, not ours.
    const theirs = readlinkSync(`/proc/${state.pid}/ns/net`);
    assert.match(theirs, /^net:\[\d+\]$/);
    assert.notEqual(theirs, readlinkSync('/proc/self/ns/net'));
  });

  it('a veth moved into the container by PID: the container pings the namespace end', async function () {
    assert.ok(engine !== undefined);
    const state = await lookup.lookup(RUNNING);
    assert.ok(state !== undefined);
    const target = netnsTarget(state);
    assert.ok(target !== undefined);
    const pid = String(state.pid);
    await runOk('ip', ['netns', 'add', NS]);
    await runOk('ip', ['-n', NS, 'link', 'add', HOST_END, 'type', 'veth', 'peer', 'name', CONTAINER_END]);
    await runOk('ip', ['-n', NS, 'link', 'set', CONTAINER_END, 'netns', target]);
    await runOk('ip', ['-n', NS, 'addr', 'add', `${NS_ADDR}/30`, 'dev', HOST_END]);
    await runOk('ip', ['-n', NS, 'link', 'set', HOST_END, 'up']);
    await runOk('nsenter', ['-t', pid, '-n', 'ip', 'addr', 'add', `${CONTAINER_ADDR}/30`, 'dev', CONTAINER_END]);
    await runOk('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', CONTAINER_END, 'up']);
    // The container sees its end with the address (busybox ip inside the container).
    const inside = await engine.dockerOk(['exec', RUNNING, 'ip', 'addr', 'show', 'dev', CONTAINER_END]);
    assert.match(inside, new RegExp(`inet ${CONTAINER_ADDR.replace(/\./g, '\\.')}/30`));
    const ping = await engine.docker(['exec', RUNNING, 'ping', '-c', '1', '-W', '2', NS_ADDR]);
    assert.equal(ping.code, 0, `ping from the container failed:\n${ping.stdout}${ping.stderr}`);
    assert.match(ping.stdout, /1 packets received/);
  });

  it('a container not started yet is found not running; its start comes on the event stream', async function () {
    assert.ok(engine !== undefined);
    assert.equal(await lookup.lookup(LATER), undefined, 'found before it was created');
    const id = await engine.createContainer(LATER, IMAGE, false);
    assert.deepEqual(await lookup.lookup(LATER), { id, name: LATER, running: false, pid: null });

    const events: ContainerWatchEvent[] = [];
    watch = lookup.watchContainers((e) => events.push(e));
    await waitForEvent(events, (e) => e.type === 'connected', 10_000);
    await engine.dockerOk(['start', LATER]);
    const started = await waitForEvent(events, (e) => e.type === 'container' && e.action === 'start' && e.name === LATER, 10_000);
    assert.ok(started.type === 'container');
    assert.equal(started.id, id);
    const state = await lookup.lookup(LATER);
    assert.ok(state?.running === true && state.pid !== null && state.pid > 1, JSON.stringify(state));

    await engine.dockerOk(['rm', '-f', LATER]);
    await waitForEvent(events, (e) => e.type === 'container' && e.action === 'die' && e.id === id, 10_000);
    await waitForEvent(events, (e) => e.type === 'container' && e.action === 'destroy' && e.id === id, 10_000);
    assert.equal(await lookup.lookup(LATER), undefined);
    assert.equal(events.filter((e) => e.type === 'disconnected').length, 0, JSON.stringify(events));
  });

  it('an engine that is not there: an error naming its socket', async function () {
    assert.ok(engine !== undefined);
    const socketPath = `${engine.root}/absent.sock`;
    const absent = new ContainerLookup({ socketPath });
    await assert.rejects(absent.lookup(RUNNING), (err: unknown) => {
      assert.ok(err instanceof DockerEngineError);
      assert.equal(err.kind, 'unreachable');
      assert.equal(err.code, 'ENOENT');
      assert.ok(err.message.includes(`unix://${socketPath}`), err.message);
      return true;
    });
  });
});
