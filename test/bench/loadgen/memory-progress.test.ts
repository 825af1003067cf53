// The soak's plateau verdict, the progress display and the chart axes, without servers.
import { describe, expect, it } from 'vitest';
import type { RunClock } from '../../../bench/loadgen/drivers.js';
import { niceAxis } from '../../../bench/loadgen/html.js';
import { MemorySampler } from '../../../bench/loadgen/memory.js';
import { renderBar, renderLine } from '../../../bench/loadgen/progress.js';

/** A sampler whose samples the test writes itself (the pid is never read). */
function samplerWith(series: Record<string, (number | null)[]>, everyS: number): MemorySampler {
  const clock: RunClock = { origin: 0, startedAt: 0, now: () => 0 };
  const sampler = new MemorySampler(
    Object.keys(series).map((name, i) => ({ name, pid: 1_000_000 + i })),
    everyS * 1000,
    clock,
  );
  const length = Math.max(...Object.values(series).map((s) => s.length));
  for (let i = 0; i < length; i++) {
    const rssMiB: Record<string, number | null> = {};
    for (const [name, values] of Object.entries(series)) rssMiB[name] = values[i] ?? null;
    sampler.samples.push({ t: i * everyS, rssMiB });
  }
  return sampler;
}

describe('MemorySampler.verdicts', () => {
  it('compares the sample at the warm-up point with the last one while load was offered', () => {
    // Samples every 60 s: minute 0..10, then one during the drain that must not count.
    const sampler = samplerWith(
      {
        flat: [100, 300, 400, 401, 402, 405, 404, 406, 408, 409, 410, 900],
        leaking: [100, 200, 300, 330, 360, 390, 420, 450, 480, 510, 540, 540],
      },
      60,
    );
    const [flat, leaking] = sampler.verdicts(120, 600, 10);
    expect(flat).toMatchObject({
      early: { t: 120, rssMiB: 400 },
      late: { t: 600, rssMiB: 410 },
      ratio: 1.025,
      plateau: true,
    });
    expect(leaking).toMatchObject({
      early: { t: 120, rssMiB: 300 },
      late: { t: 600, rssMiB: 540 },
      ratio: 1.8,
      plateau: false,
    });
    expect(leaking?.slopeMiBPerMin).toBe(30);
  });

  it('gives no verdict for a process that vanished or a run too short to compare', () => {
    const sampler = samplerWith({ gone: [100, null, null, null], short: [100, 110] }, 60);
    for (const v of sampler.verdicts(120, 180, 10)) {
      expect(v.plateau).toBeNull();
      expect(v.ratio).toBeNull();
    }
  });
});

describe('progress', () => {
  const snapshot = { phase: 'sending', done: 45, total: 100, elapsedMs: 12_345, facts: ['201: 44', 'ended: 40'] };

  it('writes a plain line for logs', () => {
    expect(renderLine(snapshot)).toBe('[loadgen] sending 45/100 (45%) after 12s | 201: 44 | ended: 40');
    expect(renderLine({ ...snapshot, total: 0 }, 'bench')).toMatch(/^\[bench\] sending 45\/0 \(100%\)/);
  });

  it('draws a bar that fits the terminal', () => {
    const bar = renderBar(snapshot, 120);
    expect(bar).toMatch(/^sending \[#{18}-{22}\] 45% 45\/100 12s \| 201: 44 \| ended: 40$/);
    expect(renderBar(snapshot, 40).length).toBeLessThanOrEqual(39);
  });
});

describe('chart axes', () => {
  it('end on a round multiple of a readable step', () => {
    expect(niceAxis(600, 10)).toEqual({ max: 600, step: 100 });
    expect(niceAxis(61, 10)).toEqual({ max: 70, step: 10 });
    expect(niceAxis(4.2, 5)).toEqual({ max: 5, step: 1 });
    expect(niceAxis(0, 5)).toEqual({ max: 1, step: 0.2 });
  });
});
