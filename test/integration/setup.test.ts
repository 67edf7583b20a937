/**
 * `setupNamespace` / `bureaucrat setup` against the run's dev server (the cluster test,
 * `npm run test:cluster`, runs them against the real server on PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  isTemporalCloud,
  registrationInstructions,
  searchAttributeProblems,
  SetupError,
  setupNamespace,
} from '../../src/admin/setup';
import { BUREAUCRAT_SEARCH_ATTRIBUTES, PROCESS_NAME } from '../../src/search-attributes';

/** Every attribute the project registers, by name. */
const ALL = BUREAUCRAT_SEARCH_ATTRIBUTES.map((key) => key.name);
import { runCli } from '../support/cli';
import { TEST_ENV } from '../support/env-keys';
import { useTestServer } from '../support/temporal';

const env = useTestServer();
const address = () => process.env[TEST_ENV.address] ?? '';

describe('setupNamespace', () => {
  test('finds the attributes the dev server registered: nothing to do', async () => {
    const lines: string[] = [];
    const result = await setupNamespace({
      connection: env().connection,
      namespace: 'default',
      log: (line) => lines.push(line),
    });
    expect(result).toMatchObject({
      namespace: 'default',
      namespaceCreated: false,
      added: [],
      present: ALL,
    });
    expect(lines).toEqual([
      expect.stringMatching(/^namespace default already exists/),
      ...ALL.map((name) => `search attribute ${name} already registered in default`),
    ]);
  });

  test('creates a namespace with its retention, registers the attributes, and is idempotent', async () => {
    const namespace = `setup-${randomUUID()}`;
    const first = await setupNamespace({
      connection: env().connection,
      namespace,
      createNamespace: true,
      retentionMs: 2 * 86_400_000,
    });
    expect(first).toMatchObject({
      namespaceCreated: true,
      retentionMs: 2 * 86_400_000,
      added: ALL,
      present: [],
    });
    expect(await searchAttributeProblems(env().connection, namespace)).toEqual([]);

    const second = await setupNamespace({ connection: env().connection, namespace, createNamespace: true });
    expect(second).toMatchObject({ namespaceCreated: false, added: [], present: ALL });
  });

  test('a missing namespace without createNamespace: SetupError naming the commands', async () => {
    const namespace = `missing-${randomUUID()}`;
    const error = await setupNamespace({ connection: env().connection, namespace }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    expect((error as SetupError).message).toMatch(new RegExp(`namespace ${namespace} does not exist`));
    expect((error as SetupError).instructions.join('\n')).toMatch(
      new RegExp(`temporal operator namespace create --namespace ${namespace} --retention 7d`),
    );
  });

  test('an attribute registered with another type is a conflict, not silently accepted', async () => {
    const name = `BureaucratSetupTest${randomUUID().slice(0, 8)}`;
    await env().connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { [name]: 3 }, // INDEXED_VALUE_TYPE_INT
    });
    const wanted = defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
    expect(await searchAttributeProblems(env().connection, 'default', [wanted])).toEqual([
      { key: wanted, registeredAs: 'Int' },
    ]);
    const error = await setupNamespace({
      connection: env().connection,
      namespace: 'default',
      searchAttributes: [wanted],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    expect((error as SetupError).message).toMatch(
      `${name} is registered in namespace default as Int, but Bureaucrat needs Keyword`,
    );
  });
});

describe('what setup tells an operator who must do it by hand', () => {
  test('the Temporal CLI and tcld commands for every attribute', () => {
    const extra = defineSearchAttributeKey('OrderTotal', SearchAttributeType.DOUBLE);
    expect(registrationInstructions('prod.a1b2c', [PROCESS_NAME, extra])).toEqual([
      expect.stringMatching(/^Self-hosted/),
      '  temporal operator search-attribute create --namespace prod.a1b2c --name BureaucratProcessName --type Keyword --name OrderTotal --type Double',
      expect.stringMatching(/^Temporal Cloud/),
      '  tcld namespace search-attributes add --namespace prod.a1b2c --search-attribute "BureaucratProcessName=Keyword" --search-attribute "OrderTotal=Double"',
    ]);
  });

  test('Temporal Cloud endpoints are recognised', () => {
    expect(isTemporalCloud('prod.a1b2c.tmprl.cloud:7233')).toBe(true);
    expect(isTemporalCloud('us-east-1.aws.api.temporal.io:7233')).toBe(true);
    expect(isTemporalCloud('temporal-frontend.internal:7233')).toBe(false);
    expect(isTemporalCloud('localhost:7233')).toBe(false);
  });
});

describe('bureaucrat setup', () => {
  test('twice on the dev server: exit 0, says what was already there', async () => {
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['setup', '--address', address()]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/search attribute BureaucratProcessName already registered in default/);
      expect(result.stdout).toMatch(/nothing to do: namespace default on .* was already set up/);
    }
  });

  test('a missing namespace: exit 1 with what to run', async () => {
    const result = await runCli(['setup', '--address', address(), '--namespace', `missing-${randomUUID()}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bureaucrat setup: namespace missing-.* does not exist/);
    expect(result.stderr).toMatch(/--create-namespace/);
  });
});
