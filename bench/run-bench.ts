// The benchmark's phases on one Temporal server and one nats-server: the baseline's ramp and fixed rate, the saga at the same rate, the accept paths.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { runClosedLoop, runOpenLoop, startClock, type RunClock } from './loadgen/drivers.js';
import { scenarios } from './loadgen/mix.js';
import { cpuSecondsOf, machineInfo, residentMiB, type MachineInfo, type NamedProcess } from './loadgen/processes.js';
import { ProgressReporter, type ProgressOptions } from './loadgen/progress.js';
import { ratePerSecond, summarize, type LatencySummary } from './loadgen/stats.js';
import type { RunningSystem } from './loadgen/system.js';
import { orderWorkflowId, type PlaceOrderInput } from '../src/shared/order.js';
import type { OrderState } from '../src/shared/order-state.js';
import { TaskQueues } from '../src/shared/task-queues.js';
import { workerTuning } from '../src/workers/roles/temporal-worker.js';
import { openDataConverter } from '../src/codec/data-converter.js';
import { confirmPlacementUpdate } from '../src/workflows/definitions.js';
import type { OrderSagaInput } from '../src/workflows/order-saga-input.js';
import type { orderSaga } from '../src/workflows/order-saga.js';
import { activitiesFor, baselineQueueOf, type BaselineQueues } from './baseline-activities.js';
import type { benchBaseline } from './baseline-workflow.js';
import type { BenchOptions } from './flags.js';
import { quietBundlerLogger } from '../src/workers/roles/orders.js';

export interface PhaseResult {
  name: string;
  what: string;
  mode: 'closed-loop' | 'open-loop';
  concurrency: number | null;
  /** Offered rate of an open-loop phase, per second. */
  rate: number | null;
  count: number;
  completed: number;
  failed: number;
  failureSamples: string[];
  wallS: number;
  /** Completed per second, from the first start to the last completion. */
  throughputPerS: number;
  /** Per operation: from its (scheduled) start to its end (completion, or the 201 / start answer for accept phases). */
  latencyMs: LatencySummary;
  /** CPU seconds each process used during the phase, and per completed operation in ms. */
  cpuS: Record<string, number | null>;
  cpuMsPerOp: Record<string, number | null>;
}

export interface Comparison {
  name: string;
  value: number | null;
  against: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
}

export interface MemorySnapshot {
  rssMiB: Record<string, number | null>;
  /** V8 heap of this process (the roles and the bench client), MiB. */
  heapUsedMiB: number;
}

export interface BenchReport {
  kind: 'bench';
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  options: BenchOptions;
  system: {
    temporalAddress: string;
    natsUrl: string;
    namespace: string;
    processes: NamedProcess[];
    /** The WORKER_* settings in force (empty: the SDK's defaults), applied to the baseline's workers and the roles alike. */
    workerTuning: Record<string, unknown>;
  };
  baseline: { ramp: PhaseResult[]; maxRatePerS: number; atRate: PhaseResult };
  saga: PhaseResult;
  accept: { api: PhaseResult; directStart: PhaseResult; directUpdateWithStart: PhaseResult };
  comparisons: Comparison[];
  memory: { start: MemorySnapshot; end: MemorySnapshot };
}

export interface BenchContext {
  system: RunningSystem;
  client: Client;
  options: BenchOptions;
  progress?: ProgressOptions | false;
  /** One line per phase and decision, on stderr by default. */
  log?: (line: string) => void;
}

const baselineWorkflowsPath = fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url));
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function memory(processes: readonly NamedProcess[]): MemorySnapshot {
  return { rssMiB: residentMiB(processes), heapUsedMiB: mib(process.memoryUsage().heapUsed) };
}

/** The four baseline workers, in this process like the roles, with the same WORKER_* tuning. */
async function startBaselineWorkers(system: RunningSystem, queues: BaselineQueues) {
  const connection = await NativeConnection.connect({ address: system.temporalAddress });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: baselineWorkflowsPath, logger: quietBundlerLogger });
  const tuning = workerTuning(system.config);
  // Encrypted like the product's payloads, so the comparison measures the saga, not the codec.
  const dataConverter = await openDataConverter(system.config);
  const workers = await Promise.all(
    (Object.keys(baselineQueueOf) as (keyof typeof baselineQueueOf)[]).map((queue) =>
      Worker.create({
        connection,
        namespace: system.namespace,
        taskQueue: queues[queue],
        ...tuning,
        dataConverter,
        activities: activitiesFor(queue),
        ...(queue === 'orders' ? { workflowBundle } : {}),
      }),
    ),
  );
  const runs = workers.map((w) => w.run());
  return {
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(runs);
      await connection.close();
    },
  };
}

/** Measures one phase: runs the operations, then turns their latencies and the processes' CPU into a PhaseResult. */
async function measure(
  ctx: BenchContext,
  spec: { name: string; what: string; mode: PhaseResult['mode']; concurrency?: number; rate?: number; count: number },
  drive: (record: (start: number, op: () => Promise<void>) => Promise<void>, clock: RunClock) => Promise<void>,
): Promise<PhaseResult> {
  const clock = startClock();
  const latencies: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = 0;
  const cpuBefore = cpuSecondsOf(ctx.system.processes);
  const record = async (start: number, op: () => Promise<void>) => {
    firstStart = Math.min(firstStart, start);
    try {
      await op();
      const end = clock.now();
      latencies.push(end - start);
      lastEnd = Math.max(lastEnd, end);
    } catch (error) {
      failed += 1;
      if (failures.length < 5) failures.push(errorText(error));
    }
  };
  const progress =
    ctx.progress === false
      ? undefined
      : new ProgressReporter(
          () => ({
            phase: spec.name,
            done: latencies.length + failed,
            total: spec.count,
            elapsedMs: clock.now(),
            facts: [`done ${latencies.length}`, ...(failed > 0 ? [`failed ${failed}`] : [])],
          }),
          { label: 'bench', ...ctx.progress },
        );
  try {
    await drive(record, clock);
  } finally {
    progress?.stop();
  }
  const cpuAfter = cpuSecondsOf(ctx.system.processes);
  const cpuS: Record<string, number | null> = {};
  const cpuMsPerOp: Record<string, number | null> = {};
  for (const { name } of ctx.system.processes) {
    const before = cpuBefore[name];
    const after = cpuAfter[name];
    const used =
      before === null || before === undefined || after === null || after === undefined ? null : after - before;
    cpuS[name] = used === null ? null : Math.round(used * 100) / 100;
    cpuMsPerOp[name] =
      used === null || latencies.length === 0 ? null : Math.round((used * 1000 * 100) / latencies.length) / 100;
  }
  const wallMs = latencies.length > 0 ? lastEnd - firstStart : 0;
  const result: PhaseResult = {
    name: spec.name,
    what: spec.what,
    mode: spec.mode,
    concurrency: spec.concurrency ?? null,
    rate: spec.rate ?? null,
    count: spec.count,
    completed: latencies.length,
    failed,
    failureSamples: failures,
    wallS: Math.round(wallMs) / 1000,
    throughputPerS: ratePerSecond(latencies.length, wallMs),
    latencyMs: summarize(latencies),
    cpuS,
    cpuMsPerOp,
  };
  ctx.log?.(
    `${spec.name}: ${result.completed}/${result.count} in ${result.wallS}s = ${result.throughputPerS}/s, ` +
      `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms${failed > 0 ? `, ${failed} failed (${failures[0]})` : ''}`,
  );
  return result;
}

function closedLoop(concurrency: number, count: number, op: (index: number) => Promise<void>) {
  return (record: (start: number, op: () => Promise<void>) => Promise<void>, clock: RunClock) =>
    runClosedLoop({ concurrency, count, fire: (index) => record(clock.now(), () => op(index)) });
}

function openLoop(rate: number, count: number, op: (index: number) => Promise<void>) {
  return async (record: (start: number, op: () => Promise<void>) => Promise<void>, clock: RunClock) => {
    await runOpenLoop({ rate, count, clock, fire: (index, dueAt) => record(dueAt, () => op(index)) });
  };
}

/** POST /orders as the body's customer, with a token from the system's local issuer. */
async function postOrder(system: RunningSystem, body: { customerId: string }): Promise<string> {
  const token = await system.tokens.customer(body.customerId);
  const res = await fetch(`${system.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const json = (await res.json()) as { orderId?: string; error?: { code: string; message: string } };
  if (res.status !== 201 || typeof json.orderId !== 'string') {
    throw new Error(
      `POST /orders answered ${res.status}${json.error ? ` ${json.error.code}: ${json.error.message}` : ''}`,
    );
  }
  return json.orderId;
}

/** Waits (unmeasured) for workflows an accept phase started, so their work does not spill into the next phase. */
async function drain(ctx: BenchContext, workflowIds: readonly string[]): Promise<void> {
  const all = Promise.allSettled(workflowIds.map((id) => ctx.client.workflow.getHandle(id).result()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ctx.options.drainTimeoutS * 1000);
  });
  const outcome = await Promise.race([all, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') ctx.log?.(`drain: workflows still running after ${ctx.options.drainTimeoutS}s; going on`);
}

/** value / against, judged by `ok`; without `ok` the ratio is for information and has no verdict. */
function compare(
  name: string,
  value: number | null,
  against: number | null,
  target: string,
  ok?: (ratio: number) => boolean,
): Comparison {
  const ratio =
    value === null || against === null || against === 0 ? null : Math.round((value / against) * 1000) / 1000;
  return { name, value, against, ratio, target, met: ratio === null || !ok ? null : ok(ratio) };
}

/** Runs every phase in order and returns the report; the system and client stay up (the caller stops them). */
export async function runBench(ctx: BenchContext): Promise<BenchReport> {
  const { system, client, options } = ctx;
  const startedAt = new Date();
  const machine = machineInfo();
  const memoryStart = memory(system.processes);
  const runId = randomUUID().slice(0, 8);
  const queues: BaselineQueues = {
    orders: `bench-${runId}-orders`,
    payments: `bench-${runId}-payments`,
    inventory: `bench-${runId}-inventory`,
    shipping: `bench-${runId}-shipping`,
  };
  const settings = {
    approvalThreshold: system.config.APPROVAL_THRESHOLD,
    approvalTimeout: system.config.APPROVAL_TIMEOUT,
  };
  let orderNumber = 0;
  const happyBody = () => scenarios.success.body(orderNumber++);
  const happyOrder = (): PlaceOrderInput => ({ orderId: randomUUID(), ...happyBody() });

  const baselineOnce = async () => {
    const handle = await client.workflow.start<typeof benchBaseline>('benchBaseline', {
      taskQueue: queues.orders,
      workflowId: `bench-${runId}-${randomUUID()}`,
      args: [queues],
    });
    await handle.result();
  };
  const sagaOnce = async () => {
    const orderId = await postOrder(system, happyBody());
    const state = (await client.workflow.getHandle(orderWorkflowId(orderId)).result()) as OrderState;
    if (state.status !== 'COMPLETED') throw new Error(`order ${orderId} ended ${state.status}`);
  };

  const workers = await startBaselineWorkers(system, queues);
  try {
    // Warm-up, unmeasured: the first workflows pay for workflow bundles being loaded, JIT and connection set-up.
    const warm = Math.min(20, options.rampCount);
    ctx.log?.(`warm-up: ${warm} baseline workflows and ${warm} orders`);
    await runClosedLoop({ concurrency: 4, count: warm, fire: () => baselineOnce() });
    await runClosedLoop({ concurrency: 4, count: warm, fire: () => sagaOnce() });

    const ramp: PhaseResult[] = [];
    for (const concurrency of options.ramp) {
      const step = await measure(
        ctx,
        {
          name: `baseline ramp c=${concurrency}`,
          what: 'no-op baseline, start to completion',
          mode: 'closed-loop',
          concurrency,
          count: options.rampCount,
        },
        closedLoop(concurrency, options.rampCount, () => baselineOnce()),
      );
      const best = Math.max(0, ...ramp.map((r) => r.throughputPerS));
      ramp.push(step);
      if (ramp.length >= 2 && step.throughputPerS < best * 1.1) break;
    }
    const maxRatePerS = Math.max(...ramp.map((r) => r.throughputPerS));
    const rate = options.rate ?? Math.max(0.1, Math.round((maxRatePerS / 2) * 10) / 10);
    const count = Math.max(1, Math.round(rate * options.durationS));
    ctx.log?.(
      `baseline maximum ${maxRatePerS}/s; open-loop phases at ${rate}/s for ${options.durationS}s (${count} each)`,
    );

    const atRate = await measure(
      ctx,
      {
        name: 'baseline at rate',
        what: 'no-op baseline, started with client.workflow.start, start to completion',
        mode: 'open-loop',
        rate,
        count,
      },
      openLoop(rate, count, () => baselineOnce()),
    );
    const saga = await measure(
      ctx,
      {
        name: 'saga at rate',
        what: 'POST /orders (happy) to workflow completion, whole system',
        mode: 'open-loop',
        rate,
        count,
      },
      openLoop(rate, count, () => sagaOnce()),
    );

    const acceptSpec = (name: string, what: string) => ({
      name,
      what,
      mode: 'closed-loop' as const,
      concurrency: options.acceptConcurrency,
      count: options.acceptCount,
    });
    const started: string[] = [];
    const directStart = await measure(
      ctx,
      acceptSpec('accept: client.workflow.start', 'orderSaga started directly; until the start call answers'),
      closedLoop(options.acceptConcurrency, options.acceptCount, async () => {
        const order = happyOrder();
        const input: OrderSagaInput = { order, settings };
        const handle = await client.workflow.start<typeof orderSaga>('orderSaga', {
          taskQueue: TaskQueues.orders,
          workflowId: orderWorkflowId(order.orderId),
          args: [input],
        });
        started.push(handle.workflowId);
      }),
    );
    await drain(ctx, started.splice(0));
    const directUpdateWithStart = await measure(
      ctx,
      acceptSpec('accept: update-with-start', 'the API’s own Temporal call (start + confirmPlacement), without HTTP'),
      closedLoop(options.acceptConcurrency, options.acceptCount, async () => {
        const order = happyOrder();
        const workflowId = orderWorkflowId(order.orderId);
        const input: OrderSagaInput = { order, settings };
        const startWorkflowOperation = new WithStartWorkflowOperation<typeof orderSaga>('orderSaga', {
          workflowId,
          taskQueue: TaskQueues.orders,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        started.push(workflowId);
        await client.workflow.executeUpdateWithStart(confirmPlacementUpdate, { startWorkflowOperation });
      }),
    );
    await drain(ctx, started.splice(0));
    const api = await measure(
      ctx,
      acceptSpec('accept: POST /orders', 'POST /orders until its 201'),
      closedLoop(options.acceptConcurrency, options.acceptCount, async () => {
        started.push(orderWorkflowId(await postOrder(system, happyBody())));
      }),
    );
    await drain(ctx, started.splice(0));

    const comparisons = [
      compare(
        'saga throughput / baseline throughput (same rate)',
        saga.throughputPerS,
        atRate.throughputPerS,
        '>= 0.8',
        (r) => r >= 0.8,
      ),
      compare(
        'saga p99 / baseline p99 (same rate)',
        saga.latencyMs.p99,
        atRate.latencyMs.p99,
        '<= 1.3',
        (r) => r <= 1.3,
      ),
      compare(
        'POST /orders throughput / client.workflow.start throughput',
        api.throughputPerS,
        directStart.throughputPerS,
        '>= 0.9',
        (r) => r >= 0.9,
      ),
      compare(
        'POST /orders throughput / update-with-start throughput',
        api.throughputPerS,
        directUpdateWithStart.throughputPerS,
        'information',
      ),
      compare('saga throughput / baseline maximum', saga.throughputPerS, maxRatePerS, 'information'),
    ];
    return {
      kind: 'bench',
      version: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine,
      options,
      system: {
        temporalAddress: system.temporalAddress,
        natsUrl: system.natsUrl,
        namespace: system.namespace,
        processes: system.processes,
        workerTuning: Object.fromEntries(
          Object.entries(workerTuning(system.config)).filter(([k]) => k !== 'shutdownGraceTime'),
        ),
      },
      baseline: { ramp, maxRatePerS, atRate },
      saga,
      accept: { api, directStart, directUpdateWithStart },
      comparisons,
      memory: { start: memoryStart, end: memory(system.processes) },
    };
  } finally {
    await workers.stop();
  }
}
