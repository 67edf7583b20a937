/**
 * The contract of event triggers between the client (`Triggers`), the registry workflow, the event router
 * and the activity that starts processes. Pure module (no Node APIs): the workflow bundle imports it.
 */
import type { DefinitionRef } from '../deployed';
import type { EventMessage } from '../protocol';

/** Workflow type of the trigger registry: one per namespace and task queue. */
export const TRIGGER_REGISTRY_WORKFLOW_TYPE = 'bureaucratTriggers';

/**
 * The registry of the triggers whose processes run on `taskQueue`. One per task queue, because a trigger
 * starts its processes on the queue of the workers that serve its events.
 */
export const triggerRegistryId = (taskQueue: string): string => `bureaucrat-triggers:${taskQueue}`;

/** Registry update: adds a trigger (see {@link AddTriggerResult}). */
export const ADD_TRIGGER_UPDATE = 'addTrigger';
/** Registry update: removes a trigger and its dead letters; returns whether it existed. */
export const REMOVE_TRIGGER_UPDATE = 'removeTrigger';
/** Registry query: the triggers, all or those of one event. */
export const TRIGGERS_QUERY = 'triggers';
/** Registry query: the dead letters, all or those of one trigger. */
export const DEAD_LETTERS_QUERY = 'deadLetters';
/** Registry signal: a start failed for good (a {@link DeadLetter}); replaces one with the same key. */
export const DEAD_LETTER_SIGNAL = 'deadLetter';
/** Registry signal: a redriven dead letter succeeded (`{ trigger, key }`). */
export const CLEAR_DEAD_LETTER_SIGNAL = 'clearDeadLetter';

/** Router signal: the event has triggers, so the router hands each event to {@link FIRE_TRIGGERS_ACTIVITY}. */
export const TRIGGERS_ON_SIGNAL = 'triggersOn';

/** The activity that evaluates an event's triggers and starts their processes. */
export const FIRE_TRIGGERS_ACTIVITY = 'bureaucrat.fireTriggers';

/** A trigger as the registry holds it: everything needed to start a process from an event. */
export interface TriggerRegistration {
  readonly name: string;
  /** The event name it listens to. */
  readonly event: string;
  /** The definition's XML text (validated at registration); unset for a trigger of a deployed definition. */
  readonly definition?: string;
  /**
   * The deployed definition it starts by name, instead of XML text: the latest version at each start, or
   * the pinned `version` (checked to exist at registration).
   */
  readonly deployed?: DefinitionRef;
  /** Where the definition came from (a file name), for messages. */
  readonly source?: string;
  /** `<process name="…">` of the definition. */
  readonly processName?: string;
  /** The predicate (expression over `event`); unset: every event. */
  readonly when?: string;
  /** The correlation id (expression over `event`); unset: one process per event. */
  readonly id?: string;
  /** How many times a start that fails is retried before the event is dead-lettered. */
  readonly retries: number;
}

/** What adding a trigger did. */
export type AddTriggerResult = 'added' | 'unchanged' | 'replaced';

/** The error type of an add refused because the name is taken by other settings. */
export const TRIGGER_CONFLICT_ERROR = 'TriggerConflict';

/** An event whose start failed for good, with the error; redriving starts it again. */
export interface DeadLetter {
  /** Unique per trigger and event: a redrive that fails again replaces the letter. */
  readonly key: string;
  /** The name of the trigger whose start failed. */
  readonly trigger: string;
  /** The event message, as published. */
  readonly message: EventMessage;
  /** The process id of an id-less trigger's start, kept so that a redrive starts it at most once. */
  readonly defaultProcessId: string;
  /** The error of the last start attempt. */
  readonly error: string;
  /** ISO time of the failure. */
  readonly at: string;
}

/** The registry's state, carried across continue-as-new. */
export interface TriggerRegistryState {
  readonly triggers: readonly TriggerRegistration[];
  readonly deadLetters: readonly DeadLetter[];
}

/** One published event, as the router hands it to {@link FIRE_TRIGGERS_ACTIVITY}. */
export interface FiredEvent {
  readonly seq: number;
  readonly message: EventMessage;
}

/** Input of {@link FIRE_TRIGGERS_ACTIVITY}: a batch of events of one name, in order. */
export interface FireTriggersInput {
  readonly event: string;
  /** The router's first run id: with `seq` it makes the ids of id-less starts unique and stable. */
  readonly origin: string;
  readonly events: readonly FiredEvent[];
}

/** The process id of an id-less trigger's start for event number `seq` of a router. */
export const defaultTriggerProcessId = (trigger: string, origin: string, seq: number): string =>
  `${trigger}-${origin.slice(0, 8)}-${seq}`;
