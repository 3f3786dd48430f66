import type { LoadedConfig } from '../../config/load-config.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import type { Settings } from '../../config/settings.js';
import type { BuildDetails, ExecutorFacts } from '../../evidence/run-schema.js';
import type { BuildHooks } from '../build-hooks.js';
import type { JobEnding } from '../job-store.js';
import type { Job, RemoteRun } from '../job-types.js';
import type { PackerOutcomeResult } from '../packer-outcome.js';

/** What an executor needs to run one job's build. */
export interface ExecutorRunContext {
  job: Job;
  entry: MatrixEntry;
  config: LoadedConfig;
  settings: Settings;
  /** The job's own folder under the state dir: the executor puts the log and manifest here. */
  jobDir: string;
  /** Aborting cancels the build (Packer cleans up; a CI run is cancelled and followed to its end). */
  signal: AbortSignal;
  /** Aborting stops at once: a shutdown that is out of time. */
  killSignal?: AbortSignal | undefined;
  /** After a cancel, how long the build may clean up before it is killed. */
  graceMs: number;
  /** The platform's work around the build (its extra Packer environment). */
  hooks?: BuildHooks | undefined;
  onStage(stage: string): void;
  /** The newest human-readable line of the build, scrubbed. */
  onLine(line: string): void;
  /** Where the build's scrubbed log is (or will be), for `goldsmith job --log` while it runs or after it failed. */
  onLog?(path: string): void;
  /** Packer started in its own process group (led by `pid`), or ended (undefined). */
  onProcess?(pid: number | undefined, binary: string | undefined): void;
  /** Where the build runs remotely, kept with the job so a restarted goldsmith finds it again. */
  onRemote?(remote: RemoteRun): void;
  /** Aborting lets go of a remote build without cancelling it (goldsmith is stopping); a local build ignores it. */
  detachSignal?: AbortSignal | undefined;
}

/**
 * A finished build: failed or cancelled (`ending`), or succeeded with the
 * files and facts the record is sealed from. The log is already scrubbed.
 */
export type ExecutorResult =
  /** `log`: the failed build's scrubbed log, when there is one to show. */
  | { ok: false; ending: JobEnding; log?: string | undefined }
  /** goldsmith is stopping and left the remote run going: the job stays running, for the next start to re-attach. */
  | { ok: false; detached: true }
  | {
      ok: true;
      /** The scrubbed log, in the job's folder. */
      log: string;
      manifest: string | undefined;
      /** Packer's own provenance for the build (lines with `packer_provenance`), in the job's folder. */
      packerProvenance?: string | undefined;
      outcome: PackerOutcomeResult & { packerVersion: string | undefined };
      /** Facts the executor knows better than the sealing host (a remote checkout's template commit and digests). */
      facts?: Partial<BuildDetails> | undefined;
      /** Where the build ran, for run.json. */
      where: ExecutorFacts;
      tail: string[];
    };

/**
 * Where builds run: on this host (`local`) or on a CI engine. An executor
 * runs one job's build and reports its stages and lines; it never seals:
 * the record is always written by the process that owns the records.
 *
 * @example
 * const result = await executor.run(context);
 * if (result.ok) await sealBuild({ ..., log: result.log, outcome: result.outcome });
 */
export interface BuildExecutor {
  readonly kind: ExecutorFacts['kind'];
  /** Why this line cannot be built now (a var-file missing), before anything is touched; undefined when it can. */
  preflight?(entry: MatrixEntry, config: LoadedConfig): string | undefined;
  run(context: ExecutorRunContext): Promise<ExecutorResult>;
  /** Follows a build a stopped goldsmith left running remotely to its end; absent for executors whose builds die with goldsmith. */
  reattach?(context: ExecutorRunContext, remote: RemoteRun): Promise<ExecutorResult>;
  /** Stops background work (pollers) once no job runs. */
  close?(): Promise<void>;
}
