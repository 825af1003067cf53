// Port: one dependency the API needs in order to serve, checked by GET /readyz.

/**
 * `check` resolves when the dependency answers and rejects (with a short reason) when it does not; it
 * must give up on its own within a couple of seconds, so a hung dependency cannot hang the probe.
 */
export interface ReadinessProbe {
  /** Named in the 503 answer, e.g. `temporal` or `nats`. */
  name: string;
  check(): Promise<void>;
}
