import type { LoadedConfig } from '../../config/load-config.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { promoteLine } from '../../pipeline/promotion/promote-line.js';
import { rollbackLine } from '../../pipeline/promotion/rollback-line.js';
import type { PromotionOutcome as PipelineOutcome } from '../../pipeline/promotion/run-promotion.js';
import type { PromotionActions, PromotionOutcome } from './promotion-actions.js';
import type { Settings } from '../../config/settings.js';

export interface StorePromotionOptions {
  config: LoadedConfig;
  signer: RecordSigner;
  /** What the stores connect with (GOVC_* for vSphere); never posted or logged. */
  settings: Settings;
}

/** One line for the pull request: what each step did. */
function summarize(outcome: PipelineOutcome & { resumed: boolean }): PromotionOutcome {
  const steps = outcome.steps.map((step) => `${step.name} (${step.result})`).join(', ');
  const { promotion } = outcome;
  return { record: outcome.record, summary: `${outcome.resumed ? 'finished an interrupted run: ' : ''}${promotion.baseName} in ${promotion.location}: ${steps}` };
}

/**
 * The app's promotion and rollback, each line in its platform's template
 * store (src/pipeline/promotion): journaled steps, then the sealed promotion
 * record. The approved digest is passed on, so the pipeline itself refuses a
 * build record that changed after approval (or a newer build of the line);
 * so is the approval's line lock, which the promotion runs under.
 *
 * @example
 * const promotion = storePromotionActions({ config, signer, settings });
 * await createGitHubApp({ ..., promotion });
 */
export function storePromotionActions(options: StorePromotionOptions): PromotionActions {
  const { config, signer, settings } = options;
  return {
    async promote(input) {
      const outcome = await promoteLine({
        config,
        signer,
        settings,
        line: input.line,
        requestedBy: input.requestedBy,
        approvedBy: input.approvedBy,
        pullRequest: input.pullRequest,
        expectedSums: input.expectedBuildSha256,
        underLock: input.lineLock,
      });
      return summarize(outcome);
    },
    async rollback(input) {
      const outcome = await rollbackLine({
        config,
        signer,
        settings,
        line: input.line,
        requestedBy: input.requestedBy,
        approvedBy: [input.requestedBy],
        pullRequest: input.pullRequest ?? undefined,
        underLock: input.lineLock,
      });
      return summarize(outcome);
    },
  };
}
