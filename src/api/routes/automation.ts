/**
 * `/v1/triggers` and `/v1/schedules`: processes that start themselves, as `bureaucrat trigger` and
 * `bureaucrat schedule` manage them.
 */
import { Type } from '@sinclair/typebox';
import type { ScheduleAddOptions } from '../../client/schedules';
import type { ContextValues } from '../../scope';
import { ApiProblem } from '../problems';
import {
  DeadLetter,
  EmptyBody,
  NameParams,
  RedriveResult,
  ScheduleAction,
  ScheduleAddRequest,
  ScheduleInfo,
  TriggerAdded,
  TriggerAddRequest,
  TriggerInfo,
  problems,
} from '../schemas';
import type { ApiContext, ApiInstance } from '../context';

const Removed = Type.Object({ removed: Type.Boolean() });

/** Registers the trigger routes. */
export function triggerRoutes(app: ApiInstance, api: ApiContext): void {
  const tags = ['triggers'];
  app.get(
    '/v1/triggers',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List triggers, with the processes each started and its dead letters',
        response: { 200: Type.Object({ triggers: Type.Array(TriggerInfo) }), ...problems(401, 403, 503) },
      },
    },
    async () => ({ triggers: await api.triggers.list() }),
  );

  app.post(
    '/v1/triggers',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Add a trigger: start the definition for every event of that name whose predicate holds',
        body: TriggerAddRequest,
        response: {
          201: TriggerAdded,
          200: TriggerAdded,
          ...problems(400, 401, 403, 409, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const { event, definition, ...options } = request.body;
      const added = await api.triggers.add(event, definition, options);
      return reply.code(added.result === 'unchanged' ? 200 : 201).send(added);
    },
  );

  app.delete(
    '/v1/triggers/:name',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Remove a trigger and its dead letters (processes it started go on)',
        params: NameParams,
        response: { 200: Removed, ...problems(401, 403, 404, 503) },
      },
    },
    async (request) => {
      if (!(await api.triggers.remove(request.params.name)))
        throw new ApiProblem('trigger-not-found', `no trigger named ${request.params.name}`);
      return { removed: true };
    },
  );

  app.get(
    '/v1/triggers/:name/dead-letters',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "A trigger's dead letters: events whose start failed for good, with the error",
        params: NameParams,
        response: { 200: Type.Object({ deadLetters: Type.Array(DeadLetter) }), ...problems(401, 403, 503) },
      },
    },
    async (request) => ({ deadLetters: await api.triggers.deadLetters(request.params.name) }),
  );

  app.post(
    '/v1/triggers/:name/redrive',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Run a trigger again on each of its dead letters',
        params: NameParams,
        body: EmptyBody,
        response: { 200: RedriveResult, ...problems(400, 401, 403, 404, 415, 503) },
      },
    },
    async (request) => api.triggers.redrive(request.params.name),
  );
}

/** Registers the schedule routes. */
export function scheduleRoutes(app: ApiInstance, api: ApiContext): void {
  const tags = ['schedules'];
  app.get(
    '/v1/schedules',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List the schedules of processes',
        response: { 200: Type.Object({ schedules: Type.Array(ScheduleInfo) }), ...problems(401, 403, 503) },
      },
    },
    async () => ({
      schedules: (await api.schedules.list()).map((s) => ({
        ...s,
        nextStarts: s.nextStarts.map((d) => d.toISOString()),
        recentProcessIds: [...s.recentProcessIds],
      })),
    }),
  );

  app.post(
    '/v1/schedules',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Add a schedule starting the definition every interval or on a cron expression',
        body: ScheduleAddRequest,
        response: {
          201: Type.Object({ name: Type.String() }),
          ...problems(400, 401, 403, 409, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const { name, definition, every, cron, fields, overlap } = request.body;
      if ((every === undefined) === (cron === undefined))
        throw new ApiProblem('invalid-request', 'give exactly one of every and cron');
      const timing = every !== undefined ? { every: every as `${number}s` } : { cron: cron as string };
      const options: ScheduleAddOptions = {
        ...timing,
        ...(fields !== undefined ? { fields: fields as ContextValues } : {}),
        ...(overlap !== undefined ? { overlap } : {}),
      };
      await api.schedules.add(name, definition, options);
      return reply.code(201).send({ name });
    },
  );

  app.delete(
    '/v1/schedules/:name',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Remove a schedule (processes it started go on)',
        params: NameParams,
        response: { 200: Removed, ...problems(401, 403, 404, 503) },
      },
    },
    async (request) => {
      await api.schedules.remove(request.params.name);
      return { removed: true };
    },
  );

  app.post(
    '/v1/schedules/:name/:action',
    {
      config: { scope: 'operate' },
      schema: {
        tags,
        summary: 'Pause, resume, or start its process now (`trigger`)',
        params: ScheduleAction,
        body: EmptyBody,
        response: { 200: Type.Object({ done: Type.Boolean() }), ...problems(400, 401, 403, 404, 415, 503) },
      },
    },
    async (request) => {
      const { name, action } = request.params;
      if (action === 'pause') await api.schedules.pause(name, 'paused through the API');
      else if (action === 'resume') await api.schedules.resume(name, 'resumed through the API');
      else await api.schedules.trigger(name);
      return { done: true };
    },
  );
}
