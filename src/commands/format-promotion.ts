import type { PromotionPreview } from '../pipeline/promotion/plan-promotion.js';
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
      stdout.write(`${promotion.action} ${promotion.line} (promotion ${promotion.id}, ${promotion.baseName} in ${promotion.location})\n`);
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

/**
 * A dry run of a promotion or rollback: what the check found, then each step
 * it would take, numbered, with the template it would act on; or why it
 * would be refused. Says that nothing was changed.
 *
 * @example
 * stdout.write(formatPromotionPreview(await planPromotion('promote', request)));
 */
export function formatPromotionPreview(preview: PromotionPreview): string {
  const lines = [`dry run: ${preview.action} ${preview.line} (${preview.baseName} in the ${preview.where}); nothing was changed`];
  if (preview.busy) lines.push(`  note: ${preview.busy}`);
  if (!preview.checked.ok) {
    lines.push(`  check: refused: ${preview.checked.message}`);
    return `${lines.join('\n')}\n`;
  }
  const { plan, detail, build } = preview.checked.plan;
  lines.push(`  check: ${detail}`);
  plan.ops.forEach((op, index) => {
    const what = op.kind === 'verify' ? `verify ${op.template}` : op.ref === null ? `${op.name}: skipped (${op.absent})` : `${op.name} (${op.ref})`;
    lines.push(`  step ${index + 1}: ${what}`);
  });
  lines.push(`  then: seal a ${preview.action === 'promote' ? 'promotion' : 'rollback'} record${build ? ` naming ${build.record} (SHA256SUMS SHA-256 ${build.sums_sha256})` : ''}`);
  lines.push(`run it: goldsmith ${preview.action} ${preview.line}`);
  return `${lines.join('\n')}\n`;
}
