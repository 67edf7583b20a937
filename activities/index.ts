/**
 * The project's own activities. For now a single greeting used by the foundation's end-to-end proof;
 * the interpreter's participants are registered by the worker (see src/worker).
 */

/** Returns a greeting for `name`: the proof that a Worker runs activities against the dev server. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}
