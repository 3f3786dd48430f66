import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A promotion record's run.json, as the tests look at it. */
export type PromotionRun = Record<string, unknown> & { action: string; record: string; job_id: string; steps: Array<{ name: string; result: string }> };

/**
 * The run.json of every promotion record of `line` under `records`, oldest
 * first (none when the line has no promotion yet).
 *
 * @example
 * readPromotionRuns(config.records, 'sim-ubuntu-24.04').map((run) => run.action) // ['promote', 'rollback']
 */
export function readPromotionRuns(records: string, line: string): PromotionRun[] {
  const parent = join(records, 'promotions', line);
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(parent, name, 'run.json'), 'utf8')) as PromotionRun);
}

/**
 * Every file under `dir`, read as one text ('' when there is no folder): where a
 * secret must never be found.
 *
 * @example
 * expect(readTree(config.records)).not.toContain(secret);
 */
export function readTree(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'))
    .join('\n');
}
