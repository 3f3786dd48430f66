import { EventEmitter } from 'node:events';
import type { LoadedConfig } from '../config/load-config.js';
import type { Matrix } from '../config/matrix-schema.js';
import type { Requester } from '../evidence/run-schema.js';
import type { RecordSigner } from '../evidence/write-record.js';
import type { BuildHooks } from './build-hooks.js';
import type { JobStore } from './job-store.js';
import type { Job, RemoteRun, RequestResult } from './job-types.js';
import { lineBuildHooks } from './promotion/line-build-hooks.js';
import { runJob } from './run-job.js';
import { stopLeftoverPacker } from './executors/local/stop-leftover-packer.js';
import type { BuildExecutor } from './executors/build-executor.js';
import { createExecutorRegistry, type ExecutorRegistry } from './executors/registry.js';
import { requestBuilds } from './request-builds.js';
import type { ExecutorKind } from '../config/executors-schema.js';
import type { Settings } from '../config/settings.js';

export interface BuildQueueOptions {
  store: JobStore;
  config: LoadedConfig;
  matrix: Matrix;
  signer: RecordSigner | undefined;
  settings: Settings;
  /** How long Packer may clean up after SIGINT before SIGKILL (default 60 s). */
  graceMs?: number;
  /** How often to look for queued work and cancel requests from other processes (default 1 s). */
  pollMs?: number;
  /**
   * Work around each build on its target platform. Default: lineBuildHooks,
   * which takes each line's from its platform's template store in the store
   * registry (clear a stale `<base>-build`, put the image where the store
   * keeps it); lines without a store (`local`) pass through.
   */
  hooks?: BuildHooks;
  /** Executors to use instead of the configured ones (tests, the benchmark). */
  executors?: Partial<Record<ExecutorKind, BuildExecutor>>;
}

export interface BuildQueueEvents {
  /** A job changed: queued, new stage, finished. `lastLine` is the newest log line, scrubbed. */
  update: [job: Job, lastLine: string | undefined];
  /** A running build printed a line (scrubbed); many a second during provisioning. */
  line: [jobId: number, line: string];
  /** Bookkeeping around a build failed (the after-build hook); the build's outcome stands. */
  warning: [job: Job, message: string, error: Error];
}

/**
 * Runs queued builds in this process: at most `max_parallel` at once across
 * every process sharing the job store, at most one per line. Marks jobs left
 * running by a dead process as interrupted when it starts.
 *
 * @example
 * const queue = new BuildQueue({ store, config, matrix, signer, settings });
 * await queue.start();
 * queue.on('update', (job) => console.log(job.id, job.state, job.stage));
 * queue.request('win2025', { source: 'slack', user: 'U123' });
 */
export class BuildQueue extends EventEmitter<BuildQueueEvents> {
  private readonly running = new Map<number, { controller: AbortController; killer: AbortController; detacher: AbortController; done: Promise<Job> }>();
  private readonly executors: ExecutorRegistry;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly hooks: BuildHooks;

  constructor(private readonly options: BuildQueueOptions) {
    super();
    this.hooks = options.hooks ?? lineBuildHooks({ config: options.config, settings: options.settings });
    this.executors = createExecutorRegistry(options.config, options.settings, options.executors);
  }

  /**
   * Starts taking work; returns the jobs found interrupted by an earlier
   * crash, after stopping any Packer they left running (SIGINT, then SIGKILL
   * after the grace period). Remote builds an earlier process followed are
   * re-attached to, not interrupted: their runs go on without goldsmith.
   */
  async start(): Promise<Job[]> {
    const stoppedGroups = await stopLeftoverPacker(this.options.store, this.options.graceMs ?? 60_000);
    this.stopped = false;
    for (const job of this.options.store.adoptRemote()) this.launch(job, job.remote!);
    const interrupted = this.options.store.markInterrupted(undefined, stoppedGroups);
    for (const job of interrupted) this.emit('update', job, undefined);
    this.options.store.heartbeat();
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.pump();
    return interrupted;
  }

  /**
   * Queues a build of each line `selector` names (a key, an alias, or `all`);
   * throws for an unknown name, with the closest keys. Each job carries its
   * matrix entry as read now, to its record.
   */
  request(selector: string, requester: Requester): RequestResult[] {
    const results = requestBuilds(this.options.store, this.options.config, this.options.matrix, selector, requester, { signer: this.options.signer !== undefined });
    for (const result of results) if (result.ok) this.emit('update', result.job, undefined);
    // A refused request queued nothing: no need to look for work (a write transaction) on its account.
    if (results.some((result) => result.ok)) this.pump();
    return results;
  }

  /** Cancels a job of any process: a queued one at once, a running one by stopping Packer. */
  cancel(id: number, by: Requester): ReturnType<JobStore['cancel']> {
    const result = this.options.store.cancel(id, by);
    if (result.ok) {
      this.running.get(id)?.controller.abort();
      this.emit('update', result.job, undefined);
    }
    return result;
  }

  /** Jobs this process is running now. */
  get runningIds(): number[] {
    return [...this.running.keys()];
  }

  /** Resolves when no job is queued or running anywhere. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.options.store.list({ states: ['queued', 'running'], limit: 1 }).length > 0) {
      await Promise.race([...[...this.running.values()].map((entry) => entry.done), new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 1000))]);
      this.pump();
    }
  }

  /**
   * Stops taking work. Remote builds are let go at once (their runs go on;
   * the next start re-attaches). With `cancelRunning`, local builds are
   * stopped (Packer cleans up; with `killAfterMs`, its process group is
   * killed if it has not ended by then); otherwise they are left to finish.
   * Resolves when none runs here.
   */
  async stop(options: { cancelRunning?: boolean; killAfterMs?: number } = {}): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const entry of this.running.values()) entry.detacher.abort();
    let killTimer: NodeJS.Timeout | undefined;
    if (options.cancelRunning) {
      for (const entry of this.running.values()) entry.controller.abort();
      if (options.killAfterMs !== undefined) killTimer = setTimeout(() => this.running.forEach((entry) => entry.killer.abort()), options.killAfterMs);
    }
    await Promise.all([...this.running.values()].map((entry) => entry.done));
    clearTimeout(killTimer);
    await this.executors.close();
    this.options.store.removeWorker();
  }

  private tick(): void {
    this.options.store.heartbeat();
    for (const [id, entry] of this.running) if (this.options.store.get(id)?.cancelRequested) entry.controller.abort();
    this.pump();
  }

  private pump(): void {
    if (this.stopped) return;
    const { store, config } = this.options;
    const limits = (kind: string) => this.executors.limitOf(kind);
    for (let job = store.claimNext(limits); job; job = store.claimNext(limits)) this.launch(job, undefined);
  }

  /** Runs a claimed job (or follows the remote run of an adopted one) and keeps track of it until it ends. */
  private launch(claimed: Job, reattach: RemoteRun | undefined): void {
    const { store, config, matrix } = this.options;
    // The entry queued with the job; jobs queued before entries were stored fall back to the matrix.
    const entry = claimed.entry ?? matrix.find((candidate) => candidate.key === claimed.line);
    const controller = new AbortController();
    const killer = new AbortController();
    const detacher = new AbortController();
    this.emit('update', claimed, undefined);
    let executor: BuildExecutor | undefined;
    let problem = entry ? undefined : `line ${claimed.line} is no longer in packer/matrix.json`;
    try {
      executor = this.executors.get(claimed.executor);
    } catch (error) {
      problem ??= (error as Error).message;
    }
    const done = (
      entry && executor && !problem
        ? runJob(claimed, {
            store,
            config,
            entry,
            executor,
            reattach,
            signer: this.options.signer,
            settings: this.options.settings,
            signal: controller.signal,
            killSignal: killer.signal,
            detachSignal: detacher.signal,
            graceMs: this.options.graceMs ?? 60_000,
            hooks: this.hooks,
            onProgress: (updated, lastLine) => this.emit('update', updated, lastLine),
            onLine: (jobId, line) => this.emit('line', jobId, line),
            onWarning: (message, error) => this.emit('warning', claimed, message, error),
          })
        : Promise.resolve(store.finish(claimed.id, { state: 'failed', reason: problem! }))
    ).then((finished) => {
      this.running.delete(claimed.id);
      this.emit('update', finished, undefined);
      this.pump();
      return finished;
    });
    this.running.set(claimed.id, { controller, killer, detacher, done });
  }
}
