/**
 * The globals a worker sets in the workflow bundle it loads, to tell the bundle's code what this worker
 * asked for (see `src/worker/workflow-bundle.ts`).
 *
 * Pure module: the workflow bundle reads these names, the worker writes them.
 */

/**
 * Set by a traced worker (see `withWorkflowTracing`): the bundle's interceptor module
 * (`workflows/tracing.ts`) then installs the SDK's OpenTelemetry workflow interceptors.
 */
export const WORKFLOW_TRACING_GLOBAL = '__bureaucratWorkflowTracing';

/**
 * Set to `false` by a worker created with `summaries: false` (see `withoutSummaries`): its processes give
 * their actions and delays no Web UI summary, as `actionOptions.summaries: false` does for one launch.
 */
export const WORKER_SUMMARIES_GLOBAL = '__bureaucratSummaries';
