import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, RUN_FILE, SUMS_FILE, TIMESTAMP_PATTERN } from '../../evidence/layout.js';
import type { PromotionRun } from '../../evidence/run-schema.js';
import type { WrittenRecord } from '../../evidence/write-record.js';

/** How many of the line's newest promotion records to look through. */
const LOOK_BACK = 20;

/**
 * The record a promotion already sealed, if any: after a crash between
 * sealing and journaling it, resuming must not seal it twice. Matched on the
 * promotion's `job_id` and start time.
 *
 * @example
 * findSealedPromotion('records', 'sim-ubuntu-24.04', 'promotion-3', '2026-11-24T10:00:00Z')
 */
export function findSealedPromotion(root: string, line: string, jobId: string, startedAt: string): WrittenRecord | undefined {
  const parent = join(root, KIND_FOLDERS.promotion, line);
  if (!existsSync(parent)) return undefined;
  const names = readdirSync(parent)
    .filter((name) => TIMESTAMP_PATTERN.test(name))
    .sort()
    .reverse()
    .slice(0, LOOK_BACK);
  for (const ts of names) {
    const folder = join(parent, ts);
    let run: PromotionRun;
    try {
      run = JSON.parse(readFileSync(join(folder, RUN_FILE), 'utf8')) as PromotionRun;
    } catch {
      continue;
    }
    if (run.kind !== 'promotion' || run.job_id !== jobId || run.started_at !== startedAt) continue;
    const sums = readFileSync(join(folder, SUMS_FILE));
    return {
      record: run.record,
      path: folder,
      seq: run.seq,
      ts,
      sumsSha256: createHash('sha256').update(sums).digest('hex'),
      log: { sha256: run.log.sha256, size: run.log.size },
    };
  }
  return undefined;
}
