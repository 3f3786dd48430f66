import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedConfig } from '../../../config/load-config.js';
import type { MatrixEntry } from '../../../config/matrix-schema.js';
import type { Settings } from '../../../config/settings.js';
import type { JobEnding } from '../../job-store.js';
import { lineVarFiles, missingVarFiles } from '../../line-var-files.js';
import { PACKER_PROVENANCE_FILE } from '../../../evidence/layout.js';
import { collectPackerProvenance, packerProvenanceDirOf, PROVENANCE_DIRECTORY_VARIABLE } from './collect-packer-provenance.js';
import { packerEnvOf } from './packer-env.js';
import { runPacker, type RunPackerResult } from './run-packer.js';

export interface RunLinePackerOptions {
  config: LoadedConfig;
  entry: MatrixEntry;
  settings: Settings;
  /** Where the log (`packer.log`) and manifest (`manifest.json`) go. */
  outDir: string;
  /** More of Packer's environment (the platform's, such as a VMID). */
  env?: Readonly<Record<string, string>> | undefined;
  graceMs: number;
  signal: AbortSignal;
  killSignal?: AbortSignal | undefined;
  onSpawn?: (pid: number | undefined) => void;
  onStage: (stage: string) => void;
  onLine: (line: string) => void;
  /** Only `packer init` and `packer validate`, as the build would run them (or its syntax only): a check before queuing. */
  validateOnly?: 'full' | 'syntax-only' | undefined;
}

export interface LinePackerRun {
  result: RunPackerResult;
  log: string;
  /** The manifest Packer wrote, when it wrote one. */
  manifest: string | undefined;
  /** Packer's own provenance (`<outDir>/packer-provenance.json`), for a successful build of a line with `packer_provenance`. */
  packerProvenance: string | undefined;
  /** How the build ended when it did not succeed; undefined for a success. */
  ending: JobEnding | undefined;
}

/**
 * Why `entry` cannot be built here: its own var-file is missing (with the
 * fix: copy the example, or correct the matrix). Undefined when it can.
 */
export function lineVarFileProblem(config: LoadedConfig, entry: MatrixEntry): string | undefined {
  return missingVarFiles(config, entry, 'own')[0];
}

function failureReason(result: RunPackerResult, entry: MatrixEntry): string {
  if (result.preflightError) return result.preflightError;
  if (result.exitCode === 0 && result.outcome.artifacts.length === 0 && entry.only) {
    return `Packer built nothing: -only=${entry.only} names no source of this template (check "only" in packer/matrix.json)`;
  }
  return result.outcome.reason ?? `packer build exited with status ${result.exitCode}`;
}

/** How a Packer run ended, for the job; undefined for a success. */
export function endingOfPackerRun(result: RunPackerResult, entry: MatrixEntry): JobEnding | undefined {
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
 * Builds one line with Packer on this host, as both the local executor and
 * `goldsmith runner` (on a CI runner) do: the line's var-files in Packer's
 * order, the allow-listed environment, every credential scrubbed from the
 * log, the line's timeout. Throws for a missing var-file or an unset
 * `packer.vars` variable, naming the fix.
 *
 * @example
 * const run = await runLinePacker({ config, entry, settings, outDir: 'state/jobs/7', graceMs: 60_000, signal, onStage, onLine });
 * if (!run.ending) console.log('built', run.result.outcome.artifacts);
 */
export async function runLinePacker(options: RunLinePackerOptions): Promise<LinePackerRun> {
  const { config, entry } = options;
  const problem = lineVarFileProblem(config, entry);
  if (problem) throw new Error(problem);
  mkdirSync(options.outDir, { recursive: true });
  const log = join(options.outDir, 'packer.log');
  const manifest = join(options.outDir, 'manifest.json');
  const varFiles = lineVarFiles(config, entry);
  const credentials = options.settings.credentials(config.secret_env, config.baseDir);
  // Packer's provenance post-processor writes into a folder of its own, fresh for each build: what is there afterwards is this build's.
  const provenanceDir = packerProvenanceDirOf(options.outDir);
  rmSync(provenanceDir, { recursive: true, force: true });
  rmSync(join(options.outDir, PACKER_PROVENANCE_FILE), { force: true });
  if (entry.packer_provenance) mkdirSync(provenanceDir);
  const provenanceVar: Record<string, string> = entry.packer_provenance ? { [`PKR_VAR_${PROVENANCE_DIRECTORY_VARIABLE}`]: provenanceDir } : {};
  const result = await runPacker({
    binary: config.packer.binary,
    buildDir: join(dirname(config.packer.matrix), entry.build_dir),
    varFiles: [...varFiles.shared, varFiles.own],
    only: entry.only,
    env: packerEnvOf(options.settings, config, { ...options.env, ...provenanceVar, PKR_VAR_manifest_path: manifest }),
    logPath: log,
    secrets: credentials.map((credential) => credential.value),
    timeoutMs: entry.timeout_minutes * 60_000,
    graceMs: options.graceMs,
    signal: options.signal,
    killSignal: options.killSignal,
    onSpawn: options.onSpawn,
    onStage: options.onStage,
    onLine: options.onLine,
    validateOnly: options.validateOnly,
  });
  let ending = endingOfPackerRun(result, entry);
  let packerProvenance: string | undefined;
  if (entry.packer_provenance && options.validateOnly) rmSync(provenanceDir, { recursive: true, force: true });
  else if (entry.packer_provenance) {
    const taken = collectPackerProvenance(options.outDir, credentials);
    if (taken.ok) packerProvenance = taken.file;
    // A build that failed already says why; a missing provenance is the reason only for one that succeeded.
    else ending ??= { state: 'failed', reason: taken.reason, exitCode: result.exitCode, tail: result.tail.join('\n') };
  }
  return { result, log, manifest: existsSync(manifest) ? manifest : undefined, packerProvenance: ending ? undefined : packerProvenance, ending };
}
