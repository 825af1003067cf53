// The Temporal SDK's OpenTelemetry interceptors, wired the way every worker, the workflow bundle and the API's client use them.
import { createRequire } from 'node:module';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { ProcessTracing } from './tracing.js';

/**
 * The SDK's workflow interceptor module (a span per run, signal, update, query; the trace context put into every
 * activity it schedules). It is always in the bundle, traced or not, so the bundle (and with it the deployment
 * version's build id) does not depend on a setting; with tracing off its spans go to a sink that drops them. It adds
 * headers to the commands, never a command: the committed histories replay with it (test/workflows/replay.test.ts).
 */
export const workflowInterceptorModules: string[] = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** Activity attempts as spans under the workflow's, with `trace_id`/`span_id` in the SDK's activity log lines. */
export function activityTracingInterceptors(tracing: ProcessTracing): ActivityInterceptorsFactory[] {
  if (!tracing.enabled) return [];
  return [
    (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
  ];
}

/** The sink the bundle's workflow spans leave the sandbox through: exported with the process's spans, or dropped. */
export function workflowTracingSinks(tracing: ProcessTracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}

/** Starts, updates and signals from the API as client spans whose context the workflow continues. */
export function clientTracingInterceptors(tracing: ProcessTracing): WorkflowClientInterceptor[] {
  return tracing.enabled ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}
