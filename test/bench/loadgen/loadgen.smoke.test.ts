// A short load run against the whole system started in this process on the suite's servers: the report is complete and adds up.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeLoadReport } from '../../../bench/loadgen/report.js';
import { runLoad, type LoadReport } from '../../../bench/loadgen/run.js';
import { MemorySampler } from '../../../bench/loadgen/memory.js';
import { startInProcessSystem, type RunningSystem } from '../../../bench/loadgen/system.js';
import { createTestNamespace } from '../../api/support/dev-namespace.js';

let system: RunningSystem;
let out: string;

beforeAll(async () => {
  // A namespace of its own: the saga's task queues are fixed names, so another file's workers would take our tasks.
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const namespace = await createTestNamespace(connection, 'loadgen');
  await connection.close();
  out = await mkdtemp(join(tmpdir(), 'loadgen-report-'));
  system = await startInProcessSystem({
    temporalAddress: inject('temporalAddress'),
    natsUrl: inject('natsUrl'),
    namespace,
    // The subscribers' durables are shared by name on the suite's NATS; this run needs only the saga and the API.
    roles: ['orders', 'payments', 'inventory', 'shipping', 'api'],
    config: { LOG_LEVEL: 'silent' },
  });
});

afterAll(async () => {
  await system?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('npm run loadgen, briefly', () => {
  let report: LoadReport;

  it('runs the default mix for about 5 s and sees every order end as the mix expects', async () => {
    report = await runLoad({
      apiUrl: system.apiUrl,
      natsUrl: system.natsUrl,
      tokens: system.tokens,
      rate: 4,
      durationS: 5,
      mix: 'default',
      drainTimeoutS: 30,
      requestTimeoutS: 20,
      progress: false,
      soak: {
        sampler: (clock) => new MemorySampler([{ name: 'test', pid: process.pid }, ...system.processes], 1_000, clock),
        warmupS: 1,
        tolerancePct: 10,
      },
    });
    const { requests: r, outcomes: o } = report;
    expect(r.planned).toBe(20);
    expect(r.sent).toBe(r.planned);
    expect(r.accepted + r.pending + r.refusedTotal + r.errors).toBe(r.sent);
    expect(r.errors).toBe(0);
    // Every order is placed (pricing refuses none of the mix's SKUs) and followed to its end.
    expect(o.tracked).toBe(r.accepted + r.pending);
    expect(o.observed.OrderCompleted + o.observed.OrderFailed + o.observed.OrderCancelled + o.observed.missing).toBe(
      o.tracked,
    );
    expect(o.expected.OrderCompleted + o.expected.OrderFailed + o.expected.OrderCancelled).toBe(o.tracked);
    expect(o.expectedByMix.OrderCompleted + o.expectedByMix.OrderFailed + o.expectedByMix.OrderCancelled).toBe(
      r.planned,
    );
    expect(o.observed.missing).toBe(0);
    expect(o.matched + o.mismatched).toBe(o.tracked);
    expect(o.mismatched).toBe(0);
    const byScenario = Object.values(o.byScenario);
    expect(byScenario.reduce((n, s) => n + s.planned, 0)).toBe(r.planned);
    expect(report.latencyMs.accept.count).toBe(r.accepted);
    expect(report.latencyMs.terminal.count).toBe(o.tracked - o.observed.missing);
    for (const key of ['p50', 'p95', 'p99', 'max'] as const) {
      expect(report.latencyMs.accept[key]).toBeGreaterThan(0);
      expect(report.latencyMs.terminal[key]).toBeGreaterThan(0);
    }
    expect(report.throughput.offeredPerS).toBe(4);
    expect(report.throughput.acceptedPerS).toBeGreaterThan(0);
    expect(report.throughput.terminalPerS).toBeGreaterThan(0);
    const points = report.timeline.points;
    expect(points.reduce((n, p) => n + p.sent, 0)).toBe(r.sent);
    expect(points.reduce((n, p) => n + p.accepted, 0)).toBe(r.accepted);
    expect(points.reduce((n, p) => n + p.ended, 0)).toBe(o.tracked - o.observed.missing);
    expect(report.soak?.samples.length).toBeGreaterThanOrEqual(3);
    expect(report.soak?.verdicts.map((v) => v.name)).toEqual(report.soak?.processes.map((p) => p.name));
  });

  it('writes the JSON report and a self-contained HTML chart', async () => {
    const files = await writeLoadReport(report, join(out, 'run'));
    expect(existsSync(files.json) && existsSync(files.html)).toBe(true);
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const html = readFileSync(files.html, 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });
});
