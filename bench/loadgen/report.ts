// Writes a load run's report: report.json, report.html (inline SVG charts), and the summary printed at the end.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escapeHtml, lineChart, page, palette, table } from './html.js';
import { terminalEvents } from './mix.js';
import type { LoadReport } from './run.js';
import type { LatencySummary } from './stats.js';

export interface ReportFiles {
  json: string;
  html: string;
}

export async function writeLoadReport(report: LoadReport, outDir: string): Promise<ReportFiles> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, 'report.json'), html: join(dir, 'report.html') };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.html, renderLoadHtml(report));
  return files;
}

const ms = (v: number | null) =>
  v === null ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;

function latencyRow(name: string, s: LatencySummary): (string | number)[] {
  return [name, s.count, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)];
}

/** The lines printed at the end of a run. */
export function summaryLines(report: LoadReport, files?: ReportFiles): string[] {
  const { requests: r, throughput: t, latencyMs: l, outcomes: o } = report;
  const refused = Object.entries(r.refused)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  const counts = (c: Record<string, number>) =>
    terminalEvents.map((e) => `${e.replace('Order', '')} ${c[e] ?? 0}`).join(', ');
  const lines = [
    `${report.kind} ${report.options.mix} at ${report.options.rate}/s for ${report.options.durationS}s against ${report.options.apiUrl}`,
    `requests   planned ${r.planned}, sent ${r.sent}: 201 ${r.accepted}, 202 ${r.pending}, refused ${r.refusedTotal}${refused ? ` (${refused})` : ''}, errors ${r.errors}; max send lag ${r.maxSendLagMs} ms`,
    `throughput offered ${t.offeredPerS}/s, accepted ${t.acceptedPerS}/s, ended ${t.terminalPerS}/s`,
    `latency    request->201      p50 ${ms(l.accept.p50)}  p95 ${ms(l.accept.p95)}  p99 ${ms(l.accept.p99)}  max ${ms(l.accept.max)}`,
    `latency    request->terminal p50 ${ms(l.terminal.p50)}  p95 ${ms(l.terminal.p95)}  p99 ${ms(l.terminal.p99)}  max ${ms(l.terminal.max)}`,
    `outcomes   expected ${counts(o.expected)}; observed ${counts(o.observed)}, no terminal event ${o.observed.missing}; ${o.matched}/${o.tracked} as expected`,
  ];
  if (r.errorSamples.length > 0) lines.push(`errors     e.g. ${r.errorSamples[0]}`);
  if (o.missingSamples.length > 0) lines.push(`missing    e.g. order ${o.missingSamples.slice(0, 3).join(', ')}`);
  if (report.soak) {
    for (const v of report.soak.verdicts) {
      const verdict = v.plateau === null ? 'not judged (too few samples)' : v.plateau ? 'plateau' : 'GROWING';
      lines.push(
        `memory     ${v.name} (pid ${v.pid}): ${v.early?.rssMiB ?? '–'} MiB at ${v.early?.t ?? '–'}s -> ${v.late?.rssMiB ?? '–'} MiB at ${v.late?.t ?? '–'}s (x${v.ratio ?? '–'}, ${v.slopeMiBPerMin ?? '–'} MiB/min): ${verdict}`,
      );
    }
    lines.push(
      `memory     ${report.soak.plateau === null ? 'not judged' : report.soak.plateau ? 'plateaus' : 'does NOT plateau'} (within ${report.soak.tolerancePct}% of the sample at ${report.soak.warmupS}s)`,
    );
  }
  if (files) lines.push(`report     ${files.json}`, `chart      ${files.html}`);
  return lines;
}

export function renderLoadHtml(report: LoadReport): string {
  const points = report.timeline.points;
  const perSecond = (n: number) => Math.round((n / report.timeline.bucketS) * 100) / 100;
  const sections = [
    `<p>${escapeHtml(`${report.startedAt} to ${report.finishedAt}; ${report.machine.cpus} CPUs (${report.machine.model}), ${report.machine.memoryGiB} GiB, Node ${report.machine.node}, load average ${report.machine.loadAverage1m} at start.`)}</p>`,
    `<pre>${escapeHtml(summaryLines(report).join('\n'))}</pre>`,
    lineChart({
      title: `Throughput (per second, ${report.timeline.bucketS}s buckets)`,
      xLabel: 'seconds since start',
      yLabel: 'orders / s',
      series: [
        { name: 'sent', color: palette[0] as string, points: points.map((p) => [p.t, perSecond(p.sent)]) },
        { name: '201', color: palette[2] as string, points: points.map((p) => [p.t, perSecond(p.accepted)]) },
        { name: 'terminal event', color: palette[1] as string, points: points.map((p) => [p.t, perSecond(p.ended)]) },
      ],
    }),
    lineChart({
      title: 'Latency of the orders sent in each bucket (ms from scheduled send)',
      xLabel: 'seconds since start',
      yLabel: 'ms',
      series: [
        { name: '201 p50', color: palette[2] as string, points: points.map((p) => [p.t, p.acceptP50]), dashed: true },
        { name: '201 p99', color: palette[2] as string, points: points.map((p) => [p.t, p.acceptP99]) },
        {
          name: 'terminal p50',
          color: palette[1] as string,
          points: points.map((p) => [p.t, p.terminalP50]),
          dashed: true,
        },
        { name: 'terminal p99', color: palette[1] as string, points: points.map((p) => [p.t, p.terminalP99]) },
      ],
    }),
    '<h2>Latency</h2>',
    table([
      ['', 'count', 'p50', 'p95', 'p99', 'max'],
      latencyRow('request → 201', report.latencyMs.accept),
      latencyRow('request → terminal event', report.latencyMs.terminal),
      ...Object.entries(report.latencyMs.terminalByScenario).map(([name, s]) => latencyRow(`  terminal, ${name}`, s)),
    ]),
    '<h2>Outcomes by scenario</h2>',
    table([
      ['scenario', 'planned', 'placed', 'expected', 'completed', 'failed', 'cancelled', 'no terminal event'],
      ...Object.entries(report.outcomes.byScenario).map(([name, s]) => [
        name,
        s.planned,
        s.tracked,
        terminalEvents
          .filter((e) => s.expected[e] > 0)
          .map((e) => `${e.replace('Order', '')} ${s.expected[e]}`)
          .join(', '),
        s.observed.OrderCompleted,
        s.observed.OrderFailed,
        s.observed.OrderCancelled,
        s.observed.missing,
      ]),
    ]),
  ];
  if (report.soak) {
    const soak = report.soak;
    sections.push(
      '<h2>Resident memory</h2>',
      lineChart({
        title: `Resident memory (MiB), sampled every ${soak.sampleEveryS}s`,
        xLabel: 'seconds since start',
        yLabel: 'MiB',
        series: soak.processes.map((p, i) => ({
          name: p.name,
          color: palette[i % palette.length] as string,
          points: soak.samples.map((s) => [s.t, s.rssMiB[p.name] ?? null] as [number, number | null]),
        })),
      }),
      table([
        ['process', 'pid', 'early (MiB)', 'late (MiB)', 'ratio', 'MiB/min', 'plateau'],
        ...soak.verdicts.map((v) => [
          v.name,
          v.pid,
          v.early ? `${v.early.rssMiB} @ ${v.early.t}s` : null,
          v.late ? `${v.late.rssMiB} @ ${v.late.t}s` : null,
          v.ratio,
          v.slopeMiBPerMin,
          v.plateau === null ? 'not judged' : v.plateau ? 'yes' : 'NO',
        ]),
      ]),
    );
  }
  return page(`order-saga ${report.kind}: ${report.options.mix} at ${report.options.rate}/s`, sections);
}
