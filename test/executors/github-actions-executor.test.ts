import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildRunSchema } from '../../src/evidence/run-schema.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import { FakeActions } from '../fakes/actions-api.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { ACTIONS_TOKEN, actionsYaml, startActionsEnv, type ActionsEnv } from '../helpers/actions-env.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { makeTempDir } from '../helpers/write-chain.js';

function recordOf(world: ActionsEnv, line: string) {
  const dir = join(world.env.config.records, 'builds', line);
  const ts = readdirSync(dir).find((name) => name !== 'latest')!;
  const folder = join(dir, ts);
  return { folder, run: buildRunSchema.parse(JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'))), readme: readFileSync(join(folder, 'README.md'), 'utf8') };
}

/** A valid build.json of another job: sealing it as this job's would be a lie. */
const OTHER_JOBS_FACTS = {
  schema: 'goldsmith.runner/v1',
  job: '3-0badc0de',
  line: 'test-ok',
  succeeded: true,
  reason: null,
  ended_by: 'exit',
  exit_code: 0,
  packer_version: '1.6.6',
  started_at: '2026-12-01T10:00:00.000Z',
  finished_at: '2026-12-01T10:01:00.000Z',
  template: { dir: 'packer/ok', git_commit: null, hcl_sha256: null },
  var_files: [],
  runner: { name: 'arc-packer-vsphere-1', os: 'Linux', arch: 'X64' },
  tail: [],
};

const apiCalls = (world: ActionsEnv) => world.actions.calls.filter((call) => call.kind === 'api');

describe('the GitHub Actions executor against the fake Actions API (real goldsmith runner, real Packer)', () => {
  it('dispatches with return_run_details, follows the run, checks the artifact and seals centrally; the record audits clean and names the run', { timeout: 90_000 }, async () => {
    const world = await startActionsEnv();
    const stages: string[] = [];
    world.queue.on('update', (job) => {
      if (job.stage && stages.at(-1) !== job.stage) stages.push(job.stage);
    });
    const job = await world.build('test-ok');
    expect(job.state, job.reason ?? '').toBe('succeeded');

    const [run] = world.actions.runs;
    expect(run!.conclusion).toBe('success');
    expect(run!.inputs).toMatchObject({ line: 'test-ok', goldsmith_job: job.remote!.key });
    expect(JSON.parse(run!.inputs.entry!)).toMatchObject({ key: 'test-ok', build_dir: 'ok' });
    const dispatch = world.actions.calls.find((call) => call.method === 'POST' && call.path.endsWith('/dispatches'));
    expect(dispatch?.body).toMatchObject({ ref: 'main', return_run_details: true });
    expect(stages).toEqual(expect.arrayContaining(['dispatching to GitHub Actions', 'GitHub Actions: Build with Packer', 'collecting evidence', 'sealing record']));
    expect(job.remote).toMatchObject({ runId: run!.id, attempt: 1 });

    const { folder, run: recorded, readme } = recordOf(world, 'test-ok');
    expect(recorded.executor).toEqual({
      kind: 'github-actions',
      repository: 'acme/images',
      workflow: 'goldsmith-build.yml',
      run_id: run!.id,
      run_attempt: 1,
      run_url: expect.stringMatching(new RegExp(`/acme/images/actions/runs/${run!.id}$`)),
      runner_name: run!.job!.runnerName,
      runner_labels: ['self-hosted', 'packer-vsphere'],
      head_sha: run!.headSha,
    });
    expect(recorded.template.hcl_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readme).toContain(`Built on | GitHub Actions run ${run!.id} (attempt 1) of goldsmith-build.yml in acme/images`);
    expect(readFileSync(join(folder, 'packer.log'), 'utf8')).toContain('artifact');
    const audit = await runCli(['audit', world.env.config.records]);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);

    // The token never went to the storage host, and the zip was not left behind.
    expect(world.actions.calls.filter((call) => call.kind === 'blob').every((call) => !call.auth)).toBe(true);
    expect(existsSync(join(world.env.config.state_dir, 'jobs', String(job.id), 'artifact.zip'))).toBe(false);
    expect(JSON.stringify(world.actions.calls)).not.toContain(ACTIONS_TOKEN);
  });

  it('GitHub Enterprise Server: the refused key is dropped, and two dispatches at once (plus a stranger\'s run) each follow their own run', { timeout: 90_000 }, async () => {
    const world = await startActionsEnv({ actions: { ghes: true, appearDelayMs: 400 } });
    // Someone else's run of the same workflow, created in the same seconds: never to be taken for ours.
    const stranger = fetch(`${world.actions.url}/repos/acme/images/actions/workflows/goldsmith-build.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACTIONS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main', inputs: { goldsmith_job: 'manual-1', line: 'test-fail', entry: '{}' } }),
    });
    const [first, second] = [world.queue.request('test-ok', { source: 'cli', user: 'alice' })[0]!, world.queue.request('test-ok-2', { source: 'cli', user: 'bob' })[0]!];
    expect((await stranger).status).toBe(204);
    if (!first.ok || !second.ok) throw new Error('not queued');
    const [a, b] = await Promise.all([world.waitForEnd(first.job.id), world.waitForEnd(second.job.id)]);
    expect([a.state, b.state], `${a.reason} / ${b.reason}`).toEqual(['succeeded', 'succeeded']);

    const refusals = () => world.actions.calls.filter((call) => call.path.endsWith('/dispatches') && call.status === 422).length;
    expect(refusals()).toBeLessThanOrEqual(2); // the two dispatched at once may both ask
    // Learnt: the next dispatch does not ask again.
    const third = await world.build('test-ok');
    expect(third.state, third.reason ?? '').toBe('succeeded');
    expect(refusals()).toBeLessThanOrEqual(2);
    expect(world.actions.calls.filter((call) => call.path.endsWith('/dispatches')).at(-1)).toMatchObject({ status: 204, body: { ref: 'main' } });
    const own = world.actions.runs.find((run) => run.inputs.goldsmith_job === b.remote!.key)!;
    expect(own.inputs.line).toBe('test-ok-2');
    expect(recordOf(world, 'test-ok-2').run.executor).toMatchObject({ run_id: own.id });
    expect(a.remote!.runId).toBe(world.actions.runs.find((run) => run.inputs.goldsmith_job === a.remote!.key)!.id);
    expect(a.remote!.runId).not.toBe(b.remote!.runId);
  });

  it('the sealing host needs no template folder: the record takes the runner\'s checkout\'s commit and digests', { timeout: 60_000 }, async () => {
    const checkout = makeTempDir('goldsmith-checkout-');
    const world = await startActionsEnv({ actions: { workspace: checkout } });
    cpSync(world.env.dir, checkout, { recursive: true });
    writeFileSync(join(checkout, 'packer', 'ok', 'extra.pkr.hcl'), '# only in the runner\'s checkout\n');
    rmSync(join(world.env.dir, 'packer', 'ok'), { recursive: true });
    const job = await world.build('test-ok');
    expect(job.state, job.reason ?? '').toBe('succeeded');
    const { run } = recordOf(world, 'test-ok');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const files = ['build.pkr.hcl', 'extra.pkr.hcl', 'variables.pkr.hcl'].filter((name) => existsSync(join(checkout, 'packer', 'ok', name)));
    expect(run.template.hcl_sha256).toBe(sha(files.map((name) => `${sha(readFileSync(join(checkout, 'packer', 'ok', name), 'utf8'))}  ${name}\n`).join('')));
    expect(run.var_files).toEqual([{ path: 'packer/ok/ok.pkrvars.hcl', sha256: sha(readFileSync(join(checkout, 'packer', 'ok', 'ok.pkrvars.hcl'), 'utf8')) }]);
  });

  it("a line with packer_provenance: the runner's artifact carries Packer's own provenance and the record keeps it; one naming another artifact is refused", { timeout: 90_000 }, async () => {
    const world = await startActionsEnv();
    const job = await world.build('test-provenance');
    expect(job.state, job.reason ?? '').toBe('succeeded');
    const { folder, run, readme } = recordOf(world, 'test-provenance');
    // A template without files: Packer names it <builder id>:<artifact id>, and the manifest gave the id.
    expect(run.artifact.artifact_id).toBe('Null');
    expect(run.packer_provenance).toMatchObject({ signed: false, builder_id: 'https://packer.io/local-build', subjects: ['fnoeding.null:Null'] });
    expect(JSON.parse(readFileSync(join(folder, 'packer-provenance.json'), 'utf8')).subject[0].name).toBe('fnoeding.null:Null');
    expect(readme).toContain("is the SLSA provenance Packer itself wrote for this build, unsigned");
    const audit = await runCli(['audit', world.env.config.records]);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);

    writeFileSync(join(world.env.dir, 'packer', 'provenance', 'provenance.pkrvars.hcl'), 'provenance_subject = "fnoeding.null:another-build"\n');
    const refused = await world.build('test-provenance');
    expect(refused.state).toBe('failed');
    expect(refused.reason).toContain("refusing to seal: Packer's provenance");
    expect(refused.reason).toContain('names fnoeding.null:another-build, but the artifact this build made is Null');
    expect(readdirSync(join(world.env.config.records, 'builds', 'test-provenance')).filter((name) => name !== 'latest')).toHaveLength(1);
  });

  it('a failing run ends the job failed with the failed step, Packer\'s reason from the runner and the run\'s link; nothing is sealed', { timeout: 60_000 }, async () => {
    const world = await startActionsEnv();
    const job = await world.build('test-fail');
    const run = world.actions.runs[0]!;
    expect(job.state).toBe('failed');
    expect(job.reason).toContain(`GitHub Actions run ${run.id} failed at step "Build with Packer": Packer reported`);
    expect(job.reason).toContain(`/acme/images/actions/runs/${run.id})`);
    expect(job.tail).toBeTruthy();
    // The runner's log (uploaded on failure too) is what `goldsmith job --log` shows.
    const shown = await runCli(['--config', world.env.configFile, 'job', String(job.id), '--log']);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/error/i);
    expect(existsSync(join(world.env.config.records, 'builds', 'test-fail'))).toBe(false);
  });

  it('timed_out, action_required and startup_failure end the job with their reason; a run that never appears fails after appear_timeout_minutes', { timeout: 90_000 }, async () => {
    const world = await startActionsEnv({
      actions: {
        ghes: true,
        scenario: ({ line }) =>
          line === 'test-ok' ? { conclusion: 'timed_out', timeoutAfterMs: 300 } : line === 'test-ok-2' ? { conclusion: 'action_required' } : line === 'test-fail' ? { conclusion: 'startup_failure' } : { appear: false },
      },
    });
    const jobs = await Promise.all(['test-ok', 'test-ok-2', 'test-fail', 'test-long'].map((line) => world.build(line)));
    const byLine = Object.fromEntries(jobs.map((job) => [job.line, job]));
    expect(byLine['test-ok']).toMatchObject({ state: 'cancelled', reason: expect.stringMatching(/^GitHub Actions run \d+ timed out \(the workflow's timeout-minutes\)/) });
    expect(byLine['test-ok-2']).toMatchObject({ state: 'failed', reason: expect.stringContaining('needs an approval (action_required)') });
    expect(byLine['test-fail']).toMatchObject({ state: 'failed', reason: expect.stringContaining('failed to start (startup_failure)') });
    expect(byLine['test-long']).toMatchObject({ state: 'failed', reason: expect.stringContaining('appeared in acme/images within 0.1 minutes of the dispatch') });
  });
});

const waitUntil = async <T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const groupGone = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('the GitHub Actions executor when things go wrong', () => {
  it('cancel: the run is cancelled on GitHub, its runner stops Packer, and the job ends cancelled with the link', { timeout: 60_000 }, async () => {
    const world = await startActionsEnv();
    const [result] = world.queue.request('test-long', { source: 'slack', user: 'U0BUILDER' });
    if (!result?.ok) throw new Error('not queued');
    await waitUntil(() => world.store.get(result.job.id)!.stage === 'GitHub Actions: Build with Packer' && world.actions.runs[0]?.job?.pid, 'the runner to start Packer');
    const pid = world.actions.runs[0]!.job!.pid!;
    expect(world.queue.cancel(result.job.id, { source: 'slack', user: 'U0BUILDER' }).ok).toBe(true);
    const job = await world.waitForEnd(result.job.id);
    const run = world.actions.runs[0]!;
    expect(job.state).toBe('cancelled');
    expect(job.reason).toBe(`cancelled on request of slack:U0BUILDER; GitHub Actions run ${run.id} was cancelled (${job.remote!.runUrl})`);
    expect(run.conclusion).toBe('cancelled');
    expect(world.actions.calls.filter((call) => call.path.endsWith(`/runs/${run.id}/cancel`)).map((call) => call.status)).toEqual([202]);
    await waitUntil(() => groupGone(pid), 'the runner process group to be gone', 10_000);
  });

  it('refuses an artifact that is missing, too large, or holds a path outside its folder; nothing is sealed', { timeout: 90_000 }, async () => {
    const world = await startActionsEnv({
      yaml: { artifact_max_mb: 1 },
      actions: {
        scenario: ({ line }) =>
          line === 'test-ok'
            ? { artifact: 'missing' }
            : line === 'test-ok-2'
              ? { artifact: { padBytes: 2 * 1024 * 1024 } }
              : line === 'test-leaky'
                ? { artifact: { extraEntries: [{ name: '../escape.txt', data: 'outside' }] } }
                : { synthetic: { files: { 'packer.log': '', 'build.json': JSON.stringify(OTHER_JOBS_FACTS) } } },
      },
    });
    const jobs = await Promise.all(['test-ok', 'test-ok-2', 'test-leaky', 'test-fail'].map((line) => world.build(line)));
    const byLine = Object.fromEntries(jobs.map((job) => [job.line, job]));
    expect(byLine['test-ok']!.reason).toMatch(/^GitHub Actions run \d+ succeeded, but its evidence was refused: run \d+ left no artifact named goldsmith-/);
    expect(byLine['test-ok-2']!.reason).toMatch(/is \d+ bytes, over executors.github_actions.artifact_max_mb \(1 MiB\); refused$/);
    expect(byLine['test-leaky']!.reason).toContain('the artifact holds a path outside its folder');
    expect(byLine['test-fail']!.reason).toMatch(/is the evidence of job 3-0badc0de \(line test-ok\), not of job \d+-[0-9a-f]{8} \(line test-fail\); refused$/);
    for (const job of jobs) expect(job.state).toBe('failed');
    expect(existsSync(world.env.config.records) ? readdirSync(world.env.config.records).includes('builds') : false).toBe(false);
    expect(existsSync(join(world.env.dir, 'escape.txt')) || existsSync(join(world.env.config.state_dir, 'jobs', 'escape.txt'))).toBe(false);
  });

  it('refuses to dispatch when a workflow input would carry a credential goldsmith holds (inputs are shown on the run\'s page)', async () => {
    const world = await startActionsEnv({ env: { IMAGE_DB_PASSWORD: 'tpl-test-ok-2' } });
    const job = await world.build('test-ok-2');
    expect(job.state).toBe('failed');
    expect(job.reason).toBe('refusing to dispatch: the workflow input entry would carry a credential goldsmith holds (a matrix value equal to a secret?); nothing was sent');
    expect(world.actions.calls.filter((call) => call.path.endsWith('/dispatches'))).toHaveLength(0);
  });

  it('429 with Retry-After and a primary-limit 403 pause every request until GitHub says; 5xx are retried; the build still seals', { timeout: 60_000 }, async () => {
    const world = await startActionsEnv();
    world.actions.throttle({ count: 1, status: 429, retryAfterSeconds: 1 });
    const [result] = world.queue.request('test-ok', { source: 'cli', user: 'alice' });
    if (!result?.ok) throw new Error('not queued');
    const job = await world.waitForEnd(result.job.id);
    expect(job.state, job.reason ?? '').toBe('succeeded');
    const calls = apiCalls(world);
    const limited = calls.findIndex((call) => call.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    // Nothing was sent before the second GitHub asked for had passed.
    expect(calls[limited + 1]!.at - calls[limited]!.at).toBeGreaterThanOrEqual(950);

    world.actions.throttle({ count: 1, status: 403, resetInSeconds: 1 });
    world.actions.failNext(1, 502);
    const again = await world.build('test-ok-2');
    expect(again.state, again.reason ?? '').toBe('succeeded');
    expect(apiCalls(world).some((call) => call.status === 403)).toBe(true);
    expect(apiCalls(world).some((call) => call.status === 502)).toBe(true);
  });
});

describe('a goldsmith stopped mid-run', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)('%s while its run is going: the run is left going, the next worker re-attaches, does not dispatch again, and seals the record', { timeout: 90_000 }, async (signal) => {
    const env = makePipelineEnv(actionsYaml());
    const actions = await FakeActions.start({ owner: 'acme', repo: 'images', token: ACTIONS_TOKEN, workspace: env.dir, scenario: () => ({ runDelayMs: 2500 }) });
    onTestFinished(() => actions.close());
    const cliEnv = { GITHUB_TOKEN: ACTIONS_TOKEN, GITHUB_API_URL: actions.url, PATH: process.env.PATH, HOME: process.env.HOME };
    const queued = await runCli(['--config', env.configFile, 'build', 'test-ok', '--queue-only'], { env: cliEnv, extendEnv: false });
    expect(queued.exitCode, queued.stderr).toBe(0);

    const first = execa(process.execPath, [CLI, '--config', env.configFile, 'worker'], { env: cliEnv, extendEnv: false, reject: false });
    const store = openJobStore(env.config);
    onTestFinished(() => store.close());
    await waitUntil(() => store.get(1)?.remote?.runId && actions.runs[0]?.status === 'in_progress', 'the run to be going');
    first.kill(signal);
    expect((await first).exitCode ?? 'killed').toBe(signal === 'SIGTERM' ? 0 : 'killed');
    expect(store.get(1)!.state).toBe('running');
    expect(actions.calls.some((call) => call.path.endsWith('/cancel'))).toBe(false);

    const second = await runCli(['--config', env.configFile, 'worker', '--exit-when-idle'], { env: cliEnv, extendEnv: false, timeout: 60_000 });
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    const job = store.get(1)!;
    expect(job.state).toBe('succeeded');
    expect(store.events(1).map((event) => event.kind)).toContain('re-attached');
    expect(actions.calls.filter((call) => call.path.endsWith('/dispatches'))).toHaveLength(1);
    expect(actions.runs).toHaveLength(1);
    const { run } = recordOf({ env } as ActionsEnv, 'test-ok');
    expect(run.executor).toMatchObject({ kind: 'github-actions', run_id: actions.runs[0]!.id });
    expect((await runCli(['audit', env.config.records])).exitCode).toBe(0);
  });
});
