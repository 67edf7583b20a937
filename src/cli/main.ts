#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { installQuietRuntime } from '../server/quiet-runtime';
import { runDemo } from './demo';

/** Parses a TCP port option. */
function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`not a port: ${value}`);
  return n;
}

/** Builds the `bureaucrat` command line; one sub-command per module in this directory. */
export function buildCli(): Command {
  const program = new Command('bureaucrat').description(
    "Run Bureaucrat's XML business processes as durable Temporal workflows",
  );
  program
    .command('demo')
    .description('start a local dev server and a worker, run the demo processes')
    .option('--once', 'exit after the demo instead of staying up until Ctrl-C', false)
    .option('--ui-port <port>', 'serve the Temporal Web UI on this port', port)
    .action(async (opts: { once: boolean; uiPort?: number }) => {
      await runDemo(opts);
    });
  return program;
}

if (require.main === module) {
  installQuietRuntime();
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`bureaucrat: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
