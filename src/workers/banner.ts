// The lines the main command (`npm run dev`) and the local cluster (`npm run cluster`) print once everything answers.

export interface ReadyBanner {
  /** What runs, after "order-saga is ready: ". */
  running: string;
  api: string;
  temporal: string;
  ui: string;
  nats: string;
  data: string;
  /** Rows after NATS, such as the database. */
  more?: readonly [label: string, value: string][];
  /** Lines as they are, after the rows: how to get a token, say. */
  notes?: readonly string[];
}

/** One shape for both commands, so a user reads the same addresses in the same places. */
export function readyBanner(banner: ReadyBanner): string {
  const rows: [string, string][] = [
    ['API', banner.api],
    ['Temporal', banner.temporal],
    ['Temporal Web UI', banner.ui],
    ['NATS', banner.nats],
    ...(banner.more ?? []),
    ['Data', banner.data],
  ];
  return [
    '',
    `order-saga is ready: ${banner.running}`,
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(17)}${value}`),
    ...(banner.notes ?? []),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
