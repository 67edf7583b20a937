/**
 * What every request passes before a route sees it, in order:
 *
 * 1. **Host**: the Host header names this server (a loopback name, the host it listens on, or a name
 *    allowed with `allowedHosts`), so that a DNS-rebinding page cannot read it under a name of its own.
 * 2. **Same origin** for anything that changes something (every method but GET and HEAD): a browser's
 *    `Origin` (or, without one, its `Referer` and `Sec-Fetch-Site`) must be this server's own, and the body
 *    must be JSON. A cross-site form or `fetch` cannot send that without a CORS preflight, which this
 *    server never grants.
 * 3. **Token**: with a tokens file, a route's scope needs `Authorization: Bearer TOKEN` with that scope. The
 *    console's pages send the token the person gave them. Without a tokens file (loopback only), a request
 *    from a browser that changes something must also carry this server's console token, which only its
 *    own pages know.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiProblem } from './problems';
import { findToken, grants, type Scope, type TokenEntry } from './tokens';

/** The header the console's pages send their per-server token in. */
export const CONSOLE_TOKEN_HEADER = 'x-bureaucrat-console';

/** The hosts that always name this machine. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Whether `host` (a listen address) is a loopback one. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return LOOPBACK_NAMES.includes(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare.endsWith('.localhost');
}

/** Whether `host` listens on every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** Options of {@link RequestGuard}. */
export interface GuardOptions {
  /** The address the server listens on. */
  readonly host: string;
  /** More names the Host header may give (e.g. the server's DNS name); `*` allows any (tokens required). */
  readonly allowedHosts?: readonly string[];
  /** The tokens; none: no authentication (loopback only). */
  readonly tokens?: readonly TokenEntry[];
  readonly tls: boolean;
}

/** The hostname of a Host header value (`name:port`, `[v6]:port`), lower-cased. */
function hostnameOf(hostHeader: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (v6) return v6[1].toLowerCase();
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

/** The checks of every request (see the module's header). */
export class RequestGuard {
  /** This server's console token: its pages send it with their changes (see {@link CONSOLE_TOKEN_HEADER}). */
  readonly consoleToken = randomBytes(24).toString('base64url');
  private readonly hosts: Set<string>;
  private readonly anyHost: boolean;

  constructor(private readonly options: GuardOptions) {
    const hosts = [...LOOPBACK_NAMES, ...(options.allowedHosts ?? [])];
    if (!isWildcardHost(options.host)) hosts.push(options.host);
    this.hosts = new Set(hosts.map((h) => h.replace(/^\[|\]$/g, '').toLowerCase()));
    this.anyHost = (options.allowedHosts ?? []).includes('*');
  }

  /** Whether requests need a token. */
  get authenticates(): boolean {
    return Boolean(this.options.tokens?.length);
  }

  /** Runs the checks for a request to a route of `scope` (none: a public page); throws an {@link ApiProblem}. */
  check(request: FastifyRequest, scope: Scope | undefined): void {
    const host = request.headers.host ?? '';
    if (!this.anyHost && !this.hosts.has(hostnameOf(host)))
      throw new ApiProblem('host-not-allowed', `Host ${JSON.stringify(host)} does not name this server`);
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    const fromBrowser = this.fromBrowser(request);
    if (changes) this.checkSameOrigin(request, host);
    // A body is JSON: a cross-site form or "simple" fetch cannot send that without a preflight. (DELETE has none.)
    if (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH') {
      const type = String(request.headers['content-type'] ?? '');
      if (!/^application\/json\s*(;|$)/i.test(type))
        throw new ApiProblem(
          'unsupported-media-type',
          `Content-Type ${JSON.stringify(type)}: send application/json`,
        );
    }
    if (!scope) return;
    if (this.authenticates) {
      const entry = this.tokenOf(request);
      if (!grants(entry, scope))
        throw new ApiProblem('forbidden', `this needs a token with the scope ${scope}`);
    } else if (changes && fromBrowser && !this.hasConsoleToken(request)) {
      throw new ApiProblem('forbidden', 'a request from a browser needs the console token of this server');
    }
  }

  private tokenOf(request: FastifyRequest): TokenEntry {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiProblem('unauthorized', 'send Authorization: Bearer TOKEN');
    const entry = findToken(this.options.tokens ?? [], match[1]);
    if (!entry) throw new ApiProblem('unauthorized', 'the token is not valid');
    return entry;
  }

  private hasConsoleToken(request: FastifyRequest): boolean {
    const given = Buffer.from(String(request.headers[CONSOLE_TOKEN_HEADER] ?? ''));
    const expected = Buffer.from(this.consoleToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Whether a browser sent the request (it says where from; curl and SDKs do not). */
  private fromBrowser(request: FastifyRequest): boolean {
    const h = request.headers;
    return h.origin !== undefined || h.referer !== undefined || h['sec-fetch-site'] !== undefined;
  }

  /** Refuses a request whose Origin, Referer or Sec-Fetch-Site says it came from another site. */
  private checkSameOrigin(request: FastifyRequest, host: string): void {
    const own = `${this.options.tls ? 'https' : 'http'}://${host}`.toLowerCase();
    const { origin, referer } = request.headers;
    const site = request.headers['sec-fetch-site'];
    if (origin !== undefined) {
      if (origin.toLowerCase() !== own)
        throw new ApiProblem('cross-origin', `Origin ${origin} is not ${own}`);
      return;
    }
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      throw new ApiProblem('cross-origin', `Sec-Fetch-Site: ${String(site)}`);
    if (referer !== undefined) {
      let from: string;
      try {
        from = new URL(referer).origin.toLowerCase();
      } catch {
        throw new ApiProblem('cross-origin', 'the Referer is not a URL');
      }
      if (from !== own) throw new ApiProblem('cross-origin', `Referer ${from} is not ${own}`);
    }
  }
}
