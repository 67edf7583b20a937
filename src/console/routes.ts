/**
 * The web console's files on the API's server: two HTML pages (the process list at `/`, a process at
 * `/processes/ID`), their stylesheet and their script (built from `browser/app.ts`). The pages hold no
 * data: their script reads everything through the API, with the page's own credentials (see
 * `browser/app.ts`). A strict Content-Security-Policy lets them run only this server's script.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { ApiInstance } from '../api/context';
import type { RequestGuard } from '../api/guard';
import { escapeXml } from '../diagram';
import { packageRoot } from '../server/package-root';

/** Where the built browser script is (written by the build: `tools/build-assets.ts`). */
export const CONSOLE_SCRIPT = path.join('lib', 'console', 'app.js');

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // The diagram's SVG carries its own <style>.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Options of {@link consoleRoutes}. */
export interface ConsoleRouteOptions {
  readonly guard: RequestGuard;
  readonly namespace: string;
  readonly webUiUrl?: string;
}

function asset(...parts: string[]): string {
  return readFileSync(path.join(packageRoot(), ...parts), 'utf8');
}

/** Registers the console's pages and files. */
export function consoleRoutes(app: ApiInstance, options: ConsoleRouteOptions): void {
  const meta = escapeXml(
    JSON.stringify(
      options.guard.authenticates
        ? { auth: 'bearer' }
        : { auth: 'console', token: options.guard.consoleToken },
    ),
  );
  const page = (file: string) => asset('src', 'console', 'assets', file).replace('{{CONSOLE}}', meta);
  const list = page('list.html');
  const processPage = page('process.html');
  const css = asset('src', 'console', 'assets', 'console.css');
  const script = asset(CONSOLE_SCRIPT);
  const hidden = { schema: { hide: true } } as const;

  app.get('/', hidden, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(list),
  );
  app.get(
    '/processes/:id',
    { schema: { hide: true, params: Type.Object({ id: Type.String() }) } },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(processPage),
  );
  app.get('/console/console.css', hidden, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(css),
  );
  app.get('/console/app.js', hidden, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(script),
  );
}
