/**
 * The HTTP API as a Fastify application, not yet listening: the guard on every request, the routes under
 * `/v1`, problem documents for every error, the OpenAPI document built from the routes' schemas
 * (`/v1/openapi.json`), its reference page (`/docs`, rendered from it) and the web console. {@link startApi} listens.
 */
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { Events } from '../client/events';
import { Launcher } from '../client/launcher';
import { Schedules } from '../client/schedules';
import { Triggers } from '../client/triggers';
import { DEFAULT_TASK_QUEUE } from '../client/connection';
import { consoleRoutes } from '../console/routes';
import type { ApiContext, ApiInstance } from './context';
import { RequestGuard } from './guard';
import { problemDocument, problemOf } from './problems';
import { definitionRoutes } from './routes/definitions';
import { eventRoutes } from './routes/events';
import { scheduleRoutes, triggerRoutes } from './routes/automation';
import { processRoutes } from './routes/processes';
import { referencePage } from './reference-page';
import { Health, SHARED_SCHEMAS, problems } from './schemas';
import type { TokenEntry } from './tokens';

/** The largest request body, in bytes, unless told otherwise: a 5 MB definition fits. */
export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024 + 64 * 1024;

/** Options of {@link buildApi}. */
export interface ApiAppOptions {
  /** The Temporal client every request goes through. */
  readonly client: Client;
  /** The namespace of `client` (for Web UI links). */
  readonly namespace?: string;
  /** The interpreter workers' task queue (default `bureaucrat`). */
  readonly taskQueue?: string;
  /** Temporal's address, named in a 503. */
  readonly temporalAddress?: string;
  /** The address the server listens on (default 127.0.0.1), checked against the Host header. */
  readonly host?: string;
  /** More names the Host header may give; `*` for any (only with tokens). */
  readonly allowedHosts?: readonly string[];
  /** Bearer tokens and their scopes; none: no authentication (a loopback host only). */
  readonly tokens?: readonly TokenEntry[];
  /** Whether the server speaks TLS (the same-origin check compares schemes). */
  readonly tls?: boolean;
  /** The largest request body in bytes (default 5 MB plus 64 KB: a 5 MB definition fits). */
  readonly bodyLimit?: number;
  /** The Temporal Web UI's address, for links from each process. */
  readonly webUiUrl?: string;
  /** Serve the web console at `/` (default true). */
  readonly console?: boolean;
  /** Where the server's own errors are logged (default stderr). */
  readonly logError?: (message: string) => void;
  /** Fastify's HTTPS options, when serving TLS. */
  readonly https?: { readonly key: Buffer; readonly cert: Buffer };
}

/** The OpenAPI document's fixed parts. */
const OPENAPI_INFO = {
  title: 'Bureaucrat on Temporal',
  version: '1',
  description:
    "Launch, follow, signal and operate Bureaucrat processes on Temporal from any language. Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `type`. With a tokens file, send `Authorization: Bearer TOKEN`; each route names the scope it needs (`read`, `launch`, `deploy`, `events`, `operate`, `admin`; `admin` may do everything). Requests that change anything send JSON (`Content-Type: application/json`) and, from a browser, only from this server's own pages.",
};

/** Builds the application (call `listen`, or `inject` in tests). */
export async function buildApi(options: ApiAppOptions): Promise<ApiInstance> {
  const host = options.host ?? '127.0.0.1';
  const guard = new RequestGuard({
    host,
    allowedHosts: options.allowedHosts,
    tokens: options.tokens,
    tls: Boolean(options.tls ?? options.https),
  });
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const api: ApiContext = {
    client: options.client,
    namespace: options.namespace ?? options.client.options.namespace,
    launcher: new Launcher(options.client, taskQueue),
    events: new Events(options.client, taskQueue),
    triggers: new Triggers(options.client, taskQueue),
    schedules: new Schedules(options.client, taskQueue),
    ...(options.webUiUrl ? { webUiUrl: options.webUiUrl } : {}),
  };
  const temporalAddress = options.temporalAddress ?? 'the configured address';
  const logError = options.logError ?? ((line: string) => process.stderr.write(`${line}\n`));

  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
    // Closing ends kept-alive and long-poll connections too: a browser tab must not keep a server up.
    forceCloseConnections: true,
    // An unknown property is an error, not silently dropped (Fastify removes them by default).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    ...(options.https ? { https: { key: options.https.key, cert: options.https.cert } } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as ApiInstance;

  // Only JSON bodies: a cross-site form or "simple" fetch cannot send one.
  app.removeContentTypeParser(['text/plain']);

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  app.addHook('onRequest', async (request) => {
    guard.check(request, request.routeOptions.config?.scope);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    return payload;
  });

  app.setErrorHandler(async (err, request, reply) => {
    const problem = problemOf(err, temporalAddress);
    if (problem.status === 500) {
      const e = err as { name?: string; message?: string; code?: unknown; stack?: string; cause?: unknown };
      const cause = e.cause instanceof Error ? `; cause: ${e.cause.name}: ${e.cause.message}` : '';
      logError(
        `API ${request.method} ${request.url}: ${e.name}: ${e.message} (code ${String(e.code)})${cause}\n${e.stack ?? ''}`,
      );
    }
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });

  app.setNotFoundHandler(async (request, reply) => {
    // Unknown routes pass the Host check too, so a rebinding page learns nothing from them.
    guard.check(request, undefined);
    const problem = problemDocument('not-found', `${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).type('application/problem+json').send(problem);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: true,
    // Components named by their `$id` (`Problem`), not Fastify's `def-0`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const scope = route.config?.scope;
      const transformed = { ...schema } as Record<string, unknown>;
      if (scope && transformed.description === undefined) transformed.description = `Scope: \`${scope}\`.`;
      else if (scope) transformed.description = `${String(transformed.description)}\n\nScope: \`${scope}\`.`;
      return { schema: transformed as typeof schema, url };
    },
  });
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      )
      .send(referencePage(app.swagger() as unknown as Parameters<typeof referencePage>[0])),
  );

  app.get(
    '/v1/health',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['service'],
        summary: 'Whether Temporal answers',
        response: { 200: Health, 503: Health, ...problems(401, 403) },
      },
    },
    async (_request, reply) => {
      let ok = true;
      try {
        await api.client.workflowService.getSystemInfo({});
      } catch {
        ok = false;
      }
      return reply.code(ok ? 200 : 503).send({ ok, temporal: temporalAddress, namespace: api.namespace });
    },
  );

  processRoutes(app, api);
  eventRoutes(app, api);
  definitionRoutes(app, api);
  triggerRoutes(app, api);
  scheduleRoutes(app, api);
  if (options.console ?? true)
    consoleRoutes(app, { guard, namespace: api.namespace, webUiUrl: options.webUiUrl });
  return app;
}

/** The OpenAPI document of the API (what `GET /v1/openapi.json` serves), built without a server. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  // The routes need a client only to serve requests: a lazy connection is never opened here.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:7233' }) });
  const app = await buildApi({ client, console: false });
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}
