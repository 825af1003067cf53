// Runs a set of readiness probes at once and says, per dependency, whether it answered: the API's /readyz and every
// process's ops server report the same way.

/** One dependency to check: `check` resolves when it answers and rejects with a short reason when it does not. */
export interface Probe {
  name: string;
  check(): Promise<void>;
}

export interface ProbeResults {
  /** `up`, or `down: <reason>`, per probe name. */
  checks: Record<string, string>;
  /** The names of the probes that failed, in order. */
  down: string[];
}

/** Every probe at once, so one slow dependency costs its own timeout and no more. */
export async function runProbes(probes: readonly Probe[]): Promise<ProbeResults> {
  const results = await Promise.allSettled(probes.map((probe) => probe.check()));
  const checks: Record<string, string> = {};
  const down: string[] = [];
  results.forEach((result, i) => {
    const name = probes[i]?.name ?? `probe-${i}`;
    if (result.status === 'fulfilled') checks[name] = 'up';
    else {
      down.push(name);
      checks[name] = `down: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`;
    }
  });
  return { checks, down };
}

/** Rejects with "<what> did not answer within <ms> ms" when `promise` takes longer: a hung dependency cannot hang a probe. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
