// The benchmark with tiny counts on the suite's servers: every phase runs, the report is complete and is written.
import { openDataConverter } from '../../src/codec/data-converter.js';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseBenchFlags } from '../../bench/flags.js';
import { benchSummaryLines, writeBenchReport } from '../../bench/report.js';
import { runBench, type BenchReport, type PhaseResult } from '../../bench/run-bench.js';
import { startInProcessSystem, type RunningSystem } from '../../bench/loadgen/system.js';
import { createTestNamespace } from '../api/support/dev-namespace.js';

let system: RunningSystem;
let connection: Connection;
let out: string;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const namespace = await createTestNamespace(connection, 'bench');
  out = await mkdtemp(join(tmpdir(), 'bench-report-'));
  system = await startInProcessSystem({
    temporalAddress: inject('temporalAddress'),
    natsUrl: inject('natsUrl'),
    namespace,
    // The subscribers' durables are shared by name on the suite's NATS; the benchmark's figures come from the saga.
    roles: ['orders', 'payments', 'inventory', 'shipping', 'api'],
    config: { LOG_LEVEL: 'silent' },
  });
});

afterAll(async () => {
  await system?.stop();
  await connection?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

function expectComplete(phase: PhaseResult) {
  expect(phase.completed + phase.failed).toBe(phase.count);
  expect(phase.failed).toBe(0);
  expect(phase.throughputPerS).toBeGreaterThan(0);
  expect(phase.latencyMs.count).toBe(phase.completed);
  for (const key of ['min', 'mean', 'p50', 'p95', 'p99', 'max'] as const)
    expect(phase.latencyMs[key]).toBeGreaterThan(0);
  expect(Object.keys(phase.cpuS)).toEqual(system.processes.map((p) => p.name));
}

describe('npm run bench, with tiny counts', () => {
  let report: BenchReport;

  it('runs the baseline ramp, both fixed-rate phases and the three accept paths', async () => {
    const options = parseBenchFlags(
      [
        '--ramp',
        '2,4',
        '--ramp-count',
        '6',
        '--duration',
        '2',
        '--accept-count',
        '6',
        '--accept-concurrency',
        '2',
        '--drain-timeout',
        '30',
        '--out',
        join(out, 'run'),
      ],
      new Date(),
    );
    const client = new Client({
      connection,
      namespace: system.namespace,
      dataConverter: await openDataConverter(system.config),
    });
    report = await runBench({ system, client, options, progress: false });
    expect(report.baseline.ramp.length).toBeGreaterThanOrEqual(2);
    report.baseline.ramp.forEach(expectComplete);
    expect(report.baseline.maxRatePerS).toBe(Math.max(...report.baseline.ramp.map((r) => r.throughputPerS)));
    const rate = Math.max(0.1, Math.round((report.baseline.maxRatePerS / 2) * 10) / 10);
    for (const phase of [report.baseline.atRate, report.saga]) {
      expectComplete(phase);
      expect(phase.rate).toBe(rate);
      expect(phase.count).toBe(Math.max(1, Math.round(rate * 2)));
    }
    for (const phase of [report.accept.api, report.accept.directStart, report.accept.directUpdateWithStart]) {
      expectComplete(phase);
      expect(phase.count).toBe(6);
    }
    expect(report.comparisons.map((c) => c.target)).toEqual([
      '>= 0.8',
      '<= 1.3',
      '>= 0.9',
      'information',
      'information',
    ]);
    for (const c of report.comparisons) {
      expect(c.ratio).toBeGreaterThan(0);
      if (c.target !== 'information') expect(typeof c.met).toBe('boolean');
    }
    expect(report.comparisons[0]?.value).toBe(report.saga.throughputPerS);
    expect(report.comparisons[0]?.against).toBe(report.baseline.atRate.throughputPerS);
    const names = system.processes.map((p) => p.name);
    expect(Object.keys(report.memory.start.rssMiB)).toEqual(names);
    expect(Object.keys(report.memory.end.rssMiB)).toEqual(names);
    expect(report.memory.end.rssMiB.roles).toBeGreaterThan(0);
  });

  it('writes bench.json and bench.html and prints every phase with a verdict per target', async () => {
    const files = await writeBenchReport(report, report.options.outDir);
    expect(existsSync(files.json) && existsSync(files.html)).toBe(true);
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const lines = benchSummaryLines(report, files).join('\n');
    expect(lines).toMatch(/saga at rate/);
    expect(lines).toMatch(/accept: POST \/orders/);
    expect(lines.match(/ (MET|MISSED)$/gm)?.length).toBe(3);
    expect(lines).toMatch(/resident memory MiB/);
  });
});
