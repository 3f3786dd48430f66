import { z } from 'zod';
import { matrixEntrySchema, type MatrixEntry } from './matrix-schema.js';
import { formatZodError } from './format-zod-error.js';
import { SettingsError } from './settings-error.js';

/** What `goldsmith runner` is asked to build, as the CI workflow passes it (docs/executors.md). */
export interface RunnerSettings {
  /** The job's unique key, given by the goldsmith that dispatched the run. */
  job: string;
  line: string;
  /** The line's matrix entry as the job was queued with it. */
  entry: MatrixEntry;
  /** Packer variables the target platform chose centrally (PKR_VAR_* only). */
  packerVars: Record<string, string>;
  runner: { name: string | null; os: string | null; arch: string | null };
}

const PACKER_VAR = /^PKR_VAR_[A-Za-z_][A-Za-z0-9_-]*$/;
const packerVarsSchema = z.record(z.string(), z.string().max(4096));

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SettingsError(`${name} is not JSON: the workflow must pass the input goldsmith dispatched unchanged (packer/ci/github-actions/goldsmith-build.yml)`);
  }
}

/**
 * Reads GOLDSMITH_JOB, GOLDSMITH_LINE, GOLDSMITH_ENTRY and
 * GOLDSMITH_PACKER_VARS (set by the workflow from its inputs), and the
 * runner's RUNNER_NAME, RUNNER_OS and RUNNER_ARCH. Throws naming the
 * variable and the fix.
 *
 * @example
 * readRunnerSettings({ GOLDSMITH_JOB: '7-1f2e', GOLDSMITH_LINE: 'win2025', GOLDSMITH_ENTRY: '{…}' }).entry.key // 'win2025'
 */
export function readRunnerSettings(env: Readonly<Record<string, string>>): RunnerSettings {
  const job = env.GOLDSMITH_JOB ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(job)) {
    throw new SettingsError(`GOLDSMITH_JOB ${job ? `"${job}" is not a job key` : 'is not set'}: goldsmith runner runs inside the workflow goldsmith dispatches, which sets it from the goldsmith_job input`);
  }
  const line = env.GOLDSMITH_LINE ?? '';
  if (!line) throw new SettingsError('GOLDSMITH_LINE is not set: the workflow sets it from the line input');
  const parsed = matrixEntrySchema.safeParse(parseJson('GOLDSMITH_ENTRY', env.GOLDSMITH_ENTRY ?? ''));
  if (!parsed.success) throw new SettingsError(`GOLDSMITH_ENTRY is not a matrix entry:\n${formatZodError('GOLDSMITH_ENTRY', parsed.error, undefined, matrixEntrySchema)}`);
  if (parsed.data.key !== line) throw new SettingsError(`GOLDSMITH_ENTRY is the entry of ${parsed.data.key}, not of GOLDSMITH_LINE ${line}`);
  const vars = packerVarsSchema.safeParse(parseJson('GOLDSMITH_PACKER_VARS', env.GOLDSMITH_PACKER_VARS || '{}'));
  if (!vars.success) throw new SettingsError(formatZodError('GOLDSMITH_PACKER_VARS', vars.error));
  // Anything else (PATH, LD_PRELOAD) would change how Packer runs, not what it builds.
  const foreign = Object.keys(vars.data).filter((name) => !PACKER_VAR.test(name));
  if (foreign.length > 0) throw new SettingsError(`GOLDSMITH_PACKER_VARS names ${foreign.join(', ')}: only PKR_VAR_* variables may be passed`);
  const value = (name: string) => env[name] || null;
  return { job, line, entry: parsed.data, packerVars: vars.data, runner: { name: value('RUNNER_NAME'), os: value('RUNNER_OS'), arch: value('RUNNER_ARCH') } };
}
