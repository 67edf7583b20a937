/**
 * The test kit's event script (`testProcess(…, { events })`): sleeps until each event's time, measured
 * from its own start, then triggers it through an activity — the same broadcast path as `Events.trigger`,
 * or a direct event to one process. On the time-skipping test server the sleeps take no real time, so an
 * event "at 5m" reaches the process exactly five minutes of process time after it started.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { ScheduledEvent } from '../src/wire/test-kit';
import { SCHEDULED_EVENT_ACTIVITY } from '../src/wire/test-kit';

const { [SCHEDULED_EVENT_ACTIVITY]: sendEvent } = proxyActivities<
  Record<typeof SCHEDULED_EVENT_ACTIVITY, (event: ScheduledEvent) => Promise<void>>
>({ startToCloseTimeout: '1 minute' });

/** Sends `events` at their times (milliseconds after this workflow started), in order of time. */
export async function bureaucratScheduledEvents(events: readonly ScheduledEvent[]): Promise<void> {
  let now = 0;
  for (const event of [...events].sort((a, b) => a.atMs - b.atMs)) {
    if (event.atMs > now) await sleep(event.atMs - now);
    now = Math.max(now, event.atMs);
    await sendEvent(event);
  }
}
