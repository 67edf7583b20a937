/**
 * The HTTP API against a real dev server and worker: every route's status codes and problem types,
 * pagination, the long poll, each scope, the Host and same-origin checks, and every response validated
 * against the OpenAPI document the server publishes (itself checked by an OpenAPI 3.1 validator).
 */
import { request as httpRequest } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { startApi, type RunningApi } from '../../src/api/server';
import { parseTokens } from '../../src/api/tokens';
import { ProcessHandle } from '../../src/client/process-handle';
import { createWorker } from '../../src/worker/create-worker';
import { ParticipantFault } from '../../src/worker/participants';
import { ResponseValidator, validateOpenApiDocument } from '../support/openapi';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { connectToTestServer, eventually, testWorkflowBundle, uniqueTaskQueue } from '../support/temporal';
import { processId } from '../support/processes';

const WAITING = `<process name="api-wait">
  <context><property name="amount" type="int">1</property></context>
  <action participant="ask"/>
  <await event="go"><condition>'by' in event and event['by'] == 'curl'</condition></await>
  <action participant="ask"/>
</process>`;

const TOKENS = {
  read: 'read-token-0123456789',
  launch: 'launch-token-0123456789',
  events: 'events-token-0123456789',
  operate: 'operate-token-0123456789',
  deploy: 'deploy-token-0123456789',
  admin: 'admin-token-0123456789',
};

interface Answer {
  status: number;
  type: string;
  body: unknown;
  text: string;
}

const problemType = (answer: Answer): string =>
  String((answer.body as { type?: string }).type ?? '').replace(/^.*\/problems\//, '');

describe('HTTP API', () => {
  let testEnv: TestWorkflowEnvironment | undefined;
  const env = (): TestWorkflowEnvironment => {
    if (!testEnv) throw new Error('the test server connection is not open');
    return testEnv;
  };
  let api: RunningApi;
  let secured: RunningApi;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let validator: ResponseValidator;
  let fragileFixed = false;

  beforeAll(async () => {
    testEnv = await connectToTestServer();
    taskQueue = uniqueTaskQueue('api');
    worker = await createWorker({
      participants: {
        ask: async () => ({}),
        fragile: () => {
          if (!fragileFixed) throw new ParticipantFault('Jammed', 'the stamp machine is jammed');
          return { stamped: true };
        },
      },
      connection: env().nativeConnection,
      namespace: env().namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
    });
    running = worker.run();
    const common = { client: env().client, namespace: env().namespace ?? 'default', taskQueue, port: 0 };
    api = await startApi(common);
    const tokens = parseTokens(
      Object.entries(TOKENS)
        .map(([scope, token]) => `${token} ${scope}`)
        .join('\n'),
    );
    secured = await startApi({ ...common, tokens });
    const document = (await call(api, 'GET', '/v1/openapi.json')).body;
    validator = new ResponseValidator(document as ConstructorParameters<typeof ResponseValidator>[0]);
  });

  afterAll(async () => {
    await api?.close();
    await secured?.close();
    worker?.shutdown();
    await running;
    await testEnv?.teardown(); // after the worker: it holds the connection
  });

  /** One request (node:http, so that Host and Origin are sent as given); the response is validated. */
  function call(
    server: RunningApi,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    { raw = false, validate = true }: { raw?: boolean; validate?: boolean } = {},
  ): Promise<Answer> {
    const payload = body === undefined ? undefined : raw ? String(body) : JSON.stringify(body);
    const sent: Record<string, string> = {
      ...(payload !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
      ...headers,
    };
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}${path}`, { method, headers: sent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const type = String(res.headers['content-type'] ?? '');
          let parsed: unknown = text;
          if (/json/.test(type)) parsed = JSON.parse(text);
          const answer = { status: res.statusCode ?? 0, type, body: parsed, text };
          try {
            if (validate && path !== '/v1/openapi.json' && validator)
              validator.check(method, path, answer.status, type, parsed);
            resolve(answer);
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  const launch = (body: Record<string, unknown>) => call(api, 'POST', '/v1/processes', body);

  it('publishes an OpenAPI 3.1 document that a validator accepts, and a reference page', async () => {
    const document = (await call(api, 'GET', '/v1/openapi.json')).body as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    const verdict = validateOpenApiDocument(document);
    expect(verdict.errors).toBeNull();
    expect(verdict.valid).toBe(true);
    const docs = await call(api, 'GET', '/docs', undefined, {}, { validate: false });
    expect(docs.status).toBe(200);
    expect(docs.type).toMatch(/text\/html/);
    expect(docs.text).toContain('/v1/processes/{id}/result');
    expect(docs.text).toContain('Scope: <code>launch</code>');
    const health = await call(api, 'GET', '/v1/health');
    expect(health.body).toMatchObject({ ok: true, namespace: env().namespace ?? 'default' });
  });

  it('launches, inspects, signals and waits for a process; the same id again returns it', async () => {
    const id = processId('api');
    const launched = await launch({ definition: WAITING, fields: { amount: 5 }, processId: id });
    expect(launched.status).toBe(201);
    expect(launched.body).toMatchObject({ processId: id, started: true });
    const again = await launch({ definition: WAITING, processId: id });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ processId: id, started: false });

    const details = await eventually(
      () => call(api, 'GET', `/v1/processes/${id}`),
      (a) => (a.body as { state: { children: { state: string }[] } }).state.children[1].state === 'active',
    );
    expect(details.body).toMatchObject({
      processId: id,
      name: 'api-wait',
      status: 'running',
      context: { amount: 5 },
    });

    expect((await call(api, 'GET', `/v1/processes/${id}/result`)).status).toBe(202);
    const polled = Date.now();
    const still = await call(api, 'GET', `/v1/processes/${id}/result?wait=1s`);
    expect(still.status).toBe(202);
    expect(Date.now() - polled).toBeGreaterThanOrEqual(900);

    const waiter = call(api, 'GET', `/v1/processes/${id}/result?wait=60s`);
    // The await's condition reads the event's data: an event without it leaves the process waiting.
    expect((await call(api, 'POST', `/v1/processes/${id}/events`, { event: 'go' })).status).toBe(202);
    const sent = await call(api, 'POST', `/v1/processes/${id}/events`, { event: 'go', data: { by: 'curl' } });
    expect(sent.status).toBe(202);
    const result = await waiter;
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ processId: id, status: 'completed', context: { amount: 5 } });

    const svg = await call(api, 'GET', `/v1/processes/${id}/diagram.svg`);
    expect(svg.type).toMatch(/^image\/svg\+xml/);
    expect(svg.text).toMatch(/^<svg[^>]*>/);
    const history = (await call(api, 'GET', `/v1/processes/${id}/history`)).body as { events: unknown[] };
    expect(history.events.length).toBeGreaterThan(5);
    const timeline = (await call(api, 'GET', `/v1/processes/${id}/timeline`)).body as {
      steps: { what: string }[];
    };
    expect(timeline.steps.map((s) => s.what)).toEqual(
      expect.arrayContaining(['process started', 'signal event received', 'process completed']),
    );

    const ended = await call(api, 'POST', `/v1/processes/${id}/events`, { event: 'go' });
    expect([ended.status, problemType(ended)]).toEqual([409, 'process-ended']);
  });

  it('deploys definitions, reads them back, and launches one by name', async () => {
    const name = `api-deployed-${processId('d').slice(-8)}`;
    const xml = (marker: string) => `<process name="${name}">
  <context><property name="marker" type="str"></property></context>
  <assign property="marker">"${marker}"</assign>
</process>`;
    const first = await call(api, 'POST', '/v1/definitions', { xml: xml('one') });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name, version: 1, unchanged: false, processName: name, warnings: [] });
    const same = await call(api, 'POST', '/v1/definitions', { xml: xml('one') });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ name, version: 1, unchanged: true });
    expect((await call(api, 'POST', '/v1/definitions', { xml: xml('two') })).body).toMatchObject({
      version: 2,
    });
    const invalid = await call(api, 'POST', '/v1/definitions', { xml: '<process><action/></process>' });
    expect([invalid.status, problemType(invalid)]).toEqual([422, 'invalid-definition']);
    expect((invalid.body as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
    const badName = await call(api, 'POST', '/v1/definitions', { xml: xml('one'), name: 'no spaces' });
    expect([badName.status, problemType(badName)]).toEqual([400, 'invalid-definition-ref']);
    const warned = await call(api, 'POST', '/v1/definitions', {
      xml: `<process name="${name}-w"><while><condition>True</condition><assign property="x">1</assign></while></process>`,
      strict: true,
    });
    expect([warned.status, problemType(warned)]).toEqual([422, 'definition-warnings']);
    expect((warned.body as { warnings: { rule: string }[] }).warnings.length).toBeGreaterThan(0);

    expect((await call(api, 'GET', `/v1/definitions/${name}`)).body).toMatchObject({ name, version: 2 });
    const v1 = await call(api, 'GET', `/v1/definitions/${name}/versions/1`);
    expect(v1.body).toMatchObject({ name, version: 1, xml: xml('one') });
    const missing = await call(api, 'GET', `/v1/definitions/${name}/versions/9`);
    expect([missing.status, problemType(missing)]).toEqual([404, 'definition-not-found']);
    const unknown = await call(api, 'GET', `/v1/definitions/${name}-none`);
    expect([unknown.status, problemType(unknown)]).toEqual([404, 'definition-not-found']);
    const versions = await eventually(
      () => call(api, 'GET', `/v1/definitions/${name}/versions`),
      (a) => (a.body as { versions: unknown[] }).versions.length === 2,
    );
    expect((versions.body as { versions: { version: number }[] }).versions.map((v) => v.version)).toEqual([
      1, 2,
    ]);
    const listed = await eventually(
      () => call(api, 'GET', '/v1/definitions'),
      (a) => (a.body as { definitions: { name: string }[] }).definitions.some((d) => d.name === name),
    );
    expect(
      (listed.body as { definitions: { name: string }[] }).definitions.find((d) => d.name === name),
    ).toMatchObject({
      latest: 2,
      versions: 2,
      processName: name,
    });

    const latest = processId('api-by-name');
    expect((await launch({ definition: { name }, processId: latest })).status).toBe(201);
    const pinned = processId('api-pinned');
    expect((await launch({ definition: { name, version: 1 }, processId: pinned })).status).toBe(201);
    const result = await call(api, 'GET', `/v1/processes/${latest}/result?wait=30s`);
    expect(result.body).toMatchObject({ status: 'completed', context: { marker: 'two' } });
    const pinnedResult = await call(api, 'GET', `/v1/processes/${pinned}/result?wait=30s`);
    expect(pinnedResult.body).toMatchObject({ status: 'completed', context: { marker: 'one' } });
    expect((await call(api, 'GET', `/v1/processes/${latest}`)).body).toMatchObject({
      definition: `${name}@2`,
    });
    expect((await call(api, 'GET', `/v1/processes/${pinned}`)).body).toMatchObject({
      definition: `${name}@1`,
    });
    const rows = await eventually(
      () => call(api, 'GET', `/v1/processes?name=${name}`),
      (a) => (a.body as { processes: unknown[] }).processes.length === 2,
    );
    expect((rows.body as { processes: { processId: string; definition?: string }[] }).processes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ processId: pinned, definition: `${name}@1` }),
        expect.objectContaining({ processId: latest, definition: `${name}@2` }),
      ]),
    );

    const notDeployed = await launch({ definition: { name: `${name}-none` } });
    expect([notDeployed.status, problemType(notDeployed)]).toEqual([404, 'definition-not-found']);
    const noVersion = await launch({ definition: { name, version: 7 } });
    expect([noVersion.status, problemType(noVersion)]).toEqual([404, 'definition-not-found']);
    const malformed = await launch({ definition: { name: 'no spaces' } });
    expect([malformed.status, problemType(malformed)]).toEqual([400, 'invalid-request']);
  });

  it('refuses an invalid definition with every problem, and starts nothing', async () => {
    const id = processId('api-invalid');
    const answer = await launch({
      definition: '<process>\n  <action/>\n  <switch><case/></switch>\n</process>',
      processId: id,
    });
    expect(answer.status).toBe(422);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    const body = answer.body as { type: string; problems: { line: number; column: number; path: string }[] };
    expect(problemType(answer)).toBe('invalid-definition');
    expect(body.problems.length).toBeGreaterThanOrEqual(2);
    expect(body.problems[0]).toMatchObject({ line: 2, path: 'process/action[1]' });
    expect(body.problems[0].column).toBeGreaterThan(0);
    expect((await call(api, 'GET', `/v1/processes/${id}`)).status).toBe(404);

    const validation = await call(api, 'POST', '/v1/definitions/validate', {
      definition: '<process>\n  <action/>\n</process>',
    });
    expect(validation.status).toBe(200);
    expect(validation.body).toMatchObject({
      valid: false,
      problems: [{ line: 2, path: 'process/action[1]' }],
    });
    const valid = await call(api, 'POST', '/v1/definitions/validate', { definition: WAITING });
    expect(valid.body).toMatchObject({ valid: true, name: 'api-wait', problems: [] });
  });

  it('answers bad requests with problem documents and changes nothing', async () => {
    const bad = async (answer: Promise<Answer>, status: number, type: string) => {
      const a = await answer;
      expect([a.status, problemType(a)]).toEqual([status, type]);
      expect(a.type).toMatch(/^application\/problem\+json/);
      expect(a.text).not.toMatch(/at .*\.(js|ts):\d+/); // never a stack trace
    };
    await bad(
      call(
        api,
        'POST',
        '/v1/processes',
        '{"definition": ',
        { 'content-type': 'application/json' },
        { raw: true },
      ),
      400,
      'bad-json',
    );
    await bad(launch({ definition: WAITING, color: 'red' }), 400, 'invalid-request');
    await bad(launch({ definition: 'examples/processes/example1.xml' }), 400, 'invalid-request');
    await bad(launch({ fields: {} }), 400, 'invalid-request');
    await bad(
      call(
        api,
        'POST',
        '/v1/processes',
        JSON.stringify({ definition: WAITING }),
        { 'content-type': 'text/plain' },
        { raw: true },
      ),
      415,
      'unsupported-media-type',
    );
    const huge = JSON.stringify({ definition: `<process>${' '.repeat(6 * 1024 * 1024)}</process>` });
    await bad(
      call(api, 'POST', '/v1/processes', huge, { 'content-type': 'application/json' }, { raw: true }),
      413,
      'body-too-large',
    );
    await bad(call(api, 'GET', '/v1/processes/no-such-process'), 404, 'process-not-found');
    await bad(call(api, 'POST', '/v1/processes/no-such-process/cancel', {}), 404, 'process-not-found');
    await bad(call(api, 'GET', '/v1/processes?status=sleeping'), 400, 'invalid-request');
    await bad(call(api, 'GET', '/v1/processes?pageToken=not-a-token'), 400, 'invalid-page-token');
    await bad(call(api, 'GET', '/v1/nothing-here', undefined, {}, { validate: false }), 404, 'not-found');
    await bad(call(api, 'POST', '/v1/events', { data: 1 }), 400, 'invalid-request');
    await bad(call(api, 'POST', '/v1/events?ttl=soon', { event: 'x' }), 400, 'invalid-request');
  });

  it('lists processes a page at a time, filtered by status and name', async () => {
    const name = `api-list-${Math.random().toString(36).slice(2, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await launch({ definition: `<process name="${name}"><await event="never"/></process>` });
      ids.push((a.body as { processId: string }).processId);
    }
    const seen: string[] = [];
    let token: string | undefined;
    const first = await eventually(
      () => call(api, 'GET', `/v1/processes?name=${name}&status=running&pageSize=2`),
      (a) => (a.body as { processes: unknown[] }).processes.length === 2,
    );
    let page = first.body as { processes: { processId: string; name: string }[]; nextPageToken?: string };
    for (;;) {
      seen.push(...page.processes.map((p) => p.processId));
      expect(page.processes.every((p) => p.name === name)).toBe(true);
      token = page.nextPageToken;
      if (!token) break;
      page = (
        await call(api, 'GET', `/v1/processes?name=${name}&status=running&pageSize=2&pageToken=${token}`)
      ).body as typeof page;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    // A page token belongs to its filters: with others it is refused, not misread.
    const token0 = (first.body as { nextPageToken: string }).nextPageToken;
    const other = await call(api, 'GET', `/v1/processes?name=${name}&pageSize=2&pageToken=${token0}`);
    expect([other.status, problemType(other)]).toEqual([400, 'invalid-page-token']);
    for (const id of ids) await call(api, 'POST', `/v1/processes/${id}/cancel`, {});
  });

  it('pauses, sets, resumes, cancels, retries and resets', async () => {
    const id = processId('api-ops');
    await launch({ definition: WAITING, processId: id });
    const paused = await call(api, 'POST', `/v1/processes/${id}/pause`, { reason: 'audit' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ by: 'api', reason: 'audit' });
    const set = await call(api, 'POST', `/v1/processes/${id}/set`, { fields: { amount: 10 } });
    expect(set.body).toMatchObject({ context: { amount: 10 } });
    const reserved = await call(api, 'POST', `/v1/processes/${id}/set`, { fields: { 'inst:x': 1 } });
    expect([reserved.status, problemType(reserved)]).toEqual([400, 'invalid-fields']);
    expect((await call(api, 'POST', `/v1/processes/${id}/resume`, {})).body).toEqual({ resumed: true });
    expect((await call(api, 'POST', `/v1/processes/${id}/cancel`, {})).status).toBe(202);
    const cancelled = await call(api, 'GET', `/v1/processes/${id}/result?wait=30s`);
    expect(cancelled.body).toEqual({ processId: id, status: 'cancelled' });
    const again = await call(api, 'POST', `/v1/processes/${id}/pause`, {});
    expect([again.status, problemType(again)]).toEqual([409, 'process-ended']);
    const notFailed = await call(api, 'POST', `/v1/processes/${id}/retry`, {});
    expect([notFailed.status, problemType(notFailed)]).toEqual([409, 'cannot-reset']);

    const failing = processId('api-retry');
    await launch({
      definition:
        '<process name="api-retry"><action participant="ask"/><action participant="fragile"/></process>',
      processId: failing,
    });
    const failed = await call(api, 'GET', `/v1/processes/${failing}/result?wait=30s`);
    expect(failed.body).toEqual({
      processId: failing,
      status: 'failed',
      fault: { code: 'Jammed', message: 'the stamp machine is jammed' },
    });
    expect((await call(api, 'GET', `/v1/processes/${failing}`)).body).toMatchObject({
      status: 'failed',
      fault: { code: 'Jammed' },
    });
    fragileFixed = true;
    const retried = await call(api, 'POST', `/v1/processes/${failing}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ processId: failing, activityId: `${failing}_1` });
    const done = await call(api, 'GET', `/v1/processes/${failing}/result?wait=30s`);
    expect(done.body).toMatchObject({ status: 'completed', context: { stamped: true } });
    const reset = await call(api, 'POST', `/v1/processes/${failing}/reset`, { activityId: '_1' });
    expect(reset.status).toBe(200);
    const unknownStep = await call(api, 'POST', `/v1/processes/${failing}/reset`, { activityId: '_9' });
    expect([unknownStep.status, problemType(unknownStep)]).toEqual([409, 'cannot-reset']);
  });

  it("publishes the original's event message to every waiting process, with its routing options", async () => {
    const event = `paid-${Math.random().toString(36).slice(2, 8)}`;
    const keyed = `<process><await event="${event}" key="context['order']"><condition>event['amount'] == 3 and event['key'] == 'data-key'</condition></await></process>`;
    const a = (await launch({ definition: keyed, fields: { order: 'A' } })).body as { processId: string };
    const b = (await launch({ definition: keyed, fields: { order: 'B' } })).body as { processId: string };
    await eventually(
      () => call(api, 'GET', `/v1/processes/${b.processId}`),
      (x) => (x.body as { state: { children: { state: string }[] } }).state.children[0].state === 'active',
    );
    await eventually(
      () => call(api, 'GET', `/v1/processes/${a.processId}`),
      (x) => (x.body as { state: { children: { state: string }[] } }).state.children[0].state === 'active',
    );
    const published = await call(api, 'POST', `/v1/events?key=B&id=e-1`, {
      event,
      amount: 3,
      key: 'data-key',
    });
    expect([published.status, published.body]).toEqual([202, { accepted: true }]);
    const done = await call(api, 'GET', `/v1/processes/${b.processId}/result?wait=30s`);
    expect(done.body).toMatchObject({ status: 'completed', context: { order: 'B' } });
    expect((await call(api, 'GET', `/v1/processes/${a.processId}/result`)).status).toBe(202);
    await call(api, 'POST', `/v1/processes/${a.processId}/cancel`, {});
  });

  it('adds, lists, redrives and removes triggers and schedules', async () => {
    const event = `ordered-${Math.random().toString(36).slice(2, 8)}`;
    const definition = '<process name="api-triggered"><action participant="ask"/></process>';
    const added = await call(api, 'POST', '/v1/triggers', { event, definition, name: event });
    expect([added.status, added.body]).toEqual([201, { name: event, result: 'added' }]);
    const same = await call(api, 'POST', '/v1/triggers', { event, definition, name: event });
    expect([same.status, same.body]).toEqual([200, { name: event, result: 'unchanged' }]);
    const conflict = await call(api, 'POST', '/v1/triggers', {
      event,
      definition,
      name: event,
      when: "event['n'] > 1",
    });
    expect([conflict.status, problemType(conflict)]).toEqual([409, 'already-exists']);
    const badWhen = await call(api, 'POST', '/v1/triggers', { event, definition, when: 'event[' });
    expect([badWhen.status, problemType(badWhen)]).toEqual([422, 'invalid-expression']);
    const listed = (await call(api, 'GET', '/v1/triggers')).body as { triggers: { name: string }[] };
    expect(listed.triggers.map((t) => t.name)).toContain(event);
    expect((await call(api, 'GET', `/v1/triggers/${event}/dead-letters`)).body).toEqual({ deadLetters: [] });
    expect((await call(api, 'POST', `/v1/triggers/${event}/redrive`, {})).body).toEqual({
      started: 0,
      skipped: 0,
      failed: 0,
    });
    const unknown = await call(api, 'POST', '/v1/triggers/no-such-trigger/redrive', {});
    expect([unknown.status, problemType(unknown)]).toEqual([404, 'trigger-not-found']);
    expect((await call(api, 'DELETE', `/v1/triggers/${event}`)).body).toEqual({ removed: true });
    const gone = await call(api, 'DELETE', `/v1/triggers/${event}`);
    expect([gone.status, problemType(gone)]).toEqual([404, 'trigger-not-found']);

    const name = `api-schedule-${Math.random().toString(36).slice(2, 8)}`;
    const schedule = { name, definition, every: '1h' };
    expect((await call(api, 'POST', '/v1/schedules', schedule)).status).toBe(201);
    const twice = await call(api, 'POST', '/v1/schedules', schedule);
    expect([twice.status, problemType(twice)]).toEqual([409, 'already-exists']);
    const both = await call(api, 'POST', '/v1/schedules', {
      ...schedule,
      name: `${name}-2`,
      cron: '0 * * * *',
    });
    expect([both.status, problemType(both)]).toEqual([400, 'invalid-request']);
    expect((await call(api, 'POST', `/v1/schedules/${name}/pause`, {})).body).toEqual({ done: true });
    const schedules = (await call(api, 'GET', '/v1/schedules')).body as {
      schedules: { name: string; paused: boolean }[];
    };
    expect(schedules.schedules.find((s) => s.name === name)).toMatchObject({
      paused: true,
      timing: 'every 1h',
    });
    expect((await call(api, 'POST', `/v1/schedules/${name}/trigger`, {})).status).toBe(200);
    expect((await call(api, 'DELETE', `/v1/schedules/${name}`)).body).toEqual({ removed: true });
    const missing = await call(api, 'POST', `/v1/schedules/${name}/resume`, {});
    expect([missing.status, problemType(missing)]).toEqual([404, 'schedule-not-found']);
  });

  it('needs a token with the scope of each route when tokens are configured', async () => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const none = await call(secured, 'GET', '/v1/processes');
    expect([none.status, problemType(none)]).toEqual([401, 'unauthorized']);
    const wrong = await call(secured, 'GET', '/v1/processes', undefined, bearer('wrong-token-0123456789'));
    expect([wrong.status, problemType(wrong)]).toEqual([401, 'unauthorized']);
    expect((await call(secured, 'GET', '/v1/processes', undefined, bearer(TOKENS.read))).status).toBe(200);

    const id = processId('api-scopes');
    const body = { definition: WAITING, processId: id };
    const readOnly = await call(secured, 'POST', '/v1/processes', body, bearer(TOKENS.read));
    expect([readOnly.status, problemType(readOnly)]).toEqual([403, 'forbidden']);
    expect((await call(api, 'GET', `/v1/processes/${id}`)).status).toBe(404); // nothing started
    expect((await call(secured, 'POST', '/v1/processes', body, bearer(TOKENS.launch))).status).toBe(201);
    const cases: [string, string, string, unknown, keyof typeof TOKENS][] = [
      ['POST', `/v1/processes/${id}/events`, 'events', { event: 'nothing' }, 'launch'],
      ['POST', '/v1/events', 'events', { event: `nobody-${id}` }, 'read'],
      ['POST', `/v1/processes/${id}/pause`, 'operate', {}, 'events'],
      ['POST', '/v1/triggers', 'admin', { event: 'x', definition: WAITING }, 'operate'],
      ['POST', '/v1/definitions', 'deploy', { xml: WAITING, name: `scoped-${id}` }, 'launch'],
    ];
    for (const [method, path, scope, payload, lacking] of cases) {
      const refused = await call(secured, method, path, payload, bearer(TOKENS[lacking]));
      expect([path, refused.status, problemType(refused)]).toEqual([path, 403, 'forbidden']);
      const allowed = await call(
        secured,
        method,
        path,
        payload,
        bearer(TOKENS[scope as keyof typeof TOKENS]),
      );
      expect([path, allowed.status < 300]).toEqual([path, true]);
    }
    const admin = await call(secured, 'POST', `/v1/processes/${id}/cancel`, {}, bearer(TOKENS.admin));
    expect(admin.status).toBe(202);
    await call(
      secured,
      'DELETE',
      '/v1/triggers/' +
        encodeURIComponent(
          (
            (await call(secured, 'GET', '/v1/triggers', undefined, bearer(TOKENS.read))).body as {
              triggers: { name: string; event: string }[];
            }
          ).triggers.find((t) => t.event === 'x')?.name ?? 'none',
        ),
      undefined,
      bearer(TOKENS.admin),
    );
  });

  it('refuses a foreign Host and requests from another origin, and changes nothing', async () => {
    const id = processId('api-csrf');
    await launch({ definition: WAITING, processId: id });
    const host = new URL(api.url).host;
    for (const path of ['/v1/processes', '/', `/processes/${id}`, '/v1/openapi.json']) {
      const rebound = await call(
        api,
        'GET',
        path,
        undefined,
        { host: `evil.example:${api.port}` },
        { validate: false },
      );
      expect([path, rebound.status, problemType(rebound)]).toEqual([path, 403, 'host-not-allowed']);
    }
    // The request: a cross-site "simple" POST (text/plain) from another origin.
    const simple = await call(
      api,
      'POST',
      `/v1/processes/${id}/cancel`,
      '{}',
      {
        'content-type': 'text/plain',
        origin: 'http://evil.example',
      },
      { raw: true },
    );
    expect([simple.status, problemType(simple)]).toEqual([403, 'cross-origin']);
    const json = await call(api, 'POST', `/v1/processes/${id}/cancel`, {}, { origin: 'http://evil.example' });
    expect([json.status, problemType(json)]).toEqual([403, 'cross-origin']);
    const nullOrigin = await call(api, 'POST', `/v1/processes/${id}/cancel`, {}, { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const crossSite = await call(
      api,
      'POST',
      `/v1/processes/${id}/cancel`,
      {},
      { 'sec-fetch-site': 'cross-site' },
    );
    expect([crossSite.status, problemType(crossSite)]).toEqual([403, 'cross-origin']);
    const referer = await call(
      api,
      'POST',
      `/v1/processes/${id}/cancel`,
      {},
      { referer: 'http://evil.example/page' },
    );
    expect([referer.status, problemType(referer)]).toEqual([403, 'cross-origin']);
    // From this server's own origin but without the console token: refused too.
    const noToken = await call(api, 'POST', `/v1/processes/${id}/cancel`, {}, { origin: `http://${host}` });
    expect([noToken.status, problemType(noToken)]).toEqual([403, 'forbidden']);
    expect((await new ProcessHandle(env().client, id).workflowHandle.describe()).status.name).toBe('RUNNING');
    await call(api, 'POST', `/v1/processes/${id}/cancel`, {});
  });

  it('answers 503 naming the address when Temporal is unreachable, and refuses an open non-loopback host', async () => {
    const client = new Client({
      connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1000 }),
    });
    const down = await startApi({ client, port: 0, temporalAddress: '127.0.0.1:1' });
    try {
      const answer = await call(down, 'GET', '/v1/processes');
      expect([answer.status, problemType(answer)]).toEqual([503, 'temporal-unavailable']);
      expect((answer.body as { detail: string }).detail).toContain('127.0.0.1:1');
    } finally {
      await down.close();
    }
    await expect(startApi({ client, host: '0.0.0.0', port: 0 })).rejects.toThrow(/--tokens/);
    await client.connection.close();
  });

  it('covered every route of the document with at least one validated response', () => {
    const document = validator as unknown as { document: { paths: Record<string, Record<string, unknown>> } };
    const routes = Object.entries(document.document.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const covered = new Set([...validator.seen].map((s) => s.replace(/ \d+$/, '')));
    expect(routes.filter((r) => !covered.has(r))).toEqual([]);
  });
});
