/**
 * Where the original engine's AMQP wire is: the broker and the queue names, from an `amqp://` URL and the
 * original's `config.ini` (its `[amqp]` and `[bureaucrat]` sections, read as the original's `Configs` and
 * `Launcher` read them, defaults included). A team keeps its config file as it is.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'ini';
import { BureaucratError } from '../errors';

/** How participants were reached (`taskqueue_type`): a taskqueue worker per queue, or Celery tasks. */
export type LegacyQueueKind = 'taskqueue' | 'celery';

/** The broker and queue names of the original's wire. */
export interface AmqpSettings {
  /** The broker: `amqp://user:pass@host:port/vhost` (credentials and vhost percent-encoded). */
  readonly url: string;
  /** The queue launches arrive on: `launcher_routing_key`, `bureaucrat` by default. */
  readonly launchQueue: string;
  /** The exchange the original launcher published to (`launcher_exchange`): `''`, the default exchange. */
  readonly launchExchange: string;
  /** The queue events arrive on: `event_queue`, `bureaucrat_events` by default. */
  readonly eventQueue: string;
  /** The queue participants reply on: `message_queue`, `bureaucrat_msgs` by default. */
  readonly messageQueue: string;
  /** `taskqueue_type`: how participants are reached when a command does not say (`taskqueue` by default). */
  readonly taskqueueType: LegacyQueueKind;
  /** Where messages the bridge cannot use go, with the reason in their headers. */
  readonly deadLetterQueue: string;
}

/** The original's defaults (its `configs.py` and `launcher.py`), on a broker at localhost. */
export const DEFAULT_AMQP_SETTINGS: AmqpSettings = {
  url: 'amqp://guest:guest@localhost:5672/',
  launchQueue: 'bureaucrat',
  launchExchange: '',
  eventQueue: 'bureaucrat_events',
  messageQueue: 'bureaucrat_msgs',
  taskqueueType: 'taskqueue',
  deadLetterQueue: 'bureaucrat_dead_letters',
};

/** A config file that cannot be read or holds a value this bridge cannot use. */
export class AmqpConfigError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'AmqpConfigError';
  readonly code = 'INVALID_AMQP_CONFIG';
}

/** Where settings come from: a URL and a config file (the URL wins for the broker), and overrides. */
export interface AmqpSettingsSource {
  /** `amqp://user:pass@host:port/vhost`; wins over the config file's `[amqp]` section. */
  readonly url?: string;
  /** The original's `config.ini`. */
  readonly config?: string;
  /** Values that win over both (the library's options). */
  readonly overrides?: Partial<AmqpSettings>;
}

/**
 * The settings: the defaults, then the config file, then the URL and the overrides. Throws
 * {@link AmqpConfigError} naming the file and the value when it cannot be used.
 */
export function resolveAmqpSettings(source: AmqpSettingsSource = {}): AmqpSettings {
  const fromFile = source.config ? readAmqpConfig(source.config) : {};
  const settings: AmqpSettings = {
    ...DEFAULT_AMQP_SETTINGS,
    ...fromFile,
    ...(source.url !== undefined && { url: checkedUrl(source.url, '--url') }),
    ...source.overrides,
  };
  return settings;
}

/** The settings a config file gives (only those it sets). */
export function readAmqpConfig(file: string): Partial<AmqpSettings> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AmqpConfigError(`cannot read the config file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseAmqpConfig(text, file);
}

/**
 * {@link readAmqpConfig} of the file's text. The `[amqp]` section gives the broker (`host user passwd vhost`,
 * and `port`, which the original did not have); `[bureaucrat]` the queues. The launcher's keys
 * (`launcher_routing_key`, `launcher_exchange`) are read from either section.
 */
export function parseAmqpConfig(text: string, file = 'config'): Partial<AmqpSettings> {
  const sections = parse(text) as Record<string, unknown>;
  const section = (name: string): Record<string, string> => {
    const found = sections[name];
    if (found === undefined) return {};
    if (typeof found !== 'object' || found === null) {
      throw new AmqpConfigError(`${file}: [${name}] is not a section`);
    }
    return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, String(v).trim()]));
  };
  const amqp = section('amqp');
  const bureaucrat = section('bureaucrat');
  const settings: { -readonly [K in keyof AmqpSettings]?: AmqpSettings[K] } = {};
  if (Object.keys(amqp).length) {
    const port = amqp.port ?? '5672';
    if (!/^\d{1,5}$/.test(port)) throw new AmqpConfigError(`${file}: [amqp] port is not a port: ${port}`);
    settings.url =
      `amqp://${encodeURIComponent(amqp.user ?? 'guest')}:${encodeURIComponent(amqp.passwd ?? 'guest')}` +
      `@${amqp.host ?? 'localhost'}:${port}/${encodeURIComponent(amqp.vhost ?? '/')}`;
  }
  const launcherKey = bureaucrat.launcher_routing_key ?? amqp.launcher_routing_key;
  const launcherExchange = bureaucrat.launcher_exchange ?? amqp.launcher_exchange;
  if (launcherKey) settings.launchQueue = launcherKey;
  if (launcherExchange !== undefined) settings.launchExchange = launcherExchange;
  if (bureaucrat.event_queue) settings.eventQueue = bureaucrat.event_queue;
  if (bureaucrat.message_queue) settings.messageQueue = bureaucrat.message_queue;
  if (bureaucrat.dead_letter_queue) settings.deadLetterQueue = bureaucrat.dead_letter_queue;
  const kind = bureaucrat.taskqueue_type;
  if (kind !== undefined) {
    if (kind !== 'taskqueue' && kind !== 'celery') {
      throw new AmqpConfigError(
        `${file}: [bureaucrat] taskqueue_type must be taskqueue or celery, not ${JSON.stringify(kind)}`,
      );
    }
    settings.taskqueueType = kind;
  }
  return settings;
}

/** `url` when it is an `amqp:`/`amqps:` URL; else an error naming `where`. */
function checkedUrl(url: string, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AmqpConfigError(`${where}: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    throw new AmqpConfigError(`${where}: an amqp:// or amqps:// URL is needed, not ${parsed.protocol}//`);
  }
  return url;
}

/** The broker's address without credentials, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
