/**
 * Property values: a `<property type="…">`'s text converted to its type. Pure module.
 */
import { FLOAT_TEXT, INT_TEXT } from '../expression/builtins';
import type { PropertyType } from './model';

/** Converts a property's text to its type, the way the original engine did (and without its defects). */
export function convertProperty(type: PropertyType, text: string): { value: unknown } | { error: string } {
  switch (type) {
    case 'str':
      return { value: text }; // the original turned empty text into "None"; here it is ""
    case 'int': {
      if (!INT_TEXT.test(text)) return { error: `is not an integer: "${text.trim()}"` };
      const n = BigInt(text.trim().replace(/_/g, ''));
      if (n > 9007199254740991n || n < -9007199254740991n)
        return { error: 'is outside the JSON-safe integer range (±2^53)' };
      return { value: Number(n) };
    }
    case 'float': {
      if (!FLOAT_TEXT.test(text)) return { error: `is not a number: "${text.trim()}"` };
      const f = Number(text.trim().replace(/_/g, ''));
      return Number.isFinite(f) ? { value: f } : { error: 'is not a finite number' };
    }
    case 'bool': {
      const t = text.trim();
      if (INT_TEXT.test(t)) return { value: Number(t.replace(/_/g, '')) !== 0 };
      if (/^(true|false)$/i.test(t)) return { value: t.toLowerCase() === 'true' };
      return { error: `must be 0 or 1 (or true/false), got "${t}"` };
    }
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch (err) {
        return { error: `is not valid JSON: ${(err as Error).message}` };
      }
  }
}
