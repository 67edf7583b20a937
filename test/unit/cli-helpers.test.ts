import { AmqpConfigError } from '../../src/amqp/settings';
import { AmqpUnavailableError } from '../../src/amqp/connection';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { snapshotNode } from '../support/snapshots';
import os from 'node:os';
import path from 'node:path';
import { connectionError, TemporalConnectionError } from '../../src/client/connection';
import { describeError, EXIT, formatError, UsageError } from '../../src/cli/errors';
import { loadParticipants } from '../../src/cli/load-participants';
import { duration, gracePeriod, jsonObject } from '../../src/cli/options';
import { DefinitionFileError, formatProblem } from '../../src/definition';
import { renderState } from '../../src/cli/render-state';

describe('participant modules', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-participants-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('loads a TypeScript default export and a JS `participants` export', async () => {
    const ts = loadParticipants(
      file(
        'p.ts',
        'const n: number = 2;\nexport default { double: (w: { fields: { x: number } }) => ({ x: w.fields.x * n }) };',
      ),
    );
    expect(
      await ts.double(
        { fields: { x: 4 }, participant: 'double', processId: 'p', activityId: 'p_0' },
        { heartbeat: () => undefined, signal: new AbortController().signal },
      ),
    ).toEqual({
      x: 8,
    });
    const js = loadParticipants(file('p.js', 'exports.participants = { "a.b.c": () => ({ ok: true }) };'));
    expect(Object.keys(js)).toEqual(['a.b.c']);
  });

  it('says what is wrong with a module that exports no participants', () => {
    expect(() => loadParticipants(file('empty.js', 'module.exports = {};'))).toThrow(
      /no participants exported/,
    );
    expect(() => loadParticipants(file('bad.js', 'exports.participants = { x: 1 };'))).toThrow(
      /participants must be functions: x are not/,
    );
  });
});

describe('command-line values', () => {
  it('parses JSON objects and durations, rejecting anything else with a reason', () => {
    expect(jsonObject('{"a": 1}')).toEqual({ a: 1 });
    expect(() => jsonObject('[1]')).toThrow(/expected a JSON object/);
    expect(() => jsonObject('{a')).toThrow(/not valid JSON/);
    expect(duration('30s')).toBe(30_000);
    expect(duration('1500')).toBe(1500);
    expect(() => duration('soon')).toThrow(/not a duration: soon/);
  });
});

describe('status rendering', () => {
  const node = snapshotNode;

  it('prints one indented line per activity with its detail, state and iteration', () => {
    const tree = node({
      children: [
        node({
          id: 'p_0',
          type: 'while',
          state: 'active',
          iteration: 3,
          children: [node({ id: 'p_0_0', type: 'delay', seconds: 5 })],
        }),
      ],
      faults: [node({ id: 'p_faults_0', type: 'handler', state: 'ready', codes: null })],
    });
    expect(renderState(tree)).toBe(
      [
        'p process active',
        '  p_0 while active iteration 3',
        '    p_0_0 delay 5s active',
        '  p_faults_0 handler default ready',
      ].join('\n'),
    );
    expect(renderState(node({}), true)).toBe('p process \x1b[33mactive\x1b[0m');
  });
});

describe('describing errors for the command line', () => {
  /** An error shaped like the SDK's: a generic message whose `cause` is the gRPC error from the server. */
  const serviceError = (message: string, code: number, details: string) =>
    new Error(message, {
      cause: Object.assign(new Error(`${code} ${details.toUpperCase()}: ${details}`), { code, details }),
    });

  it('prints the innermost server message after the outer one, and the fix for a missing search attribute', () => {
    const err = serviceError(
      'Failed to start Workflow',
      3,
      'Namespace orders has no mapping defined for search attribute BureaucratProcessName',
    );
    expect(describeError(err)).toEqual({
      message:
        'Failed to start Workflow: Namespace orders has no mapping defined for search attribute BureaucratProcessName',
      hints: [
        "The namespace orders lacks the search attribute BureaucratProcessName that Bureaucrat's processes carry.",
        'Register it once: bureaucrat setup --namespace orders',
      ],
      exitCode: EXIT.failed,
    });
  });

  it("recognises an unknown namespace in the client's error and in the Rust core's dump", () => {
    const client = Object.assign(new Error("Namespace not found: 'orders'"), {
      name: 'NamespaceNotFoundError',
      namespace: 'orders',
    });
    const core = new Error(
      'Namespace orders was not found or otherwise could not be described: Status { code: NotFound, message: "Namespace orders is not found.", details: b"", source: None }',
    );
    for (const err of [client, core]) {
      const described = describeError(err);
      expect(described.message).toBe('namespace orders does not exist on this Temporal server');
      expect(described.hints.join(' ')).toContain('temporal operator namespace create --namespace orders');
      expect(described.exitCode).toBe(EXIT.failed);
    }
  });

  it('names the address of an unreachable server and the ways to point elsewhere', () => {
    const err = new TemporalConnectionError('temporal.example:7233', 'host temporal.example not found', {
      cause: new Error('Failed to connect before the deadline'),
    });
    const described = describeError(err);
    expect(described.message).toBe(
      'cannot connect to Temporal at temporal.example:7233: host temporal.example not found',
    );
    expect(described.hints.join(' ')).toMatch(
      /bureaucrat dev.*--address HOST:PORT, \$TEMPORAL_ADDRESS.*--profile/,
    );
  });

  it('usage errors and unreadable definitions exit 2; anything else 1, without repeating wrapped messages', () => {
    expect(describeError(new UsageError('--port 80: the port is in use')).exitCode).toBe(EXIT.usage);
    expect(describeError(new DefinitionFileError('a.xml', 'no such file (ENOENT)'))).toMatchObject({
      message: 'a.xml: cannot read the definition: no such file (ENOENT)',
      exitCode: EXIT.usage,
    });
    expect(describeError(new AmqpConfigError('c.ini: [amqp] port is not a port: x'))).toMatchObject({
      message: 'c.ini: [amqp] port is not a port: x',
      exitCode: EXIT.usage,
    });
    expect(describeError(new AmqpUnavailableError('cannot connect to RabbitMQ')).exitCode).toBe(EXIT.failed);
    const wrapped = new Error('boom: disk full', { cause: new Error('disk full') });
    expect(describeError(wrapped)).toEqual({ message: 'boom: disk full', hints: [], exitCode: EXIT.failed });
    expect(formatError(new Error('x', { cause: new Error('y') }))).toBe('bureaucrat: x: y\n');
  });

  it('gracePeriod takes zero; duration does not', () => {
    expect(gracePeriod('0')).toBe(0);
    expect(gracePeriod('10s')).toBe(10_000);
    expect(() => duration('0')).toThrow(/not a duration: 0/);
    expect(() => gracePeriod('-1s')).toThrow(/not a duration/);
  });
});

describe('connection errors', () => {
  it('says what a plain TCP connection finds: refused, or not a host:port', async () => {
    const refused = await connectionError('127.0.0.1:1', new Error('Failed to connect before the deadline'));
    expect(refused).toBeInstanceOf(TemporalConnectionError);
    expect(refused.message).toBe(
      'cannot connect to Temporal at 127.0.0.1:1: connection refused (nothing listens on that port)',
    );
    expect((refused.cause as Error).message).toBe('Failed to connect before the deadline');
    expect((await connectionError('nonsense', undefined)).reason).toBe('not a host:port address');
  });
});

describe('definition problems without a position', () => {
  it('formatProblem leaves out 0:0 for problems of the whole text', () => {
    expect(formatProblem({ line: 0, column: 0, path: '', message: 'definition must be XML text' })).toBe(
      'definition must be XML text',
    );
    expect(formatProblem({ line: 7, column: 9, path: 'process/action[1]', message: 'x' })).toBe(
      '7:9 process/action[1]: x',
    );
  });
});
