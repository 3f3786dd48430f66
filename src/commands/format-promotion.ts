import type { PromotionOutcome } from '../pipeline/promotion/run-promotion.js';
import type { PromotionProgress } from '../pipeline/promotion/promotion-session.js';

/**
 * Live progress for promotions and rollbacks: a heading, then one line as
 * each step ends.
 *
 * @example
 * await promoteLine({ ..., onProgress: printPromotionSteps(process.stdout) });
 */
export function printPromotionSteps(stdout: NodeJS.WritableStream): PromotionProgress {
  const headed = new Set<number>();
  return (promotion, step) => {
    if (!headed.has(promotion.id)) {
      headed.add(promotion.id);
      stdout.write(`${promotion.action} ${promotion.line} (promotion ${promotion.id}, ${promotion.baseName} in ${promotion.folder})\n`);
    }
    if (step.phase === 'started') return;
    stdout.write(`  ${step.phase.padEnd(8)} ${step.name}${step.detail ? `: ${step.detail}` : ''}\n`);
  };
}

/** The closing lines of a completed promotion or rollback. */
export function formatPromotionOutcome(outcome: PromotionOutcome & { resumed?: boolean }, records: string): string {
  const { promotion, record } = outcome;
  const verb = promotion.action === 'promote' ? 'promoted' : 'rolled back';
  return (
    `${outcome.resumed ? 'finished the interrupted promotion: ' : ''}${verb} ${promotion.line}: ${promotion.baseName} is now ` +
    `${promotion.action === 'promote' ? `the build of ${promotion.build?.record ?? '(unknown record)'}` : `the previous template${promotion.build ? `, built by ${promotion.build.record}` : ''}`}\n` +
    `  record ${record.record} (seq ${record.seq}), SHA256SUMS SHA-256 ${record.sumsSha256}\n` +
    `verify: goldsmith audit ${records}\n`
  );
}
