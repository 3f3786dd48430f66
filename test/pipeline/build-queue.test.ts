import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BuildQueue } from '../../src/pipeline/build-queue.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import type { Job } from '../../src/pipeline/job-types.js';
import { runCli } from '../helpers/run-cli.js';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { Settings } from '../../src/config/settings.js';
import { TEST_SETTINGS } from '../helpers/test-settings.js';

const cli = { source: 'cli' as const, user: 'alice' };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function startQueue(env: PipelineEnv, processEnv: NodeJS.ProcessEnv = process.env, graceMs = 5_000): Promise<{ queue: BuildQueue; store: JobStore }> {
  const store = openJobStore(env.config);
  const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings: Settings.from(processEnv), graceMs, pollMs: 200 });
  await queue.start();
  cleanups.push(async () => {
    await queue.stop({ cancelRunning: true });
    store.close();
  });
  return { queue, store };
}

async function runToEnd(env: PipelineEnv, line: string, processEnv?: NodeJS.ProcessEnv, graceMs?: number): Promise<{ job: Job; store: JobStore }> {
  const { queue, store } = await startQueue(env, processEnv, graceMs);
  const [result] = queue.request(line, cli);
  if (!result?.ok) throw new Error(`not queued: ${result && !result.ok ? result.message : ''}`);
  await queue.idle();
  return { job: store.get(result.job.id)!, store };
}

function recordsOf(env: PipelineEnv, line: string): string[] {
  const dir = join(env.config.records, 'builds', line);
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith('.') && name !== 'latest') : [];
}

describe('a build on the real Packer', () => {
  it('succeeds, follows its stages, and seals a record that audits clean', async () => {
    const env = makePipelineEnv();
    const { job, store } = await runToEnd(env, 'ok');
    expect(job.reason).toBeNull();
    expect(job.state).toBe('succeeded');
    expect(job.line).toBe('test-ok');
    expect(store.events(job.id).filter((event) => event.kind === 'stage').map((event) => event.detail)).toEqual(['validating', 'provisioning', 'sealing record', 'done']);
    expect(job.recordPath).toMatch(/^builds\/test-ok\/\d{8}T\d{6}Z$/);
    const run = JSON.parse(readFileSync(join(env.config.records, job.recordPath!, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ job_id: String(job.id), requested_by: cli, packer: { version: '1.6.6' }, artifact: { artifact_id: 'Null', builder_type: 'null' } });
    expect(run.artifact.packer_run_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.template.hcl_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.var_files.map((file: { path: string }) => file.path)).toEqual(['packer/ok/ok.pkrvars.hcl']);
    expect(readFileSync(join(env.config.records, job.recordPath!, 'packer.log'), 'utf8')).toContain('image ready');
    expect(job.logSha256).toBe(run.log.sha256);
    const audit = await runCli(['audit', env.config.records]);
    expect(audit.exitCode, audit.stdout).toBe(0);
  });

  it('leaves no record when a provisioner fails, and keeps the log and its last lines for the user', async () => {
    const env = makePipelineEnv();
    const { job } = await runToEnd(env, 'test-fail');
    expect(job.state).toBe('failed');
    expect(job.exitCode).toBe(1);
    expect(job.reason).toContain('Script exited with non-zero exit status: 100');
    expect(job.stage).toBe('provisioning');
    expect(job.tail).toContain('E: Unable to locate package nonexistent');
    expect(readFileSync(job.logPath!, 'utf8')).toContain('Unable to locate package');
    expect(recordsOf(env, 'test-fail')).toEqual([]);
  });

  it('keeps every configured secret out of the log, whole, split across writes, URL- and JSON-escaped', async () => {
    // The operator passes VSPHERE_PASSWORD to Packer by name (packer.env); secret_env makes it scrubbed.
    const env = makePipelineEnv('packer:\n  env: [VSPHERE_PASSWORD]');
    const secret = 'Vc3nter/Pa55"w0rd';
    const token = 'tok-8f7e6d5c4b3a';
    const { job } = await runToEnd(env, 'test-leaky', { ...process.env, VSPHERE_PASSWORD: secret, PKR_VAR_api_token: token });
    expect(job.state, job.reason ?? '').toBe('succeeded');
    for (const log of [job.logPath!, join(env.config.records, job.recordPath!, 'packer.log')]) {
      const text = readFileSync(log, 'utf8');
      for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), token, 'abcdefghijklmnop1234567890']) expect(text).not.toContain(form);
      expect(text).not.toMatch(/split: Vc3n\S*ter/);
      expect(text).toContain('vcenter password is [REDACTED]');
      expect(text).toContain('split: [REDACTED]');
    }
  });

  it('cancels a build that runs past timeout_minutes, with the reason, and seals nothing', async () => {
    const env = makePipelineEnv();
    const started = Date.now();
    const { job } = await runToEnd(env, 'test-slow', process.env, 2_000);
    expect(job.state).toBe('cancelled');
    expect(job.reason).toBe('timed out after 0.05 minutes (timeout_minutes of test-slow in packer/matrix.json)');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(recordsOf(env, 'test-slow')).toEqual([]);
  });

  it('fails a build whose -only matches no source, although Packer exits 0', async () => {
    const env = makePipelineEnv();
    const { job } = await runToEnd(env, 'test-only-nothing');
    expect(job.state).toBe('failed');
    expect(job.reason).toContain('-only=null.no-such-source');
    expect(recordsOf(env, 'test-only-nothing')).toEqual([]);
    const { job: edition } = await runToEnd(env, 'test-only-b');
    expect(edition.state, edition.reason ?? '').toBe('succeeded');
    expect(readFileSync(edition.logPath!, 'utf8')).toContain('edition b');
    expect(readFileSync(edition.logPath!, 'utf8')).not.toContain('edition a');
  });

  it('cancels a running build on request', async () => {
    const env = makePipelineEnv();
    const { queue, store } = await startQueue(env, process.env, 2_000);
    const [result] = queue.request('test-slow', cli);
    if (!result?.ok) throw new Error('not queued');
    while (store.get(result.job.id)!.stage !== 'provisioning') await new Promise((resolve) => setTimeout(resolve, 100));
    expect(queue.cancel(result.job.id, { source: 'cli', user: 'bob' }).ok).toBe(true);
    await queue.idle();
    expect(store.get(result.job.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled on request of cli:bob; Packer was stopped and cleaned up' });
  });

  it('reports a failing after-build step with its cause, in the job events and as a warning, and keeps the build outcome', async () => {
    const env = makePipelineEnv();
    const store = openJobStore(env.config);
    const hooks = { beforeBuild: async () => undefined, afterBuild: async () => Promise.reject(new Error('vCenter answered 503')) };
    const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings: TEST_SETTINGS, pollMs: 200, hooks });
    cleanups.push(async () => {
      await queue.stop({ cancelRunning: true });
      store.close();
    });
    const warnings: string[] = [];
    queue.on('warning', (job, message, error) => warnings.push(`${job.id}: ${message}: ${error.message}`));
    await queue.start();
    const [result] = queue.request('test-ok', cli);
    if (!result?.ok) throw new Error('not queued');
    await queue.idle();
    expect(store.get(result.job.id)!.state).toBe('succeeded');
    expect(warnings).toEqual([`${result.job.id}: after-build step failed; the build outcome stands: vCenter answered 503`]);
    expect(store.events(result.job.id).find((event) => event.kind === 'after-build-failed')?.detail).toBe('the after-build step of local failed: vCenter answered 503');
  });
});
