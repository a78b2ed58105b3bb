import type { CpuSplit } from './host.js';
import type { ScenarioResult } from './load.js';

export interface Target {
  label: string;
  met: boolean;
}

export interface ReportRow {
  result: ScenarioResult;
  cpu: CpuSplit;
  /** The app's peak RSS during the phase, in MB; null when not sampled. */
  appRssMb: number | null;
  target?: Target;
}

/** `POST /invoice ≥ 500 req/s with p99 ≤ 200 ms`. */
export function throughputTarget(result: ScenarioResult, minRps: number, maxP99Ms: number): Target {
  return {
    label: `≥ ${minRps} req/s, p99 ≤ ${maxP99Ms} ms`,
    met: result.requestsPerSecond >= minRps && result.p99Ms <= maxP99Ms,
  };
}

export function latencyTarget(result: ScenarioResult, maxP99Ms: number): Target {
  return { label: `p99 ≤ ${maxP99Ms} ms`, met: result.p99Ms <= maxP99Ms };
}

export function formatTable(rows: ReportRow[]): string {
  const header = [
    'scenario',
    'requests',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'app CPU ms/req',
    'CPU app/pg/bench/other',
    'app RSS MB',
    'target',
  ];
  const cores = (n: number | null) => (n === null ? 'n/a' : n.toFixed(2));
  const cells = rows.map(({ result: r, cpu, appRssMb, target }) => [
    r.name,
    String(r.requests),
    r.requestsPerSecond.toFixed(1),
    String(r.p50Ms),
    String(r.p99Ms),
    r.errors === 0 ? '0' : `${r.errors} (${(r.errorRate * 100).toFixed(2)} %)`,
    cpu.app === null || r.requestsPerSecond === 0
      ? 'n/a'
      : ((cpu.app / r.requestsPerSecond) * 1000).toFixed(2),
    [cpu.app, cpu.postgres, cpu.bench, cpu.others].map(cores).join(' / '),
    appRssMb === null ? 'n/a' : appRssMb.toFixed(0),
    target ? `${target.met ? '✓' : '✗'} ${target.label}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  // Text columns left-aligned, figures right-aligned.
  const left = new Set([0, 9]);
  const line = (row: string[]) =>
    `| ${row.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (left.has(i) ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

export function formatRss(peakMb: number | null, maxMb: number): string {
  if (peakMb === null) return `peak server RSS: n/a (set BENCH_PID to sample it)   target ≤ ${maxMb} MB`;
  const met = peakMb <= maxMb;
  return `peak server RSS: ${peakMb.toFixed(1)} MB   ${met ? '✓' : '✗'} ≤ ${maxMb} MB`;
}
