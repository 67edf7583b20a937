/**
 * The global a traced worker sets in its workflow bundle (see `withWorkflowTracing`): the bundle's
 * interceptor module (`workflows/tracing.ts`) then installs the SDK's OpenTelemetry workflow interceptors.
 *
 * Pure module: the workflow bundle reads this name, the worker writes it.
 */
export const WORKFLOW_TRACING_GLOBAL = '__bureaucratWorkflowTracing';
