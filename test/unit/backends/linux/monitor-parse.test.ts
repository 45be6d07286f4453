import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { MonitorParser, parseMonitorLine, parseMonitorText } from '../../../../src/backends/linux/monitor-parse.js';

const recorded = readFileSync(new URL('./fixtures/monitor.txt', import.meta.url), 'utf8');

describe('linux monitor-parse', () => {
  it('parses a recorded `ip -o -ts monitor link address route` session', () => {
    const { events, ignored } = parseMonitorText(recorded, { namespace: 'r1' });
    assert.equal(ignored, 0);
    assert.equal(events.length, 28);
    const first = events[0];
    assert.deepEqual(first, {
      timestamp: '2026-11-22T04:31:45.884425', namespace: 'r1', kind: 'link', action: 'new', ifindex: 8, name: 'xa',
    });
    const summary = events.map((e) => `${e.action} ${e.kind} ${e.name ?? '-'} ${e.prefix ?? '-'}${e.table !== undefined ? ` t${e.table}` : ''}`);
    assert.deepEqual(summary.slice(2, 13), [
      'new address xa 192.0.2.9/30',
      'new route xa 192.0.2.9/32 tlocal',
      'new route xa 192.0.2.8/30',
      'new route xa 192.0.2.11/32 tlocal',
      'new route xa ff00::/8 tlocal',
      'new route xa 2001:db8:9::/64',
      'new address xa 2001:db8:9::1/64',
      'new route xa 198.18.9.0/24',
      'new route xa 198.18.10.0/24 t100',
      'new route xa 2001:db8:99::/48',
      'del route xa 198.18.9.0/24',
    ]);
    assert.equal(events.filter((e) => e.kind === 'link' && e.action === 'del').map((e) => e.name).join(','), 'vx20,xa');
    assert.equal(events.find((e) => e.prefix === '2001:db8:99::/48')?.family, 6);
    assert.ok(events.every((e) => e.namespace === 'r1'));
  });

  it('link names with @peer, @NONE and plain', () => {
    assert.equal(parseMonitorLine('3: lxa@lxb: <BROADCAST,UP> mtu 1400 qdisc noqueue state UP')?.name, 'lxa');
    assert.equal(parseMonitorLine('Deleted 8: xa@NONE: <BROADCAST> mtu 1300')?.action, 'del');
    assert.equal(parseMonitorLine('9: vx20: <BROADCAST,MULTICAST> mtu 1350')?.ifindex, 9);
  });

  it('routes without timestamps, default routes, types, nsid tags', () => {
    assert.deepEqual(parseMonitorLine('default via 192.0.2.2 dev lxa'),
      { kind: 'route', action: 'new', family: 4, prefix: '0.0.0.0/0', name: 'lxa' });
    assert.deepEqual(parseMonitorLine('Deleted default via fe80::1 dev lxa proto ra metric 1024 pref medium'),
      { kind: 'route', action: 'del', family: 6, prefix: '::/0', name: 'lxa' });
    assert.deepEqual(parseMonitorLine('blackhole 198.18.3.0/24 table 7'),
      { kind: 'route', action: 'new', family: 4, prefix: '198.18.3.0/24', table: '7' });
    assert.deepEqual(parseMonitorLine('[nsid 3] 5: eth0@if4: <UP> mtu 1500'),
      { nsid: 3, kind: 'link', action: 'new', ifindex: 5, name: 'eth0' });
  });

  it('ignores and counts lines that are not events, never throws', () => {
    const text = [
      'Timestamp: Sun Nov 22 04:31:45 2026 884425 usec',
      '192.0.2.2 dev lxa lladdr 02:00:00:00:00:02 REACHABLE',
      'ipv4 dev lxa forwarding on rp_filter off',
      'nsid 0 (iproute2 netns name: r2)',
      '',
      '   ',
      'garbage ][ \u0000',
      '[2026-11-22T04:31:45.884425]',
    ].join('\n');
    const r = parseMonitorText(text);
    assert.equal(r.events.length, 0);
    assert.equal(r.ignored, 6);
  });

  it('MonitorParser joins lines split across chunks', () => {
    const p = new MonitorParser({ namespace: 'n' });
    assert.deepEqual(p.push('[2026-11-22T04:31:45.1] 8: xa@if2: <BROAD'), []);
    const evs = p.push('CAST> mtu 1500\nDeleted 198.18.9.0/24 via 192.0.2.10 dev xa\n10.0.0.0/8 dev xa');
    assert.deepEqual(evs.map((e) => `${e.kind}/${e.action}`), ['link/new', 'route/del']);
    const last = p.end();
    assert.equal(last[0]?.prefix, '10.0.0.0/8');
    assert.deepEqual(p.push('10.0.0 dev xa\n'), []);
    assert.equal(p.ignored, 1);
  });
});
