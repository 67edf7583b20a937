import { execFile } from 'node:child_process';
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
});
