import type { Settings } from '../config/settings.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userInfo } from 'node:os';
import { executorKindOf } from '../config/executor-kind-of.js';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import { selectLines } from '../config/select-lines.js';
import { readSigner } from '../evidence/read-signer.js';
import { checkLinePacker } from '../pipeline/executors/local/check-line-packer.js';
import { findQueueProblems } from '../pipeline/find-queue-problems.js';
import type { Job, RequestResult } from '../pipeline/job-types.js';
import { openJobStore } from '../pipeline/open-job-store.js';
import { requestBuilds } from '../pipeline/request-builds.js';
import { describeBuildPlan } from './describe-build-plan.js';
import { followJobs } from './follow-jobs.js';

export interface BuildCommandOptions {
  wait?: boolean;
  /** Only queue: leave the job to `goldsmith serve` or `goldsmith worker`. */
  queueOnly?: boolean;
  requestedBy?: string;
  /** Print what would run and what the checks find; touch nothing. */
  dryRun?: boolean;
}

/** Starts a background worker that runs queued jobs and exits when none is left: builds outlive this command. */
function spawnWorker(config: LoadedConfig, settings: Settings): ChildProcess {
  // Started the way this goldsmith was (bin/goldsmith.js, or a launcher that injected test seams), else dist/cli.js.
  const entry = process.argv[1] ?? fileURLToPath(new URL('../cli.js', import.meta.url));
  mkdirSync(config.state_dir, { recursive: true });
  const log = openSync(join(config.state_dir, 'worker.log'), 'a');
  const args = [entry, ...(config.file ? ['--config', config.file] : []), 'worker', '--exit-when-idle'];
  // Its own process group: Ctrl-C on this command stops following, not the build.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: settings.goldsmithChildEnv() });
  child.unref();
  return child;
}

function report(results: RequestResult[], stdout: NodeJS.WritableStream): Job[] {
  const queued: Job[] = [];
  for (const result of results) {
    if (result.ok) {
      queued.push(result.job);
      stdout.write(`queued ${result.job.line} as job ${result.job.id}\n`);
    } else stdout.write(`not queued: ${result.message}\n`);
  }
  return queued;
}

/** Every problem a build of the selected lines would meet before it starts, Packer's included for builds on this host. */
async function findProblems(config: LoadedConfig, settings: Settings, selector: string, options: { signer: boolean; dryRun: boolean }): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of selectLines(loadMatrix(config.packer.matrix), selector)) {
    const found = findQueueProblems(config, entry, { signer: options.signer });
    problems.push(...found.map((problem) => `${entry.key}: ${problem}`));
    if (found.length === 0 && executorKindOf(config.executors, entry.key) === 'local') problems.push(...(await checkLinePacker(config, settings, entry, { dryRun: options.dryRun })));
  }
  return problems;
}

/**
 * `goldsmith build <line|all> [--wait] [--dry-run]`: checks what would make
 * the build fail before it starts (records folder, signing key, var-files,
 * Packer and `packer validate`), then queues it; a background worker runs
 * it (unless `goldsmith serve` already does). With --wait it follows the
 * builds and exits with their result; Ctrl-C stops following, not the
 * builds. With --dry-run it prints what would run and what the checks
 * find, and touches nothing. Exit: 0 queued (or, with --wait, every build
 * sealed; with --dry-run, every check passed), 1 a build failed or a line
 * is busy, 2 a check failed or the input is wrong, 130 stopped following.
 */
export async function buildCommand(config: LoadedConfig, settings: Settings, selector: string, options: BuildCommandOptions, stdout: NodeJS.WritableStream): Promise<number> {
  const matrix = loadMatrix(config.packer.matrix);
  const entries = selectLines(matrix, selector);
  if (options.dryRun) {
    let signer = true;
    try {
      readSigner(config.signing.key, config.signing.identity);
    } catch {
      signer = false;
    }
    for (const entry of entries) stdout.write(`${describeBuildPlan(config, entry).join('\n')}\n`);
    const problems = await findProblems(config, settings, selector, { signer, dryRun: true });
    stdout.write(problems.length === 0 ? 'checks: all passed (records folder, signing key, var-files, Packer, packer validate); nothing was queued (--dry-run)\n' : `checks failed; nothing was queued (--dry-run):\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    return problems.length === 0 ? 0 : 2;
  }
  readSigner(config.signing.key, config.signing.identity);
  const problems = await findProblems(config, settings, selector, { signer: true, dryRun: false });
  if (problems.length > 0) {
    stdout.write(`not queued: ${problems.length === 1 ? 'a check failed' : `${problems.length} checks failed`} (nothing was built):\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    return 2;
  }
  const requester = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  const store = openJobStore(config);
  try {
    const serving = store.hasLiveWorker();
    const results = requestBuilds(store, config, matrix, selector, requester, { signer: true });
    const queued = report(results, stdout);
    if (queued.length === 0) return 1;
    const worker = serving || options.queueOnly ? undefined : spawnWorker(config, settings);
    if (!options.wait) {
      stdout.write(`follow with: goldsmith job ${queued[0]!.id} --wait   (or goldsmith jobs)\n`);
      return 0;
    }
    const followed = await followJobs(store, queued.map((job) => job.id), stdout, { worker, workerLog: join(config.state_dir, 'worker.log') });
    if (followed === 'detached' || followed === 'worker-died') return followed === 'detached' ? 130 : 1;
    return followed.every((job) => job.state === 'succeeded') && results.every((result) => result.ok) ? 0 : 1;
  } finally {
    store.close();
  }
}
