/**
 * The foundation's proofs, kept in the test bundle only: one workflow calling one activity, and one durable
 * timer (the time-skipping server's proof).
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '../support/hello-activities';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/** One workflow calling one activity. */
export async function helloProcess(name: string): Promise<string> {
  return await greet(name);
}

/** Sleeps, then greets. */
export async function delayedHello(seconds: number, name: string): Promise<string> {
  await sleep(seconds * 1000);
  return await greet(name);
}
