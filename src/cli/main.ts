#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';

/** Parses a TCP port option. */
function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`not a port: ${value}`);
  return n;
}

/**
 * Builds the `bureaucrat` command line; one sub-command per module in this directory. Sub-commands load
 * their modules on demand, so `validate` does not pay for loading the Temporal worker.
 */
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
      const [{ installQuietRuntime }, { runDemo }] = await Promise.all([
        import('../server/quiet-runtime'),
        import('./demo'),
      ]);
      installQuietRuntime();
      await runDemo(opts);
    });
  program
    .command('validate')
    .description('check process definitions; prints file:line:col: problem for each problem found')
    .argument('<files...>', 'definition files (.xml)')
    .action(async (files: string[]) => {
      const { validateFiles } = await import('./validate');
      process.exitCode = await validateFiles(files, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`bureaucrat: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
