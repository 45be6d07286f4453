// The printed result: machine and versions, then one row per measurement with each server's
// median and the ratio vrouterd / netconfd (lower is better), then what failed and why.
import os from 'node:os';

import type { ClientReport, Measurement } from './bench-client.js';
import type { ServerName } from './server-under-test.js';

export interface SideOutcome {
  name: ServerName;
  description?: string;
  report: ClientReport;
}

export function machineInfo(): string[] {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return [
    `machine: ${model}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `${os.type()} ${os.release()} ${os.arch()}, load average at start ${load}`,
    `node ${process.version}`,
  ];
}

function formatMs(value: number | undefined): string {
  if (value === undefined) return '';
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ms`;
}

interface Row {
  label: string;
  values: Partial<Record<ServerName, string>>;
  numbers: Partial<Record<ServerName, number>>;
}

function rowsFor(id: string, label: string, bySide: Map<ServerName, Measurement | undefined>, sides: ServerName[]): Row[] {
  const pick = (f: (m: Measurement) => number | undefined, rowLabel: string, main: boolean): Row => {
    const row: Row = { label: rowLabel, values: {}, numbers: {} };
    for (const side of sides) {
      const m = bySide.get(side);
      if (!m) {
        row.values[side] = main ? 'not run' : '';
      } else if (m.error !== undefined) {
        row.values[side] = main ? 'failed' : '';
      } else {
        const v = f(m);
        row.numbers[side] = v;
        row.values[side] = formatMs(v);
      }
    }
    return row;
  };
  const rows = [pick((m) => m.median, label, true)];
  const details: Row[] = [];
  if (id.startsWith('edit-')) {
    details.push(pick((m) => m.edit_config_median, '  of which edit-config', false));
    details.push(pick((m) => m.commit_median, '  of which commit', false));
  }
  if (id === 'sequential') {
    rows[0]!.label = `${label}, per op`;
    details.push(pick((m) => m.total, `${label}, total`, false));
  }
  // detail rows only where some server has a number for them
  return [...rows, ...details.filter((r) => Object.keys(r.numbers).length > 0)];
}

export function renderReport(outcomes: SideOutcome[], header: string[]): string {
  const sides = outcomes.map((o) => o.name);
  const order: { id: string; label: string }[] = [];
  for (const o of outcomes) {
    for (const m of o.report.results) {
      if (!order.some((e) => e.id === m.id)) order.push({ id: m.id, label: m.label });
    }
  }
  const rows: Row[] = [];
  for (const { id, label } of order) {
    const bySide = new Map<ServerName, Measurement | undefined>();
    for (const o of outcomes) bySide.set(o.name, o.report.results.find((m) => m.id === id));
    rows.push(...rowsFor(id, label, bySide, sides));
  }

  const withRatio = sides.includes('netconfd') && sides.includes('vrouterd');
  const head = ['measurement (median)', ...sides, ...(withRatio ? ['vrouterd/netconfd'] : [])];
  const table = rows.map((r) => {
    const cells = [r.label, ...sides.map((s) => r.values[s] ?? '')];
    if (withRatio) {
      const n = r.numbers.netconfd;
      const v = r.numbers.vrouterd;
      cells.push(n !== undefined && v !== undefined && n > 0 ? `${(v / n).toFixed(2)}` : '');
    }
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((c) => (c[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();

  const out: string[] = [...header, ''];
  for (const o of outcomes) {
    if (o.description) out.push(`${o.name}: ${o.description}`);
  }
  const client = outcomes.find((o) => o.report.client)?.report.client;
  if (client) {
    out.push(`client: python ${client.python}, ncclient ${client.ncclient}, paramiko ${client.paramiko} ` +
      `(transport tick ${client.tick_s * 1000} ms, TCP_NODELAY ${client.tcp_nodelay ? 'on' : 'off'}), one session per server, requests in sequence`);
  }
  out.push('');
  if (rows.length > 0) {
    out.push(line(head));
    out.push(widths.map((w) => '-'.repeat(w)).join('   '));
    for (const cells of table) out.push(line(cells));
    if (withRatio) out.push('', 'ratio = vrouterd / netconfd: below 1 means vrouterd is faster.');
  }

  const failures: string[] = [];
  for (const o of outcomes) {
    if (o.report.failure) failures.push(`${o.name}: ${o.report.failure}`);
    const errors = o.report.results.filter((m) => m.error !== undefined);
    const first = errors.find((m) => !m.error!.startsWith('not run:')) ?? errors[0];
    if (first) {
      failures.push(`${o.name}: ${first.label}: ${first.error}`);
      const others = errors.filter((m) => m !== first);
      if (others.length > 0) failures.push(`${o.name}: ${others.length} more measurement(s) failed or not run: ${others.map((m) => m.label).join('; ')}`);
    }
  }
  if (failures.length > 0) out.push('', 'FAILED:', ...failures.map((f) => `  ${f.replace(/\n/g, '\n    ')}`));
  return out.join('\n');
}
