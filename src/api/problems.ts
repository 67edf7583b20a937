/**
 * Errors as RFC 9457 problem documents: one stable `type` per kind of error, the status that fits, a
 * message a person can act on, and never a stack trace. {@link problemOf} maps the package's errors (and
 * Fastify's own) to them; anything it does not know is a 500 that says only that.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { ProcessEndedError } from '../client/process-handle';
import { InvalidPageTokenError } from '../client/process-list';
import { ResetError } from '../client/reset';
import { TemporalConnectionError } from '../client/connection';
import { TriggerConflictError, TriggerExpressionError } from '../client/triggers';
import { DefinitionNotFoundError, DefinitionWarningsError } from '../client/definitions';
import { DefinitionError, type DefinitionProblem } from '../definition';
import { DefinitionRefError } from '../deployed';
import { InvalidFieldsError } from '../operations';
import { BureaucratError } from '../errors';

/** The base of every problem `type` URI; the part after it names the kind. */
export const PROBLEM_BASE = 'https://bureaucrat-temporal.dev/problems/';

/** The kinds of problem the API answers with, and their status. */
export const PROBLEM_STATUS = {
  'invalid-request': 400,
  'bad-json': 400,
  'invalid-fields': 400,
  'invalid-page-token': 400,
  'invalid-definition-ref': 400,
  unauthorized: 401,
  forbidden: 403,
  'cross-origin': 403,
  'host-not-allowed': 403,
  'not-found': 404,
  'process-not-found': 404,
  'trigger-not-found': 404,
  'schedule-not-found': 404,
  'definition-not-found': 404,
  'method-not-allowed': 405,
  'process-ended': 409,
  'already-exists': 409,
  'cannot-reset': 409,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  'invalid-definition': 422,
  'definition-warnings': 422,
  'invalid-expression': 422,
  'temporal-unavailable': 503,
  internal: 500,
} as const;

/** A kind of problem. */
export type ProblemType = keyof typeof PROBLEM_STATUS;

const TITLES: Record<ProblemType, string> = {
  'invalid-request': 'The request does not match the API',
  'bad-json': 'The body is not JSON',
  'invalid-fields': 'The fields are not valid',
  'invalid-page-token': 'The page token is not valid',
  'invalid-definition-ref': 'The name or version of a deployed definition is not valid',
  unauthorized: 'A valid token is required',
  forbidden: "The token's scopes do not allow this",
  'cross-origin': 'Cross-origin requests are refused',
  'host-not-allowed': 'The Host header does not name this server',
  'not-found': 'No such route',
  'process-not-found': 'No such process',
  'trigger-not-found': 'No such trigger',
  'schedule-not-found': 'No such schedule',
  'definition-not-found': 'No such deployed definition',
  'method-not-allowed': 'Method not allowed',
  'process-ended': 'The process has ended',
  'already-exists': 'It already exists',
  'cannot-reset': 'The process cannot run again from there',
  'body-too-large': 'The body is too large',
  'unsupported-media-type': 'The body must be JSON (Content-Type: application/json)',
  'invalid-definition': 'The definition is not valid',
  'definition-warnings': 'Not deployed: strict, and the lint warned',
  'invalid-expression': 'An expression is not valid',
  'temporal-unavailable': 'Temporal is unreachable',
  internal: 'Internal error',
};

/** A problem document. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly problems?: readonly DefinitionProblem[];
  readonly errors?: readonly { path: string; message: string }[];
  readonly warnings?: readonly LintWarningBody[];
}

/** A lint warning as the API writes it (as `POST /v1/definitions/validate` does). */
export interface LintWarningBody {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
  readonly rule: string;
  readonly ruleName: string;
  readonly severity: string;
}

/** A lint warning of the package as the API writes it. */
export function lintWarningBody(w: DefinitionWarningsError['warnings'][number]): LintWarningBody {
  return {
    line: w.line,
    column: w.column,
    path: w.path,
    message: w.message,
    rule: w.rule,
    ruleName: w.name,
    severity: w.severity,
  };
}

/** An error that the API answers with as a problem of `kind`. */
export class ApiProblem extends BureaucratError {
  override readonly name = 'ApiProblem';
  /** The problem kind in upper snake case: `process-not-found` → `PROCESS_NOT_FOUND`. */
  readonly code: string;
  constructor(
    readonly kind: ProblemType,
    detail: string,
    readonly extra: Pick<ProblemDocument, 'problems' | 'errors' | 'warnings'> = {},
  ) {
    super(detail);
    this.code = kind.toUpperCase().replace(/-/g, '_');
  }
}

/** The document of a problem of `kind`. */
export function problemDocument(
  kind: ProblemType,
  detail?: string,
  extra: Pick<ProblemDocument, 'problems' | 'errors' | 'warnings'> = {},
): ProblemDocument {
  return {
    type: `${PROBLEM_BASE}${kind}`,
    title: TITLES[kind],
    status: PROBLEM_STATUS[kind],
    ...(detail ? { detail } : {}),
    ...extra,
  };
}

/** gRPC's UNAVAILABLE and DEADLINE_EXCEEDED: the server could not be reached. */
const UNREACHABLE_CODES = new Set([14, 4]);

/** Fastify's own errors, by code. */
const FASTIFY_CODES: Record<string, ProblemType> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad-json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-json',
};

/**
 * The problem an error stands for. `temporalAddress` names the server in a 503. Unknown errors give a 500
 * without their message: it may hold internals.
 */
export function problemOf(err: unknown, temporalAddress: string): ProblemDocument {
  if (err instanceof ApiProblem) return problemDocument(err.kind, err.message, err.extra);
  const e = err as { code?: unknown; statusCode?: unknown; validation?: unknown; message?: unknown };
  if (Array.isArray(e.validation)) {
    const errors = (e.validation as { instancePath?: string; message?: string; params?: unknown }[]).map(
      (v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }),
    );
    return problemDocument('invalid-request', String(e.message), { errors });
  }
  if (typeof e.code === 'string' && FASTIFY_CODES[e.code])
    return problemDocument(FASTIFY_CODES[e.code], String(e.message));
  if (err instanceof SyntaxError && e.statusCode === 400) return problemDocument('bad-json', err.message);
  if (err instanceof DefinitionError) {
    return problemDocument('invalid-definition', `${err.problems.length} problem(s) in the definition`, {
      problems: err.problems.map(({ line, column, path, message }) => ({ line, column, path, message })),
    });
  }
  if (err instanceof DefinitionNotFoundError) return problemDocument('definition-not-found', err.message);
  if (err instanceof DefinitionRefError) return problemDocument('invalid-definition-ref', err.message);
  if (err instanceof DefinitionWarningsError) {
    return problemDocument('definition-warnings', err.message, {
      warnings: err.warnings.map(lintWarningBody),
    });
  }
  if (err instanceof TriggerExpressionError) return problemDocument('invalid-expression', err.message);
  if (err instanceof InvalidFieldsError) return problemDocument('invalid-fields', err.message);
  if (err instanceof InvalidPageTokenError) return problemDocument('invalid-page-token', err.message);
  if (err instanceof TypeError && /must be|needs|no trigger named/.test(err.message)) {
    if (/^no trigger named/.test(err.message)) return problemDocument('trigger-not-found', err.message);
    return problemDocument('invalid-request', err.message);
  }
  if (err instanceof WorkflowNotFoundError)
    return problemDocument('process-not-found', 'no process with that id');
  if (err instanceof ScheduleNotFoundError) return problemDocument('schedule-not-found', err.message);
  if (err instanceof ScheduleAlreadyRunning)
    return problemDocument('already-exists', 'a schedule of that name exists');
  if (err instanceof TriggerConflictError) return problemDocument('already-exists', err.message);
  if (err instanceof ProcessEndedError) return problemDocument('process-ended', err.message);
  if (err instanceof ResetError) return problemDocument('cannot-reset', err.message);
  if (err instanceof TemporalConnectionError) return problemDocument('temporal-unavailable', err.message);
  if (isUnreachable(err))
    return problemDocument('temporal-unavailable', `cannot reach Temporal at ${temporalAddress}`);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 404) {
    return problemDocument('invalid-request', String(e.message));
  }
  return problemDocument('internal', 'the server failed; its log says why');
}

/** Whether `err` (or its cause) is gRPC's "server unreachable". */
function isUnreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'number' && UNREACHABLE_CODES.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}
