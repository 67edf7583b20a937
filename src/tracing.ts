/**
 * OpenTelemetry traces, through the Temporal SDK's `@temporalio/interceptors-opentelemetry`: one trace per
 * process. The client that launches it starts the trace (`StartWorkflow:interpreter`), the interpreter
 * workflow's run is its child (`RunWorkflow:interpreter`, exported from the workflow sandbox through a sink),
 * and each action is a child of that (`StartActivity:<participant>` → `RunActivity:<participant>`), with the
 * participant, the process id and the action's activity id as attributes.
 *
 * Off unless configured: `tracing: { otlpUrl }` (the CLI's `--otlp URL`), or one of the standard
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME` variables. Without
 * them no interceptor is installed and the OpenTelemetry packages are not even loaded. Spans go over
 * OTLP/HTTP (JSON) in batches.
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import { workitemOf, type Workitem } from './protocol';

/** How to export traces (see the module's comment). */
export interface TracingOptions {
  /**
   * The OTLP/HTTP endpoint: a collector's base URL (`http://localhost:4318`, to which `/v1/traces` is
   * added) or the full URL of its traces path (any URL with a path is used as is).
   */
  readonly otlpUrl?: string;
  /** The `service.name` of the spans (default `$OTEL_SERVICE_NAME`, else `bureaucrat`). */
  readonly serviceName?: string;
}

/** Tracing settings once resolved: where spans go and under which service name. */
export interface ResolvedTracing {
  /** The URL spans are POSTed to (`…/v1/traces`). */
  readonly url: string;
  /** The spans' `service.name`. */
  readonly serviceName: string;
}

/** Span attributes this package adds to an action's span. */
export const SPAN_ATTRIBUTES = {
  /** The participant (the activity type). */
  participant: 'bureaucrat.participant',
  /** The process id (the workflow id). */
  processId: 'bureaucrat.process_id',
  /** The action's id (`<processId>_0_2`, as `status` shows it). */
  activityId: 'bureaucrat.activity_id',
} as const;

const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_SERVICE_NAME = 'bureaucrat';

/** `url` with `/v1/traces` added when it names no path (an OTLP base URL). */
function tracesUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname !== '/' && parsed.pathname !== '') return url;
  return `${url.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Whether and where to trace: `options` first, then the standard variables of `env`; undefined when
 * nothing asks for traces (`false` turns them off whatever the environment says).
 */
export function resolveTracing(
  options?: TracingOptions | false,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedTracing | undefined {
  if (options === false) return undefined;
  const envService = env.OTEL_SERVICE_NAME || undefined;
  const serviceName = options?.serviceName ?? envService ?? DEFAULT_SERVICE_NAME;
  if (options?.otlpUrl) return { url: tracesUrl(options.otlpUrl), serviceName };
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return { url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, serviceName };
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
    return { url: tracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT), serviceName };
  if (options?.serviceName || envService) return { url: tracesUrl(DEFAULT_ENDPOINT), serviceName };
  return undefined;
}

/** One exporting pipeline: a tracer provider and its batch processor. */
export interface Tracing {
  /** What this pipeline was made for. */
  readonly settings: ResolvedTracing;
  /** The tracer the interceptors use. */
  readonly tracer: Tracer;
  /** The batch processor spans go through (workflow spans too, through the sink). */
  readonly spanProcessor: SpanProcessor;
  /** The spans' resource. */
  readonly resource: Resource;
}

/** The pipelines of this process, one per endpoint and service name. */
const pipelines = new Map<string, Tracing>();

/**
 * The pipeline for `settings` (made once per process). The first one registers OpenTelemetry's globals —
 * the async-hooks context manager and the W3C propagator the SDK's interceptors carry the trace with, and
 * the global tracer provider — unless the program registered its own.
 */
export function tracingFor(settings: ResolvedTracing): Tracing {
  const key = `${settings.url}\n${settings.serviceName}`;
  const existing = pipelines.get(key);
  if (existing) return existing;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { Resource: ResourceClass } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = new ResourceClass({ 'service.name': settings.serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  if (pipelines.size === 0) provider.register();
  const tracing: Tracing = {
    settings,
    tracer: provider.getTracer('bureaucrat-temporal'),
    spanProcessor,
    resource,
  };
  pipelines.set(key, tracing);
  return tracing;
}

/** Sends the spans every pipeline of this process still holds (call before the process exits). */
export async function flushTracing(): Promise<void> {
  await Promise.all([...pipelines.values()].map((p) => p.spanProcessor.forceFlush()));
}

/** The client interceptors that start a process's trace (see `ConnectionOptions.tracing`). */
export function tracingClientInterceptors(tracing: Tracing): WorkflowClientInterceptor[] {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const otel =
    require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return [new otel.OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })];
}

/**
 * What a traced worker adds to its options: the activity interceptors (the SDK's, then ours, which names
 * the participant, process and action on the activity's span), and the sink through which the workflow
 * sandbox exports its spans. `participants`: the activity types that are participants.
 */
export function tracingWorkerOptions(
  tracing: Tracing,
  participants: readonly string[],
): { activity: ActivityInterceptorsFactory[]; sinks: InjectedSinks<OpenTelemetrySinks> } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const otel =
    require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry');
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const names = new Set(participants);
  const exporter = otel.makeWorkflowExporter(tracing.spanProcessor, tracing.resource);
  const exportSpans = exporter.export.fn;
  return {
    activity: [
      (ctx) => ({
        inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
        outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
      (ctx) => ({
        inbound: {
          execute: (input, next) => {
            if (names.has(ctx.info.activityType)) {
              api.trace.getActiveSpan()?.setAttributes(actionAttributes(workitemOf(input.args[0], ctx.info)));
            }
            return next(input);
          },
        },
      }),
    ],
    sinks: {
      exporter: {
        export: {
          ...exporter.export,
          fn: (info, spans) => {
            // The process id on the workflow's spans too.
            for (const span of spans) {
              (span.attributes as Attributes)[SPAN_ATTRIBUTES.processId] = info.workflowId;
            }
            // The SDK copies the workflow's info into each span's attributes: only its identity, not its
            // memo or search attributes (process data).
            const { workflowId, runId, workflowType, taskQueue, namespace } = info;
            const identity = { workflowId, runId, workflowType, taskQueue, namespace };
            return exportSpans(identity as typeof info, spans);
          },
        },
      },
    },
  };
}

/** The attributes of an action's span, from its workitem. */
function actionAttributes(workitem: Workitem | undefined): Attributes {
  if (!workitem || typeof workitem !== 'object') return {};
  return {
    [SPAN_ATTRIBUTES.participant]: workitem.participant,
    [SPAN_ATTRIBUTES.processId]: workitem.processId,
    [SPAN_ATTRIBUTES.activityId]: workitem.activityId,
  };
}

/** The `ClientOptions` that trace the processes a client launches, when `options` (or the environment) ask. */
export function clientTracing(options?: TracingOptions | false): {
  interceptors?: { workflow: WorkflowClientInterceptor[] };
} {
  const settings = resolveTracing(options);
  return settings ? { interceptors: { workflow: tracingClientInterceptors(tracingFor(settings)) } } : {};
}
