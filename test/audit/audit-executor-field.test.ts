import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { runCli } from '../helpers/run-cli.js';
import { runPackerFixture } from '../helpers/run-packer-fixture.js';

const runJsonOf = (records: string, line: string) =>
  readdirSync(join(records, 'builds', line))
    .filter((name) => name !== 'latest')
    .map((ts) => JSON.parse(readFileSync(join(records, 'builds', line, ts, 'run.json'), 'utf8')) as Record<string, unknown>);

describe('run.json v1 with and without the executor field', () => {
  it('a record without it (as goldsmith wrote before, and goldsmith seal still does) and one with it audit clean in one chain', { timeout: 60_000 }, async () => {
    const env = makePipelineEnv();
    const packer = await runPackerFixture('null-ok');
    const sealed = await runCli(['--config', env.configFile, 'seal', '--line', 'test-ok', '--log', packer.log, '--manifest', packer.manifest]);
    expect(sealed.exitCode, sealed.stderr).toBe(0);
    const built = await runCli(['--config', env.configFile, 'build', 'test-ok-2', '--wait'], { cwd: env.dir });
    expect(built.exitCode, built.stdout + built.stderr).toBe(0);

    const [old] = runJsonOf(env.config.records, 'test-ok');
    const [current] = runJsonOf(env.config.records, 'test-ok-2');
    expect(old).not.toHaveProperty('executor');
    expect(old!.schema).toBe('goldsmith.run/v1');
    expect(current!.executor).toEqual({ kind: 'local', host: expect.any(String) });
    expect(current!.schema).toBe('goldsmith.run/v1');
    const audit = await runCli(['audit', env.config.records, '--json']);
    expect(audit.exitCode, audit.stdout).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, summary: { records: 3, recordsWithFindings: 0 } });
  });
});
