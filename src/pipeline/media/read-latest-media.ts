import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, LINE_PATTERN, RUN_FILE, SUMS_FILE, TIMESTAMP_PATTERN } from '../../evidence/layout.js';
import { mediaRunSchema, type MediaRun } from '../../evidence/run-schema.js';

/** The newest media record of a line. */
export interface LatestMedia {
  /** Such as `media/ubuntu-24.04/20261130T060000Z`. */
  record: string;
  /** SHA-256 of its SHA256SUMS: what a build record refers to. */
  sumsSha256: string;
  run: MediaRun;
}

/**
 * Reads the newest media record of `line` (the greatest timestamp under
 * `media/<line>/`); undefined when the line has none. A record that does not
 * parse is an error naming it: the chain needs an audit.
 *
 * @example
 * readLatestMedia('records', 'ubuntu-24.04')?.run.iso.sha256 // 'c3514b…'
 */
export function readLatestMedia(root: string, line: string): LatestMedia | undefined {
  if (!LINE_PATTERN.test(line)) return undefined;
  const parent = join(root, KIND_FOLDERS.media, line);
  if (!existsSync(parent)) return undefined;
  const ts = readdirSync(parent).filter((name) => TIMESTAMP_PATTERN.test(name)).sort().at(-1);
  if (!ts) return undefined;
  const record = `${KIND_FOLDERS.media}/${line}/${ts}`;
  const parsed = mediaRunSchema.safeParse(JSON.parse(readFileSync(join(root, record, RUN_FILE), 'utf8')));
  if (!parsed.success || parsed.data.line !== line) throw new Error(`${record}/${RUN_FILE} is not a media record of ${line}; run "goldsmith audit ${root}"`);
  const sumsSha256 = createHash('sha256').update(readFileSync(join(root, record, SUMS_FILE))).digest('hex');
  return { record, sumsSha256, run: parsed.data };
}
