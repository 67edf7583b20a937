/**
 * The HTTP API's contract: every request and response body as a JSON Schema (TypeBox). Fastify validates
 * requests with these and serialises responses through them, and `@fastify/swagger` builds the OpenAPI
 * document from the same objects, so the document cannot drift from what the server does.
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A string of one of `values` (`enum`: one clear validation message, where a union gives one per value). */
function StringEnum<const T extends string>(
  values: readonly T[],
  options: { description?: string } = {},
): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** Free-form JSON object (a context, launch fields, event data). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A JSON object; its values are any JSON.',
});

const XmlDefinition = Type.String({
  description: 'The definition as XML text (`<process>…</process>`); a file path is not accepted.',
  pattern: '^\\s*<',
  minLength: 1,
});

/** A deployed definition by name, and version when pinned. */
export const DeployedRef = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$',
      description: 'The name it was deployed under.',
    }),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version, from 1; absent: the latest when it starts.' }),
    ),
  },
  { additionalProperties: false, description: 'A deployed definition (`POST /v1/definitions`) by name.' },
);

/** XML text, or a deployed definition by name. */
const DefinitionInput = Type.Union([XmlDefinition, DeployedRef], {
  description:
    'The definition: XML text, or a deployed definition by name (`{"name": "order"}` for the latest, `{"name": "order", "version": 3}`).',
});

const ProcessId = Type.String({ minLength: 1, maxLength: 1000, description: 'The process id.' });

const Duration = Type.Union([Type.String({ minLength: 1 }), Type.Number({ minimum: 0 })], {
  description: "A duration: `'30s'`, `'5 minutes'` or milliseconds.",
});

/** Where in a definition a problem or warning is: line, column, element path, and what it says. */
const Position = {
  line: Type.Integer(),
  column: Type.Integer(),
  path: Type.String(),
  message: Type.String(),
};

/** A problem document (RFC 9457); `type` is stable per kind of error. */
export const Problem = Type.Object(
  {
    type: Type.String({
      description: 'A URI naming the kind of error, e.g. `…/problems/process-not-found`.',
    }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    problems: Type.Optional(
      Type.Array(Type.Object(Position), {
        description: 'For `invalid-definition`: every problem found, with line, column and element path.',
      }),
    ),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
        description: 'For `invalid-request`: what in the request is wrong.',
      }),
    ),
    warnings: Type.Optional(
      Type.Array(
        Type.Object({
          ...Position,
          rule: Type.String(),
          ruleName: Type.String(),
          severity: Type.String(),
        }),
        { description: "For `definition-warnings`: the lint's warnings that refused a strict deploy." },
      ),
    ),
  },
  { $id: 'Problem', description: 'An error (RFC 9457 problem details, `application/problem+json`).' },
);

/** The schemas routes refer to by `$id` (registered once with the application; components in the OpenAPI document). */
export const SHARED_SCHEMAS = [Problem] as const;

/** A problem response of each status a route may answer with (`application/problem+json`). */
export function problems(...statuses: number[]): Record<number, TSchema> {
  const problem = {
    description: 'A problem document (`application/problem+json`).',
    content: { 'application/problem+json': { schema: Type.Ref(Problem) } },
  };
  return Object.fromEntries([...statuses, 500].map((status) => [status, problem as unknown as TSchema]));
}

export const ActionOptions = Type.Object(
  {
    startToCloseTimeout: Type.Optional(Duration),
    scheduleToCloseTimeout: Type.Optional(Duration),
    heartbeatTimeout: Type.Optional(Duration),
    retry: Type.Optional(
      Type.Object(
        {
          initialInterval: Type.Optional(Duration),
          backoffCoefficient: Type.Optional(Type.Number({ minimum: 1 })),
          maximumInterval: Type.Optional(Duration),
          maximumAttempts: Type.Optional(Type.Integer({ minimum: 0 })),
          nonRetryableErrorTypes: Type.Optional(Type.Array(Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    taskQueue: Type.Optional(Type.String({ minLength: 1 })),
    routes: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false, description: "Timeouts, retries and routing of the process's actions." },
);

export const LaunchRequest = Type.Object(
  {
    definition: DefinitionInput,
    fields: Type.Optional(JsonObject),
    processId: Type.Optional(ProcessId),
    actionOptions: Type.Optional(ActionOptions),
  },
  { additionalProperties: false },
);
export type LaunchRequest = Static<typeof LaunchRequest>;

export const Launched = Type.Object({
  processId: Type.String(),
  runId: Type.String(),
  started: Type.Boolean({
    description: 'False when the id was already running or had completed: that process is returned.',
  }),
});

export const FaultInfo = Type.Object({ code: Type.String(), message: Type.String() });

const Status = Type.String({
  description: '`running`, `completed`, `failed`, `cancelled`, `terminated`, `timed_out`.',
});

const DefinitionLabel = Type.String({
  description: 'The deployed definition it runs (`order@3`), when it was started by name.',
});

export const ProcessSummary = Type.Object({
  processId: Type.String(),
  runId: Type.String(),
  name: Type.Optional(Type.String()),
  definition: Type.Optional(DefinitionLabel),
  status: Status,
  startTime: Type.String({ format: 'date-time' }),
  closeTime: Type.Optional(Type.String({ format: 'date-time' })),
});

export const ProcessList = Type.Object({
  processes: Type.Array(ProcessSummary),
  nextPageToken: Type.Optional(Type.String({ description: 'Pass as `pageToken` for the next page.' })),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(['running', 'completed', 'failed'])),
    name: Type.Optional(Type.String({ minLength: 1, description: 'The `<process name="…">`.' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    pageToken: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A node of the state snapshot tree (the `state` query); children and fault handlers nest. */
export const ActivitySnapshot = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    state: Type.String(),
    children: Type.Array(Type.Unknown()),
    faults: Type.Array(Type.Unknown()),
  },
  {
    additionalProperties: true,
    description: 'The state snapshot tree, as `bureaucrat status --json` prints it.',
  },
);

export const PauseInfo = Type.Object({ by: Type.String(), reason: Type.String(), since: Type.String() });

export const Migration = Type.Object({
  from: Type.Optional(Type.String({ description: 'The deployed version it ran before (`order@2`).' })),
  to: Type.String({ description: 'What it runs since: `order@3`, or the definition it was given.' }),
  at: Type.String({ format: 'date-time' }),
});

export const ProcessDetails = Type.Object({
  processId: Type.String(),
  runId: Type.String(),
  name: Type.Optional(Type.String()),
  definition: Type.Optional(DefinitionLabel),
  migrations: Type.Optional(
    Type.Array(Migration, { description: 'The migrations it went through, oldest first.' }),
  ),
  status: Status,
  state: ActivitySnapshot,
  context: JsonObject,
  fault: Type.Optional(FaultInfo),
  paused: Type.Optional(PauseInfo),
  startTime: Type.String({ format: 'date-time' }),
  closeTime: Type.Optional(Type.String({ format: 'date-time' })),
  webUiUrl: Type.Optional(
    Type.String({ description: 'The process in the Temporal Web UI, when configured.' }),
  ),
});

export const ProcessParams = Type.Object({ id: ProcessId });

export const ResultQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.String({
        pattern: '^\\d+(\\.\\d+)?\\s*(ms|s|m)?$',
        description: 'How long to wait for the end (`30s`, `500ms`, `2m`; at most 5 minutes); 0 by default.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ProcessResult = Type.Object({
  processId: Type.String(),
  status: Status,
  context: Type.Optional(JsonObject),
  fault: Type.Optional(FaultInfo),
});

export const Timeline = Type.Object({
  steps: Type.Array(Type.Object({ time: Type.String({ format: 'date-time' }), what: Type.String() })),
});

export const EventToProcess = Type.Object(
  { event: Type.String({ minLength: 1 }), data: Type.Optional(JsonObject) },
  { additionalProperties: false },
);

export const EventMessage = Type.Object(
  { event: Type.String({ minLength: 1, description: 'The event name.' }) },
  {
    additionalProperties: true,
    description: "The original's event message: `event` and any data beside it.",
  },
);

export const EventQuery = Type.Object(
  {
    key: Type.Optional(
      Type.String({ minLength: 1, description: 'Correlation key: only awaits with an equal key.' }),
    ),
    ttl: Type.Optional(
      Type.String({ minLength: 1, description: 'Awaits that start within it still get the event.' }),
    ),
    id: Type.Optional(
      Type.String({ minLength: 1, description: 'Event id: publishing it again delivers once.' }),
    ),
  },
  { additionalProperties: false },
);

export const Accepted = Type.Object({ accepted: Type.Boolean() });

export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const PauseRequest = Type.Object(
  { by: Type.Optional(Type.String()), reason: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const SetRequest = Type.Object({ fields: JsonObject }, { additionalProperties: false });

export const ResetRequest = Type.Object(
  { activityId: Type.String({ minLength: 1, description: 'The step to run again from, e.g. `_0_2`.' }) },
  { additionalProperties: false },
);

export const ResetResult = Type.Object({
  processId: Type.String(),
  activityId: Type.String(),
  fromRunId: Type.String(),
  runId: Type.String(),
  eventId: Type.Integer(),
});

export const ValidateRequest = Type.Object({ definition: Type.String() }, { additionalProperties: false });

export const Validation = Type.Object({
  valid: Type.Boolean(),
  name: Type.Optional(Type.String()),
  problems: Type.Array(Type.Object(Position)),
  warnings: Type.Array(
    Type.Object({ ...Position, rule: Type.String(), ruleName: Type.String(), severity: Type.String() }),
  ),
});

export const NameParams = Type.Object({ name: Type.String({ minLength: 1 }) });

export const VersionParams = Type.Object({
  name: Type.String({ minLength: 1 }),
  version: Type.Integer({ minimum: 1 }),
});

export const DeployRequest = Type.Object(
  {
    xml: Type.String({ minLength: 1, description: 'The definition as XML text.' }),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The name to deploy under; its `<process name>` by default.',
      }),
    ),
    strict: Type.Optional(Type.Boolean({ description: 'Refuse to deploy when the lint warns (422).' })),
  },
  { additionalProperties: false },
);

const VersionFields = {
  name: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  digest: Type.String({
    description: 'SHA-256 of the XML text (hex): the same content is the same version.',
  }),
  size: Type.Integer({ description: 'The XML text in bytes (UTF-8).' }),
  processName: Type.Optional(Type.String()),
  activityCount: Type.Integer(),
  deployedAt: Type.String({ format: 'date-time' }),
};

const LintWarning = Type.Object({
  ...Position,
  rule: Type.String(),
  ruleName: Type.String(),
  severity: Type.String(),
});

export const DefinitionVersion = Type.Object(VersionFields);

export const DefinitionVersionWithXml = Type.Object({ ...VersionFields, xml: Type.String() });

export const Deployed = Type.Object({
  ...VersionFields,
  unchanged: Type.Boolean({
    description: 'True when the latest version already had this content: nothing new was stored.',
  }),
  warnings: Type.Array(LintWarning),
});

export const DeployedDefinitionList = Type.Object({
  definitions: Type.Array(
    Type.Object({
      name: Type.String(),
      latest: Type.Integer({ description: 'Its latest version.' }),
      versions: Type.Integer({ description: 'How many versions it has.' }),
      processName: Type.Optional(Type.String()),
      deployedAt: Type.String({ format: 'date-time', description: 'When its latest version was deployed.' }),
    }),
  ),
});

export const DefinitionVersionList = Type.Object({ versions: Type.Array(DefinitionVersion) });

export const TriggerAddRequest = Type.Object(
  {
    event: Type.String({ minLength: 1 }),
    definition: XmlDefinition,
    name: Type.Optional(Type.String({ minLength: 1 })),
    when: Type.Optional(Type.String({ description: 'Predicate over `event`.' })),
    id: Type.Optional(Type.String({ description: 'Process id expression over `event`.' })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    replace: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TriggerAdded = Type.Object({
  name: Type.String(),
  result: StringEnum(['added', 'unchanged', 'replaced']),
});

export const TriggerInfo = Type.Object({
  name: Type.String(),
  event: Type.String(),
  processName: Type.Optional(Type.String()),
  definition: Type.Optional(
    Type.String({
      description: 'The deployed definition it starts by name: `order` (the latest) or `order@3`.',
    }),
  ),
  when: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  retries: Type.Integer(),
  started: Type.Integer(),
  deadLetters: Type.Integer(),
});

export const DeadLetter = Type.Object({
  key: Type.String(),
  trigger: Type.String(),
  message: JsonObject,
  defaultProcessId: Type.String(),
  error: Type.String(),
  at: Type.String(),
});

export const RedriveResult = Type.Object({
  started: Type.Integer(),
  skipped: Type.Integer(),
  failed: Type.Integer(),
});

export const ScheduleAddRequest = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    definition: XmlDefinition,
    every: Type.Optional(Duration),
    cron: Type.Optional(Type.String({ minLength: 1 })),
    fields: Type.Optional(JsonObject),
    overlap: Type.Optional(StringEnum(['skip', 'buffer', 'allow'])),
  },
  { additionalProperties: false, description: 'Exactly one of `every` and `cron`.' },
);

export const ScheduleInfo = Type.Object({
  name: Type.String(),
  processName: Type.Optional(Type.String()),
  timing: Type.String(),
  paused: Type.Boolean(),
  nextStarts: Type.Array(Type.String({ format: 'date-time' })),
  recentProcessIds: Type.Array(Type.String()),
});

export const ScheduleAction = Type.Object({
  name: Type.String({ minLength: 1 }),
  action: StringEnum(['pause', 'resume', 'trigger']),
});

export const Health = Type.Object({
  ok: Type.Boolean(),
  temporal: Type.String({ description: "Temporal's address." }),
  namespace: Type.String(),
});
