/**
 * The example participants: what `bureaucrat dev` and the demo run when no participants module is given.
 * Each is an ordinary async function from a workitem to the fields it changes. Write your own the same way
 * and pass the module with `--participants`: `export default { name: async (workitem) => ({ … }) }`.
 */
import type { Participants } from '../src/worker/participants';

export const participants: Participants = {
  /** Bumps a counter of its own and replies with the original protocol's `done` status. */
  participant1: (workitem) => ({
    status: 'done',
    participant1_calls: Number(workitem.fields.participant1_calls ?? 0) + 1,
  }),
  /** Changes nothing. */
  participant2: () => ({}),
  /** Pretends to send an approval request. */
  request_approval: (workitem) => ({ requested_at_activity: workitem.activityId }),
  /** Pretends to notify the requester. */
  notify: () => ({ notified: true }),
};

export default participants;
