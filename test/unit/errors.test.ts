/**
 * Every error of the package extends `BureaucratError` and carries a stable, non-empty `code`: each error
 * class exported from the root and from `bureaucrat-temporal/testing`, and the internal ones the CLI, the
 * API and the workflows throw. The list is checked against the exports, so a new exported error class
 * without a case here fails.
 */
import * as root from '../../src';
import * as testing from '../../src/testing';
import { BureaucratError } from '../../src';
import { ApiProblem } from '../../src/api/problems';
import { UsageError } from '../../src/cli/errors';
import { PythonError } from '../../src/expression/errors';
import { MissingPropertyError } from '../../src/scope';
import { ProcessFault } from '../../workflows/process-fault';

/** One instance of each exported error class, by export name, built with plausible arguments. */
const exported: Record<string, () => Error> = {
  ParticipantFault: () => new root.ParticipantFault('OutOfStock', 'only 10 left'),
  InvalidPageTokenError: () => new root.InvalidPageTokenError('the page token is not valid'),
  ApiConfigError: () => new root.ApiConfigError('--host 0.0.0.0 needs --tokens'),
  TokensFileError: () => new root.TokensFileError('tokens.json: not JSON'),
  EncryptionKeyError: () => new root.EncryptionKeyError('keys:2: not a key'),
  CodecServerConfigError: () => new root.CodecServerConfigError('--host 0.0.0.0 needs a token'),
  ProcessFaultError: () => new root.ProcessFaultError('order-42', 'OutOfStock', 'only 10 left'),
  ProcessCancelledError: () => new root.ProcessCancelledError('order-42', 'cancelled'),
  ProcessEndedError: () => new root.ProcessEndedError('order-42', 'completed', 'paused'),
  TriggerConflictError: () => new root.TriggerConflictError('trigger "t" exists with other settings'),
  TriggerExpressionError: () => new root.TriggerExpressionError('invalid predicate'),
  ResetError: () => new root.ResetError('no such step'),
  InvalidFieldsError: () => new root.InvalidFieldsError('the fields must be a JSON object'),
  TemporalConnectionError: () => new root.TemporalConnectionError('localhost:7233', 'connection refused'),
  RoutesError: () => new root.RoutesError('BUREAUCRAT_ROUTES: not a routing table'),
  DefinitionError: () =>
    new root.DefinitionError([{ line: 1, column: 1, path: 'process', message: 'no activities' }]),
  DefinitionFileError: () => new root.DefinitionFileError('order.xml', 'no such file'),
  ExpressionError: () => new root.ExpressionError('x + 1', 'NameError', "name 'x' is not defined"),
  ExpressionSyntaxError: () => new root.ExpressionSyntaxError('unexpected token', 2, 'x +'),
  DevServerStartError: () => new root.DevServerStartError('the dev server did not start', 'last lines'),
  TemporalCliNotFoundError: () => new root.TemporalCliNotFoundError(['TEMPORAL_CLI_PATH: not set']),
  SetupError: () => new root.SetupError('cannot register search attributes', [], []),
  DefinitionNotFoundError: () => new root.DefinitionNotFoundError({ name: 'order', version: 3 }, 2),
  DefinitionWarningsError: () => new root.DefinitionWarningsError([]),
  DefinitionDamagedError: () => new root.DefinitionDamagedError('order@2: its stored content does not match'),
  DefinitionRefError: () => new root.DefinitionRefError('"order@x": the version must be a whole number'),
  AmqpConfigError: () =>
    new root.AmqpConfigError('config.ini: [bureaucrat] taskqueue_type must be taskqueue or celery'),
  AmqpUnavailableError: () =>
    new root.AmqpUnavailableError('cannot connect to RabbitMQ at amqp://localhost:5672/'),
  ReplayError: () => new testing.ReplayError([{ name: 'order', message: 'nondeterminism' }]),
};

/** The error classes among a module's exports, by name. */
const errorClasses = (module: Record<string, unknown>): string[] =>
  Object.entries(module)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
    .filter(([name]) => name !== 'BureaucratError')
    .map(([name]) => name);

describe('BureaucratError', () => {
  it('is exported from the root, and every error class exported has a case here', () => {
    expect(typeof root.BureaucratError).toBe('function');
    const names = [...errorClasses(root), ...errorClasses(testing)].sort();
    expect(names).toEqual(Object.keys(exported).sort());
  });

  it.each(Object.entries(exported))('%s extends BureaucratError and has a code', (name, make) => {
    const err = make();
    expect(err).toBeInstanceOf(BureaucratError);
    expect(err).toBeInstanceOf(Error);
    expect((err as BureaucratError).code).toEqual(expect.any(String));
    expect((err as BureaucratError).code).not.toBe('');
    // The class keeps its own name (the CLI matches errors by name); DefinitionFileError is a DefinitionError.
    expect(err.name).toBe(name === 'DefinitionFileError' ? 'DefinitionError' : name);
  });

  it('gives stable codes, fault codes for the errors that are faults', () => {
    const codes = Object.fromEntries(
      Object.entries(exported).map(([name, make]) => [name, (make() as BureaucratError).code]),
    );
    expect(codes).toEqual({
      AmqpConfigError: 'INVALID_AMQP_CONFIG',
      AmqpUnavailableError: 'AMQP_UNAVAILABLE',
      ParticipantFault: 'OutOfStock',
      InvalidPageTokenError: 'INVALID_PAGE_TOKEN',
      ApiConfigError: 'INVALID_API_CONFIG',
      DefinitionNotFoundError: 'DEFINITION_NOT_FOUND',
      DefinitionWarningsError: 'DEFINITION_WARNINGS',
      DefinitionDamagedError: 'DEFINITION_DAMAGED',
      DefinitionRefError: 'DEFINITION_REF_INVALID',
      TokensFileError: 'INVALID_TOKENS_FILE',
      EncryptionKeyError: 'ENCRYPTION_KEY_INVALID',
      CodecServerConfigError: 'INVALID_CODEC_SERVER_CONFIG',
      ProcessFaultError: 'OutOfStock',
      ProcessCancelledError: 'PROCESS_CANCELLED',
      ProcessEndedError: 'PROCESS_ENDED',
      TriggerConflictError: 'TRIGGER_CONFLICT',
      TriggerExpressionError: 'INVALID_TRIGGER_EXPRESSION',
      ResetError: 'CANNOT_RESET',
      InvalidFieldsError: 'INVALID_FIELDS',
      TemporalConnectionError: 'TEMPORAL_UNAVAILABLE',
      RoutesError: 'INVALID_ROUTES',
      DefinitionError: root.DEFINITION_ERROR_CODE,
      DefinitionFileError: 'DEFINITION_FILE_UNREADABLE',
      ExpressionError: root.EXPRESSION_ERROR_CODE,
      ExpressionSyntaxError: 'EXPRESSION_SYNTAX',
      DevServerStartError: 'DEV_SERVER_START_FAILED',
      TemporalCliNotFoundError: 'TEMPORAL_CLI_NOT_FOUND',
      SetupError: 'NAMESPACE_SETUP_FAILED',
      ReplayError: 'REPLAY_FAILED',
    });
  });

  it('covers the internal errors too: API problems, the CLI, expressions, scopes and workflow faults', () => {
    const internal: [Error, string][] = [
      [new ApiProblem('process-not-found', 'no process order-42'), 'PROCESS_NOT_FOUND'],
      [new UsageError('unknown command'), 'USAGE'],
      [new PythonError('KeyError', "'x'"), 'PYTHON_EXCEPTION'],
      [new MissingPropertyError('x'), 'MISSING_PROPERTY'],
      [new ProcessFault('OutOfStock', 'only 10 left'), 'OutOfStock'],
    ];
    for (const [err, code] of internal) {
      expect(err).toBeInstanceOf(BureaucratError);
      expect((err as BureaucratError).code).toBe(code);
    }
  });

  it('keeps messages and public properties as they were', () => {
    const err = new root.ProcessEndedError('order-42', 'completed', 'paused');
    expect(err.message).toBe('process order-42 has ended (completed): it can no longer be paused');
    expect(err.processId).toBe('order-42');
    const problem = new ApiProblem('invalid-fields', 'bad');
    expect(problem.kind).toBe('invalid-fields');
    expect(problem.code).toBe('INVALID_FIELDS');
  });
});
