// Samples the resident memory of a set of processes over a run and judges whether it levels off (the soak's question).
import type { RunClock } from './drivers.js';
import { residentMiB, type NamedProcess } from './processes.js';

export interface MemorySample {
  /** Seconds since the run started. */
  t: number;
  /** MiB per process name; null once a process is gone. */
  rssMiB: Record<string, number | null>;
}

export interface PlateauVerdict {
  name: string;
  pid: number;
  /** The sample at (or just after) the warm-up point, and the last one taken while load was offered. */
  early: { t: number; rssMiB: number } | null;
  late: { t: number; rssMiB: number } | null;
  /** late / early. */
  ratio: number | null;
  /** Least-squares slope over the samples from the early one to the late one, MiB per minute. */
  slopeMiBPerMin: number | null;
  plateau: boolean | null;
}

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly processes: readonly NamedProcess[],
    private readonly everyMs: number,
    private readonly clock: RunClock,
  ) {}

  sample(): MemorySample {
    const sample = { t: Math.round(this.clock.now()) / 1000, rssMiB: residentMiB(this.processes) };
    this.samples.push(sample);
    return sample;
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  /**
   * Per process: memory has plateaued when the last sample taken while load was offered (at or before `untilS`) is
   * within `tolerancePct` of the sample at `warmupS` (e.g. minute 10 against minute 2). Before the warm-up point a
   * process is still filling its caches, so its growth there says nothing about a leak.
   */
  verdicts(warmupS: number, untilS: number, tolerancePct: number): PlateauVerdict[] {
    return this.processes.map(({ name, pid }) => {
      const series = this.samples
        .map((s) => ({ t: s.t, rssMiB: s.rssMiB[name] }))
        .filter((s): s is { t: number; rssMiB: number } => typeof s.rssMiB === 'number');
      const early = series.find((s) => s.t >= warmupS) ?? null;
      const late = series.filter((s) => s.t <= untilS + 0.5).at(-1) ?? null;
      if (!early || !late || late.t <= early.t) {
        return { name, pid, early, late, ratio: null, slopeMiBPerMin: null, plateau: null };
      }
      const ratio = Math.round((late.rssMiB / early.rssMiB) * 1000) / 1000;
      const window = series.filter((s) => s.t >= early.t && s.t <= late.t);
      return {
        name,
        pid,
        early,
        late,
        ratio,
        slopeMiBPerMin: slope(window),
        plateau: ratio <= 1 + tolerancePct / 100,
      };
    });
  }
}

/** Least-squares slope of rssMiB over t, per minute, rounded to 0.01. */
function slope(points: readonly { t: number; rssMiB: number }[]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mr = points.reduce((a, p) => a + p.rssMiB, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.rssMiB - mr), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den === 0 ? null : Math.round((num / den) * 60 * 100) / 100;
}
