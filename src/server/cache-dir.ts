import os from 'node:os';
import path from 'node:path';

/**
 * The per-user directory where this project keeps tools it builds once and reuses: the Temporal CLI
 * binary and the time-skipping test server's class path. It lives in the user's home (never in the
 * repository) so that every clone and every CI run on the machine shares one build.
 *
 * `$BUREAUCRAT_CACHE_DIR` overrides it; otherwise `$XDG_CACHE_HOME/bureaucrat-temporal`, falling back to
 * `~/.cache/bureaucrat-temporal`.
 */
export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BUREAUCRAT_CACHE_DIR) return path.resolve(env.BUREAUCRAT_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'bureaucrat-temporal');
}
