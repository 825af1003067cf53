// One chaos run on one engine: bring the system up, send orders while the nemesis works through its plan, let it settle, check every invariant.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { openDataConverter } from '../../src/codec/data-converter.js';
import { loadConfig } from '../../src/config/env.js';
import type { Config } from '../../src/config/env.js';
import { pendingEvents } from '../../src/events/outbox/status.js';
import { connectToNats } from '../../src/events/nats/connection.js';
import { ORDERS_STREAM } from '../../src/events/nats/topology.js';
import { roleNames } from '../../src/workers/role.js';
import type { RoleName } from '../../src/workers/role.js';
import { machineInfo } from '../loadgen/processes.js';
import { localApiTokens } from '../loadgen/tokens.js';
import type { MachineInfo } from '../loadgen/processes.js';
import { ChaosClient } from './client.js';
import type { ClientOrder } from './client.js';
import { collectFacts } from './facts.js';
import { checkInvariants, outcomesByKind } from './invariants.js';
import type { InvariantResult } from './invariants.js';
import { runNemesis } from './nemesis.js';
import type { FaultRecord, FaultStep } from './nemesis.js';
import type { StepRecord } from '../../src/shared/order-state.js';
import { ChaosSystem } from './system.js';
import type { Engine, SystemNote } from './system.js';

/** How hard and how long: the short run is part of `npm test`, the long one uses the real deadlines. */
export interface ChaosProfile {
  name: 'short' | 'long';
  /** Orders per second. */
  rate: number;
  /** STEP_DEADLINE and STEP_ATTEMPT_TIMEOUT for the run's orders; unset, the workflow's own (5 min at most). */
  stepDeadline?: string;
  attemptTimeout?: string;
  /** The longest forward-step deadline in force, in seconds: the outage and the pause must outlast it. */
  longestDeadlineS: number;
  natsOutageS: number;
  pauseS: number;
  /** Roles killed one at a time (the whole-system kill takes every role down besides). */
  killRoles: readonly RoleName[];
  pauseRoles: readonly RoleName[];
  gapS: number;
  /** How long the orders may take to end once the faults are over and sending has stopped. */
  quietTimeoutS: number;
  /** Event delivery tuning for the run's subscribers (the short run's must retry within its minutes). */
  eventEnv: Record<string, string>;
}

export const profiles: Record<'short' | 'long', ChaosProfile> = {
  short: {
    name: 'short',
    rate: 1,
    stepDeadline: '20s',
    attemptTimeout: '10s',
    longestDeadlineS: 20,
    natsOutageS: 30,
    pauseS: 25,
    killRoles: ['payments'],
    pauseRoles: ['payments'],
    gapS: 3,
    quietTimeoutS: 180,
    eventEnv: { EVENTS_RETRY_BACKOFF: '200ms,1s,2s,5s', EVENTS_MAX_DELIVER: '20', EVENTS_ACK_WAIT: '10s' },
  },
  long: {
    name: 'long',
    rate: 1,
    longestDeadlineS: 300,
    natsOutageS: 600,
    pauseS: 330,
    killRoles: roleNames,
    pauseRoles: ['payments', 'inventory', 'shipping'],
    gapS: 15,
    quietTimeoutS: 1_200,
    eventEnv: {},
  },
};

/** The faults in turn: each role killed, the bus away past every deadline, each worker frozen past its timeouts, Temporal restarted, everything killed. */
export function faultPlan(profile: ChaosProfile): FaultStep[] {
  return [
    ...profile.killRoles.map((role): FaultStep => ({ kind: 'kill-role', role })),
    { kind: 'nats-outage', seconds: profile.natsOutageS },
    ...profile.pauseRoles.map((role): FaultStep => ({ kind: 'pause-worker', role, seconds: profile.pauseS })),
    { kind: 'temporal-restart' },
    { kind: 'kill-system' },
  ];
}

export interface ChaosRunOptions {
  engine: Engine;
  profile: ChaosProfile;
  /** A database of the run's own, for the postgres engine. */
  databaseUrl?: string;
  /** The run's folder; unset, a temporary one removed afterwards unless the run found violations or `keep`. */
  dir?: string;
  keep?: boolean;
  log: (line: string) => void;
}

export interface ChaosReport {
  kind: 'chaos';
  engine: Engine;
  profile: ChaosProfile;
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  /** Where the run's data and every process's log are (kept when the run found violations). */
  dir: string;
  kept: boolean;
  phasesS: { start: number; faults: number; settle: number; check: number };
  client: { sent: number; answered: number; accepted: number; lostAnswers: number; placed202: number };
  faults: FaultRecord[];
  notes: SystemNote[];
  stream: { events: number; deadLetters: number };
  invariants: InvariantResult[];
  violations: number;
  outcomes: Record<string, Record<string, number>>;
  orders: {
    i: number;
    orderId: string;
    kind: string;
    status?: number;
    /** The step that failed, with its window on the run's clock: which fault it met. */
    failedStep?: { name: string; code: string; from: number; to?: number };
    sentAt: number;
    answeredAt?: number;
    closedAt?: number;
    ended?: string;
    attempts: number;
  }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Waits until every durable consumer of the stream has nothing pending or unacknowledged, up to `timeoutMs`. */
async function consumersDrained(nc: NatsConnection, timeoutMs: number): Promise<boolean> {
  const jsm = await jetstreamManager(nc);
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(1_000)) {
    const consumers = await jsm.consumers.list(ORDERS_STREAM).next();
    const busy = consumers.filter(
      (c) => c.config.durable_name !== undefined && (c.num_pending > 0 || c.num_ack_pending > 0),
    );
    if (busy.length === 0) return true;
  }
  return false;
}

/** Polls the four producers' outboxes until none has an event waiting, up to `timeoutMs`; the events still waiting. */
async function outboxesDrained(config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>, timeoutMs: number): Promise<number> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(1_000)) {
    if ((await pendingEvents(config)) === 0) return 0;
  }
  return pendingEvents(config);
}

/** Polls until every accepted order's workflow has closed or waits for nobody (parked orders never will), up to `timeoutMs`. */
async function ordersEnded(
  client: Client,
  orders: readonly ClientOrder[],
  timeoutMs: number,
  log: (l: string) => void,
) {
  let open = orders.map((o) => o.orderId);
  for (const until = Date.now() + timeoutMs; open.length > 0 && Date.now() < until;) {
    const still: string[] = [];
    for (const orderId of open) {
      const status = await client.workflow
        .getHandle(`order-${orderId}`)
        .describe()
        .then(
          (d) => d.status.name,
          () => 'MISSING',
        );
      if (status === 'RUNNING') still.push(orderId);
    }
    if (still.length > 0 && still.length !== open.length) log(`waiting for ${still.length} orders to end`);
    open = still;
    if (open.length > 0) await sleep(2_000);
  }
  return open.length;
}

function failedStepOf(
  steps: readonly StepRecord[] | undefined,
  runStartedAt: number,
): { failedStep?: NonNullable<ChaosReport['orders'][number]['failedStep']> } {
  const step = steps?.find((s) => s.outcome === 'failed');
  if (step === undefined) return {};
  return {
    failedStep: {
      name: step.name,
      code: step.failure?.code ?? '?',
      from: Date.parse(step.startedAt) - runStartedAt,
      ...(step.finishedAt === undefined ? {} : { to: Date.parse(step.finishedAt) - runStartedAt }),
    },
  };
}

/** The whole run; the report says what happened and what broke. Everything it started is stopped. */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosReport> {
  const { engine, profile, log } = options;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), `order-saga-chaos-${engine}-`)));
  const started = Date.now();
  const now = () => Date.now() - started;
  const startedAt = new Date(started).toISOString();
  const env: Record<string, string> = {
    ...profile.eventEnv,
    ...(profile.stepDeadline ? { STEP_DEADLINE: profile.stepDeadline } : {}),
    ...(profile.attemptTimeout ? { STEP_ATTEMPT_TIMEOUT: profile.attemptTimeout } : {}),
  };
  log(`starting the system (${engine}, each role in its own process) in ${dir}`);
  const system = await ChaosSystem.start({
    dir,
    engine,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    env,
    log,
    restockUnits: 1_000_000,
  });
  // Signed with the keys the api role made in the system's data folder, as `npm run token` would.
  const tokens = localApiTokens({ ...loadConfig(), ...system.storeConfig });
  let client: ChaosClient | undefined;
  let nc: NatsConnection | undefined;
  let connection: Connection | undefined;
  try {
    const startS = seconds(now());
    const runId = `chaos-${started.toString(36)}`;
    client = new ChaosClient({ apiUrl: system.apiUrl, tokens, runId, rate: profile.rate, now, log });
    const progress = setInterval(() => {
      const c = client?.counts;
      if (c) log(`orders sent ${c.sent}, answered ${c.answered}, answers lost and re-sent ${c.lostAnswers}`);
    }, 10_000);
    progress.unref();
    client.start();
    const faultsFrom = now();
    let faults: FaultRecord[];
    try {
      faults = await runNemesis({ system, plan: faultPlan(profile), gapSeconds: profile.gapS, now, log });
      // A last stretch of calm: orders placed after the last fault see a whole system.
      await sleep(profile.gapS * 1_000);
      await client.stopSending();
    } finally {
      clearInterval(progress);
    }
    const faultsS = seconds(now() - faultsFrom);

    const settleFrom = now();
    log(`faults over; waiting up to ${profile.quietTimeoutS}s for every request to be answered and every order to end`);
    const deadline = Date.now() + profile.quietTimeoutS * 1_000;
    await client.settle(profile.quietTimeoutS * 1_000);
    client.giveUp();
    connection = await Connection.connect({ address: system.temporalAddress });
    // The system's processes share its data folder, and with it the payload keys there.
    const temporal = new Client({
      connection,
      dataConverter: await openDataConverter({ ...loadConfig(), ...system.storeConfig }),
    });
    const open = await ordersEnded(temporal, client.orders, Math.max(5_000, deadline - Date.now()), log);
    if (open > 0) log(`${open} orders still open after the wait`);
    // A relay killed mid-round holds its claim (and on SQLite the file's lease) for OUTBOX's claim time: its events
    // wait that long before a new relay publishes them, so wait for every outbox to drain before judging.
    const stuck = await outboxesDrained(system.storeConfig, 120_000);
    if (stuck > 0) log(`${stuck} events still in the outboxes after 120s`);
    nc = await connectToNats(system.natsUrl, 'order-saga:chaos-checker');
    if (!(await consumersDrained(nc, 60_000))) log('the subscribers did not catch up within 60s');
    const settleS = seconds(now() - settleFrom);

    const checkFrom = now();
    log('checking the invariants');
    const facts = await collectFacts(
      {
        client: temporal,
        nc,
        apiUrl: system.apiUrl,
        operatorToken: await tokens.operator(),
        storeConfig: system.storeConfig,
        runStartedAt: started,
      },
      client.orders,
    );
    const invariants = checkInvariants(facts, faults, started);
    const violations = invariants.reduce((n, i) => n + i.violations, 0);
    const checkS = seconds(now() - checkFrom);
    const counts = client.counts;
    const kept = violations > 0 || options.keep === true || options.dir !== undefined;
    return {
      kind: 'chaos',
      engine,
      profile,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineInfo(),
      dir,
      kept,
      phasesS: { start: startS, faults: faultsS, settle: settleS, check: checkS },
      client: { ...counts, placed202: client.orders.filter((o) => o.status === 202).length },
      faults,
      notes: system.notes,
      stream: { events: facts.stream.events.length, deadLetters: facts.stream.deadLetters },
      invariants,
      violations,
      outcomes: outcomesByKind(facts),
      orders: client.orders.map((o) => {
        const fact = facts.workflows.get(o.orderId);
        return {
          i: o.i,
          orderId: o.orderId,
          kind: o.kind,
          ...(o.status === undefined ? {} : { status: o.status }),
          ...failedStepOf(fact?.state?.steps, started),
          sentAt: o.sentAt,
          ...(o.answeredAt === undefined ? {} : { answeredAt: o.answeredAt }),
          ...(fact?.closedAt === undefined ? {} : { closedAt: fact.closedAt }),
          ...(fact?.state?.status === undefined ? {} : { ended: fact.state.status }),
          attempts: o.attempts,
        };
      }),
    };
  } finally {
    client?.giveUp();
    await nc?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    log('stopping the system');
    await system.stop();
  }
}

/** Removes a run's folder unless the report says to keep it. */
export async function cleanUp(report: ChaosReport): Promise<void> {
  if (!report.kept) await rm(report.dir, { recursive: true, force: true });
}
