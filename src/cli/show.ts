/**
 * `bureaucrat show FILE.xml|ID [--svg OUT.svg]`: the picture of a definition, or of a process with each
 * activity coloured by its state.
 */
import { stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Launcher } from '../client/launcher';
import { readDefinitionFile } from './definition-file';
import { renderSvg, treeOfDefinition, treeOfSnapshot } from '../diagram';
import { EXIT } from './errors';
import { connectionOptions, type ConnectionFlags } from './options';

/** A definition file is named by its path; anything that is not an existing file or a `.xml` name is a process id. */
async function isDefinitionFile(target: string): Promise<boolean> {
  if (target.endsWith('.xml')) return true;
  try {
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}

/** `bureaucrat show TARGET [--svg OUT]`: writes the SVG to OUT, or to stdout. */
export async function showCommand(
  target: string,
  flags: ConnectionFlags & { svg?: string },
): Promise<number> {
  let svg: string;
  if (await isDefinitionFile(target)) {
    const definition = await readDefinitionFile(target, (line) => process.stderr.write(`${line}\n`));
    if (!definition) return EXIT.usage;
    svg = renderSvg(treeOfDefinition(definition.model), { title: path.basename(target) });
  } else {
    const launcher = await Launcher.connect(connectionOptions(flags));
    const state = await launcher.get(target).state();
    svg = renderSvg(treeOfSnapshot(state), { title: `process ${target}` });
  }
  if (flags.svg) {
    await mkdir(path.dirname(path.resolve(flags.svg)), { recursive: true });
    await writeFile(flags.svg, `${svg}\n`);
    process.stderr.write(`picture of ${target} written to ${flags.svg}\n`);
  } else {
    process.stdout.write(`${svg}\n`);
  }
  return EXIT.ok;
}
