/**
 * Where a definition comes from: XML text as given, or the `.xml` file a path names (as the original's
 * launcher took). One reading for the launcher, schedules, triggers, the test kit and the CLI, so that an
 * unreadable file is the same `DefinitionFileError` everywhere.
 */
import { readFile } from 'node:fs/promises';
import { DefinitionFileError, fileErrorReason, parseDefinition, type ProcessDefinition } from '../definition';

/** A definition's text and, when it was read from a file, that file's path. */
export interface DefinitionText {
  readonly xml: string;
  readonly source?: string;
}

/** XML text as given, or read from the file it names; throws `DefinitionFileError` when it cannot be read. */
export async function definitionText(definition: string): Promise<DefinitionText> {
  if (definition.trimStart().startsWith('<')) return { xml: definition };
  try {
    return { xml: await readFile(definition, 'utf8'), source: definition };
  } catch (err) {
    throw new DefinitionFileError(definition, fileErrorReason(err), { cause: err });
  }
}

/** {@link definitionText}, validated: throws `DefinitionError` (or `DefinitionFileError`) listing every problem. */
export async function loadDefinition(
  definition: string,
): Promise<DefinitionText & { readonly model: ProcessDefinition }> {
  const text = await definitionText(definition);
  return { ...text, model: parseDefinition(text.xml, text.source ? { source: text.source } : {}) };
}
