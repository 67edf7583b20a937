/**
 * `startApi`: the HTTP API (and the web console beside it) listening on a host and port, over TLS when
 * given a certificate. Refuses to listen beyond loopback without tokens: an open API on a network would
 * let anyone there launch and cancel processes.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { buildApi, type ApiAppOptions } from './app';
import { isLoopbackHost } from './guard';
import { readTokensFile, type TokenEntry } from './tokens';
import { BureaucratError } from '../errors';

/** Options of {@link startApi}. */
export interface ApiOptions extends Omit<ApiAppOptions, 'tokens' | 'https' | 'tls'> {
  /** Port to listen on (default 8080; 0 for a free one). */
  readonly port?: number;
  /** Tokens, or the path of a tokens file (see README, "HTTP API"). */
  readonly tokens?: readonly TokenEntry[] | string;
  /** PEM certificate and key files: serve HTTPS. */
  readonly tlsCert?: string;
  /** The private key of `tlsCert`; both or neither. */
  readonly tlsKey?: string;
}

/** A running API server. */
export interface RunningApi {
  /** `http://HOST:PORT` (`https` with TLS), without a trailing slash. */
  readonly url: string;
  /** The port it listens on (the one picked, when asked for 0). */
  readonly port: number;
  /** Stops accepting requests and resolves once the server has closed. */
  close(): Promise<void>;
}

/** Options that cannot work together, or a non-loopback host without tokens. */
export class ApiConfigError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ApiConfigError';
  readonly code = 'INVALID_API_CONFIG';
}

/** The default port of `bureaucrat api`. */
export const DEFAULT_API_PORT = 8080;

/** Starts the API; resolves once it listens. */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const host = options.host ?? '127.0.0.1';
  const tokens = typeof options.tokens === 'string' ? readTokensFile(options.tokens) : options.tokens;
  if (!isLoopbackHost(host) && !tokens?.length)
    throw new ApiConfigError(
      `--host ${host} is reachable from other machines: give --tokens FILE so that requests are authenticated ` +
        '(or listen on 127.0.0.1)',
    );
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey))
    throw new ApiConfigError('TLS needs both --tls-cert and --tls-key');
  let https: ApiAppOptions['https'];
  if (options.tlsCert && options.tlsKey) {
    try {
      https = { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) };
    } catch (err) {
      throw new ApiConfigError(`cannot read the TLS files: ${(err as Error).message}`);
    }
  }
  const app = await buildApi({ ...options, host, tokens, ...(https ? { https } : {}) });
  await app.listen({ host, port: options.port ?? DEFAULT_API_PORT });
  const { port } = app.server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${https ? 'https' : 'http'}://${shown}:${port}`,
    port,
    close: () => app.close(),
  };
}
