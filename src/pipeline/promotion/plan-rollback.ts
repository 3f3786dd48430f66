import { activeRevocation, describeRevocation } from '../../evidence/find-revocation.js';
import { formatTimestamp } from '../../evidence/layout.js';
import type { PromotionRun } from '../../evidence/run-schema.js';
import { templateNamesOf } from '../stores/template-names.js';
import type { CheckedPlan } from './plan-promote.js';
import type { PromotionSession } from './promotion-session.js';
import { PromotionError, type Promotion } from './promotion-types.js';

/** The build record whose template a promotion installed as `ref` (in this store), from the journal. */
function buildInstalledAs(session: PromotionSession, line: string, ref: string): PromotionRun['build'] {
  const promoted = session.journal
    .list({ line, limit: 200 })
    .find(
      (row) =>
        row.action === 'promote' &&
        row.state === 'succeeded' &&
        row.plan?.store === session.store.identity &&
        row.plan.ops.some((op) => op.kind === 'rename' && op.key === 'rename-build' && op.ref === ref),
    );
  return promoted?.build ?? null;
}

/**
 * The check step of a rollback: changes nothing. `<base>-prev` must exist,
 * once, and not be a revoked build (when the journal knows which build it
 * is). Fixes the plan: rename `<base>` to `<base>-rolledback-<ts>` (kept,
 * so nothing is lost), rename `<base>-prev` to `<base>`, verify.
 *
 * @example
 * const { plan } = await planRollback(session, promotion);
 */
export async function planRollback(session: PromotionSession, promotion: Promotion): Promise<CheckedPlan> {
  const { store } = session;
  const names = templateNamesOf(promotion.baseName);
  const prev = await store.find(names.prev);
  if (!prev) {
    throw new PromotionError(
      'refused',
      `${promotion.line} has no ${names.prev} in ${store.location} to roll back to (there is one only after a second promotion, and none right after a rollback); nothing was changed`,
      promotion.id,
    );
  }
  const base = await store.find(names.base);
  let rolledBack = names.rolledBack(formatTimestamp(new Date(promotion.startedAt)));
  for (let n = 2; await store.find(rolledBack); n += 1) rolledBack = `${names.rolledBack(formatTimestamp(new Date(promotion.startedAt)))}-${n}`;
  const build = buildInstalledAs(session, promotion.line, prev.ref);
  // Rolling back installs <base>-prev again: a revoked build is not put back either.
  const revoked = build ? activeRevocation(session.config.records, promotion.line, build.sums_sha256) : undefined;
  if (build && revoked) throw new PromotionError('refused', `${names.prev} is the build ${describeRevocation(build.record, revoked)}; nothing was changed`, promotion.id);
  return {
    plan: {
      store: store.identity,
      ops: [
        { key: 'set-aside-base', name: `rename ${names.base} to ${rolledBack}`, kind: 'rename', ref: base?.ref ?? null, from: names.base, to: rolledBack, optional: true, absent: `no ${names.base} to set aside` },
        { key: 'restore-prev', name: `rename ${names.prev} to ${names.base}`, kind: 'rename', ref: prev.ref, from: names.prev, to: names.base, optional: false, absent: '' },
        { key: 'verify', name: 'verify', kind: 'verify', template: names.base },
      ],
    },
    build,
    detail: [
      `${names.prev} is ${prev.ref}${build ? `, promoted from ${build.record}` : ''}`,
      base ? `${names.base} is ${base.ref} and will be kept as ${rolledBack}` : `no ${names.base}`,
    ].join('; '),
  };
}
