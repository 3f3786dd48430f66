import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, recordPathOf, RUN_FILE, TIMESTAMP_PATTERN } from './layout.js';
import { buildRunSchema, promotionRunSchema, type BuildRun } from './run-schema.js';

/** The build a line's template was made from, as its newest promotion record says. */
export interface LiveBuild {
  /** The newest promotion or rollback record of the line that names a build. */
  promotion: string;
  /** `builds/<line>/<ts>` and the SHA-256 of its SHA256SUMS, as the promotion names them. */
  build: { record: string; sums_sha256: string };
  /** The build record's run.json, when it is still there and still hashes as promoted. */
  run: BuildRun | undefined;
}

/**
 * The live template of a line, from the records alone: the build named by
 * the line's newest promotion record (a promotion, or a rollback that knew
 * which build it restored). Undefined when the line was never promoted.
 *
 * @example
 * readLiveBuild('records', 'ubuntu-24.04')?.build.record // 'builds/ubuntu-24.04/20261124T090300Z'
 */
export function readLiveBuild(root: string, line: string): LiveBuild | undefined {
  const parent = join(root, KIND_FOLDERS.promotion, line);
  if (!existsSync(parent)) return undefined;
  let newest: { seq: number; promotion: string; build: { record: string; sums_sha256: string } } | undefined;
  for (const ts of readdirSync(parent).filter((name) => TIMESTAMP_PATTERN.test(name))) {
    const promotion = recordPathOf('promotion', line, ts);
    const parsed = promotionRunSchema.safeParse(JSON.parse(readFileSync(join(root, promotion, RUN_FILE), 'utf8')));
    if (!parsed.success || !parsed.data.build) continue;
    if (!newest || parsed.data.seq > newest.seq) newest = { seq: parsed.data.seq, promotion, build: parsed.data.build };
  }
  if (!newest) return undefined;
  const { promotion, build } = newest;
  let run: BuildRun | undefined;
  try {
    const sums = readFileSync(join(root, build.record, 'SHA256SUMS'));
    const parsed = buildRunSchema.safeParse(JSON.parse(readFileSync(join(root, build.record, RUN_FILE), 'utf8')));
    if (parsed.success && createHash('sha256').update(sums).digest('hex') === build.sums_sha256) run = parsed.data;
  } catch {
    // The build record went away or changed: the audit says so; the age is then unknown.
  }
  return { promotion, build, run };
}
