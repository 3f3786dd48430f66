import { execa, type ResultPromise } from 'execa';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isLaterStage, stageOfMessage, type BuildStage } from '../../build-stages.js';
import { captureOutput } from '../../capture-output.js';
import { PackerOutcome, type PackerOutcomeResult } from '../../packer-outcome.js';
import { packerVersion, supportsInit } from './packer-version.js';
import { parseMachineLine } from '../../parse-machine-line.js';

export interface RunPackerOptions {
  binary: string;
  /** The line's build folder: Packer runs here, on `.`. */
  buildDir: string;
  varFiles: readonly string[];
  only?: string | undefined;
  /** The whole environment Packer runs with (allow-listed by the caller: nothing else is inherited). */
  env: Readonly<Record<string, string>>;
  logPath: string;
  secrets: readonly string[];
  timeoutMs: number;
  /** After SIGINT, how long Packer may clean up before it is killed. */
  graceMs: number;
  /** Aborting cancels the build (SIGINT, then SIGKILL after the grace period). */
  signal: AbortSignal;
  /** Aborting kills Packer's process group at once (SIGKILL). */
  killSignal?: AbortSignal | undefined;
  /** Packer started in its own process group (led by `pid`), or ended (undefined): for the job store. */
  onSpawn?: (pid: number | undefined) => void;
  onStage: (stage: BuildStage) => void;
  /** The last human-readable line, for progress displays. */
  onLine?: (line: string) => void;
  /** Stop after `packer init` and `packer validate` (a check before queuing; `syntax-only` for templates whose variables the platform sets at build time): nothing is built. */
  validateOnly?: 'full' | 'syntax-only' | undefined;
}

export interface RunPackerResult {
  outcome: PackerOutcomeResult;
  packerVersion: string;
  exitCode: number | null;
  /** How Packer's run ended: on its own, by the timeout, or cancelled. */
  endedBy: 'exit' | 'timeout' | 'cancel';
  /** The last lines of output, scrubbed, for the user when the build fails. */
  tail: string[];
  /** A failure before `packer build` (init or validate), in Packer's words. */
  preflightError: string | undefined;
}

const TAIL_LINES = 20;

/** Human text of a log line: the message of a machine-readable line, or the line itself. */
function humanText(line: string): string {
  const machine = parseMachineLine(line);
  return (machine ? (machine.data.at(-1) ?? '') : line).trim();
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Runs `packer init` (Packer ≥ 1.7), `packer validate` and `packer build
 * -machine-readable` for one line with argument arrays, streaming both output
 * streams through the secret scrubber into the job's log, following the
 * build's stage, and enforcing the timeout and cancellation.
 */
export async function runPacker(options: RunPackerOptions): Promise<RunPackerResult> {
  const version = await packerVersion(options.binary, options.env);
  const file = createWriteStream(options.logPath, { flags: 'wx', mode: 0o600, highWaterMark: 1 << 20 });
  const tail: string[] = [];
  const remember = (line: string) => {
    const text = humanText(line);
    if (!text) return;
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
    options.onLine?.(text);
  };
  const outcome = new PackerOutcome();
  const common = [...options.varFiles.map((path) => `-var-file=${path}`), ...(options.only ? [`-only=${options.only}`] : [])];
  const env = { ...options.env, CHECKPOINT_DISABLE: '1', PACKER_LOG: '1' };
  let stage: BuildStage | null = null;
  const advance = (next: BuildStage) => {
    if (isLaterStage(stage, next)) options.onStage((stage = next));
  };

  try {
    advance('validating');
    const validate = ['validate', ...(options.validateOnly === 'syntax-only' ? ['-syntax-only'] : []), ...common, '.'];
    const preflight: string[][] = [...(supportsInit(version) ? [['init', '.']] : []), validate];
    for (const args of preflight) {
      const step = await runStep(options, args, { ...env, PACKER_LOG: '' }, file, remember, () => undefined);
      if (step.exitCode !== 0 || step.endedBy !== 'exit') {
        return { outcome: outcome.result(), packerVersion: version, exitCode: step.exitCode, endedBy: step.endedBy, tail, preflightError: `packer ${args[0]} failed: ${tail.slice(-3).join(' ') || 'no output'}` };
      }
    }
    if (options.validateOnly) return { outcome: outcome.result(), packerVersion: version, exitCode: 0, endedBy: 'exit', tail, preflightError: undefined };
    const build = await runStep(options, ['build', '-machine-readable', '-on-error=cleanup', ...common, '.'], env, file, remember, (line) => {
      outcome.feed(line);
      if (line.includes(',ui,say,')) {
        const next = stageOfMessage(line);
        if (next) advance(next);
      }
    });
    return { outcome: outcome.result(), packerVersion: version, exitCode: build.exitCode, endedBy: build.endedBy, tail, preflightError: undefined };
  } finally {
    await closeDurably(file, options.logPath);
  }
}

async function closeDurably(file: WriteStream, path: string): Promise<void> {
  await new Promise<void>((resolve) => file.end(resolve));
  const handle = await open(path, 'r');
  await handle.sync().finally(() => handle.close());
}

/** Runs one Packer subcommand with the timeout and cancellation wired in. */
async function runStep(
  options: RunPackerOptions,
  args: string[],
  env: Readonly<Record<string, string>>,
  file: WriteStream,
  remember: (line: string) => void,
  onStdoutLine: (line: string) => void,
): Promise<{ exitCode: number | null; endedBy: RunPackerResult['endedBy'] }> {
  if (options.signal.aborted) return { exitCode: null, endedBy: 'cancel' };
  const subprocess: ResultPromise = execa(options.binary, args, {
    cwd: options.buildDir,
    env,
    extendEnv: false,
    buffer: false,
    reject: false,
    detached: true,
    stdin: 'ignore',
  });
  let endedBy: RunPackerResult['endedBy'] = 'exit';
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'cancel') => {
    if (endedBy !== 'exit') return;
    endedBy = why;
    // Packer cleans up (deletes the half-built VM) on SIGINT; SIGKILL only if it will not stop.
    killGroup(subprocess.pid, 'SIGINT');
    killTimer = setTimeout(() => killGroup(subprocess.pid, 'SIGKILL'), options.graceMs);
  };
  const timeout = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('cancel');
  const onKill = () => {
    if (endedBy === 'exit') endedBy = 'cancel';
    killGroup(subprocess.pid, 'SIGKILL');
  };
  options.signal.addEventListener('abort', onAbort);
  options.killSignal?.addEventListener('abort', onKill);
  options.onSpawn?.(subprocess.pid);
  const lines = (text: string, each: (line: string) => void) => {
    for (const line of text.split('\n')) if (line) each(line);
  };
  try {
    await Promise.all([
      captureOutput(subprocess.stdout!, file, options.secrets, (text) =>
        lines(text, (line) => {
          onStdoutLine(line);
          remember(line);
        }),
      ),
      captureOutput(subprocess.stderr!, file, options.secrets, (text) => {
        if (env.PACKER_LOG !== '1') lines(text, remember);
      }),
    ]);
    const result = await subprocess;
    return { exitCode: result.exitCode ?? null, endedBy };
  } finally {
    clearTimeout(timeout);
    clearTimeout(killTimer);
    options.signal.removeEventListener('abort', onAbort);
    options.killSignal?.removeEventListener('abort', onKill);
    options.onSpawn?.(undefined);
  }
}
