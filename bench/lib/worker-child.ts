// The benchmark's worker in a child process of its own (lib/worker-process.ts), so that its CPU time and
// memory are read alone: starting it, and asking it for its usage.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { DevServer } from '../../src';
import type { Usage } from './worker-process';

/** Starts a worker in a child process (see worker-process.ts) and waits until it polls. */
export async function workerProcess(server: DevServer, taskQueue: string, args: string[] = []): Promise<ChildProcess> {
  const script = path.join(__dirname, 'worker-process.js');
  const child = spawn(process.execPath, ['--expose-gc', script, server.address, server.namespace, taskQueue, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker process exited (${code})`)));
  });
  return child;
}

/** The worker child's CPU time so far and its heap after full GCs (see worker-process.ts). */
export function usage(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as Usage));
    child.send('usage');
  });
}
