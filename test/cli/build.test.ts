import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { CLI, runCli } from '../helpers/run-cli.js';
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
    expect(log.stdout).toContain('    null.image: image ready');
    // Packer's lines once, without its debug output.
    expect(log.stdout.split('\n').filter((line) => line.includes('image ready'))).toHaveLength(1);
    expect(log.stdout).not.toContain('[TRACE]');
    expect(log.stdout).not.toMatch(/^\d+,/m);
    const raw = await runCli(['--config', env.configFile, 'job', '1', '--log', '--raw', '--lines', '400']);
    expect(raw.stdout).toContain('[TRACE]');
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
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown line "test-okk"; did you mean "test-ok"');
    const cancel = await runCli(['--config', env.configFile, 'cancel', '7']);
    expect(cancel.exitCode).toBe(2);
    expect(cancel.stderr).toContain('there is no job 7');
    const job = await runCli(['--config', env.configFile, 'job', '7']);
    expect(job.exitCode).toBe(2);
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
    expect(background.stdout).toContain('follow with: goldsmith job 2 --wait');
    // The suggested command follows the running build (it is not refused as busy).
    const follow = await runCli(['--config', env.configFile, 'job', '2', '--wait']);
    expect(follow.exitCode, follow.stdout + follow.stderr).toBe(0);
    expect(follow.stdout).toMatch(/job 2 test-ok: succeeded in/);
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

  it('checks before queuing: a records folder it cannot write, a template Packer refuses; nothing is queued, exit 2', async () => {
    const env = makePipelineEnv();
    // Tests run as root, whom permissions do not stop: a records path under a file stands for a folder goldsmith cannot write.
    writeFileSync(join(env.dir, 'not-a-folder'), '');
    writeFileSync(env.configFile, readFileSync(env.configFile, 'utf8').replace('records: records', 'records: not-a-folder/records'));
    const unwritable = await runCli(['--config', env.configFile, 'build', 'test-ok', '--wait']);
    expect(unwritable.exitCode).toBe(2);
    expect(unwritable.stdout).toContain(`test-ok: the records folder ${join(env.dir, 'not-a-folder', 'records')} cannot be created: ${join(env.dir, 'not-a-folder')} is not a folder; set records in goldsmith.yaml`);
    writeFileSync(env.configFile, readFileSync(env.configFile, 'utf8').replace('records: not-a-folder/records', 'records: records'));
    writeFileSync(join(env.dir, 'packer', 'ok', 'broken.pkr.hcl'), 'variable "unclosed" {\n  type = string\n');
    const invalid = await runCli(['--config', env.configFile, 'build', 'test-ok']);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stdout).toMatch(/test-ok: packer validate failed: .*broken.pkr.hcl/s);
    const jobs = await runCli(['--config', env.configFile, 'jobs']);
    expect(jobs.stdout).not.toMatch(/test-ok/);
  });

  it('--dry-run prints the executor, the Packer command, var-files and target, runs the checks, and touches nothing', async () => {
    const env = makePipelineEnv();
    const dry = await runCli(['--config', env.configFile, 'build', 'TEST-OK', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('build test-ok\n  executor    local (Packer on this host)');
    expect(dry.stdout).toContain(`  in          ${join(env.dir, 'packer', 'ok')}`);
    expect(dry.stdout).toContain('  command     packer build -machine-readable -on-error=cleanup -var-file=ok.pkrvars.hcl .');
    expect(dry.stdout).toContain('checks: all passed');
    expect(existsSync(env.config.state_dir)).toBe(false);
    expect(existsSync(env.config.records)).toBe(false);
    writeFileSync(join(env.dir, 'packer', 'ok', 'ok.pkrvars.hcl.example'), 'sleep_seconds = 0\n');
    writeFileSync(join(env.dir, 'packer', 'matrix.json'), readFileSync(join(env.dir, 'packer', 'matrix.json'), 'utf8').replace('"config": "ok/ok.pkrvars.hcl", "base_name": "tpl-test-ok"', '"config": "ok/mine.pkrvars.hcl", "base_name": "tpl-test-ok"'));
    const missing = await runCli(['--config', env.configFile, 'build', 'test-ok', '--dry-run']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toContain(`test-ok: the line's var-file ${join(env.dir, 'packer', 'ok', 'mine.pkrvars.hcl')} does not exist: create it or fix "config" of test-ok in packer/matrix.json`);
  });

  it('line names are case-insensitive; bad config, matrix or YAML exit 2', async () => {
    const env = makePipelineEnv();
    const upper = await runCli(['--config', env.configFile, 'build', 'Test-OK', '--queue-only']);
    expect(upper.exitCode).toBe(0);
    expect(upper.stdout).toContain('queued test-ok as job 1');
    writeFileSync(env.configFile, 'records: [unclosed\n');
    const yaml = await runCli(['--config', env.configFile, 'build', 'test-ok']);
    expect(yaml.exitCode).toBe(2);
    expect(yaml.stderr).toContain('not valid YAML');
    writeFileSync(env.configFile, 'packer:\n  matrix: nowhere.json\n');
    const matrix = await runCli(['--config', env.configFile, 'matrix']);
    expect(matrix.exitCode).toBe(2);
    expect(matrix.stderr).toContain('nowhere.json does not exist');
  });

  it('Ctrl-C on build --wait stops following, not the build, and says how to follow or cancel it (exit 130)', async () => {
    const env = makePipelineEnv();
    // A step far longer than the test, so the build is still going when the cancel comes on a loaded machine.
    writeFileSync(join(env.dir, 'packer', 'slow', 'long.pkrvars.hcl'), 'sleep_seconds = 300\n');
    const child = execa(process.execPath, [CLI, '--config', env.configFile, 'build', 'test-long', '--wait'], { reject: false });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    for (let i = 0; i < 150 && !out.includes('provisioning'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGINT');
    const ended = await child;
    expect(ended.exitCode).toBe(130);
    expect(out).toContain('stopped following; the build goes on.\n  follow: goldsmith job 1 --wait    cancel: goldsmith cancel 1');
    const job = await runCli(['--config', env.configFile, 'job', '1']);
    expect(job.stdout).toMatch(/^state\s+running/m);
    const cancel = await runCli(['--config', env.configFile, 'cancel', '1']);
    expect(cancel.stdout).toBe('stopping job 1: Packer is cleaning up');
    const follow = await runCli(['--config', env.configFile, 'job', '1', '--wait']);
    expect(follow.exitCode).toBe(1);
    expect(follow.stdout).toMatch(/job 1 test-long: cancelled .*cancelled on request of cli:/);
  });
});
