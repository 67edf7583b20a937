/**
 * Contexts encrypted at rest, against the real dev server: a worker and a client with the key run a process
 * whose fields and participant reply are secret; the raw history (read without the key) holds none of them;
 * the client, the CLI (`status`, `history`), replay and the codec server read them with the key; a key
 * rotation keeps older processes readable.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { parseTokens } from '../../src/api/tokens';
import { startCodecServer } from '../../src/codec/codec-server';
import { generateEncryptionKey, keyId } from '../../src/codec/encryption';
import { connectClient } from '../../src/client/connection';
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import { replayHistories } from '../../src/testing/replay';
import { createWorker } from '../../src/worker/create-worker';
import type { Participants } from '../../src/worker/participants';
import { runCli } from '../support/cli';
import { findNode, processId } from '../support/processes';
import { eventually, testWorkflowBundle, uniqueTaskQueue, useTestServer } from '../support/temporal';

const env = useTestServer();
const address = () => process.env.BUREAUCRAT_TEST_ADDRESS ?? '';
const namespace = () => process.env.BUREAUCRAT_TEST_NAMESPACE ?? 'default';

const dir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-encryption-'));
const A = generateEncryptionKey();
const B = generateEncryptionKey();
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const keysA = write('keys-a', `${A}\n`);
const keysBA = write('keys-ba', `# rotated\n${B}\n${A}\n`);
const idOf = (key: string) => keyId(Buffer.from(key, 'base64'));

const CARD = '4111-SECRET';
const TOKEN = 'TOKEN-SECRET-7';
const SECRETS = [CARD, TOKEN];

const definition = (wait: boolean) => `<process>
  <context>
    <property name="card" type="str"></property>
    <property name="token" type="str"></property>
  </context>
  <action participant="vault"/>
  ${wait ? '<await event="go"/>' : ''}
</process>`;

const participants: Participants = {
  vault: (workitem) => ({ token: `${TOKEN}-${String(workitem.fields.card).length}` }),
};

/** Runs a worker encrypting with `keyFile` for the duration of `fn`. */
async function withEncryptedWorker<T>(keyFile: string, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('encryption');
  const worker = await createWorker({
    participants,
    connection: env().nativeConnection,
    namespace: namespace(),
    taskQueue,
    workflowBundle: testWorkflowBundle(),
    encryptionKeyFile: keyFile,
  });
  return worker.runUntil(() => fn(taskQueue));
}

/** Every payload `data` of a history JSON (base64 strings), decoded as text. */
function payloadTexts(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => payloadTexts(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'data' && typeof value === 'string')
        found.push(Buffer.from(value, 'base64').toString('latin1'));
      else payloadTexts(value, found);
    }
  }
  return found;
}

/** The encryption key ids of a history JSON's payloads. */
function keyIds(json: string): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const metadata = (node as { metadata?: Record<string, unknown> }).metadata;
      const id = metadata?.['encryption-key-id'];
      if (typeof id === 'string') ids.add(Buffer.from(id, 'base64').toString('utf8'));
      Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return ids;
}

const plainClient = () => new Client({ connection: env().connection, namespace: namespace() });
const cli = (...args: string[]) => runCli([...args, '--address', address(), '--namespace', namespace()]);

test('secrets are encrypted at rest; the key reads them through the client, the CLI, replay and the codec server', async () => {
  const id = processId('secret');
  const client = await connectClient({
    address: address(),
    namespace: namespace(),
    encryptionKeyFile: keysA,
  });
  const context = await withEncryptedWorker(keysA, async (taskQueue) => {
    const handle = await new Launcher(client, taskQueue).launch(
      definition(false),
      { card: CARD },
      { processId: id },
    );
    const result = await handle.result();
    // The CLI with the key: status (a query: the worker answers) shows the context.
    const status = await cli('status', id, '--json', '--encryption-key-file', keysA);
    expect(status.stderr).toBe('');
    expect(status.stdout).toContain(CARD);
    expect(status.stdout).toContain(TOKEN);
    return result;
  });
  expect(context).toMatchObject({ card: CARD, token: `${TOKEN}-${CARD.length}` });

  // The raw history, read without the key: no secret, neither in the JSON nor in any payload's bytes.
  const raw = await plainClient().workflow.getHandle(id).fetchHistory();
  const rawJson = historyToJSON(raw);
  const texts = payloadTexts(JSON.parse(rawJson));
  expect(texts.length).toBeGreaterThan(3);
  for (const secret of SECRETS) {
    expect(JSON.stringify(raw)).not.toContain(secret);
    expect(rawJson).not.toContain(secret);
    expect(texts.join('\n')).not.toContain(secret);
  }
  expect(keyIds(rawJson)).toEqual(new Set([idOf(A)]));
  // Without the key the result does not read.
  await expect(plainClient().workflow.getHandle(id).result()).rejects.toThrow();

  // The CLI with the key: history exports the payloads decrypted (the export replays without the key).
  const exported = path.join(dir, `${id}.json`);
  const history = await cli('history', id, '--out', exported, '--encryption-key-file', keysA);
  expect(history.code).toBe(0);
  const shown = await cli('history', id, '--encryption-key-file', keysA);
  expect(payloadTexts(JSON.parse(shown.stdout)).join('\n')).toContain(CARD);
  expect(keyIds(shown.stdout).size).toBe(0);
  const withoutKey = await cli('history', id);
  expect(payloadTexts(JSON.parse(withoutKey.stdout)).join('\n')).not.toContain(CARD);

  // Replay: the raw history with the key, the decrypted export without; the CLI with the flag.
  await expect(
    replayHistories([{ name: 'raw', history: JSON.parse(rawJson) }], { encryptionKeyFile: keysA }),
  ).resolves.toBe(1);
  await expect(replayHistories(exported)).resolves.toBe(1);
  const rawFile = write(`${id}-raw.json`, rawJson);
  const replayed = await runCli(['replay', rawFile, '--encryption-key-file', keysA]);
  expect(replayed.stderr).toContain('1 history replays');
  expect(replayed.code).toBe(0);

  // The codec server decodes the raw payloads for the Web UI.
  const token = 'codec-token-0123456789';
  const server = await startCodecServer({ codec: keysA, port: 0, tokens: parseTokens(`${token} read`) });
  try {
    const started = (
      JSON.parse(rawJson) as {
        events: { workflowExecutionStartedEventAttributes: { input: { payloads: unknown[] } } }[];
      }
    ).events[0];
    const payloads = started.workflowExecutionStartedEventAttributes.input.payloads;
    const post = (
      headers: Record<string, string>,
      body: string = JSON.stringify({ payloads }),
      endpoint = '/decode',
    ) => fetch(`${server.url}${endpoint}`, { method: 'POST', headers, body });
    const auth = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-namespace': namespace(),
    };
    const decoded = await post({ ...auth, origin: 'http://localhost:8233' });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(payloadTexts(body).join('\n')).toContain(CARD);
    expect(Buffer.from(body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    // encode then decode round-trips
    const encoded = (await (await post(auth, JSON.stringify(body), '/encode')).json()) as {
      payloads: unknown[];
    };
    expect(payloadTexts(encoded).join('\n')).not.toContain(CARD);
    const again = (await (await post(auth, JSON.stringify(encoded))).json()) as { payloads: unknown[] };
    expect(payloadTexts(again).join('\n')).toContain(CARD);

    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8233',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'content-type,x-namespace,authorization',
    );
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect((await post({ ...auth, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ ...auth, authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await post({ ...auth, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(auth, 'x'.repeat(5 * 1024 * 1024))).status).toBe(413);
    expect((await post(auth, '{"payloads": 1}')).status).toBe(400);
  } finally {
    await server.close();
  }
  await expect(startCodecServer({ codec: keysA, port: 0, host: '0.0.0.0', env: {} })).rejects.toThrow(
    /--token-file/,
  );
});

test('rotation: a process started with key A continues with the file "B, A"; older processes still read', async () => {
  const id = processId('rotate');
  const old = processId('old');
  const clientA = await connectClient({
    address: address(),
    namespace: namespace(),
    encryptionKeyFile: keysA,
  });
  const taskQueue = await withEncryptedWorker(keysA, async (queue) => {
    const launcher = new Launcher(clientA, queue);
    await (await launcher.launch(definition(false), { card: CARD }, { processId: old })).result();
    const waiting = await launcher.launch(definition(true), { card: CARD }, { processId: id });
    await eventually(
      () => waiting.state(),
      (state) => findNode(state, '_1')?.state === 'active',
    );
    return queue;
  });
  const clientBA = await connectClient({
    address: address(),
    namespace: namespace(),
    encryptionKeyFile: keysBA,
  });
  // A worker with the rotated file takes the process's task queue over.
  const takeOver = await createWorker({
    participants,
    connection: env().nativeConnection,
    namespace: namespace(),
    taskQueue,
    workflowBundle: testWorkflowBundle(),
    encryptionKeyFile: keysBA,
  });
  await takeOver.runUntil(async () => {
    await new Events(clientBA, taskQueue).send(id, 'go', { note: 'after rotation' });
    const launcher = new Launcher(clientBA, taskQueue);
    expect(await launcher.get(id).result()).toMatchObject({ card: CARD });
    expect(await launcher.get(old).result()).toMatchObject({ card: CARD });
  });
  const rawJson = historyToJSON(await plainClient().workflow.getHandle(id).fetchHistory());
  expect(keyIds(rawJson)).toEqual(new Set([idOf(A), idOf(B)]));
  expect(payloadTexts(JSON.parse(rawJson)).join('\n')).not.toContain(CARD);
  // The old file alone cannot read what the new key wrote, and says which key it lacks.
  await expect(new Launcher(clientA, taskQueue).get(id).result()).rejects.toThrow(idOf(B));
});

test('the test kit runs with a key file: the history it returns is encrypted and replays with the key', async () => {
  const { testProcess, closeTestEnvironment } = await import('../../src/testing/test-process');
  try {
    const result = await testProcess(definition(false), {
      fields: { card: CARD },
      participants: participants as Record<string, Participants[string]>,
      encryptionKeyFile: keysA,
    });
    expect(result.context).toMatchObject({ card: CARD, token: `${TOKEN}-${CARD.length}` });
    const json = historyToJSON(result.history);
    expect(payloadTexts(JSON.parse(json)).join('\n')).not.toContain(CARD);
    expect(keyIds(json)).toEqual(new Set([idOf(A)]));
    await expect(
      replayHistories([{ name: 'kit', history: JSON.parse(json) }], { encryptionKeyFile: keysA }),
    ).resolves.toBe(1);
  } finally {
    await closeTestEnvironment();
  }
});
