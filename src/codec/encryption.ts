/**
 * Contexts encrypted at rest: a Temporal `PayloadCodec` that encrypts every payload (launch fields, process
 * contexts, participants' workitems and replies, event data, query and update results) with AES-256-GCM
 * before it leaves the process, so that Temporal's database and its history exports hold only ciphertext.
 *
 * Keys come from a key file: one base64 32-byte key a line (blank lines and `#` comments ignored). The first
 * key encrypts; every key decrypts, so that a key can be rotated by putting the new one first and keeping
 * the old ones below it for as long as histories encrypted with them are kept.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { BureaucratError } from '../errors';

/** The environment variable naming the key file when no `--encryption-key-file` is given. */
export const ENCRYPTION_KEY_FILE_ENV = 'BUREAUCRAT_ENCRYPTION_KEY_FILE';

/** The `encoding` metadata of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';

/** The metadata key naming the key a payload was encrypted with (see {@link keyId}). */
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const CIPHER = 'aes-256-gcm';

/**
 * A key file that cannot be used (missing, empty, or a line that is not a base64 32-byte key), or a payload
 * encrypted with a key the file does not hold, or one that does not decrypt. The message names the file and
 * line, or the key id.
 */
export class EncryptionKeyError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'EncryptionKeyError';
  readonly code = 'ENCRYPTION_KEY_INVALID';
}

/** One key of a key file, with its id. */
export interface EncryptionKey {
  /** The id written into each payload it encrypts: the first 8 hex digits of the key's SHA-256. */
  readonly id: string;
  /** The 32 key bytes. */
  readonly key: Buffer;
}

/** The id of `key`: the first 8 hex digits of its SHA-256 (says which key, reveals nothing of it). */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** A new random key, base64, as a key file line holds it (e.g. for `node -e` or a test). */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Reads keys from `text`, the contents of `file` (named in errors). The first key is the one that
 * encrypts. Throws {@link EncryptionKeyError} naming the file and the line of a bad key, or when there is
 * no key.
 */
export function parseEncryptionKeys(text: string, file = 'encryption key file'): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const key =
      /^[A-Za-z0-9+/]+={0,2}$/.test(line) && line.length % 4 === 0 ? Buffer.from(line, 'base64') : undefined;
    if (!key || key.length !== KEY_BYTES)
      throw new EncryptionKeyError(
        `${file}:${i + 1}: not a key: each line must be ${KEY_BYTES} bytes in base64 (44 characters), ` +
          `e.g. the output of: openssl rand -base64 32` +
          (key ? ` (this line decodes to ${key.length} bytes)` : ''),
      );
    keys.push({ id: keyId(key), key });
  });
  if (!keys.length)
    throw new EncryptionKeyError(
      `${file}: no key: the file needs a line with a base64 32-byte key (openssl rand -base64 32)`,
    );
  return keys;
}

/** Reads the key file at `file` (see {@link parseEncryptionKeys}). */
export function readEncryptionKeyFile(file: string): EncryptionKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EncryptionKeyError(`cannot read the encryption key file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseEncryptionKeys(text, file);
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/**
 * The AES-256-GCM payload codec. Each payload is serialized whole (metadata and data) and encrypted with
 * the first key under a random 12-byte IV; the result's data is IV + ciphertext + the 16-byte auth tag, its
 * metadata `encoding: binary/encrypted` and `encryption-key-id`. Decoding leaves payloads that are not
 * encrypted as they are (histories written before encryption was turned on still read), and throws
 * {@link EncryptionKeyError} for a key id it does not hold or a payload that does not authenticate.
 *
 * @example
 * const codec = EncryptionCodec.fromFile('/etc/bureaucrat/keys');
 * const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;
  /** The key that encrypts (the first of the file). */
  private readonly current: EncryptionKey;

  /** A codec with `keys`; the first encrypts, all decrypt. */
  constructor(keys: readonly EncryptionKey[]) {
    const [first] = keys;
    if (!first) throw new EncryptionKeyError('an encryption codec needs at least one key');
    this.current = first;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** A codec with the keys of the key file at `file`. */
  static fromFile(file: string): EncryptionCodec {
    return new EncryptionCodec(readEncryptionKeyFile(file));
  }

  /** The id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.current.id;
  }

  /** Encrypts each payload. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  /** Decrypts each encrypted payload; others pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.current.key, iv);
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8(ENCRYPTED_ENCODING),
        [ENCRYPTION_KEY_ID_METADATA]: utf8(this.current.id),
      },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[ENCRYPTION_KEY_ID_METADATA]);
    const key = id === undefined ? undefined : this.byId.get(id);
    if (!key)
      throw new EncryptionKeyError(
        id === undefined
          ? `an encrypted payload names no ${ENCRYPTION_KEY_ID_METADATA}`
          : `a payload is encrypted with key ${id}, which the encryption key file does not hold ` +
              `(it holds ${[...this.byId.keys()].join(', ')}); add that key to the file`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new EncryptionKeyError(`a payload encrypted with key ${id} is truncated`);
    try {
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch (err) {
      throw new EncryptionKeyError(
        `a payload encrypted with key ${id} does not decrypt: it was altered, or the key is not the one it was encrypted with`,
        { cause: err },
      );
    }
  }
}

/**
 * The codec for `file`, else `$BUREAUCRAT_ENCRYPTION_KEY_FILE`, else undefined (no encryption). Read once
 * per call: a program reading the file again (after a rotation) gets the new keys.
 */
export function encryptionCodecFor(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EncryptionCodec | undefined {
  const chosen = file ?? (env[ENCRYPTION_KEY_FILE_ENV] || undefined);
  return chosen ? EncryptionCodec.fromFile(chosen) : undefined;
}

/** The data converter option of a client or worker for `codec` (empty without one). */
export function codecDataConverter(codec: PayloadCodec | undefined): {
  dataConverter?: { payloadCodecs: PayloadCodec[] };
} {
  return codec ? { dataConverter: { payloadCodecs: [codec] } } : {};
}

/**
 * Decodes, in place, every payload of `message` (a workflow history, or any message of Temporal's API as
 * the client returns it) that `codec` encoded, so that the history reads as if no codec were in use (and
 * replays without one). Returns `message`.
 */
export async function decodeMessagePayloads<T>(message: T, codec: PayloadCodec): Promise<T> {
  const seen = new Set<object>();
  const visit = async (node: unknown): Promise<void> => {
    if (!node || typeof node !== 'object' || node instanceof Uint8Array || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        if (isPayload(node[i])) node[i] = (await codec.decode([node[i] as Payload]))[0];
        else await visit(node[i]);
      }
      return;
    }
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (isPayload(value)) record[key] = (await codec.decode([value]))[0];
      else await visit(value);
    }
  };
  await visit(message);
  return message;
}

/** Whether `value` is a payload encoded by {@link EncryptionCodec}. */
function isPayload(value: unknown): value is Payload {
  const metadata = (value as { metadata?: Record<string, unknown> } | null)?.metadata;
  const encoding = metadata?.encoding;
  return encoding instanceof Uint8Array && text(encoding) === ENCRYPTED_ENCODING;
}

/** The {@link EncryptionCodec} among `client`'s payload codecs, if it has one. */
export function encryptionCodecOf(client: {
  readonly options: { readonly loadedDataConverter: { readonly payloadCodecs: readonly PayloadCodec[] } };
}): EncryptionCodec | undefined {
  return client.options.loadedDataConverter.payloadCodecs.find(
    (codec): codec is EncryptionCodec => codec instanceof EncryptionCodec,
  );
}

/**
 * `history` (as `fetchHistory` returns it) with the payloads `client`'s {@link EncryptionCodec} encrypted
 * decoded in place, so that an export reads, and replays, without the key; unchanged for a client without
 * one. Returns `history`.
 */
export async function decodeHistory<T>(
  history: T,
  client: Parameters<typeof encryptionCodecOf>[0],
): Promise<T> {
  const codec = encryptionCodecOf(client);
  return codec ? decodeMessagePayloads(history, codec) : history;
}
