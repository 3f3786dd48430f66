import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import type { RecordSigner } from '../evidence/write-record.js';
import type { BuildHooks } from './build-hooks.js';
import { lineVarFiles } from './line-var-files.js';
import { packerEnvOf } from './packer-env.js';
import type { JobEnding, JobStore } from './job-store.js';
import type { Job } from './job-types.js';
import { runPacker, type RunPackerResult } from './run-packer.js';
import { sealBuild } from './seal-build.js';
import type { Settings } from '../config/settings.js';

export interface RunJobContext {
  store: JobStore;
  config: LoadedConfig;
  entry: MatrixEntry;
  signer: RecordSigner | undefined;
  settings: Settings;
  signal: AbortSignal;
  /** Aborting kills Packer's process group at once: a shutdown that is out of time. */
  killSignal?: AbortSignal | undefined;
  graceMs: number;
  /** Bookkeeping around the build failed; the build's outcome stands. Default: nowhere (say where in tests). */
  onWarning?: (message: string, error: Error) => void;
  /** Called whenever the job's stage or last line changes. */
  onProgress: (job: Job, lastLine: string | undefined) => void;
  /** The target platform's work around the build (clear a stale `<base>-build`, move the image into the store); none when omitted. */
  hooks?: BuildHooks | undefined;
}

/** The folder holding one job's log and manifest. */
export function jobDirOf(config: LoadedConfig, jobId: number): string {
  return join(config.state_dir, 'jobs', String(jobId));
}

function failureReason(result: RunPackerResult, entry: MatrixEntry): string {
  if (result.preflightError) return result.preflightError;
  if (result.exitCode === 0 && result.outcome.artifacts.length === 0 && entry.only) {
    return `Packer built nothing: -only=${entry.only} names no source of this template (check "only" in packer/matrix.json)`;
  }
  return result.outcome.reason ?? `packer build exited with status ${result.exitCode}`;
}

function endingOf(result: RunPackerResult, entry: MatrixEntry): JobEnding | undefined {
  const tail = result.tail.join('\n');
  if (result.endedBy === 'timeout') {
    return { state: 'cancelled', reason: `timed out after ${entry.timeout_minutes} minutes (timeout_minutes of ${entry.key} in packer/matrix.json)`, exitCode: result.exitCode, tail };
  }
  if (result.endedBy === 'cancel') return { state: 'cancelled', reason: 'cancelled on request; Packer was stopped and cleaned up', exitCode: result.exitCode, tail };
  if (result.exitCode !== 0 || result.preflightError || !result.outcome.succeeded) {
    return { state: 'failed', reason: failureReason(result, entry), exitCode: result.exitCode, tail };
  }
  return undefined;
}

/**
 * Runs one claimed job to its end: the platform's before-build hook, Packer
 * for the line (with the platform's extra environment), the platform's
 * after-Packer step (which may fail the build), then, on success only, the
 * sealed build record, filled from the job's own matrix entry. The
 * after-build hook runs before the job is marked finished, so whoever sees
 * the job end also sees the hook's bookkeeping (a promotion right after a
 * build must not find the line still "building"). Never throws: every
 * failure ends the job with a reason the user can act on.
 */
export async function runJob(job: Job, context: RunJobContext): Promise<Job> {
  const { ending, lastLine } = await runJobSteps(job, context);
  try {
    await context.hooks?.afterBuild(job, ending, context.entry, jobDirOf(context.config, job.id));
  } catch (error) {
    // Bookkeeping after the build must not change its outcome, but it must be seen.
    const message = `the after-build step of ${context.entry.platform} failed: ${(error as Error).message}`;
    context.store.addEvent(job.id, 'after-build-failed', message);
    context.onWarning?.('after-build step failed; the build outcome stands', error as Error);
  }
  const finished = context.store.finish(job.id, ending);
  context.onProgress(finished, lastLine);
  return finished;
}

async function runJobSteps(job: Job, context: RunJobContext): Promise<{ ending: JobEnding; lastLine: string | undefined }> {
  const { store, config, entry } = context;
  const jobDir = jobDirOf(config, job.id);
  const logPath = join(jobDir, 'packer.log');
  let lastLine: string | undefined;
  const progress = () => context.onProgress(store.get(job.id)!, lastLine);
  const end = (ending: JobEnding) => ({ ending, lastLine });
  try {
    mkdirSync(jobDir, { recursive: true });
    store.setLogPath(job.id, logPath);
    const packerDir = dirname(config.packer.matrix);
    const varFiles = lineVarFiles(config, entry);
    const lineVarFile = varFiles.own;
    if (!existsSync(lineVarFile)) {
      const hint = existsSync(`${lineVarFile}.example`) ? `copy ${lineVarFile}.example to ${lineVarFile} and fill it in` : `create it or fix "config" of ${entry.key} in packer/matrix.json`;
      return end({ state: 'failed', reason: `the line's var-file ${lineVarFile} does not exist: ${hint}` });
    }
    await context.hooks?.beforeBuild(job, entry, jobDir);
    const manifestPath = join(jobDir, 'manifest.json');
    const result = await runPacker({
      binary: config.packer.binary,
      buildDir: join(packerDir, entry.build_dir),
      varFiles: [...varFiles.shared, lineVarFile],
      only: entry.only,
      env: packerEnvOf(context.settings, config, { ...context.hooks?.packerEnv?.(job, entry, jobDir), PKR_VAR_manifest_path: manifestPath }),
      logPath,
      secrets: context.settings.credentials(config.secret_env, config.baseDir).map((credential) => credential.value),
      timeoutMs: entry.timeout_minutes * 60_000,
      graceMs: context.graceMs,
      signal: context.signal,
      killSignal: context.killSignal,
      onSpawn: (pid) => store.setPackerProcess(job.id, pid ?? null, pid ? config.packer.binary : null),
      onStage: (stage) => {
        store.setStage(job.id, stage);
        progress();
      },
      onLine: (line) => {
        lastLine = line;
      },
    });
    const ending = endingOf(result, entry);
    if (ending) return end(ending);
    if (!context.signer) {
      return end({ state: 'failed', reason: 'the build succeeded but no record could be sealed: no signing key (set GOLDSMITH_SIGNING_KEY or signing.key)', exitCode: 0 });
    }
    // The platform's step after Packer (the image into the store, its checks) may still fail the build: then no record.
    // A long step after Packer (an image checklist boots the image: minutes) is shown as a stage of its own.
    const afterStage = context.hooks?.afterPackerStage?.(entry);
    if (afterStage) {
      store.setStage(job.id, afterStage);
      progress();
    }
    const after = (await context.hooks?.afterPacker?.(job, entry, jobDir)) ?? { ok: true as const };
    if (!after.ok) return end({ state: 'failed', reason: after.reason, exitCode: 0, tail: result.tail.join('\n') });
    store.setStage(job.id, 'sealing record');
    progress();
    const sealed = await sealBuild({
      config,
      line: entry.key,
      entry,
      facts: after.facts,
      imageSums: after.imageSums,
      log: logPath,
      manifest: existsSync(manifestPath) ? manifestPath : undefined,
      requestedBy: job.requester,
      jobId: String(job.id),
      signer: context.signer,
      settings: context.settings,
      startedAt: job.startedAt ? new Date(job.startedAt) : undefined,
      outcome: { ...result.outcome, packerVersion: result.packerVersion },
    });
    store.setStage(job.id, 'done');
    return end({
      state: 'succeeded',
      reason: null,
      exitCode: 0,
      recordPath: sealed.record,
      logSha256: sealed.log?.sha256 ?? null,
      artifactId: result.outcome.artifacts[0]?.id ?? null,
    });
  } catch (error) {
    return end({ state: 'failed', reason: (error as Error).message });
  }
}
