/**
 * Parsed models shared between processes of the same definition. Every process parses its definition text
 * when it starts (a few milliseconds for a small definition: as much CPU as several of its steps); the
 * workflows' pure modules are loaded once per worker thread (see `sharedWorkflowModules`), so a model
 * parsed here serves every later process of the same text. Models are deeply frozen: no process can change
 * what another one runs. Without preloading, the cache simply lives as long as one workflow. Pure module.
 */
import type { ProcessDefinition } from './model';
import { parseDefinition } from './parse';

/** How many distinct definitions are kept (oldest dropped first). */
const MAX_MODELS = 64;
/** Longer definition texts are parsed every time (they are rare; a cache of them would be large). */
const MAX_CACHED_TEXT = 64 * 1024;

const models = new Map<string, ProcessDefinition>();

/** {@link parseDefinition} of `xml`, from the cache when the same text was parsed before. */
export function parseDefinitionCached(xml: string): ProcessDefinition {
  const cached = models.get(xml);
  if (cached) return cached;
  const model = parseDefinition(xml); // throws DefinitionError: invalid texts are not kept
  if (typeof xml === 'string' && xml.length <= MAX_CACHED_TEXT) {
    if (models.size >= MAX_MODELS) models.delete(models.keys().next().value as string);
    models.set(xml, deepFreeze(model));
  }
  return model;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
