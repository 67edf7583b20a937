/**
 * The AES-256-GCM payload codec: round trip, tampering, key rotation, key files, and the pass-through of
 * payloads written before encryption was turned on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  decodeMessagePayloads,
  EncryptionCodec,
  EncryptionKeyError,
  generateEncryptionKey,
  keyId,
  parseEncryptionKeys,
  readEncryptionKeyFile,
} from '../../src/codec/encryption';

const dir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-keys-'));
const keyFile = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const payload = (value: unknown) => defaultPayloadConverter.toPayload(value);

const A = generateEncryptionKey();
const B = generateEncryptionKey();

test('a payload round-trips; the encoded one holds no plaintext and names its key', async () => {
  const codec = EncryptionCodec.fromFile(keyFile('a', `${A}\n`));
  const original = payload({ card: '4111-SECRET' });
  const [encoded] = await codec.encode([original]);
  expect(text(encoded.metadata?.encoding)).toBe('binary/encrypted');
  expect(text(encoded.metadata?.['encryption-key-id'])).toBe(keyId(Buffer.from(A, 'base64')));
  expect(text(encoded.metadata?.['encryption-key-id'])).toMatch(/^[0-9a-f]{8}$/);
  expect(Buffer.from(encoded.data ?? []).toString('latin1')).not.toContain('SECRET');
  expect(encoded.data?.length).toBe(12 + (await originalLength(original)) + 16);
  const [decoded] = await codec.decode([encoded]);
  expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ card: '4111-SECRET' });
  expect(text(decoded.metadata?.encoding)).toBe('json/plain');
  // A fresh IV each time: the same value encrypts differently.
  const [again] = await codec.encode([original]);
  expect(Buffer.from(again.data ?? []).equals(Buffer.from(encoded.data ?? []))).toBe(false);
});

async function originalLength(p: ReturnType<typeof payload>): Promise<number> {
  const { temporal } = await import('@temporalio/proto');
  return temporal.api.common.v1.Payload.encode(p).finish().length;
}

test('a tampered payload does not decrypt', async () => {
  const codec = new EncryptionCodec(parseEncryptionKeys(A));
  const [encoded] = await codec.encode([payload('secret')]);
  const data = Buffer.from(encoded.data ?? []);
  data[20] ^= 1;
  await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(EncryptionKeyError);
  await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/was altered/);
  await expect(codec.decode([{ ...encoded, data: data.subarray(0, 10) }])).rejects.toThrow(/truncated/);
});

test('rotation: the first key encrypts, every key decrypts; an unknown key id is named', async () => {
  const old = EncryptionCodec.fromFile(keyFile('old', A));
  const [byA] = await old.encode([payload({ n: 1 })]);
  const rotated = EncryptionCodec.fromFile(keyFile('rotated', `# new key first\n${B}\n\n${A}  # old\n`));
  expect(rotated.keyId).toBe(keyId(Buffer.from(B, 'base64')));
  expect(defaultPayloadConverter.fromPayload((await rotated.decode([byA]))[0])).toEqual({ n: 1 });
  const [byB] = await rotated.encode([payload({ n: 2 })]);
  expect(text(byB.metadata?.['encryption-key-id'])).toBe(rotated.keyId);
  const unknown = text(byB.metadata?.['encryption-key-id']);
  await expect(old.decode([byB])).rejects.toThrow(new RegExp(`encrypted with key ${unknown}`));
  await expect(old.decode([byB])).rejects.toThrow(EncryptionKeyError);
});

test('unencrypted payloads pass through decode unchanged', async () => {
  const codec = new EncryptionCodec(parseEncryptionKeys(A));
  const plain = payload({ written: 'before encryption' });
  const [decoded] = await codec.decode([plain]);
  expect(decoded).toBe(plain);
});

test('decodeMessagePayloads decrypts every payload of a nested message in place', async () => {
  const codec = new EncryptionCodec(parseEncryptionKeys(A));
  const [one, two] = await codec.encode([payload('one'), payload('two')]);
  const message = { input: { payloads: [one] }, events: [{ result: two, other: payload('plain') }] };
  await decodeMessagePayloads(message, codec);
  expect(defaultPayloadConverter.fromPayload(message.input.payloads[0])).toBe('one');
  expect(defaultPayloadConverter.fromPayload(message.events[0].result)).toBe('two');
  expect(defaultPayloadConverter.fromPayload(message.events[0].other)).toBe('plain');
});

test('bad key files: missing, empty, not base64, not 32 bytes (naming the line)', () => {
  const missing = path.join(dir, 'nope');
  expect(() => readEncryptionKeyFile(missing)).toThrow(EncryptionKeyError);
  expect(() => readEncryptionKeyFile(missing)).toThrow(`cannot read the encryption key file ${missing}`);
  const empty = keyFile('empty', '# only a comment\n\n');
  expect(() => readEncryptionKeyFile(empty)).toThrow(`${empty}: no key`);
  const garbage = keyFile('garbage', `${A}\n\nnot-a-key!\n`);
  expect(() => readEncryptionKeyFile(garbage)).toThrow(`${garbage}:3: not a key`);
  const short = keyFile('short', `# keys\n${Buffer.alloc(16).toString('base64')}\n`);
  expect(() => readEncryptionKeyFile(short)).toThrow(`${short}:2: not a key`);
  expect(() => readEncryptionKeyFile(short)).toThrow(/decodes to 16 bytes/);
  try {
    readEncryptionKeyFile(short);
  } catch (err) {
    expect(err).toMatchObject({ name: 'EncryptionKeyError', code: 'ENCRYPTION_KEY_INVALID' });
  }
});
