// A gauge read from its sources at each scrape (a table, JetStream consumer info), for values nobody pushes.
import { Gauge } from 'prom-client';

/** Sets the gauge's value for one label set. */
export type Sample = (labels: Record<string, string>, value: number) => void;

/** Reads the current value(s); one that throws is left out of this scrape, so one down dependency hides no other. */
export type Sampler = (sample: Sample) => Promise<void>;

export interface SampledGauge {
  readonly gauge: Gauge;
  /** Adds a source for the process's life or until the returned function is called (a role that stops). */
  add(sampler: Sampler): () => void;
}

/**
 * Several roles of one process (the main command) add their own sources to one gauge, so each series is
 * registered once per process and labelled by who it belongs to.
 */
export function sampledGauge(options: { name: string; help: string; labelNames: string[] }): SampledGauge {
  const samplers = new Set<Sampler>();
  const gauge: Gauge = new Gauge({
    ...options,
    async collect() {
      gauge.reset();
      await Promise.all(
        [...samplers].map((sampler) => sampler((labels, value) => gauge.set(labels, value)).catch(() => undefined)),
      );
    },
  });
  return {
    gauge,
    add(sampler) {
      samplers.add(sampler);
      return () => samplers.delete(sampler);
    },
  };
}
