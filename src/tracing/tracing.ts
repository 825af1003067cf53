// Turns OpenTelemetry tracing on for a process: one tracer provider exporting over OTLP/HTTP, W3C propagation, async context.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from '../logger.js';

/** What the Temporal workers need besides the global tracer: the processor and resource for the workflow spans' sink. */
export interface ProcessTracing {
  readonly enabled: boolean;
  /** What the trace viewer lists this process's spans under (an order's trace link searches it). */
  readonly serviceName: string;
  readonly resource: Resource;
  readonly spanProcessor: SpanProcessor;
  /** Flushes the spans still buffered and stops exporting; call last, after every role has stopped. */
  shutdown(): Promise<void>;
}

/** Tracing when no endpoint is configured: nothing registered, so every OpenTelemetry API call is the API's no-op. */
export const tracingOff: ProcessTracing = {
  enabled: false,
  serviceName: '',
  resource: Resource.empty(),
  spanProcessor: new NoopSpanProcessor(),
  shutdown: () => Promise.resolve(),
};

let installed: ProcessTracing | undefined;

/** The process's tracing, for the workers' interceptors and sinks: what `startTracing` installed, else off. */
export function processTracing(): ProcessTracing {
  return installed ?? tracingOff;
}

/**
 * Installs the global tracer provider once per process (the main command and `--role a,b` run several roles in one
 * process; a second call returns the first's). Without an endpoint nothing is installed: the API stays the no-op,
 * so tracing that is off costs nothing but a function call where a span would be. `serviceName` is what Jaeger
 * lists the process under.
 */
export function startTracing(options: {
  endpoint: string | undefined;
  serviceName: string;
  logger: Logger;
}): ProcessTracing {
  if (installed) return installed;
  if (options.endpoint === undefined) return tracingOff;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: options.serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  options.logger.info({ endpoint: options.endpoint, service: options.serviceName }, 'tracing to OTLP endpoint');
  installed = {
    enabled: true,
    serviceName: options.serviceName,
    resource,
    spanProcessor,
    shutdown: async () => {
      await provider.shutdown().catch((error: unknown) => options.logger.warn({ err: error }, 'could not flush spans'));
    },
  };
  return installed;
}
