import { activeRevocation, describeRevocation } from '../../evidence/find-revocation.js';
import type { PromotionRun } from '../../evidence/run-schema.js';
import { templateNamesOf } from '../stores/template-names.js';
import type { PromotionSession } from './promotion-session.js';
import { PromotionError, type Promotion, type PromotionPlan } from './promotion-types.js';
import { readLatestBuild } from './read-latest-build.js';

/** What the check step decided: the plan, the build promoted, and what it saw. */
export interface CheckedPlan {
  plan: PromotionPlan;
  build: PromotionRun['build'];
  detail: string;
}

const refuse = (promotion: Promotion, message: string): never => {
  throw new PromotionError('refused', `${message}; nothing was changed`, promotion.id);
};

/**
 * The check step of a promotion: changes nothing. The line's latest build
 * record must not be revoked (its newest revocation record), must still hash to the approved digest (when one was given);
 * `<base>-build` must exist, once, be ready to be the line's template, be
 * what that record built (the store's own check: a template's name, an
 * image's SHA-256), and be the very one
 * goldsmith's queue built, when it was. Then fixes the plan: destroy
 * `<base>-prev`, rename `<base>` to `<base>-prev`, rename `<base>-build` to
 * `<base>`, verify.
 *
 * @example
 * const { plan, build } = await planPromote(session, promotion);
 */
export async function planPromote(session: PromotionSession, promotion: Promotion): Promise<CheckedPlan> {
  const { store, journal, config } = session;
  const names = templateNamesOf(promotion.baseName);
  const { line } = promotion;
  const latest = readLatestBuild(config.records, line);
  if (!latest) return refuse(promotion, `${line} has no build record in ${config.records}: build it first (goldsmith build ${line} --wait)`);
  // Every door (CLI, Slack, a pull request's /promote) plans here: a revoked build is refused for all of them.
  const revoked = activeRevocation(config.records, line, latest.sumsSha256);
  if (revoked) return refuse(promotion, describeRevocation(latest.record, revoked));
  if (promotion.expectedSums && latest.sumsSha256 !== promotion.expectedSums) {
    return refuse(
      promotion,
      `the latest build record of ${line} is ${latest.record}, whose SHA256SUMS has SHA-256 ${latest.sumsSha256}, not the approved ${promotion.expectedSums}: ` +
        'a newer build was sealed or the record changed after approval. Review and approve the latest build',
    );
  }
  const build = await store.find(names.build);
  if (!build) return refuse(promotion, `there is no ${names.build} in ${store.location} to promote: build the line first (goldsmith build ${line} --wait)`);
  const info = await store.describe(build);
  if (!info) return refuse(promotion, `${build.path} (${build.ref}) disappeared while it was checked: rebuild the line`);
  if (!info.ready) return refuse(promotion, `${build.path} (${build.ref}) ${info.notReady ?? `is ${info.kind}, not ready to be ${names.base}`}`);
  const candidate = await store.checkCandidate(info, { record: latest.record, run: latest.run });
  if (!candidate.ok) return refuse(promotion, candidate.message);
  const known = journal.lineBuild(line);
  const ours = known?.state === 'built' && known.record === latest.record && known.ref !== null;
  if (ours && known.ref !== build.ref) {
    return refuse(
      promotion,
      `${build.path} is ${build.ref}, but job ${known.jobId} built ${known.ref} for ${latest.record}: it was replaced outside goldsmith. Rebuild the line (goldsmith build ${line} --wait) and promote the new record`,
    );
  }
  const base = await store.find(names.base);
  const prev = await store.find(names.prev);
  const plan: PromotionPlan = {
    store: store.identity,
    ops: [
      { key: 'destroy-prev', name: `destroy ${names.prev}`, kind: 'destroy', ref: prev?.ref ?? null, target: names.prev, absent: `no ${names.prev}` },
      { key: 'rename-base', name: `rename ${names.base} to ${names.prev}`, kind: 'rename', ref: base?.ref ?? null, from: names.base, to: names.prev, optional: true, absent: `no ${names.base} yet: first promotion of ${line}` },
      { key: 'rename-build', name: `rename ${names.build} to ${names.base}`, kind: 'rename', ref: build.ref, from: names.build, to: names.base, optional: false, absent: '' },
      { key: 'verify', name: 'verify', kind: 'verify', template: names.base },
    ],
  };
  const detail = [
    `${names.build} is ${build.ref}, ${info.kind}${ours ? ` built by job ${known.jobId}` : ' (not built by the job queue, so not matched to a job)'}`,
    ...(candidate.detail ? [candidate.detail] : []),
    `build record ${latest.record}, SHA256SUMS SHA-256 ${latest.sumsSha256}${promotion.expectedSums ? ' (as approved)' : ''}`,
    base ? `${names.base} is ${base.ref}` : `no ${names.base} yet`,
    prev ? `${names.prev} is ${prev.ref}` : `no ${names.prev}`,
  ].join('; ');
  return { plan, build: { record: latest.record, sums_sha256: latest.sumsSha256 }, detail };
}
