import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerFactsSchema } from '../../src/pipeline/executors/runner-artifact.js';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { runCli } from '../helpers/run-cli.js';

const GOVC_PASSWORD = 'Runner-vC3nter!pw-77';

/** `goldsmith runner` as the workflow step runs it: inputs in the environment, nothing else inherited. */
function runRunner(env: PipelineEnv, line: string, extra: Record<string, string> = {}, entry: unknown = env.matrix.find((candidate) => candidate.key === line)) {
  return runCli(['runner', '--out', 'goldsmith-artifact'], {
    cwd: env.dir,
    extendEnv: false,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GOLDSMITH_JOB: '41-0a1b2c3d',
      GOLDSMITH_LINE: line,
      GOLDSMITH_ENTRY: JSON.stringify(entry),
      RUNNER_NAME: 'arc-packer-vsphere-7',
      RUNNER_OS: 'Linux',
      GOVC_PASSWORD,
      ...extra,
    },
  });
}

const factsOf = (env: PipelineEnv) => runnerFactsSchema.parse(JSON.parse(readFileSync(join(env.dir, 'goldsmith-artifact', 'build.json'), 'utf8')));

describe('goldsmith runner (the CI workflow step)', () => {
  it('builds the dispatched entry with real Packer and writes the artifact: scrubbed log, manifest, build facts; exit 0', async () => {
    const env = makePipelineEnv('packer:\n  env: [VSPHERE_PASSWORD]');
    const result = await runRunner(env, 'test-leaky', { VSPHERE_PASSWORD: 'leaky-Secret-0042', PKR_VAR_api_token: 'tok-Secret-0043' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('goldsmith runner: stage: validating');
    const out = join(env.dir, 'goldsmith-artifact');
    const log = readFileSync(join(out, 'packer.log'), 'utf8');
    expect(log).toContain('vcenter password is [REDACTED]');
    for (const secret of ['leaky-Secret-0042', 'tok-Secret-0043', GOVC_PASSWORD]) expect(log + result.stdout).not.toContain(secret);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const facts = factsOf(env);
    expect(facts).toMatchObject({ job: '41-0a1b2c3d', line: 'test-leaky', succeeded: true, reason: null, ended_by: 'exit', exit_code: 0, runner: { name: 'arc-packer-vsphere-7', os: 'Linux' } });
    expect(facts.template.hcl_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(facts.var_files.map((file) => file.path)).toEqual(['packer/leaky/leaky.pkrvars.hcl']);
    expect(facts.packer_version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a failing build exits 1 and its build.json says why; a missing var-file still leaves an artifact of the same shape', async () => {
    const env = makePipelineEnv();
    const failed = await runRunner(env, 'test-fail');
    expect(failed.exitCode).toBe(1);
    expect(factsOf(env)).toMatchObject({ succeeded: false, ended_by: 'exit' });
    expect(factsOf(env).reason).toMatch(/error/i);

    const entry = { ...env.matrix.find((candidate) => candidate.key === 'test-ok')!, config: 'ok/missing.pkrvars.hcl' };
    const missing = await runRunner(env, 'test-ok', {}, entry);
    expect(missing.exitCode).toBe(1);
    expect(factsOf(env)).toMatchObject({ succeeded: false, ended_by: 'preflight' });
    expect(factsOf(env).reason).toContain('missing.pkrvars.hcl does not exist');
    expect(readFileSync(join(env.dir, 'goldsmith-artifact', 'packer.log'), 'utf8')).toBe('');
  });

  it('refuses inputs the workflow did not pass as goldsmith dispatched them, exit 2, naming the variable', async () => {
    const env = makePipelineEnv();
    const notJson = await runRunner(env, 'test-ok', { GOLDSMITH_ENTRY: '{oops' });
    expect(notJson.exitCode).toBe(2);
    expect(notJson.stderr).toContain('GOLDSMITH_ENTRY is not JSON');

    const otherLine = await runRunner(env, 'test-fail', {}, env.matrix.find((candidate) => candidate.key === 'test-ok'));
    expect(otherLine.exitCode).toBe(2);
    expect(otherLine.stderr).toContain('GOLDSMITH_ENTRY is the entry of test-ok, not of GOLDSMITH_LINE test-fail');

    const badVars = await runRunner(env, 'test-ok', { GOLDSMITH_PACKER_VARS: '{"PATH":"/tmp/evil"}' });
    expect(badVars.exitCode).toBe(2);
    expect(badVars.stderr).toContain('only PKR_VAR_* variables may be passed');

    const noJob = await runRunner(env, 'test-ok', { GOLDSMITH_JOB: '' });
    expect(noJob.exitCode).toBe(2);
    expect(noJob.stderr).toContain('GOLDSMITH_JOB is not set');
    expect(existsSync(join(env.dir, 'goldsmith-artifact', 'build.json'))).toBe(false);
  });
});
