// The benchmark's report: the lines printed at the end, bench.json and bench.html.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escapeHtml, page, table } from './loadgen/html.js';
import type { BenchReport, PhaseResult } from './run-bench.js';

export interface BenchFiles {
  json: string;
  html: string;
}

const v = (x: number | null | undefined) => (x === null || x === undefined ? '–' : String(x));

function phaseRow(p: PhaseResult): string[] {
  const load = p.mode === 'open-loop' ? `${v(p.rate)}/s open` : `${v(p.concurrency)} in flight`;
  return [
    p.name,
    load,
    `${p.completed}/${p.count}${p.failed > 0 ? ` (${p.failed} failed)` : ''}`,
    v(p.throughputPerS),
    v(p.latencyMs.p50),
    v(p.latencyMs.p95),
    v(p.latencyMs.p99),
    v(p.latencyMs.max),
    Object.entries(p.cpuMsPerOp)
      .map(([name, ms]) => `${name} ${v(ms)}`)
      .join(', '),
  ];
}

const header = ['phase', 'load', 'completed', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'CPU ms per op'];

function phases(report: BenchReport): PhaseResult[] {
  return [
    ...report.baseline.ramp,
    report.baseline.atRate,
    report.saga,
    report.accept.directStart,
    report.accept.directUpdateWithStart,
    report.accept.api,
  ];
}

function memoryRows(report: BenchReport): string[][] {
  return Object.keys(report.memory.start.rssMiB).map((name) => [
    name,
    v(report.memory.start.rssMiB[name]),
    v(report.memory.end.rssMiB[name]),
  ]);
}

/** Plain text: every phase, each comparison with its verdict, memory at start and end. */
export function benchSummaryLines(report: BenchReport, files?: BenchFiles): string[] {
  const rows = [header, ...phases(report).map(phaseRow)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  lines.push('');
  for (const c of report.comparisons) {
    const verdict = c.met === null ? '' : c.met ? '  MET' : '  MISSED';
    lines.push(`${c.name}: ${v(c.value)} / ${v(c.against)} = ${v(c.ratio)} (target ${c.target})${verdict}`);
  }
  lines.push('');
  lines.push(
    `resident memory MiB (start -> end): ${memoryRows(report)
      .map(([name, start, end]) => `${name} ${start} -> ${end}`)
      .join(', ')}; V8 heap ${report.memory.start.heapUsedMiB} -> ${report.memory.end.heapUsedMiB}`,
  );
  lines.push(
    `machine: ${report.machine.cpus} CPUs (${report.machine.model}), ${report.machine.memoryGiB} GiB, Node ${report.machine.node}, load average ${report.machine.loadAverage1m} at start`,
  );
  if (files) lines.push(`report: ${files.json}`, `        ${files.html}`);
  return lines;
}

export async function writeBenchReport(report: BenchReport, outDir: string): Promise<BenchFiles> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, 'bench.json'), html: join(dir, 'bench.html') };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  const html = page('order-saga benchmark', [
    `<p>${escapeHtml(`${report.startedAt} to ${report.finishedAt}; Temporal ${report.system.temporalAddress}, NATS ${report.system.natsUrl}, namespace ${report.system.namespace}; worker tuning ${JSON.stringify(report.system.workerTuning)}`)}</p>`,
    '<h2>Phases</h2>',
    table([header, ...phases(report).map(phaseRow)]),
    '<h2>Targets</h2>',
    table([
      ['comparison', 'value', 'against', 'ratio', 'target', 'verdict'],
      ...report.comparisons.map((c) => [
        c.name,
        v(c.value),
        v(c.against),
        v(c.ratio),
        c.target,
        c.met === null ? '' : c.met ? 'met' : 'MISSED',
      ]),
    ]),
    '<h2>Resident memory (MiB)</h2>',
    table([['process', 'start', 'end'], ...memoryRows(report)]),
    `<pre>${escapeHtml(benchSummaryLines(report).join('\n'))}</pre>`,
  ]);
  await writeFile(files.html, html);
  return files;
}
