import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { executorKindOf } from '../config/executor-kind-of.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import { missingVarFiles } from './line-var-files.js';

/** The folder itself, or the nearest folder above it that exists: where it would be created. */
function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Why records could not be written under `records`, or undefined when they can. */
function recordsProblem(records: string): string | undefined {
  const at = nearestExisting(records);
  if (!statSync(at).isDirectory()) return `the records folder ${records} cannot be created: ${at} is not a folder; set records in goldsmith.yaml`;
  try {
    accessSync(at, constants.W_OK | constants.X_OK);
    return undefined;
  } catch {
    return `the records folder ${records} is not writable by goldsmith (${at === records ? 'the folder' : `${at}, where it would be created`}): fix its permissions or set records in goldsmith.yaml; otherwise the build would run and its record be lost`;
  }
}

/**
 * Why `entry` cannot build on the executor goldsmith.yaml gives it, or
 * undefined: a QEMU line's image must land in this host's image folder.
 *
 * @example
 * executorProblemOf(config, qemuEntry) // 'qemu-debian-12 is a QEMU line, … set executors.lines.qemu-debian-12: local …'
 */
export function executorProblemOf(config: Pick<LoadedConfig, 'executors'>, entry: MatrixEntry): string | undefined {
  if (executorKindOf(config.executors, entry.key) === 'local' || entry.platform !== 'qemu') return undefined;
  return `${entry.key} is a QEMU line, whose image is kept in this host's qemu.image_dir: it builds on the local executor only; set executors.lines.${entry.key}: local in goldsmith.yaml`;
}

/**
 * Why a build of `entry` would fail for a reason known before it starts,
 * checked before it is queued (CLI, Slack, the schedule) so no build time
 * is lost: the records folder not writable, no signing key, a line its
 * executor cannot build, a var-file missing (for builds on this host). Each
 * problem names the fix. Empty when there is none.
 *
 * @example
 * findQueueProblems(config, entry, { signer: true }) // ['the line\'s var-file packer/ok/ok.pkrvars.hcl does not exist: …']
 */
export function findQueueProblems(config: Pick<LoadedConfig, 'executors' | 'records' | 'packer'>, entry: MatrixEntry, options: { signer: boolean }): string[] {
  const problems: string[] = [];
  const records = recordsProblem(config.records);
  if (records) problems.push(records);
  if (!options.signer) problems.push('no signing key: set GOLDSMITH_SIGNING_KEY or signing.key in goldsmith.yaml (create one with "goldsmith keygen --out DIR"); otherwise the build would run and nothing be sealed');
  const executor = executorProblemOf(config, entry);
  if (executor) problems.push(executor);
  if (executorKindOf(config.executors, entry.key) === 'local') problems.push(...missingVarFiles(config as LoadedConfig, entry, 'all'));
  return problems;
}
