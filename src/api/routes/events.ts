/**
 * `POST /v1/events`: the original's global event message, as it is.
 */
import { EventMessage, EventQuery, Accepted, problems } from '../schemas';
import type { ApiContext, ApiInstance } from '../context';

/** Registers the event route. */
export function eventRoutes(app: ApiInstance, api: ApiContext): void {
  app.post(
    '/v1/events',
    {
      config: { scope: 'events' },
      schema: {
        tags: ['events'],
        summary: 'Publish an event to every process awaiting it',
        description:
          'The body is the original\'s message, `{"event": "paid", …data}`, as it is. The routing options ' +
          'are query parameters, so that no data field is taken for one: `key` (correlation key), `ttl` (awaits ' +
          'that start within it still receive the event) and `id` (publishing an id again delivers once). 202 ' +
          'once the event is recorded; delivery follows.',
        body: EventMessage,
        querystring: EventQuery,
        response: { 202: Accepted, ...problems(400, 401, 403, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const { key, ttl, id } = request.query;
      await api.events.publish(request.body, {
        ...(key !== undefined ? { key } : {}),
        ...(ttl !== undefined ? { ttl: ttl as `${number}s` } : {}),
        ...(id !== undefined ? { id } : {}),
      });
      return reply.code(202).send({ accepted: true });
    },
  );
}
