/**
 * Workflow entry points, bundled by the Worker into Temporal's deterministic sandbox. Everything this
 * file imports must be deterministic and free of Node APIs.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '../activities';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/** The foundation's end-to-end proof: one workflow calling one activity. */
export async function helloProcess(name: string): Promise<string> {
  return await greet(name);
}

/** Proof of durable timers (and of the time-skipping server): sleeps, then greets. */
export async function delayedHello(seconds: number, name: string): Promise<string> {
  await sleep(seconds * 1000);
  return await greet(name);
}

export { bureaucratProcess, eventSignal, stateQuery, contextQuery } from './process';
export { bureaucratEventRouter, subscribeSignal, triggerSignal } from './event-router';
