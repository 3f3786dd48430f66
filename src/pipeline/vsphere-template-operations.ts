import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { promotionRunSchema } from '../evidence/run-schema.js';
import type { RecordSigner } from '../evidence/write-record.js';
import { rollbackLine } from './promotion/rollback-line.js';
import type { LineTemplates, TemplateOperations } from './template-operations.js';
import { listTemplates } from './vsphere/list-templates.js';
import type { Settings } from '../config/settings.js';

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
 * The bots' view of the vSphere template store: `/image list` reads the
 * line's templates through govc and its last promotion from the records;
 * `/image rollback` runs the journaled rollback and seals its record.
 *
 * @example
 * await startServe(config, { templates: vsphereTemplateOperations({ config, signer, settings }) });
 */
export function vsphereTemplateOperations(options: { config: LoadedConfig; signer: RecordSigner; settings: Settings }): TemplateOperations {
  const { config, signer, settings } = options;
  return {
    async templates(line) {
      const lastPromotion = lastPromotionOf(config.records, line);
      try {
        const [found] = await listTemplates({ config, settings, selector: line });
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
