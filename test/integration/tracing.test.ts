/**
 * OpenTelemetry traces end to end: an OTLP/HTTP receiver in the test (JSON encoding, as
 * `@opentelemetry/exporter-trace-otlp-http` sends it), a worker made by createWorker with the prebuilt
 * bundle and `tracing` pointed at it, and a launcher with tracing; one process with two actions makes one
 * trace: the client's start span, the workflow's run span under it, each action's spans under that.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Launcher } from '../../src/client/launcher';
import { flushTracing, resolveTracing, SPAN_ATTRIBUTES } from '../../src/tracing';
import { createWorker } from '../../src/worker/create-worker';
import { TEST_ENV } from '../support/env-keys';
import { uniqueTaskQueue, useTestServer } from '../support/temporal';

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes?: { key: string; value: { stringValue?: string } }[];
}

interface OtlpRequest {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A node:http OTLP/HTTP receiver: collects the spans POSTed to /v1/traces. */
function receiver(): { server: Server; spans: OtlpSpan[]; requests: string[] } {
  const spans: OtlpSpan[] = [];
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        for (const r of body.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return { server, spans, requests };
}

const TWO_ACTIONS = `<process name="traced">
  <action participant="trace.first"/>
  <action participant="trace.second"/>
</process>`;

const attribute = (span: OtlpSpan, key: string) =>
  span.attributes?.find((a) => a.key === key)?.value.stringValue;

describe('OpenTelemetry traces', () => {
  const testServer = useTestServer();
  const { server, spans, requests } = receiver();
  let otlpUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    otlpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is off without configuration, on with --otlp or the standard variables', () => {
    expect(resolveTracing(undefined, {})).toBeUndefined();
    expect(resolveTracing({ otlpUrl: 'http://collector:4318' }, {})).toEqual({
      url: 'http://collector:4318/v1/traces',
      serviceName: 'bureaucrat',
    });
    expect(resolveTracing(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })?.url).toBe(
      'http://c:4318/v1/traces',
    );
    expect(
      resolveTracing(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' })?.url,
    ).toBe('http://c:4318/custom');
    expect(resolveTracing(undefined, { OTEL_SERVICE_NAME: 'orders' })).toEqual({
      url: 'http://localhost:4318/v1/traces',
      serviceName: 'orders',
    });
    expect(resolveTracing(false, { OTEL_SERVICE_NAME: 'orders' })).toBeUndefined();
  });

  it('makes one trace per process: client start → workflow run → each action', async () => {
    const env = testServer();
    const taskQueue = uniqueTaskQueue('tracing');
    const namespace = env.namespace ?? 'default';
    const worker = await createWorker({
      participants: {
        'trace.first': () => ({ first: true }),
        'trace.second': () => ({ second: true }),
      },
      connection: env.nativeConnection,
      namespace,
      taskQueue,
      tracing: { otlpUrl },
    });
    const launcher = await Launcher.connect({
      address: process.env[TEST_ENV.address],
      namespace,
      taskQueue,
      tracing: { otlpUrl },
    });
    const processId = await worker.runUntil(async () => {
      const handle = await launcher.launch(TWO_ACTIONS);
      await expect(handle.result()).resolves.toEqual({ first: true, second: true });
      return handle.processId;
    });
    await flushTracing();
    await launcher.client.connection.close();

    const ofProcess = spans.filter(
      (s) =>
        attribute(s, 'temporalWorkflowId') === processId ||
        attribute(s, SPAN_ATTRIBUTES.processId) === processId,
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const tree = (span: OtlpSpan): string[] => {
      const chain = [span.name];
      for (
        let p = span.parentSpanId && byId.get(span.parentSpanId);
        p;
        p = p.parentSpanId && byId.get(p.parentSpanId)
      )
        chain.push(p.name);
      return chain;
    };
    const description = ofProcess.map((s) => tree(s).join(' ← ')).join('\n');
    expect(requests.every((r) => r.startsWith('POST /v1/traces application/json'))).toBe(true);

    const startSpan = ofProcess.find((s) => s.name === 'StartWorkflow:bureaucratProcess');
    const runSpan = ofProcess.find((s) => s.name === 'RunWorkflow:bureaucratProcess');
    expect({ start: startSpan?.name, run: runSpan?.name, description }).toMatchObject({
      start: 'StartWorkflow:bureaucratProcess',
      run: 'RunWorkflow:bureaucratProcess',
    });
    if (!startSpan || !runSpan) return;
    const [start, run] = [startSpan, runSpan];
    // One trace: the client's start span is its root, the workflow run its child.
    const traceId = start.traceId;
    expect(start.parentSpanId || undefined).toBeUndefined();
    expect(run.parentSpanId).toBe(start.spanId);
    const trace = spans.filter((s) => s.traceId === traceId);
    expect(ofProcess.every((s) => s.traceId === traceId)).toBe(true);

    const actions = trace.filter((s) => s.name.startsWith('RunActivity:trace.'));
    expect(actions.map((s) => s.name).sort()).toEqual([
      'RunActivity:trace.first',
      'RunActivity:trace.second',
    ]);
    for (const action of actions) {
      // StartActivity:<participant> (in the workflow) ← RunWorkflow:bureaucratProcess ← StartWorkflow:bureaucratProcess
      expect(tree(action).slice(1)).toEqual([
        action.name.replace('RunActivity', 'StartActivity'),
        'RunWorkflow:bureaucratProcess',
        'StartWorkflow:bureaucratProcess',
      ]);
      expect(attribute(action, SPAN_ATTRIBUTES.participant)).toBe(action.name.slice('RunActivity:'.length));
      expect(attribute(action, SPAN_ATTRIBUTES.processId)).toBe(processId);
      expect(attribute(action, SPAN_ATTRIBUTES.activityId)).toMatch(new RegExp(`^${processId}(_\\d+)+$`));
    }
    expect(new Set(actions.map((s) => attribute(s, SPAN_ATTRIBUTES.activityId))).size).toBe(2);
    // The workflow's spans carry the process id too, and only the workflow's identity from its info.
    expect(attribute(run, SPAN_ATTRIBUTES.processId)).toBe(processId);
    expect(run.attributes?.map((a) => a.key).sort()).toEqual(
      [SPAN_ATTRIBUTES.processId, 'namespace', 'runId', 'taskQueue', 'workflowId', 'workflowType'].sort(),
    );
  });
});
