// The alert rules in deploy/prometheus/: valid for Prometheus (promtool check), each alert unit-tested (promtool test
// rules), and every series, command and document they name real, so an alert never sends an operator nowhere.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricsRegistry } from '../../src/metrics/series.js';
import { resolvePromtool } from '../../tools/debian.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}deploy/prometheus/`;
const testFiles = readdirSync(`${dir}tests`)
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => `tests/${f}`);

interface Rule {
  alert: string;
  expr: string;
  annotations: { summary: string; description: string };
}
const rules = (parse(readFileSync(`${dir}alerts.yml`, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);

/** Runs promtool in deploy/prometheus/ (the tests name the rules file relative to themselves); its output, or why it failed. */
function promtool(...args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(resolvePromtool(), args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${String(stdout)}${String(stderr)}` || String(error) };
  }
}

describe('the alert rules', () => {
  it('pass promtool check rules, and both Prometheus configurations pass promtool check config', () => {
    const checked = promtool('check', 'rules', 'alerts.yml');
    expect(checked.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(checked.ok, checked.output).toBe(true);
    for (const config of ['prometheus.yml', 'compose.yml']) {
      const result = promtool('check', 'config', '--syntax-only', config);
      expect(result.ok, `${config}: ${result.output}`).toBe(true);
    }
  });

  it('behave as their unit tests say (promtool test rules)', () => {
    const result = promtool('test', 'rules', ...testFiles);
    expect(result.ok, result.output).toBe(true);
  });

  it('each have a unit test', () => {
    const tested = new Set(
      testFiles.flatMap((f) =>
        [...readFileSync(`${dir}${f}`, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1] as string),
      ),
    );
    expect(rules.map((r) => r.alert).filter((name) => !tested.has(name))).toEqual([]);
  });

  it('name only series this project exports, and only commands and documents that exist', async () => {
    const ours = new Set(
      (await metricsRegistry.getMetricsAsJSON()).flatMap((m) =>
        String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
      ),
    );
    const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    for (const rule of rules) {
      for (const [series] of rule.expr.matchAll(/\border_saga_\w+/g))
        expect(ours, `${rule.alert}: ${series}`).toContain(series);
      const text = `${rule.annotations.summary} ${rule.annotations.description}`;
      for (const [, script] of text.matchAll(/npm run ([\w:-]+)/g))
        expect(scripts, rule.alert).toHaveProperty([script ?? '']);
      for (const [doc] of text.matchAll(/docs\/[\w.-]+\.md/g))
        expect(existsSync(`${root}${doc}`), `${rule.alert}: ${doc}`).toBe(true);
    }
  });
});
