/**
 * The trigger registry: one long-lived workflow per namespace and task queue that holds the trigger
 * registrations and their dead letters. Keeping them in a workflow means Temporal is the only store: they
 * survive server restarts (with a persistent server) and any worker restart, and updates serialise
 * concurrent registrations without locks.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ADD_TRIGGER_UPDATE,
  CLEAR_DEAD_LETTER_SIGNAL,
  DEAD_LETTER_SIGNAL,
  DEAD_LETTERS_QUERY,
  REMOVE_TRIGGER_UPDATE,
  TRIGGER_CONFLICT_ERROR,
  TRIGGERS_QUERY,
  type AddTriggerResult,
  type DeadLetter,
  type TriggerRegistration,
  type TriggerRegistryState,
} from '../src/triggers/protocol';

export const addTriggerUpdate = defineUpdate<AddTriggerResult, [TriggerRegistration, boolean]>(
  ADD_TRIGGER_UPDATE,
);
export const removeTriggerUpdate = defineUpdate<boolean, [string]>(REMOVE_TRIGGER_UPDATE);
export const triggersQuery = defineQuery<TriggerRegistration[], [string?]>(TRIGGERS_QUERY);
export const deadLettersQuery = defineQuery<DeadLetter[], [string?]>(DEAD_LETTERS_QUERY);
export const deadLetterSignal = defineSignal<[DeadLetter]>(DEAD_LETTER_SIGNAL);
export const clearDeadLetterSignal =
  defineSignal<[{ trigger: string; key: string }]>(CLEAR_DEAD_LETTER_SIGNAL);

/** Dead letters kept per trigger; beyond it the oldest go, so that the state stays bounded. */
const MAX_DEAD_LETTERS_PER_TRIGGER = 1_000;

/** The registry continues as new past this many history events. */
const REGISTRY_HISTORY_LIMIT = 5_000;

/** Runs forever; holds the triggers of one task queue. */
export async function bureaucratTriggers(state: TriggerRegistryState): Promise<never> {
  const triggers = new Map(state.triggers.map((t) => [t.name, t]));
  const deadLetters = new Map(state.deadLetters.map((d) => [`${d.trigger}\n${d.key}`, d]));

  setHandler(addTriggerUpdate, (registration, replace) => {
    const existing = triggers.get(registration.name);
    if (existing && sameSettings(existing, registration)) return 'unchanged';
    if (existing && !replace) {
      throw ApplicationFailure.create({
        type: TRIGGER_CONFLICT_ERROR,
        nonRetryable: true,
        message: `trigger ${registration.name} exists with other settings (event ${existing.event}); replace it explicitly`,
      });
    }
    triggers.set(registration.name, registration);
    return existing ? 'replaced' : 'added';
  });
  setHandler(removeTriggerUpdate, (name) => {
    for (const [k, d] of deadLetters) if (d.trigger === name) deadLetters.delete(k);
    return triggers.delete(name);
  });
  setHandler(triggersQuery, (event) =>
    [...triggers.values()].filter((t) => event === undefined || t.event === event),
  );
  setHandler(deadLettersQuery, (trigger) =>
    [...deadLetters.values()].filter((d) => trigger === undefined || d.trigger === trigger),
  );
  setHandler(deadLetterSignal, (letter) => {
    if (!triggers.has(letter.trigger)) return; // removed meanwhile
    const k = `${letter.trigger}\n${letter.key}`;
    deadLetters.delete(k); // a letter that fails again moves to the end
    deadLetters.set(k, letter);
    const own = [...deadLetters.entries()].filter(([, d]) => d.trigger === letter.trigger);
    for (const [old] of own.slice(0, Math.max(0, own.length - MAX_DEAD_LETTERS_PER_TRIGGER))) {
      deadLetters.delete(old);
    }
  });
  setHandler(clearDeadLetterSignal, ({ trigger, key }) => {
    deadLetters.delete(`${trigger}\n${key}`);
  });

  await condition(() => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > REGISTRY_HISTORY_LIMIT;
  });
  await condition(allHandlersFinished);
  return continueAsNew<typeof bureaucratTriggers>({
    triggers: [...triggers.values()],
    deadLetters: [...deadLetters.values()],
  });
}

function sameSettings(a: TriggerRegistration, b: TriggerRegistration): boolean {
  return (
    a.event === b.event &&
    a.definition === b.definition &&
    a.deployed?.name === b.deployed?.name &&
    a.deployed?.version === b.deployed?.version &&
    a.when === b.when &&
    a.id === b.id &&
    a.retries === b.retries
  );
}
