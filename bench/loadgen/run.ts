// One load run: places the planned orders through the HTTP API on an open-loop schedule, follows each to its terminal event on NATS, and reports.
import { runOpenLoop, startClock, type RunClock } from './drivers.js';
import type { MemorySampler, PlateauVerdict, MemorySample } from './memory.js';
import {
  expectedOutcomes,
  mixEntries,
  planOrders,
  type FollowUp,
  type MixName,
  type PlannedOrder,
  type TerminalEvent,
} from './mix.js';
import { machineInfo, type MachineInfo, type NamedProcess } from './processes.js';
import { ProgressReporter, type ProgressOptions } from './progress.js';
import { bucketize, bucketWidthMs, ratePerSecond, summarize, type LatencySummary } from './stats.js';
import { TerminalEventWatcher } from './terminal-events.js';
import { bearer, type ApiTokens } from './tokens.js';

/** What a run sends, where, and how long it waits: the options a report repeats. */
export interface LoadSettings {
  apiUrl: string;
  natsUrl: string;
  rate: number;
  durationS: number;
  mix: MixName;
  drainTimeoutS: number;
  requestTimeoutS: number;
}

/** Only the settings of a larger options object (a report must not repeat a run's signal or sampler). */
export function loadSettings(options: LoadSettings): LoadSettings {
  const { apiUrl, natsUrl, rate, durationS, mix, drainTimeoutS, requestTimeoutS } = options;
  return { apiUrl, natsUrl, rate, durationS, mix, drainTimeoutS, requestTimeoutS };
}

export interface LoadRunOptions extends LoadSettings {
  /** Who each request speaks for: the order's customer, an operator for approvals. */
  tokens: ApiTokens;
  /** The progress display; `false` for none (tests). */
  progress?: ProgressOptions | false;
  /** Stops sending (the run then drains and reports what it sent). */
  signal?: AbortSignal;
  /** Soak: sample these processes' memory through the run and judge the plateau. */
  soak?: { sampler: (clock: RunClock) => MemorySampler; warmupS: number; tolerancePct: number };
}

/** What happened to one order. Times are ms on the run's clock. */
export interface OrderOutcome {
  index: number;
  scenario: string;
  /** The terminal event the mix expects, corrected by the follow-up's answer (a refused cancel means it completes). */
  expected: TerminalEvent;
  dueAt: number;
  sentAt?: number;
  respondedAt?: number;
  httpStatus?: number;
  orderId?: string;
  error?: string;
  followUp?: { action: FollowUp; httpStatus?: number; error?: string };
  terminal?: { event: TerminalEvent; at: number };
}

export type TerminalCounts = Record<TerminalEvent, number>;

export interface LoadReport {
  kind: 'loadgen' | 'soak';
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  options: LoadSettings;
  /** sent = accepted + pending + refused + errors; planned = sent unless the run was interrupted. */
  requests: {
    planned: number;
    sent: number;
    /** 201: placed and priced. */
    accepted: number;
    /** 202: started but not priced within the API's update timeout; still followed to a terminal event. */
    pending: number;
    /** Any other HTTP status, by status. */
    refused: Record<string, number>;
    refusedTotal: number;
    /** No HTTP answer (connection refused, timeout). */
    errors: number;
    errorSamples: string[];
    /** The worst lateness of a send against the schedule: above a few ms, the generator itself was the bottleneck. */
    maxSendLagMs: number;
  };
  throughput: {
    /** Orders per second offered by the schedule. */
    offeredPerS: number;
    /** 201s per second, from the first scheduled send to the last 201. */
    acceptedPerS: number;
    /** Terminal events per second, from the first scheduled send to the last terminal event. */
    terminalPerS: number;
  };
  latencyMs: {
    /** Scheduled send to 201. */
    accept: LatencySummary;
    /** Scheduled send to the order's terminal event seen on NATS. */
    terminal: LatencySummary;
    terminalByScenario: Record<string, LatencySummary>;
  };
  outcomes: {
    /** What the mix plans for every order. */
    expectedByMix: TerminalCounts;
    /** What the orders that got an order ID (201 or 202) should end as, after follow-up answers. */
    expected: TerminalCounts;
    /** What they ended as; `missing`: no terminal event within the drain timeout. observed total = tracked. */
    observed: TerminalCounts & { missing: number };
    tracked: number;
    matched: number;
    mismatched: number;
    /** A few order IDs without a terminal event, to look up in the Temporal UI. */
    missingSamples: string[];
    duplicateTerminalEvents: number;
    byScenario: Record<
      string,
      { planned: number; tracked: number; expected: TerminalCounts; observed: TerminalCounts & { missing: number } }
    >;
  };
  followUps: Record<FollowUp, { sent: number; byStatus: Record<string, number> }>;
  /** One point per bucket of `bucketS` seconds: counts in the bucket and latencies of the orders sent in it. */
  timeline: {
    bucketS: number;
    points: {
      t: number;
      sent: number;
      accepted: number;
      ended: number;
      acceptP50: number | null;
      acceptP99: number | null;
      terminalP50: number | null;
      terminalP99: number | null;
    }[];
  };
  soak?: {
    processes: NamedProcess[];
    sampleEveryS: number;
    warmupS: number;
    tolerancePct: number;
    samples: MemorySample[];
    verdicts: PlateauVerdict[];
    /** True when every process with a verdict plateaued. */
    plateau: boolean | null;
  };
}

const emptyCounts = (): TerminalCounts => ({ OrderCompleted: 0, OrderFailed: 0, OrderCancelled: 0 });
const emptyObserved = () => ({ ...emptyCounts(), missing: 0 });

/** How an answer to the follow-up changes what the order should end as. */
function expectedAfterFollowUp(planned: TerminalEvent, action: FollowUp, status: number | undefined): TerminalEvent {
  // A cancel refused with 409 came after the shipment (or after the order ended): the order completes.
  if (action === 'cancel' && status === 409) return 'OrderCompleted';
  return planned;
}

async function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
  token: string,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

const errorText = (error: unknown) =>
  error instanceof Error
    ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
    : String(error);

/** Places one order and its follow-up; records everything on `outcome`. */
async function placeOne(
  options: LoadRunOptions,
  clock: RunClock,
  planned: PlannedOrder,
  outcome: OrderOutcome,
): Promise<void> {
  const timeoutMs = options.requestTimeoutS * 1000;
  outcome.sentAt = clock.now();
  try {
    const customer = await options.tokens.customer(planned.body.customerId);
    const { status, json } = await postJson(`${options.apiUrl}/orders`, planned.body, timeoutMs, customer);
    outcome.respondedAt = clock.now();
    outcome.httpStatus = status;
    const orderId = (json as { orderId?: unknown } | undefined)?.orderId;
    if ((status === 201 || status === 202) && typeof orderId === 'string') outcome.orderId = orderId;
  } catch (error) {
    outcome.respondedAt = clock.now();
    outcome.error = errorText(error);
    return;
  }
  const action = planned.scenario.followUp;
  if (!action || outcome.httpStatus !== 201 || !outcome.orderId) return;
  const followUp: NonNullable<OrderOutcome['followUp']> = { action };
  outcome.followUp = followUp;
  try {
    // The customer cancels their own order; approving is an operator's act.
    const body = action === 'cancel' ? { reason: 'load generator: cancel right after placing' } : {};
    const url = `${options.apiUrl}/orders/${outcome.orderId}/${action}`;
    const token =
      action === 'cancel' ? await options.tokens.customer(planned.body.customerId) : await options.tokens.operator();
    const res = await postJson(url, body, timeoutMs, token);
    followUp.httpStatus = res.status;
    outcome.expected = expectedAfterFollowUp(planned.scenario.expected, action, res.status);
  } catch (error) {
    followUp.error = errorText(error);
  }
}

/** Runs the load and returns the report (nothing is written; see report-files.ts). */
export async function runLoad(options: LoadRunOptions): Promise<LoadReport> {
  const plan = planOrders(mixEntries(options.mix), Math.round(options.rate * options.durationS));
  const machine = machineInfo();
  const clock = startClock();
  const watcher = await TerminalEventWatcher.start(options.natsUrl, () => clock.now());
  const outcomes: OrderOutcome[] = plan.map((p) => ({
    index: p.index,
    scenario: p.scenario.name,
    expected: p.scenario.expected,
    dueAt: 0,
  }));
  const sampler = options.soak?.sampler(clock);
  sampler?.start();
  let phase = 'sending';
  let sent = 0;
  const progress =
    options.progress === false
      ? undefined
      : new ProgressReporter(() => {
          const accepted = outcomes.filter((o) => o.httpStatus === 201).length;
          const failed = outcomes.filter(
            (o) => o.error !== undefined || (o.httpStatus !== undefined && o.httpStatus >= 300),
          ).length;
          const ended = outcomes.filter((o) => o.orderId !== undefined && watcher.get(o.orderId)).length;
          const rss = sampler?.samples.at(-1);
          return {
            phase,
            done: phase === 'sending' ? sent : ended,
            total: phase === 'sending' ? plan.length : outcomes.filter((o) => o.orderId).length,
            elapsedMs: clock.now(),
            facts: [
              `201: ${accepted}`,
              `ended: ${ended}`,
              ...(failed > 0 ? [`not 201: ${failed}`] : []),
              ...(rss
                ? [
                    `rss MiB ${Object.entries(rss.rssMiB)
                      .map(([n, v]) => `${n} ${v ?? '-'}`)
                      .join(', ')}`,
                  ]
                : []),
            ],
          };
        }, options.progress);

  let maxSendLagMs = 0;
  let sendingEndedAt = 0;
  try {
    const result = await runOpenLoop({
      rate: options.rate,
      count: plan.length,
      clock,
      ...(options.signal ? { signal: options.signal } : {}),
      fire: (index, dueAt) => {
        sent += 1;
        const outcome = outcomes[index] as OrderOutcome;
        outcome.dueAt = dueAt;
        return placeOne(options, clock, plan[index] as PlannedOrder, outcome);
      },
    });
    maxSendLagMs = result.maxSendLagMs;
    sendingEndedAt = clock.now();
    phase = 'draining';
    const tracked = outcomes.filter((o) => o.orderId !== undefined).map((o) => o.orderId as string);
    await watcher.waitForAll(tracked, options.drainTimeoutS * 1000);
  } finally {
    progress?.stop();
    sampler?.stop();
    await watcher.close();
  }
  for (const outcome of outcomes) {
    const seen = outcome.orderId === undefined ? undefined : watcher.get(outcome.orderId);
    if (seen) outcome.terminal = seen;
  }
  const report = buildReport(options, plan, outcomes, {
    machine,
    startedAt: clock.startedAt,
    maxSendLagMs,
    duplicates: watcher.duplicateCount,
  });
  if (options.soak && sampler) {
    const verdicts = sampler.verdicts(options.soak.warmupS, sendingEndedAt / 1000, options.soak.tolerancePct);
    const judged = verdicts.filter((v) => v.plateau !== null);
    report.kind = 'soak';
    report.soak = {
      processes: [...sampler.processes],
      sampleEveryS:
        sampler.samples.length > 1
          ? Math.round(((sampler.samples[1]?.t ?? 0) - (sampler.samples[0]?.t ?? 0)) * 10) / 10
          : 0,
      warmupS: options.soak.warmupS,
      tolerancePct: options.soak.tolerancePct,
      samples: sampler.samples,
      verdicts,
      plateau: judged.length === 0 ? null : judged.every((v) => v.plateau === true),
    };
  }
  return report;
}

/** Turns the per-order outcomes into the report; exported for tests. */
export function buildReport(
  options: LoadRunOptions,
  plan: readonly PlannedOrder[],
  outcomes: readonly OrderOutcome[],
  run: { machine: MachineInfo; startedAt: number; maxSendLagMs: number; duplicates: number },
): LoadReport {
  const sentOutcomes = outcomes.filter((o) => o.sentAt !== undefined);
  const refused: Record<string, number> = {};
  let accepted = 0;
  let pending = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  for (const o of sentOutcomes) {
    if (o.error !== undefined) {
      errors += 1;
      if (errorSamples.length < 5 && !errorSamples.includes(o.error)) errorSamples.push(o.error);
    } else if (o.httpStatus === 201) accepted += 1;
    else if (o.httpStatus === 202) pending += 1;
    else refused[String(o.httpStatus)] = (refused[String(o.httpStatus)] ?? 0) + 1;
  }
  const tracked = outcomes.filter((o) => o.orderId !== undefined);
  const expected = emptyCounts();
  const observed = emptyObserved();
  let matched = 0;
  const missingSamples: string[] = [];
  const byScenario: LoadReport['outcomes']['byScenario'] = {};
  for (const p of plan) {
    byScenario[p.scenario.name] ??= { planned: 0, tracked: 0, expected: emptyCounts(), observed: emptyObserved() };
    (byScenario[p.scenario.name] as { planned: number }).planned += 1;
  }
  for (const o of tracked) {
    const scenario = byScenario[o.scenario] as NonNullable<(typeof byScenario)[string]>;
    scenario.tracked += 1;
    expected[o.expected] += 1;
    scenario.expected[o.expected] += 1;
    const got = o.terminal?.event ?? 'missing';
    observed[got] += 1;
    scenario.observed[got] += 1;
    if (got === o.expected) matched += 1;
    if (got === 'missing' && missingSamples.length < 10) missingSamples.push(o.orderId as string);
  }

  const acceptLatencies = sentOutcomes
    .filter((o) => o.httpStatus === 201 && o.respondedAt !== undefined)
    .map((o) => (o.respondedAt as number) - o.dueAt);
  const ended = tracked.filter((o) => o.terminal !== undefined);
  const terminalLatency = (o: OrderOutcome) => (o.terminal as { at: number }).at - o.dueAt;
  const terminalByScenario: Record<string, LatencySummary> = {};
  for (const name of Object.keys(byScenario)) {
    terminalByScenario[name] = summarize(ended.filter((o) => o.scenario === name).map(terminalLatency));
  }
  // Reductions rather than Math.max(...spread): a long soak has more orders than a call may have arguments.
  const firstDue = sentOutcomes.reduce((min, o) => Math.min(min, o.dueAt), sentOutcomes[0]?.dueAt ?? 0);
  const lastAccept = sentOutcomes
    .filter((o) => o.httpStatus === 201)
    .reduce((max, o) => Math.max(max, o.respondedAt ?? 0), firstDue);
  const lastEnd = ended.reduce((max, o) => Math.max(max, (o.terminal as { at: number }).at), firstDue);

  const followUps: LoadReport['followUps'] = { cancel: { sent: 0, byStatus: {} }, approve: { sent: 0, byStatus: {} } };
  for (const o of outcomes) {
    if (!o.followUp) continue;
    const entry = followUps[o.followUp.action];
    entry.sent += 1;
    const key = o.followUp.httpStatus === undefined ? 'error' : String(o.followUp.httpStatus);
    entry.byStatus[key] = (entry.byStatus[key] ?? 0) + 1;
  }

  const span = Math.max(lastEnd, lastAccept, options.durationS * 1000);
  const width = bucketWidthMs(span);
  const minBuckets = Math.ceil(span / width);
  const sentBuckets = bucketize(sentOutcomes, (o) => o.dueAt, width, minBuckets);
  const acceptedBuckets = bucketize(
    sentOutcomes.filter((o) => o.httpStatus === 201),
    (o) => o.respondedAt,
    width,
    minBuckets,
  );
  const endedBuckets = bucketize(ended, (o) => o.terminal?.at, width, minBuckets);
  const points = sentBuckets.map((bucket, i) => {
    const acceptSummary = summarize(
      bucket.filter((o) => o.httpStatus === 201).map((o) => (o.respondedAt as number) - o.dueAt),
    );
    const terminalSummary = summarize(bucket.filter((o) => o.terminal).map(terminalLatency));
    return {
      t: (i * width) / 1000,
      sent: bucket.length,
      accepted: acceptedBuckets[i]?.length ?? 0,
      ended: endedBuckets[i]?.length ?? 0,
      acceptP50: acceptSummary.p50,
      acceptP99: acceptSummary.p99,
      terminalP50: terminalSummary.p50,
      terminalP99: terminalSummary.p99,
    };
  });
  // Buckets after the last send still collect 201s and terminal events.
  for (let i = points.length; i < Math.max(acceptedBuckets.length, endedBuckets.length); i++) {
    points.push({
      t: (i * width) / 1000,
      sent: 0,
      accepted: acceptedBuckets[i]?.length ?? 0,
      ended: endedBuckets[i]?.length ?? 0,
      acceptP50: null,
      acceptP99: null,
      terminalP50: null,
      terminalP99: null,
    });
  }

  const { durationS } = options;
  return {
    kind: 'loadgen',
    version: 1,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: new Date().toISOString(),
    machine: run.machine,
    options: loadSettings(options),
    requests: {
      planned: plan.length,
      sent: sentOutcomes.length,
      accepted,
      pending,
      refused,
      refusedTotal: Object.values(refused).reduce((a, b) => a + b, 0),
      errors,
      errorSamples,
      maxSendLagMs: run.maxSendLagMs,
    },
    throughput: {
      offeredPerS: ratePerSecond(plan.length, durationS * 1000),
      acceptedPerS: ratePerSecond(accepted, lastAccept - firstDue),
      terminalPerS: ratePerSecond(ended.length, lastEnd - firstDue),
    },
    latencyMs: {
      accept: summarize(acceptLatencies),
      terminal: summarize(ended.map(terminalLatency)),
      terminalByScenario,
    },
    outcomes: {
      expectedByMix: expectedOutcomes(plan),
      expected,
      observed,
      tracked: tracked.length,
      matched,
      mismatched: tracked.length - matched,
      missingSamples,
      duplicateTerminalEvents: run.duplicates,
      byScenario,
    },
    followUps,
    timeline: { bucketS: width / 1000, points },
  };
}
