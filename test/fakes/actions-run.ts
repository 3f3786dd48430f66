import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { endGroup, signalGroup, startStepProcess } from './actions-process.js';
import { isoNow, type Conclusion, type FakeRun, type FakeStep, type RunContext } from './actions-types.js';
import { uploadArtifact } from './actions-upload.js';
import { evaluate, type ExpressionContext, type StepCondition, type WorkflowStep } from './actions-workflow.js';

/**
 * One workflow run of the fake Actions API, from queued to completed: a
 * runner takes it, runs the workflow's steps for real (the `goldsmith` step
 * as a child process in its own process group, without a shell), uploads the
 * artifact, and honours cancel requests the way GitHub's runner does: SIGINT
 * to the step's process group, SIGKILL after the grace, `always()` steps
 * still run.
 */

// GitHub's log lines carry seven fractional digits.
const logStamp = () => new Date().toISOString().replace(/Z$/, '0000Z');
const conditionHolds = (condition: StepCondition, failed: boolean, stopped: boolean) =>
  ({ success: !failed && !stopped, always: true, failure: failed && !stopped, cancelled: stopped, 'not-cancelled': !stopped })[condition];

export class RunLifecycle {
  readonly done: Promise<void>;
  private readonly controller = new AbortController();
  private cancelled = false;
  private timedOut = false;
  private pid: number | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly run: FakeRun,
    private readonly ctx: RunContext,
  ) {
    this.done = this.execute().catch((error: unknown) => {
      this.log(`##[error]The fake runner failed: ${error instanceof Error ? error.message : String(error)}`);
      this.finish('failure');
    });
  }

  /** The cancel API: stop the job, let `always()` steps run, conclude `cancelled`. */
  cancel(): void {
    if (this.run.status === 'completed' || this.cancelled) return;
    this.cancelled = true;
    this.interrupt();
  }

  /** Stops everything at once (the fake is closing): SIGKILL to the group, then wait for the run to wind up. */
  async kill(): Promise<void> {
    this.cancel();
    signalGroup(this.pid, 'SIGKILL');
    await this.done;
  }

  private interrupt(): void {
    this.controller.abort();
    if (this.pid === undefined) return;
    // GitHub's runner sends SIGINT, waits 7.5 s, then kills what is left.
    signalGroup(this.pid, 'SIGINT');
    this.killTimer ??= setTimeout(() => signalGroup(this.pid, 'SIGKILL'), this.ctx.cancelGraceMs);
  }

  private get stopped(): boolean {
    return this.cancelled || this.timedOut;
  }

  private touch(): void {
    this.run.updatedAt = isoNow();
    this.ctx.changed(this.run);
  }

  private log(line: string): void {
    let masked = line;
    for (const secret of Object.values(this.ctx.secrets)) if (secret) masked = masked.split(secret).join('***');
    for (const part of masked.split('\n')) this.run.job?.log.push(`${logStamp()} ${part}`);
    // Tests wait on log lines too (waitForRun), not only on state changes.
    this.ctx.changed(this.run);
  }

  private expressionContext(): ExpressionContext {
    const { run, ctx } = this;
    return {
      inputs: run.inputs,
      vars: ctx.vars,
      secrets: ctx.secrets,
      github: { run_id: String(run.id), run_attempt: '1', run_number: String(run.runNumber), repository: `${ctx.owner}/${ctx.repo}`, sha: run.headSha, ref_name: run.headBranch, event_name: 'workflow_dispatch' },
    };
  }

  private finish(conclusion: Conclusion): void {
    const { run } = this;
    if (run.status === 'completed') return;
    clearTimeout(this.killTimer);
    if (run.job && run.job.status !== 'completed') Object.assign(run.job, { status: 'completed', conclusion, completedAt: isoNow() });
    Object.assign(run, { status: 'completed', conclusion });
    this.touch();
  }

  private async execute(): Promise<void> {
    const { run, ctx } = this;
    const forced = run.scenario.conclusion;
    // The dispatch is answered before anything happens to its run.
    await sleep(0);
    if (forced === 'startup_failure' || forced === 'action_required') {
      run.job = undefined;
      return this.finish(forced);
    }
    const signal = this.controller.signal;
    const slot = await sleep(ctx.queueDelayMs, undefined, { signal })
      .then(() => ctx.acquireRunner(signal))
      .catch(() => undefined);
    if (!slot) return this.finish('cancelled');
    try {
      await this.runJob(slot.number);
    } finally {
      slot.release();
    }
  }

  private async runJob(runnerNumber: number): Promise<void> {
    const { run, ctx } = this;
    const job = run.job!;
    const names = ['Set up job', ...ctx.workflow.steps.map((step) => step.name), 'Complete job'];
    Object.assign(job, {
      status: 'in_progress',
      startedAt: isoNow(),
      runnerId: 100 + runnerNumber,
      runnerName: `arc-packer-vsphere-${runnerNumber}`,
      steps: names.map((name, index): FakeStep => ({ name, number: index + 1, status: 'queued', conclusion: null, startedAt: null, completedAt: null })),
    });
    run.status = 'in_progress';
    this.touch();

    await this.step(job.steps[0]!, async () => {
      this.log(`Current runner version: '2.329.0'`);
      this.log(`Runner name: '${job.runnerName}'`);
      this.log(`Runner group name: 'arc-packer-vsphere'`);
      return 'success';
    });
    let failed = false;
    for (const [index, step] of ctx.workflow.steps.entries()) {
      const state = job.steps[index + 1]!;
      if (!conditionHolds(step.condition, failed, this.stopped)) {
        Object.assign(state, { status: 'completed', conclusion: this.stopped ? 'cancelled' : 'skipped' });
        continue;
      }
      if ((await this.step(state, () => this.runStep(step))) === 'failure') failed = true;
    }
    await this.step(job.steps.at(-1)!, async () => {
      this.log('Cleaning up orphan processes');
      await endGroup(this.pid);
      return 'success';
    });
    this.finish(this.cancelled ? 'cancelled' : this.timedOut ? 'timed_out' : failed ? 'failure' : 'success');
  }

  private async step(state: FakeStep, body: () => Promise<Conclusion>): Promise<Conclusion> {
    Object.assign(state, { status: 'in_progress', startedAt: isoNow() });
    this.touch();
    const conclusion = await body();
    Object.assign(state, { status: 'completed', conclusion, completedAt: isoNow() });
    this.touch();
    return conclusion;
  }

  private async runStep(step: WorkflowStep): Promise<Conclusion> {
    if (step.kind === 'checkout') return this.checkout();
    if (step.kind === 'goldsmith') return this.goldsmith(step);
    return uploadArtifact(this.run, step, evaluate(step.artifactName, this.expressionContext()), () => this.ctx.nextId('artifact'), (line) => this.log(line));
  }

  private checkout(): Conclusion {
    const { run, ctx } = this;
    if (run.scenario.synthetic) return 'success';
    if (!ctx.workspace) {
      this.log('##[error]The fake was given no workspace to check out (option `workspace`).');
      return 'failure';
    }
    // An ephemeral ARC runner starts from a fresh checkout: two runs at once never share a folder.
    run.workspace = ctx.checkout === 'copy' ? join(ctx.tempDir, `run-${run.id}`, 'work', ctx.repo) : ctx.workspace;
    // A checkout holds what git tracks: never the goldsmith host's SQLite files. Opening and closing them here
    // would also drop this process's POSIX locks on them, and with it the lock a test's own connection holds.
    if (ctx.checkout === 'copy') cpSync(ctx.workspace, run.workspace, { recursive: true, verbatimSymlinks: true, filter: (source) => !/\.sqlite(-wal|-shm|-journal)?$/.test(source) });
    this.log(`Syncing repository: ${ctx.owner}/${ctx.repo}`);
    return 'success';
  }

  private async goldsmith(step: Extract<WorkflowStep, { kind: 'goldsmith' }>): Promise<Conclusion> {
    const { run } = this;
    const { scenario } = run;
    this.log(`##[group]Run ${step.script}`);
    this.log('##[endgroup]');
    if (scenario.conclusion === 'failure') {
      this.log('##[error]Process completed with exit code 1.');
      return 'failure';
    }
    if (scenario.conclusion === 'timed_out') {
      setTimeout(() => {
        if (run.status === 'completed' || this.stopped) return;
        this.timedOut = true;
        this.log(`##[error]The job running on runner ${run.job!.runnerName} has exceeded the maximum execution time.`);
        this.interrupt();
      }, scenario.timeoutAfterMs ?? 500).unref();
    }
    const slept = await sleep(scenario.runDelayMs ?? 0, true, { signal: this.controller.signal }).catch(() => false);
    if (!slept || this.stopped) return this.stoppedStep();
    if (scenario.synthetic) return 'success';

    const started = startStepProcess([...this.ctx.goldsmithCommand, ...step.args], run.workspace!, this.stepEnv(step), (line) => this.log(line));
    this.pid = started.pid;
    run.job!.pid = started.pid;
    // A cancel that came while the process was starting.
    if (this.stopped) this.interrupt();
    const { exitCode, failure } = await started.outcome;
    if (this.stopped) return this.stoppedStep();
    if (exitCode === 0) return 'success';
    this.log(exitCode === undefined ? `##[error]${failure}` : `##[error]Process completed with exit code ${exitCode}.`);
    return 'failure';
  }

  /** The step's `env:` evaluated, over what GitHub's runner sets for every step. */
  private stepEnv(step: Extract<WorkflowStep, { kind: 'goldsmith' }>): Record<string, string> {
    const { run, ctx } = this;
    const context = this.expressionContext();
    const runnerTemp = join(ctx.tempDir, `run-${run.id}`, 'temp');
    mkdirSync(runnerTemp, { recursive: true });
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_NUMBER: String(run.runNumber),
      GITHUB_REPOSITORY: `${ctx.owner}/${ctx.repo}`,
      GITHUB_REPOSITORY_OWNER: ctx.owner,
      GITHUB_SERVER_URL: ctx.serverUrl(),
      GITHUB_API_URL: ctx.apiUrl(),
      GITHUB_SHA: run.headSha,
      GITHUB_REF: `refs/heads/${run.headBranch}`,
      GITHUB_REF_NAME: run.headBranch,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_WORKFLOW: ctx.workflow.name,
      GITHUB_JOB: 'build',
      GITHUB_WORKSPACE: run.workspace!,
      RUNNER_NAME: run.job!.runnerName!,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: runnerTemp,
      ...ctx.extraEnv,
      ...Object.fromEntries(Object.entries(step.env).map(([key, value]) => [key, evaluate(value, context)])),
    };
  }

  private stoppedStep(): Conclusion {
    this.log('##[error]The operation was canceled.');
    return 'cancelled';
  }
}
