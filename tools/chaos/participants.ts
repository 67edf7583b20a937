// The participants of the reliability suite (`npm run chaos`), loaded by `bureaucrat worker --participants`.
// Every call is appended to $CHAOS_CALLS_FILE before and after the work: the file survives the worker being
// SIGKILLed (each append reaches the kernel at once), so the suite can count calls across worker restarts.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ParticipantFault, type ContextValues, type Participants } from '../../src';

const callsFile = process.env.CHAOS_CALLS_FILE;
const stepMs = Number(process.env.CHAOS_STEP_MS ?? 200);

/** One line `start|end <activityId>`; the activity id starts with the process id. */
function record(kind: 'start' | 'end', activityId: string): void {
  if (callsFile) appendFileSync(callsFile, `${kind} ${activityId}\n`);
}

/** A nested object `depth` levels deep: `{ d: { d: … } }`. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) value = { d: value };
  return value;
}

export const participants: Participants = {
  /** Work that takes a while, then appends its activity's id (relative to the process) to `trail`. */
  'chaos.step': async ({ fields, processId, activityId }): Promise<ContextValues> => {
    record('start', activityId);
    await sleep(stepMs);
    record('end', activityId);
    const trail = Array.isArray(fields.trail) ? fields.trail : [];
    return { trail: [...trail, activityId.slice(processId.length)] };
  },
  // Hostile participants: each must end in a clear fault (or a harmless no-op), never wedge the worker.
  'chaos.throws': () => {
    throw new Error('chaos: the participant throws');
  },
  'chaos.hangs': () => new Promise<never>(() => undefined), // never settles, ignores cancellation
  // Malformed replies on purpose: the worker must turn them into faults.
  'chaos.array': () => [1, 2, 3] as never,
  'chaos.null': () => null as never,
  'chaos.number': () => 42 as never,
  'chaos.string': () => 'done' as never,
  'chaos.critical': () => ({ status: 'critical', error: 'chaos: critical reply' }) as never,
  'chaos.fault': () => {
    throw new ParticipantFault('Declined', 'chaos: declined');
  },
  /** 1.5 MB: under Temporal's payload limit, over the context limit. */
  'chaos.huge': () => ({ blob: 'x'.repeat(1_500_000) }),
  /** 3 MB: over Temporal's 2 MB payload limit. */
  'chaos.oversized': () => ({ blob: 'x'.repeat(3_000_000) }),
  /** 1,000 levels deep. */
  'chaos.deep': () => ({ deep: nested(1_000) }) as never,
  /** Many keys: 100,000 small fields. */
  'chaos.wide': () => Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])),
};
