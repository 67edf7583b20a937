/**
 * A definition file named on the command line, read and validated before anything connects: bad input is
 * reported (every problem, or why the file cannot be read) and the command exits 2, starting nothing.
 */
import { loadDefinition } from '../client/definition-source';
import { DefinitionError, type ProcessDefinition } from '../definition';

/** The definition in `file`; undefined, after writing its problems with `report`, when it is not one. */
export async function readDefinitionFile(
  file: string,
  report: (line: string) => void,
): Promise<{ readonly xml: string; readonly model: ProcessDefinition } | undefined> {
  try {
    return await loadDefinition(file);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    report(e.message);
    return undefined;
  }
}
