import type { ActionsClient } from './actions-client.js';
import { parseAnswer, runJobsSchema, workflowRunSchema, workflowRunsSchema, type RunJobs, type WorkflowRun } from './actions-schemas.js';

/** What one job's run looks like now: the run once found, its jobs (with steps) once fetched. */
export interface RunSnapshot {
  run: WorkflowRun | undefined;
  jobs: RunJobs['jobs'] | undefined;
}

/** A run to follow: by id, or (no id yet) by the name `goldsmith job <key>` among runs above `floorRunId`. */
export interface WatchTarget {
  key: string;
  runId: number | null;
  floorRunId: number | null;
  /** When the dispatch was sent (or, unknown, when the job started): the run was created after it. */
  since: Date;
}

export interface WatchListener {
  onUpdate(snapshot: RunSnapshot): void;
  /** A poll failed (after the client's own retries); the watch goes on. */
  onError(error: Error): void;
}

export interface RunWatcherOptions {
  /** `owner/name`. */
  repository: string;
  workflow: string;
  /** The shortest pause between two polls; it grows by half while nothing changes. */
  minIntervalMs: number;
  /** The longest pause while a run is in progress (a finished run is seen within it). */
  busyIntervalMs?: number;
  /** The longest pause while every run waits for a runner. */
  idleIntervalMs?: number;
  /** How often one run's steps are fetched while it runs. */
  stepsIntervalMs?: number;
}

interface Watch {
  target: WatchTarget;
  listener: WatchListener;
  run: WorkflowRun | undefined;
  jobs: RunJobs['jobs'] | undefined;
  jobsAt: number;
  /** The jobs were fetched once the run had completed (runner name, final step conclusions). */
  finalJobs: boolean;
}

/** Runs whose own requests (their steps, a run the list missed) are sent at once. */
const PER_RUN_CONCURRENCY = 8;

/** The run-name the shipped workflow gives a job's run: how a run is found without its id. */
export const runNameOf = (key: string): string => `goldsmith job ${key}`;

const fingerprint = (run: WorkflowRun | undefined) => (run ? `${run.status}|${run.conclusion}|${run.run_attempt}|${run.updated_at}` : '');
const stepsFingerprint = (jobs: RunJobs['jobs'] | undefined) => JSON.stringify(jobs?.map((job) => [job.status, job.steps?.map((step) => step.status + step.conclusion)]) ?? null);

/**
 * Follows every run of one workflow that goldsmith waits on with one
 * request per poll: the workflow's runs created since the oldest dispatch,
 * newest first (a run of another job, or of someone else's dispatch, is
 * never taken for ours: matched by id, or by its unique name above the
 * floor id). Steps are fetched per run, at most every few seconds while it
 * runs. The pause between polls starts short after a dispatch or a change
 * and grows while nothing moves, so ten jobs cost what one does.
 *
 * @example
 * const watcher = new RunWatcher(client, { repository: 'acme/images', workflow: 'goldsmith-build.yml', minIntervalMs: 2000 });
 * const stop = watcher.watch({ key: '7-a1b2', runId: 901, floorRunId: null, since }, { onUpdate, onError });
 */
export class RunWatcher {
  private readonly watches = new Set<Watch>();
  private looping = false;
  private wake: (() => void) | undefined;
  /** A kick that came while a round was running: the next round starts at once. */
  private kicked = false;

  constructor(
    private readonly client: ActionsClient,
    private readonly options: RunWatcherOptions,
  ) {}

  /** Follows `target` until the returned function is called. */
  watch(target: WatchTarget, listener: WatchListener): () => void {
    const watch: Watch = { target, listener, run: undefined, jobs: undefined, jobsAt: 0, finalJobs: false };
    this.watches.add(watch);
    this.kick();
    if (!this.looping) void this.loop();
    return () => {
      this.watches.delete(watch);
    };
  }

  /** Polls soon: something was just dispatched or cancelled. */
  kick(): void {
    if (this.wake) this.wake();
    else this.kicked = true;
  }

  /** The newest run id of the workflow now (any event), or null when it has none: the floor for a run found by name. */
  async newestRunId(): Promise<number | null> {
    const { data } = await this.client.request<unknown>('GET', `${this.workflowPath()}/runs?per_page=1`);
    return parseAnswer(workflowRunsSchema, data, 'the list of workflow runs').workflow_runs[0]?.id ?? null;
  }

  private workflowPath(): string {
    return `/repos/${this.options.repository}/actions/workflows/${encodeURIComponent(this.options.workflow)}`;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    let interval = this.options.minIntervalMs;
    try {
      while (this.watches.size > 0) {
        let changed = false;
        const roundStarted = Date.now();
        this.kicked = false;
        try {
          changed = await this.pollOnce();
        } catch (error) {
          for (const watch of this.watches) watch.listener.onError(error as Error);
        }
        const busy = [...this.watches].some((watch) => watch.run?.status === 'in_progress' || !watch.run);
        const ceiling = busy ? (this.options.busyIntervalMs ?? 3000) : (this.options.idleIntervalMs ?? 15_000);
        interval = changed ? this.options.minIntervalMs : Math.min(Math.max(interval * 1.5, this.options.minIntervalMs), Math.max(ceiling, this.options.minIntervalMs));
        if (this.watches.size === 0) break;
        if (this.kicked) {
          interval = this.options.minIntervalMs;
          continue;
        }
        // The pause counts from the start of the round: many runs must not stretch the time between two looks.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, interval - (Date.now() - roundStarted)));
          this.wake = () => {
            clearTimeout(timer);
            interval = this.options.minIntervalMs;
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      this.looping = false;
    }
  }

  /** One round: the list, the runs it did not show, the steps due. True when anything changed. */
  private async pollOnce(): Promise<boolean> {
    const watches = [...this.watches];
    if (watches.length === 0) return false;
    const since = new Date(Math.min(...watches.map((watch) => watch.target.since.getTime())) - 60_000);
    const found = new Map<Watch, WorkflowRun>();
    for (let page = 1; page <= 5; page++) {
      const query = `event=workflow_dispatch&per_page=100&page=${page}&created=${encodeURIComponent(`>=${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}`)}`;
      const { data } = await this.client.request<unknown>('GET', `${this.workflowPath()}/runs?${query}`);
      const runs = parseAnswer(workflowRunsSchema, data, 'the list of workflow runs').workflow_runs;
      for (const watch of watches) {
        const run = runs.find((candidate) => this.matches(watch.target, candidate));
        if (run) found.set(watch, run);
      }
      if (runs.length < 100 || watches.every((watch) => found.has(watch) || watch.target.runId !== null)) break;
    }
    let changed = false;
    const refresh = async (watch: Watch) => {
      let run = found.get(watch);
      // A known run the list did not show (lag, or older than the window): ask for it alone.
      if (!run && watch.target.runId !== null) {
        const { data } = await this.client.request<unknown>('GET', `/repos/${this.options.repository}/actions/runs/${watch.target.runId}`);
        run = parseAnswer(workflowRunSchema, data, `run ${watch.target.runId}`);
      }
      if (!run) return;
      if (watch.target.runId === null) watch.target.runId = run.id;
      const before = fingerprint(watch.run) + stepsFingerprint(watch.jobs);
      watch.run = run;
      await this.refreshJobs(watch);
      if (before !== fingerprint(watch.run) + stepsFingerprint(watch.jobs)) {
        changed = true;
        watch.listener.onUpdate({ run: watch.run, jobs: watch.jobs });
      }
    };
    // A few runs' requests at once: twenty runs must not wait for each other's round trips, nor burst the API.
    for (let start = 0; start < watches.length; start += PER_RUN_CONCURRENCY) {
      await Promise.all(
        watches.slice(start, start + PER_RUN_CONCURRENCY).map((watch) =>
          refresh(watch).catch((error: Error) => {
            if (this.watches.has(watch)) watch.listener.onError(error);
          }),
        ),
      );
    }
    return changed;
  }

  private matches(target: WatchTarget, run: WorkflowRun): boolean {
    if (target.runId !== null) return run.id === target.runId;
    const name = runNameOf(target.key);
    // The run-name is in display_title; `name` is the workflow's own name.
    return run.display_title === name && (target.floorRunId === null || run.id > target.floorRunId);
  }

  private async refreshJobs(watch: Watch): Promise<void> {
    const run = watch.run!;
    const completed = run.status === 'completed';
    const due = run.status === 'in_progress' && Date.now() - watch.jobsAt >= (this.options.stepsIntervalMs ?? 5000);
    if (!due && !(completed && !watch.finalJobs)) return;
    const { data } = await this.client.request<unknown>('GET', `/repos/${this.options.repository}/actions/runs/${run.id}/jobs`);
    watch.jobs = parseAnswer(runJobsSchema, data, `the jobs of run ${run.id}`).jobs;
    watch.jobsAt = Date.now();
    if (completed) watch.finalJobs = true;
  }
}
