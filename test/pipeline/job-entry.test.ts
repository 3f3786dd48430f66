import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BuildQueue } from '../../src/pipeline/build-queue.js';
import type { BuildHooks } from '../../src/pipeline/build-hooks.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { CLI } from '../helpers/run-cli.js';
import { TEST_SETTINGS } from '../helpers/test-settings.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const recordsOf = (records: string, line: string) => {
  const dir = join(records, 'builds', line);
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^\d{8}T/.test(name)) : [];
};

describe('the matrix entry travels with the job', () => {
  it('a matrix edited while the build runs does not change its record: the record describes the entry as queued', async () => {
    const env = makePipelineEnv();
    const matrixFile = env.config.packer.matrix;
    const paced = { key: 'test-paced', enabled: false, os: 'linux', platform: 'local', dist: 'null', version: '1', build_dir: 'slow', config: 'slow/paced.pkrvars.hcl', base_name: 'tpl-test-paced', timeout_minutes: 5 };
    writeFileSync(join(env.dir, 'packer', 'slow', 'paced.pkrvars.hcl'), 'sleep_seconds = 4\n');
    const original = JSON.parse(readFileSync(matrixFile, 'utf8')) as object[];
    writeFileSync(matrixFile, JSON.stringify([...original, paced], null, 2));

    const build = execa('node', [CLI, '--config', env.configFile, 'build', 'test-paced', '--wait'], { cwd: env.dir, reject: false });
    const store = openJobStore(env.config);
    cleanups.push(() => store.close());
    const deadline = Date.now() + 30_000;
    while (store.get(1)?.stage !== 'provisioning' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.get(1)?.stage, 'the build reached provisioning').toBe('provisioning');
    // Mid-build, someone points the line at another template folder and var-file.
    writeFileSync(matrixFile, JSON.stringify([...original, { ...paced, build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', version: '2' }], null, 2));

    const result = await build;
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    const [ts] = recordsOf(env.config.records, 'test-paced');
    const run = JSON.parse(readFileSync(join(env.config.records, 'builds', 'test-paced', ts!, 'run.json'), 'utf8'));
    expect(run.template.dir).toBe('packer/slow');
    expect(run.var_files.map((file: { path: string }) => file.path)).toEqual(['packer/slow/paced.pkrvars.hcl']);
    expect(store.get(1)?.entry).toMatchObject({ key: 'test-paced', build_dir: 'slow', config: 'slow/paced.pkrvars.hcl' });
  });
});

describe("the platform's step after Packer", () => {
  it('can fail a build that Packer finished, with its reason and no record, or add facts to the record', async () => {
    const env = makePipelineEnv();
    const store = openJobStore(env.config);
    let verdict: 'fail' | 'pass' = 'fail';
    const hooks: BuildHooks = {
      beforeBuild: async () => undefined,
      packerEnv: () => ({ PKR_VAR_unused_by_the_template: 'x' }),
      afterPacker: async () => (verdict === 'fail' ? { ok: false, reason: 'check "no password hashes" failed: /etc/shadow has one for root' } : { ok: true, facts: { install_media: { iso_path: 'checked-by-the-hook', iso_checksum: null, files: [] } } }),
      afterBuild: async () => undefined,
    };
    const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings: TEST_SETTINGS, pollMs: 200, hooks });
    cleanups.push(async () => {
      await queue.stop({ cancelRunning: true });
      store.close();
    });
    await queue.start();
    const [failed] = queue.request('test-ok', { source: 'cli', user: 'alice' });
    await queue.idle();
    expect(store.get(failed!.ok ? failed!.job.id : 0)).toMatchObject({ state: 'failed', reason: 'check "no password hashes" failed: /etc/shadow has one for root', recordPath: null });
    expect(recordsOf(env.config.records, 'test-ok')).toEqual([]);

    verdict = 'pass';
    const [passed] = queue.request('test-ok', { source: 'cli', user: 'alice' });
    await queue.idle();
    const job = store.get(passed!.ok ? passed!.job.id : 0)!;
    expect(job.state, job.reason ?? '').toBe('succeeded');
    const run = JSON.parse(readFileSync(join(env.config.records, job.recordPath!, 'run.json'), 'utf8'));
    expect(run.install_media.iso_path).toBe('checked-by-the-hook');
  });
});
