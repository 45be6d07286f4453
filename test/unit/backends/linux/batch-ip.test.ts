// The Linux batcher through the executor, on a fake spawn: N route creates in one namespace are one
// `ip -n NS -batch -` with N lines, a failing line k is op k, tolerated deletes make the rest run
// again, and ownership is recorded only for the ops that succeeded.
import assert from 'node:assert/strict';

import { linuxDescriptors } from '../../../../src/backends/linux/descriptors.js';
import { IpRunner } from '../../../../src/backends/linux/ip-runner.js';
import type { AddressSpec, RouteSpec } from '../../../../src/backends/linux/link-spec.js';
import { addressItemKey, linkItemKey, routeItemKey } from '../../../../src/backends/linux/translate-keys.js';
import { MapMetadata } from '../../../../src/commit/descriptor.js';
import { executePlan, type ExecutionMode, type ExecutionResult } from '../../../../src/commit/executor.js';
import type { Item } from '../../../../src/commit/item.js';
import type { OpKind, PlanOp } from '../../../../src/commit/planner.js';
import { DescriptorRegistry } from '../../../../src/commit/registry.js';
import { FakeSpawn, type FakeChild } from './fake-spawn.js';

const NS = 'r1';

function routeSpec(i: number): RouteSpec {
  return { family: 4, destination: `10.${i >> 8}.${i & 255}.0/24`, type: 'unicast', table: 254, metric: 0, gateway: '192.0.2.2', dev: 'eth0' };
}

function routeItem(i: number, ns = NS): Item {
  const spec = routeSpec(i);
  return { key: routeItemKey(ns, spec), value: spec, backend: 'linux' };
}

function op(kind: OpKind, it: Item, step = 0): PlanOp {
  return { op: kind, key: it.key, kind: 'x', backend: 'linux', item: it, dependencies: [], step };
}

/** Every ip process answers with the next reply (stderr, exit code); the default is success. */
function fakeIp(replies: [string, number][] = []): { fake: FakeSpawn; runner: IpRunner; scripts: () => string[][] } {
  const fake = new FakeSpawn();
  fake.onSpawn = (c: FakeChild): void => {
    const [stderr, code] = replies.shift() ?? ['', 0];
    setImmediate(() => {
      c.started();
      if (stderr !== '') c.err(stderr);
      c.exit(code);
    });
  };
  const runner = new IpRunner({ spawn: fake.spawn });
  const scripts = (): string[][] => fake.children.map((c) => [c.args.join(' '), ...(c.stdin?.written.trim().split('\n') ?? [])]);
  return { fake, runner, scripts };
}

async function execute(runner: IpRunner, ops: readonly PlanOp[], mode: ExecutionMode = 'revert'): Promise<{ r: ExecutionResult; metadata: MapMetadata }> {
  const registry = new DescriptorRegistry();
  for (const d of linuxDescriptors(runner)) registry.register(d);
  const metadata = new MapMetadata();
  const r = await executePlan(ops, { registry, ctx: { metadata, transactionId: 't1' }, mode });
  return { r, metadata };
}

describe('linux batcher (fake ip)', () => {
  it('N route creates in one namespace are one `ip -n NS -batch -` with N lines', async () => {
    const { runner, scripts } = fakeIp();
    const items = Array.from({ length: 50 }, (_, i) => routeItem(i));
    const { r, metadata } = await execute(runner, items.map((it) => op('create', it)));
    assert.equal(r.ok, true);
    const s = scripts();
    assert.equal(s.length, 1);
    assert.equal(s[0]![0], `-n ${NS} -batch -`);
    assert.equal(s[0]!.length, 51);
    assert.equal(s[0]![1], 'route replace 10.0.0.0/24 table 254 metric 0 via 192.0.2.2 dev eth0');
    assert.ok(r.ops.every((o) => o.result === 'ok' && o.batch?.size === 50 && o.batch.group === `linux-ip ip -n ${NS}`));
    assert.ok(items.every((it) => metadata.get(it.key) !== undefined), 'every created route is owned');
  });

  it('links, addresses and routes of one step batch per namespace', async () => {
    const { runner, scripts } = fakeIp();
    const addr: AddressSpec = { dev: 'eth0', address: '192.0.2.1', prefixLength: 30 };
    const other = { key: linkItemKey(NS, 'eth1'), value: { kind: 'other', name: 'eth1', up: true }, backend: 'linux' };
    const ops = [
      op('create', other),
      op('create', { key: addressItemKey(NS, addr), value: addr, backend: 'linux' }),
      op('create', routeItem(1)),
      op('create', routeItem(2, 'r2')),
      op('create', routeItem(3, 'r2')),
    ];
    const { r } = await execute(runner, ops);
    assert.equal(r.ok, true);
    assert.deepEqual(scripts(), [
      [`-n ${NS} -batch -`, 'link set dev eth1 up', 'address replace 192.0.2.1/30 dev eth0', 'route replace 10.0.1.0/24 table 254 metric 0 via 192.0.2.2 dev eth0'],
      ['-n r2 -batch -', 'route replace 10.0.2.0/24 table 254 metric 0 via 192.0.2.2 dev eth0', 'route replace 10.0.3.0/24 table 254 metric 0 via 192.0.2.2 dev eth0'],
    ]);
  });

  it('revert mode: a failing line k is op k; the ops before it are reverted one by one, the rest never ran', async () => {
    const { runner, scripts } = fakeIp([['RTNETLINK answers: Network is unreachable\nCommand failed -:3\n', 1]]);
    const items = Array.from({ length: 5 }, (_, i) => routeItem(i));
    const { r, metadata } = await execute(runner, items.map((it) => op('create', it)));
    assert.equal(r.ok, false);
    assert.deepEqual(r.ops.map((o) => `${o.key} ${o.result}`), [
      `${items[0]!.key} ok`, `${items[1]!.key} ok`, `${items[2]!.key} failed`,
    ]);
    assert.equal(r.failure?.key, items[2]!.key);
    assert.equal(r.failure?.message,
      `RTNETLINK answers: Network is unreachable (ip -n ${NS} -batch: route replace 10.0.2.0/24 table 254 metric 0 via 192.0.2.2 dev eth0)`);
    assert.deepEqual(r.reverts.map((o) => `${o.op} ${o.key} ${o.result}`), [`delete ${items[1]!.key} ok`, `delete ${items[0]!.key} ok`]);
    const s = scripts();
    assert.equal(s.length, 3);
    assert.deepEqual(s[1], [`-n ${NS} -batch -`, 'route del 10.0.1.0/24 table 254 metric 0']);
    assert.equal(metadata.get(items[2]!.key), undefined, 'the failed route is not owned');
    assert.equal(metadata.get(items[3]!.key), undefined, 'a route that never ran is not owned');
  });

  it('best-effort mode: the lines after the failing one run as a new batch', async () => {
    const { runner, scripts } = fakeIp([['RTNETLINK answers: Network is unreachable\nCommand failed -:2\n', 1]]);
    const items = Array.from({ length: 4 }, (_, i) => routeItem(i));
    const { r, metadata } = await execute(runner, items.map((it) => op('create', it)), 'best-effort');
    assert.deepEqual(r.ops.map((o) => `${o.result} ${o.batch?.id}/${o.batch?.size}`), ['ok 1/4', 'failed 1/4', 'ok 2/2', 'ok 2/2']);
    assert.deepEqual(scripts().map((s) => s.length - 1), [4, 2]);
    assert.deepEqual(items.map((it) => metadata.get(it.key) !== undefined), [true, false, true, true]);
  });

  it('deletes run as one `ip -force -batch`: gone lines are ok, every other failing line is its op', async () => {
    const { runner, scripts } = fakeIp([[
      'RTNETLINK answers: No such process\nCommand failed -:2\nRTNETLINK answers: Operation not permitted\nCommand failed -:3\n'
      + 'Error: FIB table does not exist.\nCommand failed -:4\n', 1,
    ]]);
    const items = Array.from({ length: 5 }, (_, i) => routeItem(i));
    const { r } = await execute(runner, items.map((it) => op('delete', it)), 'best-effort');
    assert.deepEqual(r.ops.map((o) => o.result), ['ok', 'ok', 'failed', 'ok', 'ok']);
    assert.ok(r.ops.every((o) => o.batch?.id === 1 && o.batch.size === 5));
    assert.equal(r.ops[2]?.error, `RTNETLINK answers: Operation not permitted (ip -n ${NS} -batch: route del 10.0.2.0/24 table 254 metric 0)`);
    const s = scripts();
    assert.equal(s.length, 1);
    assert.equal(s[0]![0], `-n ${NS} -force -batch -`);
    assert.equal(s[0]!.length, 6);
  });

  it('a forced delete batch that ip left without naming the line: what follows runs one by one', async () => {
    const { runner, scripts } = fakeIp([['RTNETLINK answers: No such process\nCommand failed -:1\nError: something odd.\n', 1]]);
    const items = Array.from({ length: 3 }, (_, i) => routeItem(i));
    const { r } = await execute(runner, items.map((it) => op('delete', it)));
    assert.equal(r.ok, true);
    assert.deepEqual(scripts().map((s) => s.length - 1), [3, 1, 1]);
  });

  it('deletes in a namespace that is gone are all done with one ip', async () => {
    const { runner, scripts } = fakeIp([['Cannot open network namespace "r1": No such file or directory\n', 255]]);
    const items = Array.from({ length: 100 }, (_, i) => routeItem(i));
    const { r } = await execute(runner, items.map((it) => op('delete', it)));
    assert.equal(r.ok, true);
    assert.equal(scripts().length, 1);
  });

  it('without -force, a tolerated failure on line k stops ip: the ops after it run again as a new ip batch', async () => {
    // Not what the planner makes (a step never mixes deletes and creates), but the batcher allows it.
    const { runner, scripts } = fakeIp([['RTNETLINK answers: No such process\nCommand failed -:2\n', 2]]);
    const { r } = await execute(runner, [op('create', routeItem(0)), op('delete', routeItem(1)), op('create', routeItem(2))]);
    assert.equal(r.ok, true);
    assert.ok(r.ops.every((o) => o.result === 'ok' && o.batch?.id === 1 && o.batch.size === 3));
    assert.deepEqual(scripts().map((s) => s.slice(1)), [
      ['route replace 10.0.0.0/24 table 254 metric 0 via 192.0.2.2 dev eth0', 'route del 10.0.1.0/24 table 254 metric 0',
        'route replace 10.0.2.0/24 table 254 metric 0 via 192.0.2.2 dev eth0'],
      ['route replace 10.0.2.0/24 table 254 metric 0 via 192.0.2.2 dev eth0'],
    ]);
  });

  it('a failure ip does not place on a line: the ops run one process each', async () => {
    const { runner, scripts } = fakeIp([['Error: something odd.\n', 255], ['', 0], ['RTNETLINK answers: File exists\nCommand failed -:1\n', 2]]);
    const items = Array.from({ length: 3 }, (_, i) => routeItem(i));
    const { r } = await execute(runner, items.map((it) => op('create', it)), 'best-effort');
    assert.deepEqual(r.ops.map((o) => `${o.result} ${o.batch?.id}`), ['ok 1', 'failed 1', 'ok 2']);
    assert.match(r.ops[1]?.error ?? '', /File exists/u);
    assert.deepEqual(scripts().map((s) => s.length - 1), [3, 1, 1, 1]);
  });

  it('link creates of links vrouterd makes do not batch; deletes of configure-only links run nothing', async () => {
    const { runner, scripts } = fakeIp();
    const veth = { key: linkItemKey(NS, 'v0'), value: { kind: 'veth', name: 'v0', peer: 'v1' }, backend: 'linux' };
    const ifb = { key: linkItemKey(NS, 'i0'), value: { kind: 'ifb', name: 'i0' }, backend: 'linux' };
    const { r } = await execute(runner, [op('create', veth), op('create', ifb)]);
    assert.equal(r.ok, true);
    assert.ok(r.ops.every((o) => o.batch === undefined));
    assert.equal(scripts().length, 2);

    const other = (n: string): Item => ({ key: linkItemKey(NS, n), value: { kind: 'other', name: n }, backend: 'linux' });
    const del = fakeIp();
    const d = await execute(del.runner, [op('delete', other('a')), op('delete', other('b')), op('delete', veth)]);
    assert.equal(d.r.ok, true);
    assert.deepEqual(del.scripts(), [[`-n ${NS} -force -batch -`, 'link del dev v0']]);
  });
});
