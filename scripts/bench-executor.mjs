// npm run bench:executor: what following many GitHub Actions runs at once costs.
//
// 1. Compiles the fake Actions API (test/fakes/actions-api.ts) into .bench/executor/lib.
// 2. Sets up a goldsmith folder (dist/, built by `npm run build`): the null-builder test
//    lines under packer/, BENCH_JOBS (20) lines bench-01… on the `ok` template, a signing
//    key, goldsmith.yaml with every line on the github-actions executor (concurrency 20,
//    poll_seconds left at its default of 2 s).
// 3. Runs the real `goldsmith runner` once for bench-01 and keeps its artifact; the fake's
//    runs then take BENCH_RUN_MS (30 s) and upload that artifact (its build.json naming
//    each run's own job and line) instead of running 20 Packers on this host.
// 4. goldsmith: one BuildQueue, all jobs queued at once against a fake answering each
//    request after BENCH_LATENCY_MS (50 ms); waits until every job has ended (all must
//    have succeeded). Counts the API requests per job, and the delay from each run's
//    completion (seen in the fake the moment its state changed) to its sealed record (the
//    job's finished_at in the job store).
// 5. Baseline, on a fresh fake with the same latency and runs: a naive per-job follower
//    (scripts/lib/bench-naive-actions-follower.mjs): dispatch with return_run_details, ask
//    for the run and its jobs every 2 s until completed, list the artifacts, download the zip.
// 6. Prints both, and the ratio goldsmith / baseline of requests per job. Exits 1 when
//    goldsmith makes more than 30 API requests per job, or when its p95 delay from a run's
//    completion to the sealed record is 5 s or more, or when a job (or a baseline
//    follower) did not succeed. Every request the fakes received, each job's times and
//    goldsmith's job events are kept in .bench/executor/{goldsmith,baseline}-trace.json.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { followNaively } from './lib/bench-naive-actions-follower.mjs';
import { median } from './lib/bench-measure.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.bench', 'executor');
const JOBS = Number(process.env.BENCH_JOBS ?? 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 30_000);
const BASELINE_POLL_MS = 2000;
const TARGET_REQUESTS_PER_JOB = 30;
const TARGET_P95_MS = 5000;
const OWNER = 'acme';
const NAME = 'images';
const WORKFLOW = 'goldsmith-build.yml';
const TOKEN = 'github_pat_11BENCHONLY0actions0token0value';
// Every job must have ended this long after the last run should have completed.
const SETTLE_MS = 5 * 60_000;

const dist = (path) => import(pathToFileURL(join(REPO, 'dist', path)).href);
const LINES = Array.from({ length: JOBS }, (_, index) => `bench-${String(index + 1).padStart(2, '0')}`);

function compileFake() {
  const out = join(WORK, 'lib');
  execFileSync(process.execPath, [
    join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--outDir', out, '--rootDir', join(REPO, 'test'), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--types', 'node', '--skipLibCheck', '--strict',
    join(REPO, 'test', 'fakes', 'actions-api.ts'),
  ], { stdio: 'inherit', cwd: REPO });
  return out;
}

/** A goldsmith folder as test/helpers/pipeline-env.ts sets one up, with JOBS lines on the github-actions executor. */
async function setUpFolder(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO, 'test', 'fixtures', 'lines'), join(dir, 'packer'), { recursive: true });
  // The test-ok entry of test/fixtures/lines/matrix.json, once per line.
  const entry = (key) => ({ key, enabled: true, os: 'linux', platform: 'local', dist: 'null', version: '1', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: `tpl-${key}`, timeout_minutes: 5 });
  writeFileSync(join(dir, 'packer', 'matrix.json'), `${JSON.stringify(LINES.map(entry), null, 2)}\n`);
  const { writeKeyFiles } = await dist('evidence/write-key-files.js');
  writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  writeFileSync(
    configFile,
    [
      'records: records',
      'state_dir: state',
      'signing:',
      '  key: keys/signing.key',
      'executors:',
      '  default: github-actions',
      '  github_actions:',
      `    repository: ${OWNER}/${NAME}`,
      `    workflow: ${WORKFLOW}`,
      `    concurrency: ${JOBS}`,
      '',
    ].join('\n'),
  );
  const { loadConfig } = await dist('config/load-config.js');
  const { loadMatrix } = await dist('config/load-matrix.js');
  const { readSigner } = await dist('evidence/read-signer.js');
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  return { dir, config, matrix: loadMatrix(config.packer.matrix), signer: readSigner(config.signing.key, 'goldsmith') };
}

/** One real `goldsmith runner` build of the first line, as the workflow's step runs it: the artifact every fake run uploads. */
function seedArtifact(folder) {
  const out = join(WORK, 'seed-artifact');
  rmSync(out, { recursive: true, force: true });
  const entry = folder.matrix.find((candidate) => candidate.key === LINES[0]);
  execFileSync(process.execPath, [join(REPO, 'bin', 'goldsmith.js'), 'runner', '--out', out], {
    cwd: folder.dir,
    env: { GOLDSMITH_JOB: 'bench-seed', GOLDSMITH_LINE: entry.key, GOLDSMITH_ENTRY: JSON.stringify(entry), PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const manifest = join(out, 'manifest.json');
  return {
    log: readFileSync(join(out, 'packer.log')),
    manifest: existsSync(manifest) ? readFileSync(manifest) : undefined,
    facts: JSON.parse(readFileSync(join(out, 'build.json'), 'utf8')),
  };
}

/** Each run: RUN_MS in the goldsmith step, then the seed's artifact, its build.json naming the run's own job and line. */
const scenarioOf = (seed) => (inputs) => ({
  runDelayMs: RUN_MS,
  synthetic: {
    files: {
      'packer.log': seed.log,
      ...(seed.manifest ? { 'manifest.json': seed.manifest } : {}),
      'build.json': `${JSON.stringify({ ...seed.facts, job: inputs.goldsmith_job, line: inputs.line }, null, 2)}\n`,
    },
  },
});

async function startFake(FakeActions, scenario, workspace) {
  return FakeActions.start({
    owner: OWNER,
    repo: NAME,
    token: TOKEN,
    latencyMs: LATENCY_MS,
    scenario,
    // The compiled fake lives outside test/: name the workflow (and the runner command) it would look for next to itself.
    workflowFile: join(REPO, 'packer', 'ci', 'github-actions', WORKFLOW),
    goldsmithCommand: [process.execPath, join(REPO, 'bin', 'goldsmith.js')],
    workspace,
  });
}

/**
 * When each run of `fake` completed, to the millisecond: noted by a waitForRun predicate,
 * which the fake checks synchronously on every state change (the API's updated_at has
 * whole seconds only). Re-armed every second until stopped.
 */
function recordCompletions(fake) {
  const completedAt = new Map();
  let stopped = false;
  const note = (run) => {
    if (run.status === 'completed' && !completedAt.has(run.id)) completedAt.set(run.id, Date.now());
    return false;
  };
  const loop = (async () => {
    while (!stopped) await fake.waitForRun(note, 1000).catch(() => undefined);
  })();
  return {
    completedAt,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** API requests by what they ask for. */
function kindOf(call) {
  const path = call.path;
  if (call.method === 'POST' && path.endsWith('/dispatches')) return 'dispatch';
  if (call.method === 'POST' && path.endsWith('/cancel')) return 'cancel';
  if (/\/actions\/workflows\/[^/]+\/runs$/.test(path)) return 'list runs';
  if (/\/actions\/runs\/\d+$/.test(path)) return 'get run';
  if (/\/actions\/runs\/\d+\/jobs$/.test(path)) return 'run jobs';
  if (/\/actions\/runs\/\d+\/artifacts$/.test(path)) return 'list artifacts';
  if (/\/actions\/artifacts\/\d+\/zip$/.test(path)) return 'download (302)';
  return 'other';
}
const KINDS = ['dispatch', 'list runs', 'get run', 'run jobs', 'list artifacts', 'download (302)', 'cancel', 'other'];

function countCalls(fake) {
  const api = fake.calls.filter((call) => call.kind === 'api');
  const byKind = Object.fromEntries(KINDS.map((kind) => [kind, 0]));
  for (const call of api) byKind[kindOf(call)] += 1;
  return {
    api: api.length,
    blobs: fake.calls.filter((call) => call.kind === 'blob').length,
    errors: api.filter((call) => call.status >= 400).length,
    byKind,
    firstAt: Math.min(...fake.calls.map((call) => call.at)),
  };
}

/** Every request the fake received and each job's times (and goldsmith's job events), in .bench/executor/<name>-trace.json, to see where a delay went. */
function writeTrace(name, fake, perJob, events) {
  const start = Math.min(...fake.calls.map((call) => call.at));
  const calls = fake.calls.map((call) => ({ ms: call.at - start, method: call.method, path: call.path, status: call.status, kind: call.kind }));
  const jobs = perJob.map((job) => ({ ...job, completed: job.completed - start, done: job.done - start }));
  writeFileSync(join(WORK, `${name}-trace.json`), `${JSON.stringify({ start: new Date(start).toISOString(), jobs, calls, events }, null, 1)}\n`);
}

/** goldsmith: every line queued at once on one BuildQueue, followed until each job has ended. */
async function runGoldsmith(FakeActions, folder, scenario) {
  const fake = await startFake(FakeActions, scenario, folder.dir);
  const completions = recordCompletions(fake);
  const { Settings } = await dist('config/settings.js');
  const { BuildQueue } = await dist('pipeline/build-queue.js');
  const { openJobStore } = await dist('pipeline/open-job-store.js');
  const settings = Settings.from({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: fake.url, PATH: process.env.PATH, HOME: process.env.HOME });
  const store = openJobStore(folder.config);
  const queue = new BuildQueue({ store, config: folder.config, matrix: folder.matrix, signer: folder.signer, settings });
  try {
    await queue.start();
    const ids = LINES.map((line) => {
      const [result] = queue.request(line, { source: 'cli', user: 'bench' });
      if (!result?.ok) throw new Error(`${line} was not queued: ${result?.message}`);
      return result.job.id;
    });
    const deadline = Date.now() + RUN_MS + SETTLE_MS;
    let jobs;
    for (;;) {
      jobs = ids.map((id) => store.get(id));
      if (jobs.every((job) => !['queued', 'running'].includes(job.state))) break;
      if (Date.now() > deadline) {
        const open = jobs.filter((job) => ['queued', 'running'].includes(job.state));
        throw new Error(`goldsmith: ${open.length} jobs still open ${Math.round((RUN_MS + SETTLE_MS) / 1000)} s after queueing: ${open.map((job) => `${job.line} ${job.state} (${job.stage})`).join('; ')}`);
      }
      await sleep(100);
    }
    const failed = jobs.filter((job) => job.state !== 'succeeded');
    const perJob = jobs.map((job) => {
      const completed = completions.completedAt.get(job.remote?.runId);
      const sealed = Date.parse(job.finishedAt);
      // The job's stage events: when goldsmith saw the run completed, and when the artifact had been fetched and checked.
      const stageAt = (stage) => {
        const event = store.events(job.id).find((candidate) => candidate.kind === 'stage' && candidate.detail === stage);
        return event ? Date.parse(event.at) : undefined;
      };
      const collecting = stageAt('collecting evidence');
      const sealing = stageAt('sealing record');
      const phases = completed === undefined || collecting === undefined || sealing === undefined ? undefined : { seen: collecting - completed, fetched: sealing - collecting, sealed: sealed - sealing };
      return { line: job.line, runId: job.remote?.runId, completed, done: sealed, delay: completed === undefined ? undefined : sealed - completed, phases };
    });
    writeTrace('goldsmith', fake, perJob, Object.fromEntries(jobs.map((job) => [job.line, store.events(job.id)])));
    return { calls: countCalls(fake), perJob, failed };
  } finally {
    await queue.stop({ cancelRunning: true, killAfterMs: 1000 });
    store.close();
    await completions.stop();
    await fake.close();
  }
}

/** The baseline: one naive follower per job, all at once, on a fresh fake. */
async function runBaseline(FakeActions, folder, scenario) {
  const fake = await startFake(FakeActions, scenario, folder.dir);
  const completions = recordCompletions(fake);
  const zips = join(WORK, 'baseline-downloads');
  rmSync(zips, { recursive: true, force: true });
  mkdirSync(zips, { recursive: true });
  try {
    const settled = await Promise.allSettled(
      LINES.map((line) => {
        const key = `naive-${line}-${randomBytes(4).toString('hex')}`;
        const entry = folder.matrix.find((candidate) => candidate.key === line);
        return followNaively({
          apiUrl: fake.url,
          token: TOKEN,
          repository: `${OWNER}/${NAME}`,
          workflow: WORKFLOW,
          inputs: { goldsmith_job: key, line, entry: JSON.stringify(entry), packer_vars: '{}' },
          pollMs: BASELINE_POLL_MS,
          zipFile: join(zips, `${key}.zip`),
        }).then((result) => ({ line, ...result }));
      }),
    );
    const failed = settled.flatMap((outcome, index) =>
      outcome.status === 'rejected' ? [{ line: LINES[index], reason: outcome.reason.message }] : outcome.value.conclusion !== 'success' ? [{ line: LINES[index], reason: `run concluded ${outcome.value.conclusion}` }] : [],
    );
    const perJob = settled.flatMap((outcome) => {
      if (outcome.status !== 'fulfilled') return [];
      const completed = completions.completedAt.get(outcome.value.runId);
      return [{ line: outcome.value.line, runId: outcome.value.runId, completed, done: outcome.value.downloadedAt, delay: completed === undefined ? undefined : outcome.value.downloadedAt - completed }];
    });
    writeTrace('baseline', fake, perJob, {});
    return { calls: countCalls(fake), perJob, failed };
  } finally {
    await completions.stop();
    await fake.close();
  }
}

/** Nearest-rank percentile. */
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)];
const fmtS = (ms) => (ms === undefined || Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const fmtN = (value) => value.toFixed(2);

function delays(result) {
  const values = result.perJob.map((job) => job.delay).filter((delay) => delay !== undefined);
  return { count: values.length, median: values.length ? median(values) : NaN, p95: values.length ? percentile(values, 95) : NaN, max: values.length ? Math.max(...values) : NaN, min: values.length ? Math.min(...values) : NaN };
}

function printReport(ours, base, pollSeconds) {
  const row = (label, a, b) => console.log(`  ${label.padEnd(46)}${String(a).padStart(17)}${String(b).padStart(17)}`);
  const dOurs = delays(ours);
  const dBase = delays(base);
  const wall = (result) => Math.max(...result.perJob.map((job) => job.done)) - result.calls.firstAt;
  const runsSpan = (result) => {
    const times = result.perJob.map((job) => job.completed).filter((time) => time !== undefined);
    return `${((Math.min(...times) - result.calls.firstAt) / 1000).toFixed(2)}-${((Math.max(...times) - result.calls.firstAt) / 1000).toFixed(2)} s`;
  };
  console.log(`${JOBS} jobs dispatched at once, ${LATENCY_MS} ms per request at the fake Actions API, runs of ${RUN_MS / 1000} s, goldsmith poll_seconds ${pollSeconds}:`);
  row('', 'goldsmith', 'baseline');
  row('API requests per job', fmtN(ours.calls.api / JOBS), fmtN(base.calls.api / JOBS));
  for (const kind of KINDS) {
    if (ours.calls.byKind[kind] === 0 && base.calls.byKind[kind] === 0) continue;
    row(`  ${kind}`, fmtN(ours.calls.byKind[kind] / JOBS), fmtN(base.calls.byKind[kind] / JOBS));
  }
  row('API requests in all', ours.calls.api, base.calls.api);
  row('API errors (4xx/5xx) in all', ours.calls.errors, base.calls.errors);
  row('blob downloads per job (storage, no token)', fmtN(ours.calls.blobs / JOBS), fmtN(base.calls.blobs / JOBS));
  console.log('  run completion -> sealed (goldsmith) / downloaded (baseline):');
  row('  median', fmtS(dOurs.median), fmtS(dBase.median));
  row('  p95', fmtS(dOurs.p95), fmtS(dBase.p95));
  const phase = (name) => {
    const values = ours.perJob.map((job) => job.phases?.[name]).filter((value) => value !== undefined);
    return values.length ? `${fmtS(median(values))} / ${fmtS(percentile(values, 95))}` : 'n/a';
  };
  const range = (d) => `${(d.min / 1000).toFixed(2)}-${(d.max / 1000).toFixed(2)} s`;
  row('  min-max', range(dOurs), range(dBase));
  row("  goldsmith's, by phase (median / p95):", '', '');
  row('    completed -> seen by a poll', phase('seen'), '');
  row('    artifact listed, downloaded, checked', phase('fetched'), '');
  row('    record sealed', phase('sealed'), '');
  row('runs completed, after the first dispatch', runsSpan(ours), runsSpan(base));
  row('first dispatch -> last sealed / downloaded', fmtS(wall(ours)), fmtS(wall(base)));
  console.log(`ratio goldsmith / baseline (naive per-job follower, same run): API requests per job ${(ours.calls.api / base.calls.api).toFixed(2)}x; completion delay median ${(dOurs.median / dBase.median).toFixed(2)}x`);
  return { dOurs, dBase };
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const lib = compileFake();
  const { FakeActions } = await import(pathToFileURL(join(lib, 'fakes', 'actions-api.js')).href);
  const folder = await setUpFolder(join(WORK, 'goldsmith'));
  const seed = seedArtifact(folder);
  if (seed.facts.succeeded !== true) throw new Error(`the seed build of ${LINES[0]} did not succeed: ${seed.facts.reason}`);
  const scenario = scenarioOf(seed);

  const ours = await runGoldsmith(FakeActions, folder, scenario);
  const base = await runBaseline(FakeActions, folder, scenario);
  const { dOurs } = printReport(ours, base, folder.config.executors.github_actions.poll_seconds);

  const missed = [];
  for (const job of ours.failed) missed.push(`goldsmith job of ${job.line} ended ${job.state}: ${job.reason}`);
  // Without a whole baseline the ratio means nothing.
  for (const job of base.failed) missed.push(`baseline follower of ${job.line} failed: ${job.reason}`);
  if (ours.perJob.some((job) => job.delay === undefined)) missed.push('the completion of some runs was not seen');
  const perJob = ours.calls.api / JOBS;
  if (perJob > TARGET_REQUESTS_PER_JOB) missed.push(`${fmtN(perJob)} API requests per job, more than ${TARGET_REQUESTS_PER_JOB}`);
  if (!(dOurs.p95 < TARGET_P95_MS)) missed.push(`p95 delay from a run's completion to its sealed record ${fmtS(dOurs.p95)}, not under ${fmtS(TARGET_P95_MS)}`);
  for (const line of missed) console.log(`TARGET MISSED: ${line}`);
  if (missed.length === 0) console.log(`targets met: ${fmtN(perJob)} API requests per job (at most ${TARGET_REQUESTS_PER_JOB}), p95 completion -> sealed ${fmtS(dOurs.p95)} (under ${fmtS(TARGET_P95_MS)}), all ${JOBS} jobs succeeded`);
  process.exitCode = missed.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`bench:executor: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
