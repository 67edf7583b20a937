/**
 * The codec server: Temporal's remote codec protocol over HTTP, so that the Temporal Web UI (and
 * `temporal workflow show --codec-endpoint`) can show the contexts that {@link EncryptionCodec} encrypted.
 * `POST /decode` and `POST /encode` take and return `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`.
 *
 * The UI calls it from the browser, so it answers CORS for the UI's origin only (requests from any other
 * origin get 403). With tokens it requires `Authorization: Bearer TOKEN` (a token with the `read` scope,
 * compared in constant time); without, it listens on loopback only, as `bureaucrat api` does.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isLoopbackHost } from '../api/guard';
import { findToken, grants, parseTokens, readTokensFile, type TokenEntry } from '../api/tokens';
import { BureaucratError } from '../errors';
import { EncryptionCodec } from './encryption';

/** The environment variable holding the codec server's token when no token file is given. */
export const CODEC_TOKEN_ENV = 'BUREAUCRAT_CODEC_TOKEN';

/** The Web UI origin allowed by default: `temporal server start-dev`'s UI. */
export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';

/** The largest request body accepted (larger ones get 413). */
export const CODEC_BODY_LIMIT = 4 * 1024 * 1024;

/** Options of {@link startCodecServer}. */
export interface CodecServerOptions {
  /** The codec, or the path of an encryption key file (see {@link EncryptionCodec}). */
  readonly codec: PayloadCodec | string;
  /** Port to listen on (0 for a free one). */
  readonly port: number;
  /** Address to listen on (default `127.0.0.1`); beyond loopback it needs tokens. */
  readonly host?: string;
  /**
   * Tokens (each with the `read` scope, or `admin`), or the path of a tokens file in the format of
   * `bureaucrat api --tokens`. Default: the token in `$BUREAUCRAT_CODEC_TOKEN`, else none.
   */
  readonly tokens?: readonly TokenEntry[] | string;
  /** The Web UI's origin, the only one allowed cross-origin (default {@link DEFAULT_UI_ORIGIN}). */
  readonly uiOrigin?: string;
  /** The environment to read `$BUREAUCRAT_CODEC_TOKEN` from (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running codec server. */
export interface RunningCodecServer {
  /** `http://HOST:PORT`, without a trailing slash: the codec endpoint to give the Web UI. */
  readonly url: string;
  /** The port it listens on (the one picked, when asked for 0). */
  readonly port: number;
  /** Whether requests need a token. */
  readonly authenticated: boolean;
  /** Stops accepting requests and resolves once the server has closed. */
  close(): Promise<void>;
}

/** Codec server options that cannot work: a non-loopback host without a token, a bad origin. */
export class CodecServerConfigError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'CodecServerConfigError';
  readonly code = 'INVALID_CODEC_SERVER_CONFIG';
}

/** A request that gets an error status, with its reason. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A payload as the remote codec protocol carries it: metadata values and data in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Starts the codec server; resolves once it listens. */
export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const host = options.host ?? '127.0.0.1';
  const codec = typeof options.codec === 'string' ? EncryptionCodec.fromFile(options.codec) : options.codec;
  const tokens = tokensOf(options);
  if (!isLoopbackHost(host) && !tokens?.length)
    throw new CodecServerConfigError(
      `--host ${host} is reachable from other machines: give --token-file FILE (or $${CODEC_TOKEN_ENV}) ` +
        'so that requests are authenticated (or listen on 127.0.0.1)',
    );
  const uiOrigin = originOf(options.uiOrigin ?? DEFAULT_UI_ORIGIN);
  const server = createServer((request, response) => {
    handle(request, response, { codec, tokens, uiOrigin }).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!response.headersSent) reply(response, status, { error: message }, corsHeaders(request, uiOrigin));
      else response.destroy();
    });
  });
  await listen(server, host, options.port);
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    authenticated: Boolean(tokens?.length),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function tokensOf(options: CodecServerOptions): readonly TokenEntry[] | undefined {
  if (typeof options.tokens === 'string') return readTokensFile(options.tokens);
  if (options.tokens) return options.tokens;
  const token = (options.env ?? process.env)[CODEC_TOKEN_ENV];
  return token ? parseTokens(`${token} read`, `$${CODEC_TOKEN_ENV}`) : undefined;
}

/** `value` as an origin (`scheme://host[:port]`), or a config error. */
function originOf(value: string): string {
  try {
    const url = new URL(value);
    if (url.origin === 'null') throw new Error('no origin');
    return url.origin;
  } catch {
    throw new CodecServerConfigError(`--ui-origin ${value}: not an origin such as http://localhost:8233`);
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The CORS headers of a response to `request`: only for the UI's origin. */
function corsHeaders(request: IncomingMessage, uiOrigin: string): Record<string, string> {
  return request.headers.origin === uiOrigin
    ? { 'access-control-allow-origin': uiOrigin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
    : {};
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  server: { codec: PayloadCodec; tokens: readonly TokenEntry[] | undefined; uiOrigin: string },
): Promise<void> {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== server.uiOrigin)
    throw new HttpError(403, `origin ${origin} is not allowed (only ${server.uiOrigin}: see --ui-origin)`);
  const path = new URL(request.url ?? '/', 'http://codec').pathname;
  const action = path === '/decode' ? 'decode' : path === '/encode' ? 'encode' : undefined;
  if (!action) throw new HttpError(404, `no such endpoint ${path}: POST /decode or /encode`);
  const cors = corsHeaders(request, server.uiOrigin);
  if (request.method === 'OPTIONS') {
    reply(response, 204, undefined, {
      ...cors,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type,x-namespace,authorization',
      'access-control-max-age': '600',
    });
    return;
  }
  if (request.method !== 'POST') throw new HttpError(405, `${request.method ?? ''} ${path}: use POST`);
  if (server.tokens?.length) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new HttpError(401, 'send Authorization: Bearer TOKEN');
    const entry = findToken(server.tokens, match[1]);
    if (!entry) throw new HttpError(401, 'the token is not valid');
    if (!grants(entry, 'read')) throw new HttpError(403, 'the token lacks the read scope');
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'the body must be JSON (Content-Type: application/json)');
  const payloads = parsePayloads(await readBody(request));
  let result: Payload[];
  try {
    result = await server.codec[action](payloads);
  } catch (err) {
    throw new HttpError(400, err instanceof Error ? err.message : String(err));
  }
  reply(response, 200, { payloads: result.map(toJson) }, cors);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > CODEC_BODY_LIMIT)
    return Promise.reject(new HttpError(413, `the body is larger than ${CODEC_BODY_LIMIT} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > CODEC_BODY_LIMIT) {
        reject(new HttpError(413, `the body is larger than ${CODEC_BODY_LIMIT} bytes`));
        request.pause();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parsePayloads(body: Buffer): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `not JSON: ${(err as Error).message}`);
  }
  const list = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list))
    throw new HttpError(400, 'expected {"payloads": [{"metadata": {…}, "data": "…"}]}');
  return list.map((item: JsonPayload, i) => {
    if (!item || typeof item !== 'object') throw new HttpError(400, `payloads[${i}] is not an object`);
    const metadata: Record<string, Uint8Array> = {};
    for (const [key, value] of Object.entries(item.metadata ?? {})) {
      if (typeof value !== 'string') throw new HttpError(400, `payloads[${i}].metadata.${key} is not base64`);
      metadata[key] = Buffer.from(value, 'base64');
    }
    return { metadata, data: Buffer.from(typeof item.data === 'string' ? item.data : '', 'base64') };
  });
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value ?? new Uint8Array()).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
