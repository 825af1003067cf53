// Progress while a run goes: a redrawn bar on a terminal, a plain line every few seconds when stderr is a file or a pipe.

export interface ProgressSnapshot {
  /** What the run is doing: 'sending', 'draining'... */
  phase: string;
  done: number;
  total: number;
  elapsedMs: number;
  /** Short facts after the bar: "201: 120", "ended: 98". */
  facts: string[];
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Overrides the stream's own isTTY (tests). */
  tty?: boolean;
  /** How often a plain line is written when not a TTY. */
  lineEveryMs?: number;
  redrawEveryMs?: number;
  /** Names the tool on plain lines: `[loadgen]`. */
  label?: string;
}

/** Reports a snapshot periodically until stopped; the last state is written once more on stop. */
export class ProgressReporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly timer: NodeJS.Timeout;
  private drawn = false;
  private readonly label: string;

  constructor(
    private readonly snapshot: () => ProgressSnapshot,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.label = options.label ?? 'loadgen';
    const every = this.tty ? (options.redrawEveryMs ?? 200) : (options.lineEveryMs ?? 5_000);
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  private draw(): void {
    const s = this.snapshot();
    if (this.tty) {
      // A terminal that reports no size (0 columns, e.g. under `script`) gets a usual width.
      const columns = this.stream.columns || 100;
      this.stream.write(`\r\x1b[2K${renderBar(s, columns)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${renderLine(s, this.label)}\n`);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
    if (this.tty && this.drawn) this.stream.write('\n');
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

/** One line for a log: `[loadgen] sending 120/600 (20%) after 12s | 201: 118 | ended: 100`. */
export function renderLine(s: ProgressSnapshot, label = 'loadgen'): string {
  const pct = s.total > 0 ? Math.floor((s.done / s.total) * 100) : 100;
  return [`[${label}] ${s.phase} ${s.done}/${s.total} (${pct}%) after ${seconds(s.elapsedMs)}`, ...s.facts].join(' | ');
}

/** `sending [#######-------] 45% 270/600 12s | 201: 265 | ended: 240`, cut to the terminal's width. */
export function renderBar(s: ProgressSnapshot, columns: number): string {
  const pct = s.total > 0 ? Math.min(1, s.done / s.total) : 1;
  const width = Math.max(10, Math.min(40, columns - 70));
  const filled = Math.round(pct * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const head = `${s.phase} ${bar} ${Math.floor(pct * 100)}% ${s.done}/${s.total} ${seconds(s.elapsedMs)}`;
  return [head, ...s.facts].join(' | ').slice(0, Math.max(20, columns - 1));
}
