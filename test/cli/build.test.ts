import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';

describe('goldsmith build and the job commands', () => {
  it('builds a line with --wait, showing its progress and record, then lists and shows the job', async () => {
    const env = makePipelineEnv();
    const build = await runCli(['--config', env.configFile, 'build', 'ok', '--wait']);
    expect(build.stderr).toBe('');
    expect(build.exitCode).toBe(0);
    expect(build.stdout).toContain('queued test-ok as job 1');
    expect(build.stdout).toMatch(/job 1 test-ok: running, provisioning \(\d+:\d\d\)/);
    expect(build.stdout).toMatch(/job 1 test-ok: succeeded in \d+:\d\d; record builds\/test-ok\/\d{8}T\d{6}Z, log SHA-256 [0-9a-f]{64}/);

    const jobs = await runCli(['--config', env.configFile, 'jobs']);
    expect(jobs.stdout).toMatch(/^\s+1 {2}test-ok\s+succeeded\s+done\s+\d+:\d\d {2}cli:/m);
    const job = await runCli(['--config', env.configFile, 'job', '1']);
    expect(job.stdout).toMatch(/^record\s+builds\/test-ok\//m);
    const log = await runCli(['--config', env.configFile, 'job', '1', '--log', '--lines', '400']);
    expect(log.stdout).toContain('image ready');
  });

  it('exits 1 for a failed build, with its stage, exit code, reason and last log lines', async () => {
    const env = makePipelineEnv();
    const build = await runCli(['--config', env.configFile, 'build', 'test-fail', '--wait']);
    expect(build.exitCode).toBe(1);
    expect(build.stdout).toMatch(/job 1 test-fail: failed at stage "provisioning", exit 1: Packer reported .*non-zero exit status: 100/);
    expect(build.stdout).toContain('E: Unable to locate package nonexistent');
    expect(build.stdout).toMatch(/log: .*state\/jobs\/1\/packer\.log/);
  });

  it('refuses an unknown line with the closest keys, and explains bad job numbers', async () => {
    const env = makePipelineEnv();
    const unknown = await runCli(['--config', env.configFile, 'build', 'test-okk']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('unknown line "test-okk"; did you mean "test-ok"');
    const cancel = await runCli(['--config', env.configFile, 'cancel', '7']);
    expect(cancel.exitCode).toBe(1);
    expect(cancel.stderr).toContain('there is no job 7');
    const bad = await runCli(['--config', env.configFile, 'job', 'seven']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"seven" is not a job number');
  });

  it('queues without --wait, and a background worker builds it; a queued job can be cancelled', async () => {
    const env = makePipelineEnv();
    const queued = await runCli(['--config', env.configFile, 'build', 'test-ok-2', '--queue-only']);
    expect(queued.stdout).toContain('queued test-ok-2 as job 1');
    const cancel = await runCli(['--config', env.configFile, 'cancel', '1']);
    expect(cancel.stdout).toBe('cancelled job 1');
    const background = await runCli(['--config', env.configFile, 'build', 'test-ok']);
    expect(background.exitCode).toBe(0);
    expect(background.stdout).toContain('follow with: goldsmith job 2');
    let state = '';
    for (let i = 0; i < 100 && state !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = /^state\s+(\w+)/m.exec((await runCli(['--config', env.configFile, 'job', '2'])).stdout)?.[1] ?? '';
    }
    expect(state).toBe('succeeded');
  });

  it('lists the matrix with aliases and whether "all" builds each line', async () => {
    const env = makePipelineEnv();
    const matrix = await runCli(['--config', env.configFile, 'matrix']);
    expect(matrix.stdout).toMatch(/^test-ok\s+enabled\s+local\s+local\s+tpl-test-ok\s+ok$/m);
    expect(matrix.stdout).toMatch(/^test-slow\s+disabled/m);
    expect(matrix.stdout).not.toContain('is the default');
  });

  it('shows where each line builds: the executor goldsmith.yaml gives it', async () => {
    const env = makePipelineEnv('executors:\n  lines:\n    test-ok-2: github-actions\n  github_actions:\n    repository: acme/images');
    const matrix = await runCli(['--config', env.configFile, 'matrix']);
    expect(matrix.stdout).toMatch(/^LINE\s+ALL\?\s+TARGET\s+BUILDS ON\s+TEMPLATE/);
    expect(matrix.stdout).toMatch(/^test-ok-2\s+enabled\s+local\s+github-actions\s+tpl-test-ok-2/m);
    expect(matrix.stdout).toMatch(/^test-ok\s+enabled\s+local\s+local\s+tpl-test-ok\s/m);
  });

  it('marks a line whose platform the matrix leaves out, naming the default and the fix', async () => {
    const env = makePipelineEnv();
    const file = join(env.dir, 'packer', 'matrix.json');
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
    delete entries[0]!.platform;
    writeFileSync(file, JSON.stringify(entries));
    const matrix = await runCli(['--config', env.configFile, 'matrix']);
    expect(matrix.stdout).toMatch(/^test-ok\s+enabled\s+vsphere\*\s+local\s+tpl-test-ok/m);
    expect(matrix.stdout).toContain(`* "platform" is not set for this line: vsphere is the default; set "platform" (vsphere, proxmox, qemu or local) in ${file}`);
  });

  it('prints --help with an example for every command', async () => {
    for (const command of ['build', 'jobs', 'job', 'cancel', 'matrix', 'worker', 'runner']) {
      const help = await runCli([command, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain('Example:');
    }
  });
});
