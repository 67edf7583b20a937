/**
 * How far a delivery got (`DeliveryProgress` in activities/events.ts): what its heartbeat says, so that a
 * retried delivery goes on from there. Signals finish out of order; only an unbroken prefix counts.
 */
import { DeliveryProgress } from '../../activities/events';

describe('DeliveryProgress', () => {
  it('counts the targets before the first one whose signal has not finished', () => {
    const progress = new DeliveryProgress(6, undefined);
    expect(progress.done).toBe(0);
    expect(progress.sent(1)).toBe(0); // target 0 is still in flight
    expect(progress.sent(2)).toBe(0);
    expect(progress.sent(0)).toBe(3);
    expect(progress.sent(4)).toBe(3);
    expect(progress.sent(3)).toBe(5);
    expect(progress.sent(5)).toBe(6);
  });

  it("resumes from a previous attempt's heartbeat, and ignores details that cannot be one", () => {
    const resumed = new DeliveryProgress(10, 4);
    expect(resumed.done).toBe(4);
    expect(resumed.sent(4)).toBe(5);
    for (const details of [-1, 11, '4', null, 2.5e9]) expect(new DeliveryProgress(10, details).done).toBe(0);
  });
});
