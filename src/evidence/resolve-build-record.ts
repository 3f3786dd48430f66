import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, LATEST_LINK, recordPathOf, RUN_FILE, SUMS_FILE, TIMESTAMP_PATTERN } from './layout.js';
import { buildRunSchema, type BuildRun } from './run-schema.js';

/** A build record found by what a user typed. */
export interface ResolvedBuild {
  record: string;
  sumsSha256: string;
  run: BuildRun;
}

/**
 * Finds a build record of `line` from what a user names it by: `latest`,
 * its timestamp (`20261124T090300Z`, any case), or its path
 * (`builds/<line>/<ts>`). Returns the problem in words (naming the fix)
 * when there is no such record.
 *
 * @example
 * resolveBuildRecord('records', 'ubuntu-24.04', 'latest') // { ok: true, build: { record: 'builds/ubuntu-24.04/20261124T090300Z', … } }
 */
export function resolveBuildRecord(root: string, line: string, selector: string): { ok: true; build: ResolvedBuild } | { ok: false; message: string } {
  const folder = `${KIND_FOLDERS.build}/${line}`;
  const hint = `name it as latest, its timestamp (YYYYMMDDTHHMMSSZ) or its path ${folder}/<ts>; the records are in ${join(root, folder)}`;
  let ts: string;
  if (selector.toLowerCase() === LATEST_LINK) {
    const link = join(root, folder, LATEST_LINK);
    if (!existsSync(link)) return { ok: false, message: `${line} has no build record yet (no ${folder}/${LATEST_LINK})` };
    ts = readlinkSync(link);
  } else {
    const path = /^builds\/([^/]+)\/([^/]+)\/?$/.exec(selector);
    if (path && path[1] !== line) return { ok: false, message: `${selector} is a build record of ${path[1]}, not of ${line}` };
    ts = (path ? path[2]! : selector).toUpperCase();
  }
  if (!TIMESTAMP_PATTERN.test(ts)) return { ok: false, message: `"${selector}" does not name a build record: ${hint}` };
  const record = recordPathOf('build', line, ts);
  if (!existsSync(join(root, record, RUN_FILE))) return { ok: false, message: `there is no build record ${record}: ${hint}` };
  const parsed = buildRunSchema.safeParse(JSON.parse(readFileSync(join(root, record, RUN_FILE), 'utf8')));
  if (!parsed.success || parsed.data.line !== line) return { ok: false, message: `${record}/${RUN_FILE} is not a build record of ${line}; run "goldsmith audit ${root}"` };
  const sumsSha256 = createHash('sha256').update(readFileSync(join(root, record, SUMS_FILE))).digest('hex');
  return { ok: true, build: { record, sumsSha256, run: parsed.data } };
}
