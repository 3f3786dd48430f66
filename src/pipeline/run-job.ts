import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import type { RecordSigner } from '../evidence/write-record.js';
import type { BuildHooks } from './build-hooks.js';
import type { BuildExecutor, ExecutorResult, ExecutorRunContext } from './executors/build-executor.js';
import type { JobEnding, JobStore } from './job-store.js';
import type { Job, RemoteRun } from './job-types.js';
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
  /** Called whenever the job's stage changes (with the newest line). */
  onProgress: (job: Job, lastLine: string | undefined) => void;
  /** Called for each human-readable line the build prints (scrubbed): progress displays coalesce them. */
  onLine?: ((jobId: number, line: string) => void) | undefined;
  /** Where the build runs (the line's executor). */
  executor: BuildExecutor;
  /** Aborting lets go of a remote build (goldsmith is stopping); it stays running for the next start. */
  detachSignal?: AbortSignal | undefined;
  /** A remote run a stopped goldsmith left going: follow it instead of starting a build. */
  reattach?: RemoteRun | undefined;
  /** The target platform's work around the build (clear a stale `<base>-build`, move the image into the store); none when omitted. */
  hooks?: BuildHooks | undefined;
}

/** The folder holding one job's log and manifest. */
export function jobDirOf(config: LoadedConfig, jobId: number): string {
  return join(config.state_dir, 'jobs', String(jobId));
}

/**
 * Runs one claimed job to its end: the executor's preflight, the platform's
 * before-build hook, the build on the line's executor (Packer here, or a CI
 * run followed from here; or, after a restart, the CI run re-attached to),
 * the platform's after-Packer step (which may fail the build), then, on
 * success only, the sealed build record, filled from the job's own matrix
 * entry: sealing always happens here, where the records are. The
 * after-build hook runs before the job is marked finished, so whoever sees
 * the job end also sees the hook's bookkeeping (a promotion right after a
 * build must not find the line still "building"). Never throws: every
 * failure ends the job with a reason the user can act on.
 */
export async function runJob(job: Job, context: RunJobContext): Promise<Job> {
  const { ending, lastLine } = await runJobSteps(job, context);
  // goldsmith is stopping and let go of a remote run: the job stays running for the next start to re-attach.
  if (!ending) return context.store.get(job.id)!;
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

async function runJobSteps(job: Job, context: RunJobContext): Promise<{ ending: JobEnding | undefined; lastLine: string | undefined }> {
  const { store, config, entry, executor } = context;
  const jobDir = jobDirOf(config, job.id);
  let lastLine: string | undefined;
  const progress = () => context.onProgress(store.get(job.id)!, lastLine);
  const end = (ending: JobEnding) => ({ ending, lastLine });
  try {
    mkdirSync(jobDir, { recursive: true });
    const runContext: ExecutorRunContext = {
      job,
      entry,
      config,
      settings: context.settings,
      jobDir,
      signal: context.signal,
      killSignal: context.killSignal,
      graceMs: context.graceMs,
      hooks: context.hooks,
      onStage: (stage) => {
        store.setStage(job.id, stage);
        progress();
      },
      onLine: (line) => {
        lastLine = line;
        context.onLine?.(job.id, line);
      },
      onLog: (path) => store.setLogPath(job.id, path),
      onProcess: (pid, binary) => store.setPackerProcess(job.id, pid ?? null, binary ?? null),
      onRemote: (remote) => store.setRemote(job.id, remote),
      detachSignal: context.detachSignal,
    };
    let result: ExecutorResult;
    if (context.reattach) {
      result = await executor.reattach!(runContext, context.reattach);
    } else {
      const problem = executor.preflight?.(entry, config);
      if (problem) return end({ state: 'failed', reason: problem });
      await context.hooks?.beforeBuild(job, entry, jobDir);
      result = await executor.run(runContext);
    }
    if (!result.ok) {
      if ('detached' in result) return { ending: undefined, lastLine };
      if (result.log) runContext.onLog?.(result.log);
      return end(result.ending);
    }
    runContext.onLog?.(result.log);
    if (!context.signer) {
      return end({ state: 'failed', reason: 'the build succeeded but no record could be sealed: no signing key (set GOLDSMITH_SIGNING_KEY or signing.key)', exitCode: 0 });
    }
    // The platform's step after Packer (the image into the store, its checks) may still fail the build: then no record.
    // A long step after Packer (an image checklist boots the image: minutes) is shown as a stage of its own.
    const afterStage = context.hooks?.afterPackerStage?.(entry);
    if (afterStage) runContext.onStage(afterStage);
    const after = (await context.hooks?.afterPacker?.(job, entry, jobDir)) ?? { ok: true as const };
    if (!after.ok) return end({ state: 'failed', reason: after.reason, exitCode: 0, tail: result.tail.join('\n') });
    runContext.onStage('sealing record');
    const sealed = await sealBuild({
      config,
      line: entry.key,
      entry,
      facts: { ...result.facts, ...after.facts, executor: result.where },
      imageSums: after.imageSums,
      log: result.log,
      manifest: result.manifest,
      packerProvenance: result.packerProvenance,
      requestedBy: job.requester,
      jobId: String(job.id),
      signer: context.signer,
      settings: context.settings,
      startedAt: job.startedAt ? new Date(job.startedAt) : undefined,
      outcome: result.outcome,
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
