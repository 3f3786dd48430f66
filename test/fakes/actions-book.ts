import { createHash, randomInt } from 'node:crypto';
import { RunLifecycle } from './actions-run.js';
import { isoNow, type FakeRun, type RunContext, type Scenario } from './actions-types.js';
import { evaluate, type Workflow } from './actions-workflow.js';

/**
 * The runs of the fake Actions API: ids as GitHub hands them out (big,
 * increasing, not consecutive), when each becomes visible, the scale set's
 * runners, and who is waiting for what.
 */

export interface Dispatch {
  at: number;
  ref: string;
  inputs: Record<string, string>;
  /** Undefined when the scenario says the run never appears. */
  runId: number | undefined;
}

export class RunBook {
  readonly dispatches: Dispatch[] = [];
  private readonly lifecycles = new Map<number, RunLifecycle>();
  private readonly visibleAt = new Map<number, number>();
  private readonly waiters = new Set<() => void>();
  private readonly ids = { run: 9_000_000_001, job: 31_000_000_001, artifact: 4_100_000_001 };
  private runNumber = 0;
  private runnersBusy = 0;
  private runnerNumber = 0;
  private readonly runnerQueue: Array<() => void> = [];

  constructor(
    private readonly workflow: Workflow,
    private readonly context: Omit<RunContext, 'nextId' | 'acquireRunner' | 'changed'>,
    private readonly limits: { appearDelayMs: number; runners: number },
  ) {}

  get runs(): FakeRun[] {
    return [...this.lifecycles.values()].map((lifecycle) => lifecycle.run);
  }

  /** A run the API shows: created, and past its appear delay. */
  visible(id: number): FakeRun | undefined {
    const run = this.lifecycles.get(id)?.run;
    return run && (this.visibleAt.get(id) ?? 0) <= Date.now() ? run : undefined;
  }

  visibleRuns(): FakeRun[] {
    return this.runs.filter((run) => this.visible(run.id));
  }

  cancel(id: number): void {
    this.lifecycles.get(id)?.cancel();
  }

  /** Records a dispatch and creates its run (unless the scenario says it never appears); returns the run id GitHub would report. */
  dispatch(branch: string, inputs: Record<string, string>, scenario: Scenario): number {
    if (this.dispatches.length > 0) this.ids.run += randomInt(1, 51);
    const id = this.ids.run;
    const appears = scenario.appear !== false;
    this.dispatches.push({ at: Date.now(), ref: branch, inputs, runId: appears ? id : undefined });
    if (appears) this.create(id, branch, inputs, scenario);
    return id;
  }

  waitForRun(predicate: (run: FakeRun) => boolean, timeoutMs: number): Promise<FakeRun> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.runs.find(predicate);
        if (!found) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`waitForRun: no run matched within ${timeoutMs} ms; runs: ${JSON.stringify(this.runs.map((run) => ({ id: run.id, line: run.inputs.line, status: run.status, conclusion: run.conclusion })))}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Kills every runner's process group and waits for the runs to wind up. */
  async killAll(): Promise<void> {
    await Promise.all([...this.lifecycles.values()].map((lifecycle) => lifecycle.kill()));
  }

  private create(id: number, branch: string, inputs: Record<string, string>, scenario: Scenario): void {
    const created = isoNow();
    const { context } = this;
    const expressions = { inputs, vars: context.vars, secrets: context.secrets, github: { run_id: String(id) } };
    const run: FakeRun = {
      id,
      runNumber: ++this.runNumber,
      inputs,
      scenario,
      displayTitle: evaluate(this.workflow.runName ?? this.workflow.name, expressions),
      headBranch: branch,
      headSha: createHash('sha1').update(`${context.owner}/${context.repo}@${branch}`).digest('hex'),
      status: 'queued',
      conclusion: null,
      createdAt: created,
      updatedAt: created,
      runStartedAt: created,
      job: { id: this.nextId('job'), name: evaluate(this.workflow.jobName, expressions), status: 'queued', conclusion: null, createdAt: created, startedAt: created, completedAt: null, runnerId: null, runnerName: null, labels: this.workflow.labels, steps: [], log: [] },
      artifacts: [],
    };
    this.visibleAt.set(id, Date.now() + this.limits.appearDelayMs);
    const lifecycle = new RunLifecycle(run, { ...context, nextId: (kind) => this.nextId(kind), acquireRunner: (signal) => this.acquireRunner(signal), changed: () => this.notify() });
    this.lifecycles.set(id, lifecycle);
    this.notify();
  }

  private nextId(kind: 'job' | 'artifact'): number {
    this.ids[kind] += randomInt(1, 51);
    return this.ids[kind];
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async acquireRunner(signal: AbortSignal): Promise<{ number: number; release: () => void }> {
    while (this.runnersBusy >= this.limits.runners) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        this.runnerQueue.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    signal.throwIfAborted();
    this.runnersBusy += 1;
    return {
      number: ++this.runnerNumber,
      release: () => {
        this.runnersBusy -= 1;
        // Wake every waiter: some may have been cancelled meanwhile, and each one checks again.
        for (const wake of this.runnerQueue.splice(0)) wake();
      },
    };
  }
}
