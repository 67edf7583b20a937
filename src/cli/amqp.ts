/**
 * `bureaucrat amqp`: the AMQP bridge until SIGINT/SIGTERM, which stop it gracefully (the messages and
 * replies in hand finish, the rest stay in their queues).
 */
import { startAmqpService } from '../amqp/service';
import { redactedUrl } from '../amqp/settings';
import { connectionOptions, type ConnectionFlags } from './options';

/** The flags of `bureaucrat amqp`. */
export interface AmqpFlags extends ConnectionFlags {
  readonly url?: string;
  readonly config?: string;
  readonly prefetch?: number;
  readonly taskqueue?: string[];
  readonly celery?: string[];
  readonly participantQueue?: string;
}

const err = (line: string) => process.stderr.write(`${line}\n`);

/** How long a stopping bridge may take before it exits anyway. */
const STOP_TIMEOUT_MS = 30_000;

/** Runs the bridge until a signal stops it. */
export async function amqpCommand(flags: AmqpFlags): Promise<number> {
  const service = await startAmqpService({
    ...connectionOptions(flags),
    ...(flags.url !== undefined && { url: flags.url }),
    ...(flags.config !== undefined && { config: flags.config }),
    ...(flags.prefetch !== undefined && { prefetch: flags.prefetch }),
    ...(flags.taskqueue && { taskqueue: flags.taskqueue }),
    ...(flags.celery && { celery: flags.celery }),
    ...(flags.participantQueue !== undefined && { participantQueue: flags.participantQueue }),
    log: err,
  });
  const s = service.bridge.settings;
  err(
    `amqp bridge on ${redactedUrl(s.url)}: launches from ${s.launchQueue}, events from ${s.eventQueue}; ` +
      `dead letters to ${s.deadLetterQueue}`,
  );
  if (service.legacy) {
    const served = [
      ...(flags.taskqueue ?? []).map((p) => `${p} (taskqueue)`),
      ...(flags.celery ?? []).map((p) => `${p} (celery)`),
    ];
    err(
      `legacy participants on task queue ${service.participantQueue}: ${served.join(', ')}; ` +
        `replies from ${s.messageQueue}`,
    );
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  err('amqp bridge stopping: finishing the messages in hand');
  // Bounded: a broker or server that does not answer must not keep a stopping bridge alive. What was in
  // hand and unacked is delivered again to the next bridge.
  const stopped = await Promise.race([
    service.stop().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_TIMEOUT_MS).unref()),
  ]);
  err(
    stopped
      ? 'amqp bridge stopped'
      : `amqp bridge stopped without finishing after ${STOP_TIMEOUT_MS / 1000} s`,
  );
  return stopped ? 0 : 1;
}
