/**
 * The workflow interceptor module of the bundle (`WorkerOptions.interceptors.workflowModules`, built in):
 * when the worker traces (it sets `WORKFLOW_TRACING_GLOBAL` in the bundle it loads; see `src/tracing.ts`),
 * each workflow gets the SDK's OpenTelemetry interceptors, which continue the trace the client started and
 * export the workflow's spans through the worker's `exporter` sink. Otherwise there is nothing: the
 * OpenTelemetry modules are not even evaluated (they are required here, lazily, and the bundler includes
 * them as modules that run only when required).
 *
 * The flag is the same for every workflow of a worker, so the choice is deterministic for each worker; the
 * interceptors themselves create no command (spans leave through a sink, which the worker drops on replay).
 */
import type { WorkflowInterceptors } from '@temporalio/workflow';
import { WORKFLOW_TRACING_GLOBAL } from '../src/bundle-flags';

type OtelWorkflowInterceptors =
  typeof import('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The interceptors of one workflow: the SDK's OpenTelemetry ones when the worker traces, else none. */
export function interceptors(): WorkflowInterceptors {
  if ((globalThis as Record<string, unknown>)[WORKFLOW_TRACING_GLOBAL] !== true) return {};
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const otel =
    require('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors') as OtelWorkflowInterceptors;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return otel.interceptors();
}
