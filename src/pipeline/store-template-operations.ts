import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { Matrix } from '../config/matrix-schema.js';
import type { Settings } from '../config/settings.js';
import { promotionRunSchema } from '../evidence/run-schema.js';
import type { RecordSigner } from '../evidence/write-record.js';
import { rollbackLine } from './promotion/rollback-line.js';
import { listLineTemplates } from './stores/list-line-templates.js';
import { templatePlatformOf } from './stores/registry.js';
import type { LineTemplates, TemplateOperations } from './template-operations.js';

/** The newest promotion or rollback record of a line, from the records folder. */
function lastPromotionOf(records: string, line: string): LineTemplates['lastPromotion'] {
  const dir = join(records, 'promotions', line);
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir).filter((name) => /^\d{8}T\d{6}Z$/.test(name)).sort().at(-1);
  if (!newest) return null;
  const run = promotionRunSchema.safeParse(JSON.parse(readFileSync(join(dir, newest, 'run.json'), 'utf8')));
  if (!run.success) return null;
  return {
    at: run.data.finished_at,
    kind: run.data.action === 'promote' ? 'promotion' : 'rollback',
    by: run.data.approved_by.map((who) => who.user).join(', ') || run.data.requested_by.user,
    pullRequest: run.data.pull_request?.url,
  };
}

/**
 * The bots' view of the template stores, each line on its platform's:
 * `/image list` reads the line's templates from its store and its last
 * promotion from the records; `/image rollback` runs the journaled rollback
 * and seals its record. A line whose platform keeps no templates says so.
 *
 * @example
 * await startServe(config, { templates: storeTemplateOperations({ config, signer, settings, matrix }) });
 */
export function storeTemplateOperations(options: { config: LoadedConfig; signer: RecordSigner; settings: Settings; matrix?: Matrix }): TemplateOperations {
  const { config, signer, settings } = options;
  return {
    async templates(line) {
      const lastPromotion = lastPromotionOf(config.records, line);
      const platform = options.matrix?.find((entry) => entry.key === line)?.platform;
      // One note for every line without a store, not one per line.
      if (platform && !templatePlatformOf(platform)) return { current: null, previous: null, candidate: null, lastPromotion, note: `lines of platform "${platform}" keep no templates` };
      try {
        const [found] = await listLineTemplates({ config, settings, selector: line });
        const named = (role: string) => found?.templates.find((template) => template.role === role)?.name ?? null;
        return { current: named('base'), previous: named('prev'), candidate: named('build'), lastPromotion };
      } catch (error) {
        return { current: null, previous: null, candidate: null, lastPromotion, note: (error as Error).message };
      }
    },
    async rollback(line, requester) {
      const outcome = await rollbackLine({ config, signer, settings, line, requestedBy: requester, approvedBy: [requester] });
      return { summary: `rolled back ${line}: ${outcome.steps.map((step) => `${step.name} (${step.result})`).join(', ')}; record ${outcome.record.record}` };
    },
  };
}
