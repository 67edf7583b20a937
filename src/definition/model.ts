/**
 * The process model: what a validated Bureaucrat definition means, as plain JSON data. The interpreter
 * workflow executes it; it travels as workflow input, so it holds no classes or functions.
 *
 * Ids follow the original engine's scheme, relative to the process: the root is `""`, the n-th activity
 * child (0-based, counting activity elements only) of an activity with id `p` is `p_n`, and the n-th
 * handler of the `<faults>` section of activity `p` is `p_faults_n`. The running process prefixes them
 * with its process id, so `<process-id>_1_0` names the same activity as in the original's snapshots.
 */
import type { Expression } from '../expression';
import type { DefinitionRef } from '../deployed';

/** Where an element starts in the definition text (1-based), and its element path. */
export interface SourceLocation {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** e.g. `process/sequence[1]/action[2]` (1-based among siblings of the same name). */
  readonly path: string;
}

/** The property types of `<property type="…">`. */
export const PROPERTY_TYPES = ['int', 'float', 'str', 'bool', 'json'] as const;
/** One of {@link PROPERTY_TYPES}. */
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** A `<property>` of a `<context>`: its value already converted to its type. */
export interface PropertyDefinition {
  /** The property name. */
  readonly name: string;
  /** Its `type` attribute. */
  readonly type: PropertyType;
  /** Its initial value, converted to `type`. */
  readonly value: unknown;
  /** Where `<property>` starts in the definition text. */
  readonly loc: SourceLocation;
}

/** A `<condition>`: a parsed expression. */
export interface Condition {
  /** The parsed expression. */
  readonly expression: Expression;
  /** Where `<condition>` starts in the definition text. */
  readonly loc: SourceLocation;
}

/** A handler of a `<faults>` section: `<case code="A, B">` or `<default>` (codes `null`). */
export interface FaultHandler {
  /** Always `handler`: tells handlers from activities. */
  readonly kind: 'handler';
  /** The id relative to the process: `<parent id>_faults_<n>`. */
  readonly id: string;
  /** The fault codes it handles; `null` for `<default>`, which handles any. */
  readonly codes: readonly string[] | null;
  /** The properties of the handler's `<context>`. */
  readonly context: readonly PropertyDefinition[];
  /** The handlers of the handler's own `<faults>` section. */
  readonly faults: readonly FaultHandler[];
  /** The activities the handler runs, in document order. */
  readonly activities: readonly Activity[];
  /** Where the handler starts in the definition text. */
  readonly loc: SourceLocation;
}

/** What every activity has: its kind, id and place in the text. */
interface ActivityBase<K extends string> {
  /** The element name, which tells the kind of activity. */
  readonly kind: K;
  /** The id relative to the process, e.g. `_0_2` (see the module comment). */
  readonly id: string;
  /** Where the element starts in the definition text. */
  readonly loc: SourceLocation;
}

/** Complex activities own a context scope and may declare properties and fault handlers. */
interface ComplexActivity<K extends string> extends ActivityBase<K> {
  /** The properties of the activity's `<context>`. */
  readonly context: readonly PropertyDefinition[];
  /** The handlers of the activity's `<faults>` section. */
  readonly faults: readonly FaultHandler[];
  /** The child activities, in document order. */
  readonly activities: readonly Activity[];
}

/** `<sequence>`: runs its activities one after the other. */
export type SequenceActivity = ComplexActivity<'sequence'>;
/** `<all>`: runs its activities concurrently; done when all are, the first fault cancels the others. */
export type AllActivity = ComplexActivity<'all'>;

/** `<case>` of a `<switch>`: runs when any of its conditions holds. */
export interface CaseActivity extends ComplexActivity<'case'> {
  /** OR-ed: the case runs when any of them holds. */
  readonly conditions: readonly Condition[];
}

/** `<while>`: a precondition loop; each iteration starts with a fresh local scope. */
export interface WhileActivity extends ComplexActivity<'while'> {
  /** OR-ed: each iteration runs while any of them holds. */
  readonly conditions: readonly Condition[];
}

/** `<foreach select="a.b">`: one iteration per element of a list found in the context. */
export interface ForeachActivity extends ComplexActivity<'foreach'> {
  /** The path: the first segment is a context property, the rest keys into its JSON value. */
  readonly select: readonly string[];
  /** Optional filter: an element's iteration runs only when one of them holds (none: every element). */
  readonly conditions: readonly Condition[];
}

/** `<action participant="…">`: a task for a participant (a Temporal activity of that name). */
export interface ActionActivity extends ActivityBase<'action'> {
  /** The participant: the name of the Temporal activity that does the task. */
  readonly participant: string;
  /** `queue="…"`: the task queue whose workers serve this participant (overrides any routing). */
  readonly queue?: string;
  /** `timeout="…"`: seconds per attempt (Temporal's start-to-close timeout). */
  readonly timeout?: number;
  /** `retries="…"`: attempts after the first one (Temporal's maximum attempts minus one). */
  readonly retries?: number;
  /** `heartbeat="…"`: seconds between heartbeats before an attempt counts as lost. */
  readonly heartbeat?: number;
}

/** `<switch>`: runs the first case whose conditions hold; none → it just completes. */
export interface SwitchActivity extends ActivityBase<'switch'> {
  /** Its cases, in document order. */
  readonly cases: readonly CaseActivity[];
}

/**
 * `<call>`: runs another definition as a sub-process, in one of two forms (exactly one of `property` and
 * `deployed` is set):
 *
 * - `<call process="$name">` runs the definition held in context property `name`;
 * - `<call definition="name" [version="n"]>` runs a deployed definition by name: the latest version when
 *   the call starts, unless `version` pins one.
 */
export interface CallActivity extends ActivityBase<'call'> {
  /** `process="$name"`: the context property holding the sub-process definition (the name after `$`). */
  readonly property?: string;
  /** `definition="name" [version="n"]`: the deployed definition to run (no version: the latest at start). */
  readonly deployed?: DefinitionRef;
}

/** `<delay duration="N">`: a durable timer of N seconds. */
export interface DelayActivity extends ActivityBase<'delay'> {
  /** How long the timer runs, in seconds. */
  readonly seconds: number;
}

/** `<await event="name">`: waits for a global event of that name whose conditions hold. */
export interface AwaitActivity extends ActivityBase<'await'> {
  /** The event name it waits for. */
  readonly event: string;
  /** OR-ed; empty means any event of that name. They may read `event` as well as `context`. */
  readonly conditions: readonly Condition[];
  /** `timeout="…"`: seconds to wait before the await faults with `Timeout`; unset waits forever. */
  readonly timeout?: number;
  /**
   * `key="…"`: the correlation key, an expression over `context` evaluated when the await starts; only
   * events triggered with an equal key reach it. Unset: it receives the events triggered without a key.
   */
  readonly key?: Expression;
}

/** `<fault code="…" message="…">`: raises a fault. */
export interface FaultActivity extends ActivityBase<'fault'> {
  /** The fault code: what `<faults>` handlers match on (`terminate` when the element gives none). */
  readonly code: string;
  /** The fault's message (`''` when the element gives none). */
  readonly message: string;
}

/** `<assign property="p">expression</assign>`: sets a property. */
export interface AssignActivity extends ActivityBase<'assign'> {
  /** The property it sets. */
  readonly property: string;
  /** The expression whose value the property gets. */
  readonly expression: Expression;
}

/** Any activity element of a definition; `kind` tells which. */
export type Activity =
  | SequenceActivity
  | ActionActivity
  | SwitchActivity
  | CaseActivity
  | WhileActivity
  | AllActivity
  | CallActivity
  | DelayActivity
  | AwaitActivity
  | FaultActivity
  | AssignActivity
  | ForeachActivity;

/** The activity kinds, by element name: `sequence`, `action`, `switch`, `case`, … */
export type ActivityKind = Activity['kind'];

/** A whole validated definition: the root `<process>`, which behaves like a sequence. */
export interface ProcessDefinition {
  /** Always `process`: tells the root from the activities. */
  readonly kind: 'process';
  /** Always `""`: the ids of the activities are relative to the process. */
  readonly id: '';
  /** `<process name="…">`, if given. */
  readonly name?: string;
  /** The properties of the process's `<context>`. */
  readonly context: readonly PropertyDefinition[];
  /** The handlers of the process's `<faults>` section. */
  readonly faults: readonly FaultHandler[];
  /** The activities of the process, in document order. */
  readonly activities: readonly Activity[];
  /** Where `<process>` starts in the definition text. */
  readonly loc: SourceLocation;
  /** How many activities (all kinds, handlers included) the definition holds. */
  readonly activityCount: number;
}
