import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cachedTemporalCliPath,
  resolveTemporalCli,
  TemporalCliNotFoundError,
} from '../../src/server/temporal-cli';

describe('resolveTemporalCli: where the temporal binary comes from', () => {
  let dir: string;
  const executable = (file: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    return file;
  };
  const quiet = () => undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-lookup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers $TEMPORAL_CLI_PATH over everything else', async () => {
    const explicit = executable(path.join(dir, 'explicit', 'temporal'));
    executable(path.join(dir, 'bin', 'temporal'));
    const env = { TEMPORAL_CLI_PATH: explicit, PATH: path.join(dir, 'bin'), BUREAUCRAT_CACHE_DIR: dir };
    const found = await resolveTemporalCli({ env, log: quiet });
    expect(found).toMatchObject({
      source: 'TEMPORAL_CLI_PATH',
      executable: { type: 'existing-path', path: explicit },
    });
  });

  it('then `temporal` on PATH, skipping a TEMPORAL_CLI_PATH that is not executable', async () => {
    const onPath = executable(path.join(dir, 'bin', 'temporal'));
    const env = { TEMPORAL_CLI_PATH: path.join(dir, 'missing'), PATH: path.join(dir, 'bin') };
    const found = await resolveTemporalCli({ env, log: quiet });
    expect(found).toMatchObject({ source: 'PATH', executable: { path: onPath } });
    expect(found.tried[0]).toContain('not an executable file');
  });

  it('then the copy built earlier in the cache directory', async () => {
    const env = { PATH: path.join(dir, 'empty'), BUREAUCRAT_CACHE_DIR: path.join(dir, 'cache') };
    const cached = executable(cachedTemporalCliPath(env));
    expect(cached.startsWith(path.join(dir, 'cache'))).toBe(true);
    const found = await resolveTemporalCli({ env, log: quiet });
    expect(found).toMatchObject({ source: 'cache', executable: { path: cached } });
  });

  it('falls back to the SDK download, and its error names every option', async () => {
    const env = { PATH: path.join(dir, 'empty'), BUREAUCRAT_CACHE_DIR: path.join(dir, 'cache') };
    const found = await resolveTemporalCli({ env, log: quiet, allowGoBuild: false });
    expect(found.source).toBe('sdk-download');
    expect(found.executable.type).toBe('cached-download');
    const message = new TemporalCliNotFoundError(found.tried).message;
    expect(message).toContain('TEMPORAL_CLI_PATH: not set');
    expect(message).toContain('`temporal` on PATH: not found');
    expect(message).toContain('go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
    expect(message).toContain('internet access');
  });

  it('reports a missing Go toolchain instead of failing', async () => {
    const env = { PATH: path.join(dir, 'empty'), BUREAUCRAT_CACHE_DIR: path.join(dir, 'cache') };
    const found = await resolveTemporalCli({ env, log: quiet });
    expect(found.source).toBe('sdk-download');
    expect(found.tried).toContain('building with Go: `go` not found on PATH');
  });
});
