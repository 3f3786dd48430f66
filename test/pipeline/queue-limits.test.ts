import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildQueue } from '../../src/pipeline/build-queue.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { TEST_SETTINGS } from '../helpers/test-settings.js';

const cli = { source: 'cli' as const, user: 'alice' };


function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
describe('the build queue', () => {
  it('holds max_parallel and one job per line under 20 concurrent requests', async () => {
    const env = makePipelineEnv();
    const store = openJobStore(env.config);
    const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings: TEST_SETTINGS, pollMs: 100 });
    await queue.start();
    const lines = ['test-ok', 'test-ok-2', 'test-only-b', 'test-leaky'];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => Promise.resolve().then(() => queue.request(lines[i % 4]!, { source: 'slack', user: `U${i}` })[0]!)));
    const accepted = results.filter((result) => result.ok);
    expect(accepted.map((result) => (result.ok ? result.job.line : '')).sort()).toEqual([...lines].sort());
    const refused = results.filter((result) => !result.ok);
    expect(refused).toHaveLength(16);
    for (const result of refused) {
      if (result.ok) continue;
      expect(result.message).toMatch(new RegExp(`^${result.holder!.line.replace(/[.]/g, '\\.')} is busy: job ${result.holder!.id} \\((queued|running)[^)]*\\) was requested by U\\d+ via slack and has held the line since \\d{4}-`));
    }
    await queue.idle();
    await queue.stop();
    const jobs = store.list();
    const intervals = jobs.map((job) => [Date.parse(job.startedAt!), Date.parse(job.finishedAt!)] as const);
    for (const [start] of intervals) {
      const overlapping = intervals.filter(([s, e]) => s <= start && start < e);
      expect(overlapping.length).toBeLessThanOrEqual(2);
    }
    expect(jobs.every((job) => job.state === 'succeeded')).toBe(true);
    expect(store.events(jobs[0]!.id).length).toBeGreaterThan(2);
    store.close();
  });

  it('accepts exactly one of 10 processes asking for the same line at once', async () => {
    const env = makePipelineEnv();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => execa('node', [CLI, '--config', env.configFile, 'build', 'test-ok', '--queue-only'], { reject: false })),
    );
    expect(results.filter((result) => result.exitCode === 0)).toHaveLength(1);
    const refused = results.filter((result) => result.exitCode === 1);
    expect(refused).toHaveLength(9);
    for (const result of refused) expect(result.stdout).toMatch(/not queued: test-ok is busy: job 1 \(/);
    const worker = await runCli(['--config', env.configFile, 'worker', '--exit-when-idle']);
    expect(worker.exitCode).toBe(0);
    const store = openJobStore(env.config);
    expect(store.get(1)?.state).toBe('succeeded');
    store.close();
  });

  it('marks builds of a worker killed with SIGKILL as interrupted on restart; no partial record, the chain audits clean', async () => {
    const env = makePipelineEnv();
    expect((await runCli(['--config', env.configFile, 'build', 'test-ok', '--wait'])).exitCode).toBe(0);
    const worker = execa('node', [CLI, '--config', env.configFile, 'worker'], { reject: false });
    for (const line of ['test-long', 'test-long-2']) {
      expect((await runCli(['--config', env.configFile, 'build', line, '--queue-only'])).exitCode).toBe(0);
    }
    const store = openJobStore(env.config);
    while (store.list({ states: ['running'] }).filter((job) => job.stage === 'provisioning').length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    const groups = store.list({ states: ['running'] }).map((job) => job.packerPgid!);
    expect(groups.every((pgid) => pgid > 0)).toBe(true);
    worker.kill('SIGKILL');
    await worker;
    // Packer outlives a SIGKILLed goldsmith (its own process group) until the restart stops it.
    expect(groups.filter(groupAlive)).toEqual(groups);
    const restart = await runCli(['--config', env.configFile, 'worker', '--exit-when-idle']);
    expect(restart.stdout).toMatch(/job 2 was interrupted: goldsmith process \d+ stopped while the job was running \(stage: provisioning\); no record was sealed\. Its Packer process group \d+ was still running and was stopped \(SIGINT[^)]*\)\. Its log is kept at .*jobs\/2\/packer\.log/);
    expect(store.get(2)?.state).toBe('interrupted');
    expect(store.get(3)?.state).toBe('interrupted');
    // A process killed with SIGKILL stays a zombie until init reaps it, which may lag on a loaded machine.
    for (let tries = 0; tries < 50 && groups.some(groupAlive); tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(groups.filter(groupAlive), 'no Packer process of the interrupted jobs remains').toEqual([]);
    store.close();
    for (const line of ['test-long', 'test-long-2']) {
      const dir = join(env.config.records, 'builds', line);
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    }
    const audit = await runCli(['audit', env.config.records]);
    expect(audit.exitCode, audit.stdout).toBe(0);
  }, 90_000);
});
