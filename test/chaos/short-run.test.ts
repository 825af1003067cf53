// The chaos suite's short run on SQLite and on PostgreSQL: every fault of the nemesis against the real system, each role in its own process, and not one invariant broken.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { summaryLines, writeChaosReport } from '../../bench/chaos/report.js';
import { cleanUp, faultPlan, profiles, runChaos } from '../../bench/chaos/run.js';
import type { Engine } from '../../bench/chaos/system.js';
import { createTestDatabase } from '../support/postgres.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Beside `npm run chaos`'s reports, not over them. */
const outDir = join(repoRoot, 'reports', 'chaos-short-run');
const profile = profiles.short;

describe('chaos suite, short run', () => {
  it.each<Engine>(['sqlite', 'postgres'])(
    'on %s: every fault injected, every invariant holds, a report written',
    async (engine) => {
      let databaseUrl: string | undefined;
      if (engine === 'postgres') {
        const server = inject('postgresUrl');
        if (!server) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
        databaseUrl = await createTestDatabase(server, 'chaos');
      }
      const report = await runChaos({
        engine,
        profile,
        ...(databaseUrl ? { databaseUrl } : {}),
        log: (line) => process.stderr.write(`[chaos short ${engine}] ${line}\n`),
      });
      const files = await writeChaosReport(report, outDir);
      const summary = summaryLines(report, files).join('\n');
      await cleanUp(report);

      // The run did what it says: orders went in, every planned fault happened and the system came back from it.
      expect(report.client.accepted, summary).toBeGreaterThan(20);
      expect(
        report.faults.map((f) => f.kind),
        summary,
      ).toEqual(faultPlan(profile).map((f) => f.kind));
      expect(
        report.faults.filter((f) => f.error !== undefined),
        summary,
      ).toEqual([]);
      expect(
        report.client.lostAnswers,
        'the whole-system kill loses answers, which the client re-sends',
      ).toBeGreaterThan(0);
      const written = JSON.parse(await readFile(files.json, 'utf8')) as { violations: number };
      expect(written.violations).toBe(report.violations);
      expect(await readFile(files.html, 'utf8')).toContain('<svg');

      // And nothing broke: each invariant by name, so a failure says which.
      const broken = Object.fromEntries(
        report.invariants
          .filter((i) => i.violations > 0)
          .map((i) => [i.name, `${i.violations}: ${i.samples.join('; ')}`]),
      );
      expect(broken, `${summary}\n(data and logs kept in ${report.dir})`).toEqual({});
    },
    7 * 60_000,
  );
});
