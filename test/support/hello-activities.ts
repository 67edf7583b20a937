/** The activity of the foundation's proof workflows (`test/workflows/hello.ts`). */

/** Returns a greeting for `name`. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}
