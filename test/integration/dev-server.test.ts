/**
 * `startDevServer` against the real CLI: a port the caller chose that is in use fails at once with the
 * server's own message, and is not mistaken for a lost port race (which is started again).
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { DevServerStartError, startDevServer } from '../../src/server/dev-server';

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('startDevServer', () => {
  it('fails with the server’s message, without retrying, when the chosen port is in use', async () => {
    const taken = await listen();
    const port = (taken.address() as AddressInfo).port;
    const messages: string[] = [];
    try {
      const start = startDevServer({ port, log: (message) => messages.push(message) });
      await expect(start).rejects.toThrow(DevServerStartError);
      await expect(start).rejects.toThrow(`127.0.0.1:${port}`);
      expect(messages.filter((m) => m.includes('lost a race'))).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 120_000);
});
