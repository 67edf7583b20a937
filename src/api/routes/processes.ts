/**
 * `/v1/processes`: launch, list, inspect, wait for, signal and operate processes.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { decodeHistory } from '../../codec/encryption';
import { msToNumber } from '@temporalio/common/lib/time';
import { ProcessCancelledError, ProcessFaultError, type ProcessHandle } from '../../client/process-handle';
import { definitionOf, processNameOf, processStatusName } from '../../client/process-list';
import { renderSvg, treeOfSnapshot } from '../../diagram';
import type { ActionOptions } from '../../protocol';
import type { ContextValues } from '../../scope';
import { ApiProblem } from '../problems';
import {
  Accepted,
  ActivitySnapshot,
  EmptyBody,
  EventToProcess,
  Launched,
  LaunchRequest,
  ListQuery,
  PauseInfo,
  PauseRequest,
  ProcessDetails,
  ProcessList,
  ProcessParams,
  ProcessResult,
  ResetRequest,
  ResetResult,
  ResultQuery,
  SetRequest,
  JsonObject,
  Timeline,
  problems,
} from '../schemas';
import { timelineOf } from '../timeline';
import type { ApiContext, ApiInstance } from '../context';
import { Type, type Static } from '@sinclair/typebox';

/** The longest `?wait=` of a result request. */
const MAX_WAIT_MS = 5 * 60_000;

const tags = ['processes'];

/** Registers the process routes. */
export function processRoutes(app: ApiInstance, api: ApiContext): void {
  app.post(
    '/v1/processes',
    {
      config: { scope: 'launch' },
      schema: {
        tags,
        summary: 'Launch a process',
        description:
          'Validates the definition and starts it: XML text, or a deployed definition by name ' +
          '(`{"name": "order"}`: its latest version; `{"name": "order", "version": 3}`), which answers 404 ' +
          '`definition-not-found` when it is not deployed. A `processId` that is running or has completed answers 200 ' +
          'with that process and starts nothing; after a failed, cancelled or terminated run it starts afresh.',
        body: LaunchRequest,
        response: { 201: Launched, 200: Launched, ...problems(400, 401, 403, 404, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const { definition, fields, processId, actionOptions } = request.body;
      const result = await api.launcher.start(definition, (fields ?? {}) as ContextValues, {
        ...(processId !== undefined ? { processId } : {}),
        ...(actionOptions !== undefined ? { actionOptions: actionOptions as ActionOptions } : {}),
      });
      const body = { processId: result.process.processId, runId: result.runId, started: result.started };
      return reply.code(result.started ? 201 : 200).send(body);
    },
  );

  app.get(
    '/v1/processes',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List processes, newest first',
        querystring: ListQuery,
        response: { 200: ProcessList, ...problems(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const page = await api.launcher.list(request.query);
      return {
        processes: page.processes.map((p) => ({
          ...p,
          startTime: p.startTime.toISOString(),
          closeTime: p.closeTime?.toISOString(),
        })),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    },
  );

  app.get(
    '/v1/processes/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'A process: status, state tree, context, fault',
        params: ProcessParams,
        response: { 200: ProcessDetails, ...problems(401, 403, 404, 503) },
      },
    },
    async (request) => processDetails(api, api.launcher.get(request.params.id)),
  );

  app.get(
    '/v1/processes/:id/result',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Wait for the end of a process (long poll)',
        description:
          '200 with the final context, or with the fault (`status: failed`), or `cancelled`/`terminated`; ' +
          '202 while it still runs after `wait`.',
        params: ProcessParams,
        querystring: ResultQuery,
        response: { 200: ProcessResult, 202: ProcessResult, ...problems(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const process = api.launcher.get(request.params.id);
      const waitMs = request.query.wait === undefined ? 0 : parseWait(request.query.wait);
      const { status } = await process.workflowHandle.describe();
      const running = { processId: process.processId, status: 'running' };
      if (status.name === 'RUNNING' && waitMs === 0) return reply.code(202).send(running);
      const abort = new AbortController();
      // An ended process answers at once: only a running one is given up on after `wait`.
      const timer = status.name === 'RUNNING' ? setTimeout(() => abort.abort(), waitMs) : undefined;
      const gone = () => abort.abort();
      request.raw.once('close', gone);
      try {
        const context = await api.client.withAbortSignal(abort.signal, () => process.result());
        return { processId: process.processId, status: 'completed', context };
      } catch (err) {
        if (err instanceof ProcessFaultError) {
          const fault = { code: err.code, message: err.faultMessage };
          return { processId: process.processId, status: 'failed', fault };
        }
        if (err instanceof ProcessCancelledError) return { processId: process.processId, status: err.how };
        if (abort.signal.aborted) return reply.code(202).send(running);
        throw err;
      } finally {
        clearTimeout(timer);
        request.raw.off('close', gone);
      }
    },
  );

  app.get(
    '/v1/processes/:id/history',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "The process's Temporal history (JSON, as `bureaucrat history` writes it; replayable)",
        params: ProcessParams,
        response: { 200: JsonObject, ...problems(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const history = await decodeHistory(
        await api.client.workflow.getHandle(request.params.id).fetchHistory(),
        api.client,
      );
      return reply.send(JSON.parse(historyToJSON(history)) as Record<string, unknown>);
    },
  );

  app.get(
    '/v1/processes/:id/timeline',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'The steps a person cares about, from the history',
        params: ProcessParams,
        response: { 200: Timeline, ...problems(401, 403, 404, 503) },
      },
    },
    async (request) => ({
      steps: timelineOf(await api.client.workflow.getHandle(request.params.id).fetchHistory()),
    }),
  );

  app.get(
    '/v1/processes/:id/diagram.svg',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'The process drawn with the state of each step (SVG)',
        params: ProcessParams,
        produces: ['image/svg+xml'],
        response: { 200: Type.String({ description: 'An SVG document.' }), ...problems(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const process = api.launcher.get(request.params.id);
      const [state, description] = await Promise.all([process.state(), process.workflowHandle.describe()]);
      const svg = renderSvg(treeOfSnapshot(state, processNameOf(description.memo)));
      return reply
        .type('image/svg+xml')
        .serializer((x: unknown) => x as string)
        .send(svg);
    },
  );

  app.post(
    '/v1/processes/:id/events',
    {
      config: { scope: 'events' },
      schema: {
        tags,
        summary: 'Send an event to this process only',
        params: ProcessParams,
        body: EventToProcess,
        response: { 202: Accepted, ...problems(400, 401, 403, 404, 409, 415, 503) },
      },
    },
    async (request, reply) => {
      const process = api.launcher.get(request.params.id);
      await ended(process, () => process.event(request.body.event, request.body.data ?? {}));
      return reply.code(202).send({ accepted: true });
    },
  );

  app.post(
    '/v1/processes/:id/cancel',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Cancel a process (its running steps are cancelled; fault handlers run)',
        params: ProcessParams,
        body: EmptyBody,
        response: { 202: Accepted, ...problems(400, 401, 403, 404, 409, 415, 503) },
      },
    },
    async (request, reply) => {
      const process = api.launcher.get(request.params.id);
      await ended(process, () => process.cancel());
      return reply.code(202).send({ accepted: true });
    },
  );

  app.post(
    '/v1/processes/:id/pause',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Pause: no new step starts until resume',
        params: ProcessParams,
        body: PauseRequest,
        response: { 200: PauseInfo, ...problems(400, 401, 403, 404, 409, 415, 503) },
      },
    },
    async (request) => {
      const process = api.launcher.get(request.params.id);
      return process.pause({ by: request.body.by || 'api', reason: request.body.reason ?? '' });
    },
  );

  app.post(
    '/v1/processes/:id/resume',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Resume a paused process',
        params: ProcessParams,
        body: EmptyBody,
        response: {
          200: Type.Object({ resumed: Type.Boolean({ description: 'False when it was not paused.' }) }),
          ...problems(400, 401, 403, 404, 409, 415, 503),
        },
      },
    },
    async (request) => ({ resumed: await api.launcher.get(request.params.id).resume() }),
  );

  app.post(
    '/v1/processes/:id/set',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Set fields of the process context',
        params: ProcessParams,
        body: SetRequest,
        response: {
          200: Type.Object({ context: JsonObject }),
          ...problems(400, 401, 403, 404, 409, 415, 503),
        },
      },
    },
    async (request) => ({
      context: await api.launcher.get(request.params.id).setFields(request.body.fields as ContextValues),
    }),
  );

  app.post(
    '/v1/processes/:id/retry',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Retry a failed process from its faulted step',
        params: ProcessParams,
        body: EmptyBody,
        response: { 200: ResetResult, ...problems(400, 401, 403, 404, 409, 415, 503) },
      },
    },
    async (request) => api.launcher.get(request.params.id).retry(),
  );

  app.post(
    '/v1/processes/:id/reset',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Run a process again from a step',
        params: ProcessParams,
        body: ResetRequest,
        response: { 200: ResetResult, ...problems(400, 401, 403, 404, 409, 415, 503) },
      },
    },
    async (request) => api.launcher.get(request.params.id).reset(request.body.activityId),
  );
}

/** `?wait=` in milliseconds, at most {@link MAX_WAIT_MS}. */
function parseWait(wait: string): number {
  const text = wait.replace(/\s+/g, '');
  const ms = msToNumber((/^\d+(\.\d+)?$/.test(text) ? `${text}s` : text) as `${number}s`);
  if (!Number.isFinite(ms) || ms < 0) throw new ApiProblem('invalid-request', `wait=${wait}: not a duration`);
  return Math.min(ms, MAX_WAIT_MS);
}

/**
 * Runs a signal or cancellation; the server answers one sent to an ended process as "not found": tell that
 * apart from an unknown id (409 against 404).
 */
async function ended(process: ProcessHandle, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const description = await process.workflowHandle.describe();
    throw new ApiProblem(
      'process-ended',
      `process ${process.processId} has ended (${processStatusName(description.status.name)})`,
    );
  }
}

/** What `GET /v1/processes/{id}` answers. */
async function processDetails(api: ApiContext, process: ProcessHandle) {
  const description = await process.workflowHandle.describe();
  const status = processStatusName(description.status.name);
  const state = await process.state();
  let fault: { code: string; message: string } | undefined;
  if (status === 'failed') {
    try {
      await process.result();
    } catch (err) {
      if (err instanceof ProcessFaultError) fault = { code: err.code, message: err.faultMessage };
    }
  }
  const name = processNameOf(description.memo);
  const definition = definitionOf(description.memo);
  const migrations = migrationsOf(description.memo);
  return {
    processId: process.processId,
    runId: description.runId,
    ...(name ? { name } : {}),
    ...(definition ? { definition } : {}),
    ...(migrations.length ? { migrations } : {}),
    status,
    // The snapshot's own type has readonly arrays; the schema's are the same JSON.
    state: state as unknown as Static<typeof ActivitySnapshot>,
    context: await process.context(),
    ...(fault ? { fault } : {}),
    ...(state.paused ? { paused: state.paused } : {}),
    startTime: description.startTime.toISOString(),
    ...(description.closeTime ? { closeTime: description.closeTime.toISOString() } : {}),
    ...(api.webUiUrl
      ? {
          webUiUrl: `${api.webUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(api.namespace)}/workflows/${encodeURIComponent(process.processId)}`,
        }
      : {}),
  };
}

/** The migrations a process's memo records (`migrations`: `[{from?, to, at}]`), oldest first. */
function migrationsOf(
  memo: Record<string, unknown> | undefined,
): { from?: string; to: string; at: string }[] {
  const found = memo?.migrations;
  if (!Array.isArray(found)) return [];
  return found.flatMap((m: unknown) => {
    const { from, to, at } = (m ?? {}) as Record<string, unknown>;
    if (typeof to !== 'string' || typeof at !== 'string') return [];
    return [{ ...(typeof from === 'string' && { from }), to, at }];
  });
}
