/**
 * What the API's routes share: the Temporal client and the package's clients on it, and the typed Fastify
 * instance they are registered on.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Events } from '../client/events';
import type { Launcher } from '../client/launcher';
import type { Schedules } from '../client/schedules';
import type { Triggers } from '../client/triggers';
import type { Scope } from './tokens';

/** The clients and settings the routes use. */
export interface ApiContext {
  readonly client: Client;
  readonly namespace: string;
  readonly launcher: Launcher;
  readonly events: Events;
  readonly triggers: Triggers;
  readonly schedules: Schedules;
  /** The Temporal Web UI, for links to each process. */
  readonly webUiUrl?: string;
}

/** The Fastify instance with TypeBox types. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a token needs for the route; none: a public page (the console's files, the docs). */
    scope?: Scope;
  }
}
