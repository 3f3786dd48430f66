import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, LATEST_LINK, recordPathOf, RUN_FILE, SUMS_FILE, TIMESTAMP_PATTERN } from '../../evidence/layout.js';
import type { BuildRun } from '../../evidence/run-schema.js';

/** The newest sealed build of a line: what a promotion promotes. */
export interface LatestBuild {
  /** Path under the records root, such as `builds/sim-ubuntu-24.04/20261124T090300Z`. */
  record: string;
  /** SHA-256 of its SHA256SUMS: what an approval binds to. */
  sumsSha256: string;
  run: BuildRun;
}

/**
 * Reads `builds/<line>/latest` of a records folder; undefined when the line
 * has no build record yet.
 *
 * @example
 * readLatestBuild('records', 'sim-ubuntu-24.04')?.sumsSha256 // '3f5a…'
 */
export function readLatestBuild(root: string, line: string): LatestBuild | undefined {
  const link = join(root, KIND_FOLDERS.build, line, LATEST_LINK);
  if (!existsSync(link)) return undefined;
  const ts = readlinkSync(link);
  if (!TIMESTAMP_PATTERN.test(ts)) throw new Error(`${link} points to "${ts}", not a record timestamp; run "goldsmith audit ${root}"`);
  const record = recordPathOf('build', line, ts);
  const sums = readFileSync(join(root, record, SUMS_FILE));
  const run = JSON.parse(readFileSync(join(root, record, RUN_FILE), 'utf8')) as BuildRun;
  if (run.kind !== 'build' || run.line !== line) throw new Error(`${record}/${RUN_FILE} is not a build record of ${line}; run "goldsmith audit ${root}"`);
  return { record, sumsSha256: createHash('sha256').update(sums).digest('hex'), run };
}
