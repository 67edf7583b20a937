import { spawn } from 'node:child_process';

/** What a finished command printed and how it exited (`code` null: it could not start, or was killed). */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cmd` to completion; resolves with its exit code and output, never rejects (a command that cannot
 * start resolves with its error in `stderr`), and kills it after `timeoutMs`. The result comes when its pipes
 * close, or shortly after it exits when they stay open: a daemon it started (RabbitMQ's epmd) inherits them,
 * and open pipes would keep the test process alive, so they are destroyed then.
 */
export function runCommand(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (code: number | null, extra = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr + extra });
    };
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => done(null, error.message));
    child.once('close', (code) => done(code));
    child.once('exit', (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done(code);
      }, 20);
    });
  });
}
