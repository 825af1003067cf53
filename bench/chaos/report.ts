// Writes a chaos run's report: chaos-<engine>.json, chaos-<engine>.html (faults over orders and latency, the invariants), and the closing summary lines.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escapeHtml, lineChart, page, palette, table } from '../loadgen/html.js';
import type { Band } from '../loadgen/html.js';
import type { ChaosReport } from './run.js';

export interface ReportFiles {
  json: string;
  html: string;
}

export async function writeChaosReport(report: ChaosReport, outDir: string): Promise<ReportFiles> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, `chaos-${report.engine}.json`), html: join(dir, `chaos-${report.engine}.html`) };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.html, renderChaosHtml(report));
  return files;
}

const faultColors: Record<string, string> = {
  'kill-role': '#d62728',
  'kill-system': '#7f0000',
  'nats-outage': '#ff7f0e',
  'pause-worker': '#9467bd',
  'temporal-restart': '#1f77b4',
};

/** The lines printed at the end of a run. */
export function summaryLines(report: ChaosReport, files?: ReportFiles): string[] {
  const { client: c, phasesS: p } = report;
  const lines = [
    `chaos ${report.profile.name} on ${report.engine}: ${report.violations === 0 ? 'no violations' : `${report.violations} VIOLATIONS`}`,
    `orders     sent ${c.sent}, accepted ${c.accepted} (202: ${c.placed202}), answers lost and re-sent ${c.lostAnswers}`,
    `faults     ${report.faults.map((f) => `${f.kind}${f.target === f.kind ? '' : ` ${f.target}`} ${Math.round(f.downMs / 1000)}s${f.error ? ' (FAILED)' : ''}`).join(', ')}`,
    `time       start ${p.start}s, faults ${p.faults}s, settle ${p.settle}s, check ${p.check}s`,
    `stream     ${report.stream.events} events, ${report.stream.deadLetters} dead letters`,
    ...report.invariants.map(
      (i) =>
        `${i.violations === 0 ? 'ok  ' : 'FAIL'}       ${i.name}: ${i.notChecked ? `not checked (${i.notChecked})` : `${i.violations} of ${i.checked}`}${i.samples[0] ? `; e.g. ${i.samples[0]}` : ''}`,
    ),
  ];
  for (const note of report.notes) lines.push(`note       at ${Math.round(note.at / 1000)}s: ${note.what}`);
  if (report.kept) lines.push(`data, logs ${report.dir}`);
  if (files) lines.push(`report     ${files.json}`, `chart      ${files.html}`);
  return lines;
}

/** Orders per bucket of `bucketS` seconds, by when they were sent and when they ended; and their latencies. */
function timeline(report: ChaosReport, bucketS: number) {
  const end = Math.max(1, ...report.orders.map((o) => (o.closedAt ?? o.answeredAt ?? o.sentAt) / 1000));
  const buckets = Math.ceil(end / bucketS) + 1;
  const sent = new Array<number>(buckets).fill(0);
  const ended = new Array<number>(buckets).fill(0);
  const answerMs: number[][] = Array.from({ length: buckets }, () => []);
  const endMs: number[][] = Array.from({ length: buckets }, () => []);
  for (const o of report.orders) {
    const b = Math.floor(o.sentAt / 1000 / bucketS);
    sent[b] = (sent[b] ?? 0) + 1;
    if (o.answeredAt !== undefined) answerMs[b]?.push(o.answeredAt - o.sentAt);
    if (o.closedAt !== undefined) {
      const e = Math.floor(o.closedAt / 1000 / bucketS);
      ended[e] = (ended[e] ?? 0) + 1;
      if (o.kind !== 'approval') endMs[b]?.push(o.closedAt - o.sentAt);
    }
  }
  const max = (xs: number[]) => (xs.length === 0 ? null : Math.max(...xs) / 1000);
  const median = (xs: number[]) => {
    if (xs.length === 0) return null;
    const sorted = [...xs].sort((a, b) => a - b);
    return (sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000;
  };
  const t = (i: number) => i * bucketS;
  return {
    sent: sent.map((n, i): [number, number] => [t(i), n / bucketS]),
    ended: ended.map((n, i): [number, number] => [t(i), n / bucketS]),
    answerMedian: answerMs.map((xs, i): [number, number | null] => [t(i), median(xs)]),
    endMedian: endMs.map((xs, i): [number, number | null] => [t(i), median(xs)]),
    endMax: endMs.map((xs, i): [number, number | null] => [t(i), max(xs)]),
  };
}

export function renderChaosHtml(report: ChaosReport): string {
  const bucketS = report.profile.name === 'short' ? 5 : 30;
  const line = timeline(report, bucketS);
  const bands: Band[] = report.faults.map((f) => ({
    from: f.startedAt / 1000,
    to: f.endedAt / 1000,
    label: `${f.kind}${f.target === f.kind ? '' : ` ${f.target}`}`,
    color: faultColors[f.kind] ?? '#999',
  }));
  const ok = (n: number) => `<span class="${n === 0 ? 'ok' : 'bad'}">${n}</span>`;
  const invariantRows = report.invariants
    .map(
      (i) =>
        `<tr><td><code>${escapeHtml(i.name)}</code><br>${escapeHtml(i.rule)}</td><td>${i.checked}</td><td>${i.notChecked ? `not checked: ${escapeHtml(i.notChecked)}` : ok(i.violations)}</td><td style="text-align:left">${i.samples.map(escapeHtml).join('<br>')}</td></tr>`,
    )
    .join('');
  const outcomes = Object.entries(report.outcomes).flatMap(([kind, ends]) =>
    Object.entries(ends).map(([end, n]) => [kind, end, n]),
  );
  const sections = [
    `<p>${escapeHtml(
      `${report.startedAt} to ${report.finishedAt}; the ${report.profile.name} profile (${report.profile.stepDeadline ?? 'the workflow’s own'} step deadlines, a ${report.profile.natsOutageS}s NATS outage, workers frozen for ${report.profile.pauseS}s) on ${report.engine}, each role in its own process; ${report.machine.cpus} CPUs (${report.machine.model}), load average ${report.machine.loadAverage1m} at the end.`,
    )}</p>`,
    `<h2>Invariants: ${report.violations === 0 ? '<span class="ok">no violations</span>' : `<span class="bad">${report.violations} violations</span>`}</h2>`,
    `<table><thead><tr><th>invariant</th><th>checked</th><th>violations</th><th>examples</th></tr></thead><tbody>${invariantRows}</tbody></table>`,
    '<h2>Faults over orders</h2>',
    lineChart({
      title: `Orders per second (${bucketS}s buckets); shaded: faults`,
      xLabel: 'seconds since the system started',
      yLabel: 'orders / s',
      series: [
        { name: 'sent', color: palette[0] as string, points: line.sent },
        { name: 'ended', color: palette[2] as string, points: line.ended },
      ],
      bands,
    }),
    lineChart({
      title: 'Latency of the orders sent in each bucket (s)',
      xLabel: 'seconds since the system started (when the order was sent)',
      yLabel: 'seconds',
      series: [
        { name: 'answer, median', color: palette[0] as string, points: line.answerMedian },
        { name: 'end, median', color: palette[2] as string, points: line.endMedian },
        { name: 'end, max', color: palette[1] as string, points: line.endMax, dashed: true },
      ],
      bands,
    }),
    '<h2>Faults</h2>',
    table([
      ['fault', 'target', 'from (s)', 'to (s)', 'down (s)', 'error'],
      ...report.faults.map((f) => [
        f.kind,
        f.target,
        Math.round(f.startedAt / 100) / 10,
        Math.round(f.endedAt / 100) / 10,
        Math.round(f.downMs / 100) / 10,
        f.error ?? '',
      ]),
    ]),
    '<h2>Orders</h2>',
    `<pre>${escapeHtml(summaryLines(report).join('\n'))}</pre>`,
    table([['kind', 'ended as', 'orders'], ...outcomes]),
  ];
  return page(`Chaos run: ${report.profile.name}, ${report.engine}`, sections);
}
