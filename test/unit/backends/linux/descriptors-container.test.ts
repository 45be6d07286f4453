// The container attachment descriptor against a fake spawn (ip, nsenter) and a fake Docker client:
// the commands create runs, the clean-up after a half-done create, the errors (the kernel's and
// Docker's words), delete tolerating a pair that died with its container, and retrieve reporting
// only attachments whose container still runs with the same PID.
import assert from 'node:assert/strict';

import { ContainerLookup, type DockerApi, type InspectedContainer } from '../../../../src/backends/linux/container-lookup.js';
import { linuxDescriptors } from '../../../../src/backends/linux/descriptors.js';
import {
  containerDescriptor, containerScript, INDEX_KEY, vethAddLine, type AttachmentRecord,
} from '../../../../src/backends/linux/descriptors-container.js';
import { IpRunner } from '../../../../src/backends/linux/ip-runner.js';
import { containerKey, dockerContainerKey, type ContainerAttachmentValue } from '../../../../src/backends/linux/translate-keys.js';
import { MapMetadata, type Descriptor, type DescriptorContext } from '../../../../src/commit/descriptor.js';
import type { Item } from '../../../../src/commit/item.js';
import { FakeSpawn, type FakeChild } from './fake-spawn.js';

const SOCKET = '/run/test/docker.sock';

class FakeDocker implements DockerApi {
  containers = new Map<string, InspectedContainer>();
  failWith: Error | undefined;

  add(name: string, running: boolean, pid: number): void {
    this.containers.set(name, { Id: `id-${name}`, Name: `/${name}`, State: { Running: running, Pid: running ? pid : 0 } });
  }

  getContainer(id: string): { inspect(): Promise<InspectedContainer> } {
    return {
      inspect: () => {
        if (this.failWith !== undefined) return Promise.reject(this.failWith);
        const c = this.containers.get(id);
        if (c === undefined) {
          return Promise.reject(Object.assign(new Error('no such container'), { statusCode: 404, json: { message: `No such container: ${id}` } }));
        }
        return Promise.resolve(c);
      },
    };
  }

  getEvents(): Promise<NodeJS.ReadableStream> {
    return Promise.reject(new Error('not used here'));
  }
}

interface Answer {
  code?: number;
  stderr?: string;
  stdout?: string;
}

/** A fake spawn answering every child with `answer(command, args, stdin)`. */
function scriptedSpawn(answer: (command: string, args: readonly string[], stdin: string) => Answer): FakeSpawn {
  const fake = new FakeSpawn();
  fake.onSpawn = (child: FakeChild): void => {
    setImmediate(() => {
      const a = answer(child.command, child.args, child.stdin?.written ?? '');
      if (a.stdout !== undefined) child.out(a.stdout);
      if (a.stderr !== undefined) child.err(a.stderr);
      child.exit(a.code ?? 0);
    });
  };
  return fake;
}

/** Every call as "command args… | stdin". */
function calls(fake: FakeSpawn): string[] {
  return fake.children.map((c) => `${c.command} ${c.args.join(' ')}${c.stdin !== null ? ` | ${c.stdin.written.trimEnd().split('\n').join('; ')}` : ''}`);
}

const VALUE: ContainerAttachmentValue = {
  container: 'web',
  hostName: 'veth-web',
  hostNamespace: 'r1',
  name: 'eth0',
  mac: '02:00:00:00:00:05',
  addresses: [{ address: '192.0.2.2', prefixLength: 24 }, { address: '2001:db8::2', prefixLength: 64 }],
  routes: [{ family: 4, destination: '0.0.0.0/0', gateway: '192.0.2.1' }, { family: 6, destination: '2001:db8:9::/48' }],
};

function item(value: ContainerAttachmentValue = VALUE): Item {
  return { key: containerKey(value.container), value, backend: 'linux' };
}

interface Rig {
  descriptor: Descriptor;
  fake: FakeSpawn;
  docker: FakeDocker;
  ctx: DescriptorContext;
  metadata: MapMetadata;
}

function rig(answer: (command: string, args: readonly string[], stdin: string) => Answer = () => ({}), withLookup = true): Rig {
  const fake = scriptedSpawn(answer);
  const docker = new FakeDocker();
  const runner = new IpRunner({ spawn: fake.spawn });
  const nsenter = new IpRunner({ spawn: fake.spawn, ipPath: 'nsenter' });
  const containers = new ContainerLookup({ socketPath: SOCKET, client: docker });
  const descriptor = containerDescriptor(runner, { nsenter, ...(withLookup ? { containers } : {}) });
  const metadata = new MapMetadata();
  return { descriptor, fake, docker, metadata, ctx: { metadata, transactionId: 'tx1' } };
}

describe('linux container attachment descriptor', () => {
  it('is registered among the Linux descriptors and handles linux/container/<name> only', () => {
    const all = linuxDescriptors(new IpRunner({ spawn: new FakeSpawn().spawn }));
    const d = all.find((x) => x.kind === 'linux-container');
    assert.ok(d !== undefined);
    assert.ok(d.matches(containerKey('web')));
    assert.ok(!d.matches('linux/r1/link/eth0'));
    assert.ok(!d.matches('linux/netns/container'));
    assert.deepEqual(all.filter((x) => x.matches(containerKey('web'))).map((x) => x.kind), ['linux-container']);
  });

  it('depends on what the translator computed (the container and the router end\'s namespace)', () => {
    const { descriptor } = rig();
    const deps = [dockerContainerKey('web'), 'linux/netns/r1'];
    assert.deepEqual(descriptor.dependencies({ ...item(), dependencies: deps } as Item), deps);
  });

  it('renders the pair in one line and the container side as one batch', () => {
    assert.equal(vethAddLine(VALUE, 4242), 'link add name veth-web type veth peer name eth0 address 02:00:00:00:00:05 netns 4242');
    const { mac: _mac, ...noMac } = VALUE;
    assert.equal(vethAddLine(noMac, 7), 'link add name veth-web type veth peer name eth0 netns 7');
    assert.equal(containerScript(VALUE), [
      'addr replace 192.0.2.2/24 dev eth0',
      'addr replace 2001:db8::2/64 dev eth0',
      'link set dev eth0 up',
      'route replace 0.0.0.0/0 via 192.0.2.1 dev eth0',
      'route replace 2001:db8:9::/48 dev eth0',
      '',
    ].join('\n'));
    assert.match(containerScript(VALUE, true), /^link set dev eth0 address 02:00:00:00:00:05\naddr replace /);
  });

  it('create: finds the PID, makes the pair into the container, configures the container end, records ownership', async () => {
    const r = rig();
    r.docker.add('web', true, 4242);
    await r.descriptor.create(r.ctx, item());
    assert.deepEqual(calls(r.fake), [
      'ip -n r1 -batch - | link add name veth-web type veth peer name eth0 address 02:00:00:00:00:05 netns 4242',
      'nsenter -t 4242 -n ip -batch - | addr replace 192.0.2.2/24 dev eth0; addr replace 2001:db8::2/64 dev eth0; link set dev eth0 up; '
        + 'route replace 0.0.0.0/0 via 192.0.2.1 dev eth0; route replace 2001:db8:9::/48 dev eth0',
    ]);
    const record = r.metadata.get(containerKey('web')) as AttachmentRecord;
    assert.equal(record.vrouterd, true);
    assert.equal(record.transactionId, 'tx1');
    assert.deepEqual(record.attachment, { value: VALUE, containerId: 'id-web', pid: 4242 });
    assert.deepEqual(r.metadata.get(INDEX_KEY), [containerKey('web')]);
  });

  it('create: a router end in the default namespace is made without -n', async () => {
    const r = rig();
    r.docker.add('web', true, 99);
    await r.descriptor.create(r.ctx, item({ ...VALUE, hostNamespace: '', addresses: [], routes: [] }));
    assert.deepEqual(calls(r.fake), [
      'ip -batch - | link add name veth-web type veth peer name eth0 address 02:00:00:00:00:05 netns 99',
      'nsenter -t 99 -n ip -batch - | link set dev eth0 up',
    ]);
  });

  it('create: a container that does not exist, does not run, or an engine that cannot answer is a clear error; nothing is run', async () => {
    const r = rig();
    await assert.rejects(r.descriptor.create(r.ctx, item()), /container web: no such container in the Docker engine at unix:\/\/\/run\/test\/docker\.sock/);
    r.docker.add('web', false, 0);
    await assert.rejects(r.descriptor.create(r.ctx, item()), /container web is not running \(Docker engine at unix:\/\/\/run\/test\/docker\.sock\)/);
    r.docker.failWith = Object.assign(new Error(`connect ECONNREFUSED ${SOCKET}`), { code: 'ECONNREFUSED' });
    await assert.rejects(r.descriptor.create(r.ctx, item()), /Docker engine unreachable at unix:\/\/\/run\/test\/docker\.sock: connect ECONNREFUSED/);
    assert.deepEqual(r.fake.children, []);
    assert.equal(r.metadata.get(containerKey('web')), undefined);
  });

  it('create without a ContainerLookup fails with a message saying so', async () => {
    const r = rig(() => ({}), false);
    await assert.rejects(r.descriptor.create(r.ctx, item()), /container web: this vrouterd has no Docker engine/);
    assert.deepEqual(r.fake.children, []);
  });

  it('create: the kernel refusing the pair is an error with its words and the command; nothing is configured or deleted', async () => {
    const r = rig((command) => (command === 'ip' ? { code: 1, stderr: 'RTNETLINK answers: File exists\nCommand failed -:1\n' } : {}));
    r.docker.add('web', true, 4242);
    await assert.rejects(r.descriptor.create(r.ctx, item()),
      /^Error: RTNETLINK answers: File exists \(ip -n r1 -batch: link add name veth-web type veth peer name eth0 address 02:00:00:00:00:05 netns 4242\)$/);
    // Only the adoption check read the two ends (they are not one pair here).
    assert.deepEqual(calls(r.fake).slice(1), ['ip -n r1 -json link show dev veth-web', 'nsenter -t 4242 -n ip -json link show dev eth0']);
    assert.equal(r.metadata.get(containerKey('web')), undefined);
    assert.equal(r.metadata.get(INDEX_KEY), undefined);
    const other = rig((command) => (command === 'ip' ? { code: 2, stderr: 'Error: Unknown device type.\nCommand failed -:1\n' } : {}));
    other.docker.add('web', true, 1);
    await assert.rejects(other.descriptor.create(other.ctx, item()), /^Error: Error: Unknown device type\. \(ip -n r1 -batch: link add /);
    assert.equal(other.fake.children.length, 1);
  });

  it('create: a failure inside the container removes the pair (router end deleted) and names the failing line', async () => {
    const r = rig((command) => (command === 'nsenter' ? { code: 1, stderr: 'Error: Nexthop has invalid gateway.\nCommand failed -:4\n' } : {}));
    r.docker.add('web', true, 4242);
    await assert.rejects(r.descriptor.create(r.ctx, item()), (err: Error) => {
      assert.equal(err.message, 'container web: Error: Nexthop has invalid gateway. '
        + '(nsenter -t 4242 -n ip -batch -: route replace 0.0.0.0/0 via 192.0.2.1 dev eth0)');
      return true;
    });
    assert.deepEqual(calls(r.fake).slice(2), ['ip -n r1 -batch - | link del dev veth-web']);
    assert.equal(r.metadata.get(containerKey('web')), undefined);
  });

  it('create: a pair that already joins the router end to this container (vrouterd restarted) is adopted, not refused', async () => {
    let ifindexInside = 7;
    const r = rig((command, args) => {
      if (command === 'ip' && args.includes('-batch')) return { code: 2, stderr: 'RTNETLINK answers: File exists\nCommand failed -:1\n' };
      if (command === 'ip') return { stdout: '[{"ifindex":12,"link_index":7,"ifname":"veth-web","link_netnsid":0}]\n' };
      if (args.includes('-json')) return { stdout: `[{"ifindex":${ifindexInside},"link_index":12,"ifname":"eth0","link_netnsid":0}]\n` };
      return {};
    });
    r.docker.add('web', true, 4242);
    await r.descriptor.create(r.ctx, item());
    assert.deepEqual(calls(r.fake).slice(1), [
      'ip -n r1 -json link show dev veth-web',
      'nsenter -t 4242 -n ip -json link show dev eth0',
      'nsenter -t 4242 -n ip -batch - | link set dev eth0 address 02:00:00:00:00:05; addr replace 192.0.2.2/24 dev eth0; '
        + 'addr replace 2001:db8::2/64 dev eth0; link set dev eth0 up; route replace 0.0.0.0/0 via 192.0.2.1 dev eth0; route replace 2001:db8:9::/48 dev eth0',
    ]);
    assert.equal((r.metadata.get(containerKey('web')) as AttachmentRecord).attachment.pid, 4242);

    // A router end whose peer is something else: the kernel's refusal stands, nothing is deleted.
    ifindexInside = 8;
    const before = r.fake.children.length;
    await assert.rejects(r.descriptor.create(r.ctx, item()), /^Error: RTNETLINK answers: File exists \(ip -n r1 -batch: link add name veth-web /);
    assert.deepEqual(calls(r.fake).slice(before).map((c) => c.split(' |')[0]), [
      'ip -n r1 -batch -', 'ip -n r1 -json link show dev veth-web', 'nsenter -t 4242 -n ip -json link show dev eth0',
    ]);
  });

  it('create: nsenter missing is reported as such', async () => {
    const r = rig();
    r.docker.add('web', true, 4242);
    r.fake.onSpawn = (child): void => {
      setImmediate(() => {
        if (child.command === 'nsenter') child.emit('error', Object.assign(new Error('spawn nsenter ENOENT'), { code: 'ENOENT' }));
        else child.exit(0);
      });
    };
    await assert.rejects(r.descriptor.create(r.ctx, item()), /container web: cannot run nsenter: spawn nsenter ENOENT/);
    assert.deepEqual(calls(r.fake).slice(2), ['ip -n r1 -batch - | link del dev veth-web']);
  });

  it('delete: removes the router end (and so the pair); a pair already gone is success', async () => {
    const r = rig();
    await r.descriptor.delete(r.ctx, item());
    assert.deepEqual(calls(r.fake), ['ip -n r1 -batch - | link del dev veth-web']);
    const gone = rig(() => ({ code: 1, stderr: 'Cannot find device "veth-web"\nCommand failed -:1\n' }));
    await gone.descriptor.delete(gone.ctx, item());
    const nsGone = rig(() => ({ code: 255, stderr: 'Cannot open network namespace "r1": No such file or directory\n' }));
    await nsGone.descriptor.delete(nsGone.ctx, item());
    const refused = rig(() => ({ code: 1, stderr: 'RTNETLINK answers: Operation not permitted\nCommand failed -:1\n' }));
    await assert.rejects(refused.descriptor.delete(refused.ctx, item()), /RTNETLINK answers: Operation not permitted \(ip -n r1 -batch: link del dev veth-web\)/);
  });

  describe('retrieve', () => {
    /** A rig whose router end exists when `hostEnd` says so and whose container end is seen by nsenter when `inside` says so. */
    async function created(hostEnd: () => boolean, inside: () => boolean = () => true): Promise<Rig> {
      const r = rig((command, args) => {
        if (command === 'ip' && args.includes('show')) return hostEnd() ? { stdout: '2: veth-web@if2: <BROADCAST> ...\n' } : { code: 1, stderr: 'Device "veth-web" does not exist.\n' };
        if (command === 'nsenter' && args.includes('show')) return inside() ? {} : { code: 1, stderr: 'nsenter: cannot open /proc/4242/ns/net: No such file or directory\n' };
        return {};
      });
      r.docker.add('web', true, 4242);
      await r.descriptor.create(r.ctx, item());
      return r;
    }

    it('reports an attachment it made while the router end exists and the container runs with the same PID', async () => {
      const r = await created(() => true);
      const got = await r.descriptor.retrieve!(r.ctx);
      assert.deepEqual(got, [{ item: { key: containerKey('web'), value: VALUE, backend: 'linux' }, createdByVrouterd: true }]);
      assert.deepEqual(calls(r.fake).slice(2), ['ip -n r1 link show dev veth-web']);
    });

    it('a container that restarted (another PID) or died means the attachment is gone', async () => {
      const r = await created(() => true);
      r.docker.add('web', true, 5000);
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), []);
      r.docker.add('web', false, 0);
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), []);
      r.docker.containers.clear();
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), []);
    });

    it('a router end that is gone means the attachment is gone (Docker not even asked)', async () => {
      let exists = true;
      const r = await created(() => exists);
      exists = false;
      r.docker.failWith = new Error('must not be asked');
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), []);
    });

    it('with the Docker engine unreachable, the container end is looked for in the recorded PID\'s namespace', async () => {
      let inside = true;
      const r = await created(() => true, () => inside);
      r.docker.failWith = Object.assign(new Error(`connect ENOENT ${SOCKET}`), { code: 'ENOENT' });
      assert.equal((await r.descriptor.retrieve!(r.ctx)).length, 1);
      assert.deepEqual(calls(r.fake).slice(-1), ['nsenter -t 4242 -n ip link show dev eth0']);
      inside = false;
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), []);
    });

    it('reports every running container as docker/container/<name> when the client can list them', async () => {
      const r = rig();
      const listing = Object.assign(r.docker, {
        listed: [{ Names: ['/web'] }, { Names: ['/db', '/web/db-alias'] }] as { Names: string[] }[],
        failList: undefined as Error | undefined,
        listContainers(this: { listed: { Names: string[] }[]; failList: Error | undefined }): Promise<{ Names: string[] }[]> {
          return this.failList === undefined ? Promise.resolve(this.listed) : Promise.reject(this.failList);
        },
      });
      const got = await r.descriptor.retrieve!(r.ctx);
      assert.deepEqual(got, [
        { item: { key: dockerContainerKey('web'), value: { name: 'web' }, backend: 'linux' }, createdByVrouterd: false },
        { item: { key: dockerContainerKey('db'), value: { name: 'db' }, backend: 'linux' }, createdByVrouterd: false },
      ]);
      listing.failList = Object.assign(new Error(`connect ECONNREFUSED ${SOCKET}`), { code: 'ECONNREFUSED' });
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), [], 'an unreachable engine reports no container and fails nothing');
    });

    it('reports nothing it did not make, and forgets keys whose record the engine dropped', async () => {
      const r = await created(() => true);
      r.metadata.delete(containerKey('web'));
      assert.deepEqual(await r.descriptor.retrieve!(r.ctx), []);
      assert.deepEqual(r.metadata.get(INDEX_KEY), []);
      const fresh = rig();
      assert.deepEqual(await fresh.descriptor.retrieve!(fresh.ctx), []);
      assert.deepEqual(fresh.fake.children, []);
    });
  });
});
