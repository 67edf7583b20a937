import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { toolCacheDir } from './cache-dir';
import { BureaucratError } from '../errors';

/** The default progress log of the CLI lookup and the dev server: a line on stderr. */
export function logToStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The Temporal CLI release this project builds from Go modules (later tags cannot be `go install`ed). */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** The Go package path of the Temporal CLI's main package. */
const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/** Where a Temporal CLI executable was found, in the order they are tried. */
export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'go-build' | 'sdk-download';

/** The executable to hand to `TestWorkflowEnvironment` / the dev server, and how it was found. */
export interface ResolvedTemporalCli {
  /** Ready to pass as `server.executable`. */
  readonly executable: EphemeralServerExecutable;
  /** Where it was found: an environment variable, `PATH`, the cache, a Go build or the SDK's download. */
  readonly source: TemporalCliSource;
  /** One line per place that was looked at and passed over, for error messages. */
  readonly tried: readonly string[];
}

/** Options for {@link resolveTemporalCli}. */
export interface ResolveTemporalCliOptions {
  /** Progress messages (the first Go build takes minutes). Defaults to stderr. */
  readonly log?: (message: string) => void;
  /** The environment to read `TEMPORAL_CLI_PATH` and `PATH` from; `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Skip the Go build step (used by tests of the lookup order). */
  readonly allowGoBuild?: boolean;
}

/** Raised when no Temporal CLI could be found, built or downloaded. */
export class TemporalCliNotFoundError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'TemporalCliNotFoundError';
  readonly code = 'TEMPORAL_CLI_NOT_FOUND';
  constructor(
    /** One line per place that was looked at, and why it was passed over. */
    readonly tried: readonly string[],
    cause?: unknown,
  ) {
    super(
      [
        'No Temporal CLI available to start a dev server. Tried:',
        ...tried.map((line) => `  - ${line}`),
        'Fix one of these:',
        '  - set TEMPORAL_CLI_PATH to a temporal binary, or put `temporal` on PATH',
        `  - install Go (the CLI is then built once with \`go install ${TEMPORAL_CLI_PACKAGE}@v${TEMPORAL_CLI_VERSION}\`)`,
        '  - allow internet access so the Temporal SDK can download the CLI',
      ].join('\n'),
      cause === undefined ? undefined : { cause },
    );
  }
}

/** The path where this project keeps the CLI it built with Go. */
export function cachedTemporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolCacheDir(env), `temporal-cli-v${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/**
 * Finds a Temporal CLI executable, in this order: `$TEMPORAL_CLI_PATH`; `temporal` on `PATH`; the copy
 * this project built earlier (in its cache directory, `~/.cache/bureaucrat-temporal` by default); building
 * it now with `go install` when Go is available; otherwise the SDK's own cached download, which needs
 * internet access (its failure surfaces when the server starts, see {@link TemporalCliNotFoundError}).
 */
export async function resolveTemporalCli(
  options: ResolveTemporalCliOptions = {},
): Promise<ResolvedTemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? logToStderr;
  const tried: string[] = [];
  const found = (p: string, source: TemporalCliSource): ResolvedTemporalCli => ({
    executable: { type: 'existing-path', path: p },
    source,
    tried,
  });

  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return found(path.resolve(fromEnv), 'TEMPORAL_CLI_PATH');
    tried.push(`TEMPORAL_CLI_PATH=${fromEnv}: not an executable file`);
  } else {
    tried.push('TEMPORAL_CLI_PATH: not set');
  }

  const onPath = findOnPath('temporal', env);
  if (onPath) return found(onPath, 'PATH');
  tried.push('`temporal` on PATH: not found');

  const cached = cachedTemporalCliPath(env);
  if (isExecutable(cached)) return found(cached, 'cache');
  tried.push(`${cached}: not built yet`);

  if (options.allowGoBuild !== false) {
    const go = findOnPath('go', env);
    if (!go) {
      tried.push('building with Go: `go` not found on PATH');
    } else {
      try {
        await goInstallTemporalCli(go, path.dirname(cached), env, log);
        if (isExecutable(cached)) return found(cached, 'go-build');
        tried.push(`building with Go: finished but ${cached} is missing`);
      } catch (err) {
        tried.push(`building with Go: ${(err as Error).message}`);
      }
    }
  }

  tried.push('the Temporal SDK download (needs internet access)');
  return {
    executable: { type: 'cached-download', downloadDir: path.join(toolCacheDir(env), 'sdk-download') },
    source: 'sdk-download',
    tried,
  };
}

async function goInstallTemporalCli(
  go: string,
  binDir: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<void> {
  mkdirSync(binDir, { recursive: true });
  const target = `${TEMPORAL_CLI_PACKAGE}@v${TEMPORAL_CLI_VERSION}`;
  log(`Building the Temporal CLI: go install ${target} (first time only; this takes several minutes)`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', target], {
      env: { ...env, GOBIN: binDir, GOFLAGS: `${env.GOFLAGS ?? ''} -mod=mod`.trim() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let lastLines: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      lastLines = [...lastLines, ...chunk.split('\n').filter(Boolean)].slice(-20);
    });
    const ticker = setInterval(() => {
      log(`  … still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)`);
    }, 30_000);
    child.on('error', (err) => {
      clearInterval(ticker);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`go install exited with ${signal ?? code}: ${lastLines.join(' | ')}`));
    });
  });
  log(
    `Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s: ${path.join(binDir, 'temporal')}`,
  );
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a command up on `$PATH` the way a shell would. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
