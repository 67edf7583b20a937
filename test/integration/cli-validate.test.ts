import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../lib/src/cli/main.js');
const fixtures = path.join(__dirname, '../fixtures/definitions');

/** Runs the built `bureaucrat` CLI (npm test builds it first) and returns its exit code and output. */
async function bureaucrat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bureaucrat validate', () => {
  it('exits 0 when every file is valid', async () => {
    const result = await bureaucrat(
      'validate',
      path.join(fixtures, 'example1.xml'),
      path.join(fixtures, 'every-element.xml'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('example1.xml: valid (');
    expect(result.stdout).toContain('every-element.xml: valid (25 activities)');
  });

  it('prints file:line:col: problem for each problem and exits 1', async () => {
    const typo = path.join(fixtures, 'seed-fault-typo.xml');
    const result = await bureaucrat(
      'validate',
      path.join(fixtures, 'seed-fault.xml'),
      typo,
      '/no/such/file.xml',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('seed-fault.xml: valid');
    expect(result.stderr).toContain(
      `${typo}:6:47: malformed XML: Expected closing tag 'condition' (opened in line 6, col 13) instead of closing tag 'context'.`,
    );
    expect(result.stderr).toContain('/no/such/file.xml: cannot read the definition: no such file (ENOENT)');
  });

  it('needs at least one file', async () => {
    const result = await bureaucrat('validate');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("missing required argument 'files'");
  });

  it('warns with line, column, path and rule, exits 0, and fails under --strict', async () => {
    const example1 = path.join(fixtures, 'example1.xml');
    const warned = await bureaucrat('validate', example1);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('example1.xml: valid (18 activities, 1 warning)');
    expect(warned.stderr).toMatch(
      /example1\.xml:27:5: warning: process\/while\[1\]: the loop never ends: "counter" is declared in the while's own <context>.*\[W001 endless-loop\]/,
    );
    const strict = await bureaucrat('validate', '--strict', example1);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('example1.xml: fails --strict (1 warning)');
    const fixed = await bureaucrat(
      'validate',
      '--strict',
      path.join(__dirname, '../../examples/processes/example1.xml'),
    );
    expect(fixed.code).toBe(0);
  });

  it('checks participants against a module and awaits against event lists', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-validate-'));
    const definition = path.join(dir, 'refs.xml');
    writeFileSync(
      definition,
      `<process>
  <action participant="shop.tasks.count"/>
  <action participant="shop.tasks.cuont"/>
  <await event="paid"/>
  <await event="shipped"/>
  <await event="returned"/>
</process>`,
    );
    writeFileSync(path.join(dir, 'events.txt'), '# what the shop triggers\npaid\n\n');
    writeFileSync(path.join(dir, 'more.json'), '["shipped"]');
    const result = await bureaucrat(
      'validate',
      definition,
      '--participants',
      path.join(__dirname, '../fixtures/cli/participants.js'),
      '--events',
      path.join(dir, 'events.txt'),
      path.join(dir, 'more.json'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${definition}:3:3: warning: process/action[2]: no worker registers participant "shop.tasks.cuont" [W005 unknown-participant]`,
      `${definition}:6:3: warning: process/await[3]: nothing triggers event "returned" (not in the events given) [W006 unknown-event]`,
    ]);
    expect(
      (await bureaucrat('validate', '--strict', definition, '--events', path.join(dir, 'events.txt'))).code,
    ).toBe(1);
  });
});
