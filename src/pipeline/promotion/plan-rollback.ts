import { formatTimestamp } from '../../evidence/layout.js';
import type { PromotionRun } from '../../evidence/run-schema.js';
import { templateNamesOf } from '../vsphere/template-names.js';
import type { CheckedPlan } from './plan-promote.js';
import type { PromotionSession } from './promotion-session.js';
import { PromotionError, type Promotion } from './promotion-types.js';

/** The build record whose template a promotion installed as `moref`, from the journal. */
function buildInstalledAs(session: PromotionSession, line: string, moref: string): PromotionRun['build'] {
  const promoted = session.journal
    .list({ line, limit: 200 })
    .find((row) => row.action === 'promote' && row.state === 'succeeded' && row.plan?.ops.some((op) => op.kind === 'rename' && op.key === 'rename-build' && op.moref === moref));
  return promoted?.build ?? null;
}

/**
 * The check step of a rollback: changes nothing. `<base>-prev` must exist,
 * once. Fixes the plan: rename `<base>` to `<base>-rolledback-<ts>` (kept,
 * so nothing is lost), rename `<base>-prev` to `<base>`, verify.
 *
 * @example
 * const { plan } = await planRollback(session, promotion);
 */
export async function planRollback(session: PromotionSession, promotion: Promotion): Promise<CheckedPlan> {
  const { templates } = session;
  const names = templateNamesOf(promotion.baseName);
  const prev = await templates.find(names.prev);
  if (!prev) {
    throw new PromotionError(
      'refused',
      `${promotion.line} has no ${names.prev} in ${templates.folder} to roll back to (there is one only after a second promotion, and none right after a rollback); nothing was changed`,
      promotion.id,
    );
  }
  const base = await templates.find(names.base);
  let rolledBack = names.rolledBack(formatTimestamp(new Date(promotion.startedAt)));
  for (let n = 2; await templates.find(rolledBack); n += 1) rolledBack = `${names.rolledBack(formatTimestamp(new Date(promotion.startedAt)))}-${n}`;
  const build = buildInstalledAs(session, promotion.line, prev.moref);
  return {
    plan: {
      vcenter: session.connection.vcenter,
      ops: [
        { key: 'set-aside-base', name: `rename ${names.base} to ${rolledBack}`, kind: 'rename', moref: base?.moref ?? null, from: names.base, to: rolledBack, optional: true, absent: `no ${names.base} to set aside` },
        { key: 'restore-prev', name: `rename ${names.prev} to ${names.base}`, kind: 'rename', moref: prev.moref, from: names.prev, to: names.base, optional: false, absent: '' },
        { key: 'verify', name: 'verify', kind: 'verify', template: names.base },
      ],
    },
    build,
    detail: [
      `${names.prev} is ${prev.moref}${build ? `, promoted from ${build.record}` : ''}`,
      base ? `${names.base} is ${base.moref} and will be kept as ${rolledBack}` : `no ${names.base}`,
    ].join('; '),
  };
}
