import type { LoadedConfig } from '../../config/load-config.js';
import type { PromotionDetails, PromotionStep } from '../../evidence/run-schema.js';
import { writeRecord, type RecordSigner, type WrittenRecord } from '../../evidence/write-record.js';
import type { TemplateStore } from '../stores/template-store.js';
import type { Promotion } from './promotion-types.js';
import type { Settings } from '../../config/settings.js';

/** ISO 8601 UTC to the second, as run.json has it. */
export function isoSeconds(value: string | Date): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The `job_id` a promotion record carries: the journal's id, told apart from build job numbers. */
export function promotionJobId(promotion: Pick<Promotion, 'id'>): string {
  return `promotion-${promotion.id}`;
}

export interface SealPromotionOptions {
  config: LoadedConfig;
  promotion: Promotion;
  steps: PromotionStep[];
  /** The store the promotion ran in: it describes the target, and its credentials are refused in the record. */
  store: Pick<TemplateStore, 'describeTarget' | 'secrets'>;
  /** promote.log: every store operation and its output, already scrubbed. */
  log: string;
  signer: RecordSigner;
  settings: Settings;
}

/**
 * Seals the record of a completed promotion or rollback: who asked, who
 * approved, the build it promoted (by its SHA256SUMS digest), each step's
 * result, the store's description of the target, and promote.log. The
 * store's own credentials and every configured secret are
 * refused in the record.
 *
 * @example
 * const record = await sealPromotion({ config, promotion, steps, store, log: 'promote.log', signer, settings });
 */
export async function sealPromotion(options: SealPromotionOptions): Promise<WrittenRecord> {
  const { promotion, store } = options;
  const details: PromotionDetails = {
    action: promotion.action,
    line: promotion.line,
    job_id: promotionJobId(promotion),
    requested_by: promotion.requester,
    approved_by: promotion.approvers,
    started_at: isoSeconds(promotion.startedAt),
    finished_at: isoSeconds(new Date()),
    build: promotion.build,
    pull_request: promotion.pullRequest,
    target: store.describeTarget(promotion.baseName),
    steps: options.steps,
  };
  return writeRecord({
    root: options.config.records,
    signer: options.signer,
    content: { kind: 'promotion', details, log: options.log },
    secrets: [...options.settings.credentials(options.config.secret_env, options.config.baseDir), ...store.secrets],
  });
}
