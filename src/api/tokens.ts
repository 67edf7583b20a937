/**
 * The API's bearer tokens and their scopes. A tokens file lists one token a line with its scopes
 * (`TOKEN read,launch  # a comment`), or is JSON (`[{"token": "…", "scopes": ["read"], "name": "billing"}]`).
 * A token may be given by its SHA-256 instead (`sha256:HEX`), so that the file need not hold it in clear.
 * Tokens are kept only as digests, and a presented token is compared against each of them in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BureaucratError } from '../errors';

/**
 * What a token may do. `admin` may do everything. `deploy` stores new versions of deployed definitions
 * (apart from `launch`: a new version changes what launches, schedules and triggers by name start).
 */
export const SCOPES = ['read', 'launch', 'events', 'operate', 'deploy', 'admin'] as const;

/** One of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/** A token as the server keeps it: its digest, its scopes and an optional name for the log. */
export interface TokenEntry {
  /** The SHA-256 digest of the token: the server keeps no token itself. */
  readonly digest: Buffer;
  /** What the token may do. */
  readonly scopes: ReadonlySet<Scope>;
  /** A name for the log, so that it says who made a request. */
  readonly name?: string;
}

/** A tokens file that cannot be used: names the file, the line and what is wrong. */
export class TokensFileError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'TokensFileError';
  readonly code = 'INVALID_TOKENS_FILE';
}

/** A token given in clear or as `sha256:HEX`, as a digest. */
function digestOf(token: string): Buffer {
  const hashed = /^sha256:([0-9a-f]{64})$/i.exec(token);
  return hashed ? Buffer.from(hashed[1], 'hex') : createHash('sha256').update(token, 'utf8').digest();
}

function scopesOf(scopes: readonly unknown[], where: string): Set<Scope> {
  if (!scopes.length)
    throw new TokensFileError(`${where}: a token needs at least one scope (${SCOPES.join(', ')})`);
  const set = new Set<Scope>();
  for (const scope of scopes) {
    if (!SCOPES.includes(scope as Scope))
      throw new TokensFileError(
        `${where}: unknown scope ${JSON.stringify(scope)}; scopes are ${SCOPES.join(', ')}`,
      );
    set.add(scope as Scope);
  }
  return set;
}

const MIN_TOKEN_LENGTH = 16;

function entry(token: unknown, scopes: readonly unknown[], where: string, name?: string): TokenEntry {
  if (typeof token !== 'string' || (!token.startsWith('sha256:') && token.length < MIN_TOKEN_LENGTH))
    throw new TokensFileError(
      `${where}: a token must be a string of at least ${MIN_TOKEN_LENGTH} characters`,
    );
  return { digest: digestOf(token), scopes: scopesOf(scopes, where), ...(name ? { name } : {}) };
}

/** Reads tokens from `text` (the contents of `file`, named in errors). */
export function parseTokens(text: string, file = 'tokens'): TokenEntry[] {
  const trimmed = text.trim();
  let entries: TokenEntry[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new TokensFileError(`${file}: not JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { tokens?: unknown }).tokens;
    if (!Array.isArray(list)) throw new TokensFileError(`${file}: expected a list of {token, scopes}`);
    entries = list.map((item: { token?: unknown; scopes?: unknown; name?: unknown }, i) =>
      entry(
        item?.token,
        Array.isArray(item?.scopes) ? item.scopes : [],
        `${file}: entry ${i + 1}`,
        typeof item?.name === 'string' ? item.name : undefined,
      ),
    );
  } else {
    entries = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      if (!line) return;
      const [token, ...rest] = line.split(/\s+/);
      const scopes = rest
        .join(' ')
        .split(/[\s,]+/)
        .filter(Boolean);
      entries.push(entry(token, scopes, `${file}:${i + 1}`));
    });
  }
  if (!entries.length) throw new TokensFileError(`${file}: no tokens`);
  return entries;
}

/** Reads the tokens file at `file`. */
export function readTokensFile(file: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TokensFileError(`cannot read the tokens file ${file}: ${(err as Error).message}`);
  }
  return parseTokens(text, file);
}

/**
 * The entry of `token`, or undefined. Every entry is compared (in constant time), so how long this takes
 * does not say which entry matched or how much of a digest did.
 */
export function findToken(entries: readonly TokenEntry[], token: string): TokenEntry | undefined {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: TokenEntry | undefined;
  for (const candidate of entries) {
    if (timingSafeEqual(candidate.digest, digest) && !found) found = candidate;
  }
  return found;
}

/** Whether `entry` grants `scope`. */
export function grants(entry: TokenEntry, scope: Scope): boolean {
  return entry.scopes.has(scope) || entry.scopes.has('admin');
}
