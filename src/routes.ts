/**
 * The routing table: which task queue serves which participant, per deployment, without editing
 * definitions. Keys are participant names or globs (`*` matches any run of characters, dots included:
 * `billing.*`); values are task queues. An `<action queue="…">` attribute wins over it; unrouted actions
 * run on the process's action task queue (by default the interpreter's own).
 *
 * Pure module (no Node APIs): the interpreter workflow resolves routes with {@link routeFor}.
 */
import { BureaucratError } from './errors';

/** Participant name or glob → task queue. */
export type Routes = Readonly<Record<string, string>>;

/** The environment variable the launcher (and so `bureaucrat launch`) reads routes from. */
export const ROUTES_ENV = 'BUREAUCRAT_ROUTES';

/**
 * The task queue `participant` is routed to, if any: an exact key first, else the matching glob with the
 * most literal characters (ties: the first in key order), so `billing.charge.*` beats `billing.*`.
 */
export function routeFor(routes: Routes | undefined, participant: string): string | undefined {
  if (!routes) return undefined;
  if (Object.prototype.hasOwnProperty.call(routes, participant) && !participant.includes('*'))
    return routes[participant];
  let best: { queue: string; literal: number } | undefined;
  for (const [pattern, queue] of Object.entries(routes)) {
    if (!pattern.includes('*') || !globMatches(pattern, participant)) continue;
    const literal = pattern.replace(/\*/g, '').length;
    if (!best || literal > best.literal) best = { queue, literal };
  }
  return best?.queue;
}

function globMatches(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (!name.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = name.indexOf(parts[i], at);
    if (found === -1) return false;
    at = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return name.length - at >= last.length && name.endsWith(last);
}

/** Thrown by {@link parseRoutes} for text that is not a routing table. */
export class RoutesError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'RoutesError';
  readonly code = 'INVALID_ROUTES';
}

/**
 * Reads a routing table: a JSON object (`{"billing.*": "billing-py"}`) or `pattern=queue` pairs separated
 * by commas or white space (`billing.*=billing-py, shop.charge=payments`). Empty text: no routes.
 */
export function parseRoutes(text: string, where = ROUTES_ENV): Routes {
  const trimmed = text.trim();
  if (!trimmed) return {};
  const routes: Record<string, string> = {};
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new RoutesError(`${where} is not valid JSON: ${(err as Error).message}`);
    }
    for (const [pattern, queue] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof queue !== 'string' || !queue.trim() || !pattern.trim())
        throw new RoutesError(`${where}: route "${pattern}" must map to a non-empty task queue name`);
      routes[pattern.trim()] = queue.trim();
    }
    return routes;
  }
  for (const pair of trimmed.split(/[\s,]+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const pattern = pair.slice(0, eq).trim();
    const queue = pair.slice(eq + 1).trim();
    if (eq === -1 || !pattern || !queue)
      throw new RoutesError(`${where}: "${pair}" is not pattern=queue (e.g. billing.*=billing-py)`);
    routes[pattern] = queue;
  }
  return routes;
}
