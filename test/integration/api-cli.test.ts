/**
 * `bureaucrat api` as an operator meets it: what it refuses to start with (exit 2, saying why, serving
 * nothing), and a secured API started from the command line with a tokens file, over TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/server/dev-server';
import { TEST_ENV } from '../support/env-keys';
import { runCli, startCli } from '../support/cli';

describe('bureaucrat api', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-api-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start beyond loopback without tokens, with a bad tokens file, or with half a TLS pair', async () => {
    const open = await runCli(['api', '--host', '0.0.0.0', '--port', String(await freePort())]);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--host 0\.0\.0\.0 is reachable from other machines: give --tokens FILE/);

    const badScope = path.join(dir, 'bad-scope.txt');
    writeFileSync(badScope, '# ops\n0123456789abcdef0123 read,destroy\n');
    const scope = await runCli(['api', '--tokens', badScope]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain(`${badScope}:2: unknown scope "destroy"`);

    const short = path.join(dir, 'short.txt');
    writeFileSync(short, 'abc read\n');
    expect((await runCli(['api', '--tokens', short])).stderr).toContain(
      `${short}:1: a token must be a string of at least 16`,
    );
    expect((await runCli(['api', '--tokens', path.join(dir, 'missing.txt')])).code).toBe(2);

    const half = await runCli([
      'api',
      '--port',
      String(await freePort()),
      '--tls-cert',
      path.join(dir, 'x.pem'),
    ]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('TLS needs both --tls-cert and --tls-key');
  });

  it('serves HTTPS with tokens on all interfaces, naming the scope a request lacks', async () => {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=localhost',
    ]); // prettier-ignore
    const tokens = path.join(dir, 'tokens.json');
    writeFileSync(
      tokens,
      JSON.stringify([{ token: 'reader-0123456789abcdef', scopes: ['read'], name: 'dash' }]),
    );
    const port = await freePort();
    const address = process.env[TEST_ENV.address] ?? '';
    const child = await startCli(
      ['api', '--host', '0.0.0.0', '--port', String(port), '--tokens', tokens, '--tls-cert', cert, '--tls-key', key,
        '--allow-host', 'localhost', '--address', address], // prettier-ignore
      /^API: https:\/\/0\.0\.0\.0:\d+/m,
    );
    const get = (pathname: string, headers: Record<string, string> = {}, method = 'GET') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: pathname,
            method,
            headers: { host: `localhost:${port}`, ...headers },
            rejectUnauthorized: false,
          },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(method === 'POST' ? '{}' : undefined);
      });
    try {
      expect((await get('/v1/processes')).status).toBe(401);
      const listed = await get('/v1/processes', { authorization: 'Bearer reader-0123456789abcdef' });
      expect(listed.status).toBe(200);
      expect(JSON.parse(listed.body)).toHaveProperty('processes');
      const launch = await get(
        '/v1/processes',
        { authorization: 'Bearer reader-0123456789abcdef', 'content-type': 'application/json' },
        'POST',
      );
      expect(launch.status).toBe(403);
      expect(JSON.parse(launch.body).detail).toBe('this needs a token with the scope launch');
      expect((await get('/v1/processes', { host: `evil.example:${port}` })).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
