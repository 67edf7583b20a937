/**
 * When RabbitMQ cannot be reached at start, the error says what amqplib said and what to do about it. The
 * refused connection is a real one (a port nothing listens on); the broker's own refusals are amqplib's
 * errors as it words them.
 */
import { createServer } from 'node:net';
import { AmqpUnavailableError, amqpUnavailable, connectRecovering } from '../../src/amqp/connection';

/** A port that was free a moment ago: nothing listens on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RabbitMQ cannot be reached', () => {
  it('nothing listens on the port: asks whether RabbitMQ runs and says how to give its URL', async () => {
    const port = await closedPort();
    const url = `amqp://guest:guest@127.0.0.1:${port}/`;
    const err = await connectRecovering(url, async () => undefined).then(
      () => undefined,
      (e: unknown) => amqpUnavailable(`amqp://guest:***@127.0.0.1:${port}/`, e),
    );
    expect(err).toBeInstanceOf(AmqpUnavailableError);
    expect(err?.code).toBe('AMQP_UNAVAILABLE');
    expect(err?.message).toContain(`cannot connect to RabbitMQ at amqp://guest:***@127.0.0.1:${port}/`);
    expect(err?.message).toContain('ECONNREFUSED');
    expect(err?.message).toMatch(/is RabbitMQ running\? Otherwise give the broker with --url amqp:\/\//);
    expect(err?.message).not.toContain('guest:guest');
  });

  it.each([
    [
      { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND rabbit.invalid' },
      /the host is not known: give the broker with --url/,
    ],
    [
      { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 10.0.0.1:5672' },
      /no answer: check the host, its port/,
    ],
    [
      new Error(
        'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"',
      ),
      /the broker refused the user or password in the URL/,
    ],
    [
      new Error(
        'Expected ConnectionOpenOk; got <ConnectionClose channel:0> 530 (NOT-ALLOWED) with message "NOT_ALLOWED - vhost shop not found"',
      ),
      /the virtual host in the URL does not exist, or the user may not use it/,
    ],
  ])('%p: says what to do', (cause, hint) => {
    const err = amqpUnavailable('amqp://localhost:5672/', Object.assign(new Error(cause.message), cause));
    expect(err.message).toMatch(hint);
    expect(err.message).toContain(cause.message);
    expect(err.cause).toBeDefined();
  });

  it('any other cause: the message as amqplib gave it, without a guess', () => {
    const err = amqpUnavailable('amqp://localhost:5672/', new Error('Frame size exceeds frame max'));
    expect(err.message).toBe(
      'cannot connect to RabbitMQ at amqp://localhost:5672/: Frame size exceeds frame max',
    );
  });
});
