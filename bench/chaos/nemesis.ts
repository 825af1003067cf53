// The nemesis: one fault after another against the running system, each recorded with when it began and ended.
import type { RoleName } from '../../src/workers/role.js';
import type { ChaosSystem } from './system.js';

export type FaultKind = 'kill-role' | 'kill-system' | 'nats-outage' | 'pause-worker' | 'temporal-restart';

/** One fault in the plan. */
export type FaultStep =
  | { kind: 'kill-role'; role: RoleName }
  | { kind: 'kill-system' }
  | { kind: 'nats-outage'; seconds: number }
  | { kind: 'pause-worker'; role: RoleName; seconds: number }
  | { kind: 'temporal-restart' };

/** A fault as it happened; times in milliseconds on the run's clock. */
export interface FaultRecord {
  kind: FaultKind;
  /** What it hit: a role, `nats-server`, `temporal`, `everything`. */
  target: string;
  startedAt: number;
  /** When the system was whole again (the restarted part ready, the paused one resumed). */
  endedAt: number;
  /** The part of it during which something was down or frozen, before the restart began. */
  downMs: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface NemesisOptions {
  system: ChaosSystem;
  plan: readonly FaultStep[];
  /** Seconds of calm before the first fault and between two. */
  gapSeconds: number;
  now: () => number;
  log: (line: string) => void;
}

/** What a step does to the system; resolves with how long the part was down before it was brought back. */
async function inflict(system: ChaosSystem, step: FaultStep): Promise<{ target: string; downMs: number }> {
  const started = Date.now();
  switch (step.kind) {
    case 'kill-role': {
      await system.killRole(step.role);
      await sleep(1_000);
      const downMs = Date.now() - started;
      await system.startRole(step.role);
      return { target: step.role, downMs };
    }
    case 'kill-system': {
      await system.killAll();
      await sleep(2_000);
      const downMs = Date.now() - started;
      await system.startAll();
      return { target: 'everything', downMs };
    }
    case 'nats-outage': {
      await system.stopNats();
      await sleep(step.seconds * 1_000);
      const downMs = Date.now() - started;
      await system.startNats();
      return { target: 'nats-server', downMs };
    }
    case 'pause-worker': {
      system.pauseRole(step.role);
      await sleep(step.seconds * 1_000);
      system.resumeRole(step.role);
      return { target: step.role, downMs: Date.now() - started };
    }
    case 'temporal-restart': {
      await system.restartTemporal();
      return { target: 'temporal', downMs: Date.now() - started };
    }
  }
}

/**
 * Runs the plan in turn. A fault that fails to be undone (a restart that does not come up) is recorded with its
 * error and the run goes on: the checker will see what it left behind.
 */
export async function runNemesis({ system, plan, gapSeconds, now, log }: NemesisOptions): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const step of plan) {
    await sleep(gapSeconds * 1_000);
    const startedAt = now();
    const name = step.kind === 'kill-role' || step.kind === 'pause-worker' ? `${step.kind} ${step.role}` : step.kind;
    log(`fault: ${name}`);
    try {
      const { target, downMs } = await inflict(system, step);
      records.push({ kind: step.kind, target, startedAt, endedAt: now(), downMs });
      log(`fault: ${name} over after ${((now() - startedAt) / 1000).toFixed(1)}s`);
    } catch (error) {
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      records.push({
        kind: step.kind,
        target: name,
        startedAt,
        endedAt: now(),
        downMs: now() - startedAt,
        error: message,
      });
      log(`fault: ${name} could not be undone: ${message}`);
    }
  }
  return records;
}
