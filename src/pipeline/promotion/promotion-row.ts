import type { PromotionRun, Requester } from '../../evidence/run-schema.js';
import type { PlannedOp, Promotion, PromotionAction, PromotionPlan } from './promotion-types.js';

/** A row of the `promotions` table, as SQLite returns it. */
export interface PromotionRow {
  id: number;
  line: string;
  action: PromotionAction;
  base_name: string;
  folder: string;
  platform: string;
  state: Promotion['state'];
  direction: Promotion['direction'];
  requester_source: Requester['source'];
  requester_user: string;
  approvers: string;
  pull_request: string | null;
  expected_sums: string | null;
  build_record: string | null;
  build_sums: string | null;
  plan: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  started_at: string;
  finished_at: string | null;
  reason: string | null;
  record_path: string | null;
  log_path: string | null;
}

/** A stored plan, read by this version: plans journaled before stores were plug-ins said `vcenter` and `moref`. */
function planOf(json: string | null): PromotionPlan | null {
  if (!json) return null;
  const stored = JSON.parse(json) as { store?: string; vcenter?: string; ops: Array<Record<string, unknown>> };
  return {
    store: stored.store ?? stored.vcenter ?? '',
    ops: stored.ops.map((op) => (op.kind === 'verify' || 'ref' in op ? op : { ...op, ref: op.moref ?? null }) as PlannedOp),
  };
}

/** A promotion as the engine sees it. */
export const toPromotion = (row: PromotionRow): Promotion => ({
  id: row.id,
  line: row.line,
  action: row.action,
  baseName: row.base_name,
  platform: row.platform,
  location: row.folder,
  state: row.state,
  direction: row.direction,
  requester: { source: row.requester_source, user: row.requester_user },
  approvers: JSON.parse(row.approvers) as Requester[],
  pullRequest: row.pull_request ? (JSON.parse(row.pull_request) as PromotionRun['pull_request']) : null,
  expectedSums: row.expected_sums,
  build: row.build_record && row.build_sums ? { record: row.build_record, sums_sha256: row.build_sums } : null,
  plan: planOf(row.plan),
  ownerPid: row.owner_pid,
  ownerHost: row.owner_host,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  reason: row.reason,
  recordPath: row.record_path,
  logPath: row.log_path,
});
