/**
 * Replay testing: run recorded workflow histories through the current interpreter and report every one
 * that no longer replays, with the reason Temporal gives (which names the event where determinism broke).
 * Use it in your own tests after changing the interpreter version or your definitions' handling.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { fileErrorReason } from '../definition/problems';
import { hookSinks } from '../worker/hooks';
import { BureaucratError } from '../errors';
import { codecDataConverter, encryptionCodecFor } from '../codec/encryption';

/** One history to replay: as exported by `bureaucrat history`, the Temporal CLI or the Web UI (JSON). */
export interface RecordedHistory {
  /** A name for reports: the file name, or the workflow id. */
  readonly name: string;
  /** The history JSON (an object with `events`). */
  readonly history: unknown;
}

/** A history that did not replay. */
export interface ReplayFailure {
  /** The name of the history, as {@link RecordedHistory} gave it. */
  readonly name: string;
  /** Why it did not replay: Temporal's account, naming the event where determinism broke. */
  readonly message: string;
}

/** Thrown by {@link replayHistories} when one or more histories do not replay; lists each of them. */
export class ReplayError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ReplayError';
  readonly code = 'REPLAY_FAILED';
  constructor(
    /** Every history that did not replay. */
    readonly failures: readonly ReplayFailure[],
  ) {
    super(
      `${failures.length} histor${failures.length === 1 ? 'y does' : 'ies do'} not replay:\n` +
        failures.map((f) => `  ${f.name}: ${f.message}`).join('\n'),
    );
  }
}

/**
 * Options of {@link replayHistories}: which workflow code to replay against (default: this package's), and
 * the keys of histories whose payloads are encrypted.
 */
export type ReplayOptions = Partial<Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>> & {
  /**
   * The encryption key file the histories' payloads were encrypted with (see `createWorker`'s option);
   * default `$BUREAUCRAT_ENCRYPTION_KEY_FILE`. Histories exported decrypted replay without it.
   */
  readonly encryptionKeyFile?: string;
};

/**
 * Reads every `*.json` history in the given directories (sorted by name), and the given files. Throws an
 * error naming the path and the reason (with the system's error as `cause`) for a path that cannot be read
 * or a file that is not JSON.
 */
export function readHistories(...paths: string[]): RecordedHistory[] {
  const read = <T>(file: string, what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const reason = typeof code === 'string' ? fileErrorReason(err) : (err as Error).message;
      throw new Error(`${file}: ${what}: ${reason}`, { cause: err });
    }
  };
  const files = paths.flatMap((p) =>
    read(p, 'cannot read the history', () => statSync(p).isDirectory())
      ? read(p, 'cannot read the directory', () => readdirSync(p))
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => path.join(p, f))
      : [p],
  );
  return files.map((file) => ({
    name: path.basename(file),
    history: read(
      file,
      'not a JSON history',
      () => JSON.parse(read(file, 'cannot read the history', () => readFileSync(file, 'utf8'))) as unknown,
    ),
  }));
}

/**
 * Replays histories against the interpreter (or the workflow code in `options`). `source` is a directory or
 * file path, or recorded histories. Resolves with the number replayed; throws {@link ReplayError} naming
 * every history that failed and why.
 *
 * @example
 * await replayHistories(path.join(__dirname, 'histories'));
 */
export async function replayHistories(
  source: string | readonly RecordedHistory[],
  options: ReplayOptions = {},
): Promise<number> {
  const histories = typeof source === 'string' ? readHistories(source) : source;
  // Replay must use the original workflow id: the interpreter derives child workflow ids from it. The runs
  // of one process (continue-as-new) share it, so results are matched to histories by position, never by
  // id: the SDK replays one history at a time and yields its result before taking the next.
  const tagged = histories.map((h, i) => ({
    workflowId: originalWorkflowId(h.history) ?? `replay-${i}`,
    history: h.history,
  }));
  const failures: ReplayFailure[] = [];
  // The hook sinks are registered (replay never calls them) so that replay logs no "unregistered sink".
  const code = {
    sinks: hookSinks(),
    ...codecDataConverter(encryptionCodecFor(options.encryptionKeyFile)),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: options.workflowsPath ?? require.resolve('../../workflows') }),
  };
  let index = 0;
  for await (const result of Worker.runReplayHistories(code, tagged)) {
    const name = histories[index++]?.name ?? result.workflowId;
    if (result.error) failures.push({ name, message: conciseReason(result.error.message) });
  }
  if (failures.length) throw new ReplayError(failures);
  return histories.length;
}

function originalWorkflowId(history: unknown): string | undefined {
  const first = (
    history as { events?: { workflowExecutionStartedEventAttributes?: { workflowId?: unknown } }[] }
  ).events?.[0];
  const id = first?.workflowExecutionStartedEventAttributes?.workflowId;
  return typeof id === 'string' && id ? id : undefined;
}

/** Core's replay errors wrap the useful sentence (`[TMPRL1100] Nondeterminism error: …`) in a debug dump. */
function conciseReason(message: string): string {
  return /\[TMPRL\d+\][^"]*/.exec(message)?.[0] ?? message;
}
