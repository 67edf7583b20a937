/**
 * `bureaucrat setup`: prepare a namespace of a real cluster (see {@link setupNamespace}), and the check
 * `bureaucrat worker` runs at start.
 */
import { Connection } from '@temporalio/client';
import { resolveConnectConfig } from '../client/connection';
import {
  registrationInstructions,
  searchAttributeProblems,
  SetupError,
  setupNamespace,
} from '../admin/setup';
import { connectionOptions, type ConnectionFlags } from './options';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** `bureaucrat setup [--create-namespace] [--retention 7d]`: exit 0 when everything is in place. */
export async function setupCommand(
  flags: ConnectionFlags & { createNamespace?: boolean; retention?: number },
): Promise<number> {
  try {
    const result = await setupNamespace({
      ...connectionOptions(flags),
      createNamespace: flags.createNamespace,
      retentionMs: flags.retention,
      log: out,
    });
    out(
      result.added.length || result.namespaceCreated
        ? `namespace ${result.namespace} on ${result.address} is ready for Bureaucrat`
        : `nothing to do: namespace ${result.namespace} on ${result.address} was already set up`,
    );
    return 0;
  } catch (e) {
    if (e instanceof SetupError) {
      err(`bureaucrat setup: ${e.message}`);
      for (const line of e.instructions) err(line);
      return 1;
    }
    throw e;
  }
}

/**
 * What `bureaucrat worker` checks at start: one `ListSearchAttributes` call. Missing attributes only warn
 * (workers do not set them; launches and `<call>`s do, and fail without them), and a role that may not
 * list them skips the check silently rather than keeping a worker from starting.
 */
export async function warnAboutMissingSearchAttributes(flags: ConnectionFlags): Promise<void> {
  const { connectionOptions: options, namespace: configured } = resolveConnectConfig(
    connectionOptions(flags),
  );
  const namespace = flags.namespace ?? configured;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect(options);
    const problems = await searchAttributeProblems(connection, namespace);
    if (!problems.length) return;
    err(
      `warning: namespace ${namespace} lacks search attributes ${problems.map((p) => p.key.name).join(', ')}; ` +
        'launching a named process or a <call> fails until they are registered. Run `bureaucrat setup`, or:',
    );
    for (const line of registrationInstructions(
      namespace,
      problems.map((p) => p.key),
    ))
      err(line);
  } catch {
    // Not allowed to list them, or an old server: the worker runs regardless.
  } finally {
    await connection?.close();
  }
}
