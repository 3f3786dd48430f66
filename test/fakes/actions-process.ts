import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

/**
 * The goldsmith step's command, run as GitHub's runner runs a step: no
 * shell, its own process group (so a cancel reaches everything it started),
 * only the environment it is given, its output read line by line.
 */

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** SIGKILLs what is left of a process group and waits (3 s at most) until init has reaped it. */
export async function endGroup(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  signalGroup(pid, 'SIGKILL');
  for (let tries = 0; tries < 60 && groupAlive(pid); tries++) await sleep(50);
}

export interface StepProcess {
  pid: number | undefined;
  /** Resolves once the command has exited and its group is gone: the exit code, or why it could not start. */
  outcome: Promise<{ exitCode: number | undefined; failure: string }>;
}

/**
 * Starts `argv` (no shell) in `cwd` with exactly `env`, each output line
 * handed to `log`.
 *
 * @example
 * const step = startStepProcess(['node', 'bin/goldsmith.js', 'runner', '--out', 'out'], workspace, env, (line) => lines.push(line));
 * const { exitCode } = await step.outcome;
 */
export function startStepProcess(argv: string[], cwd: string, env: Record<string, string>, log: (line: string) => void): StepProcess {
  const [file, ...args] = argv;
  const child = execa(file!, args, { cwd, env, extendEnv: false, detached: true, reject: false, stdin: 'ignore', buffer: false });
  const streams = [child.stdout, child.stderr].map((stream) => {
    const lines = createInterface({ input: stream });
    lines.on('line', log);
    return new Promise((resolve) => lines.once('close', resolve));
  });
  const outcome = (async () => {
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), child]);
    // What the command left behind dies with it (GitHub's runner cleans up orphans at the end of the job), so its output pipes close.
    await endGroup(child.pid);
    await Promise.all(streams);
    const result = await child;
    return { exitCode: result.exitCode, failure: result.shortMessage ?? '' };
  })();
  return { pid: child.pid, outcome };
}
