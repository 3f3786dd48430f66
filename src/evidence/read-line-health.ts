import type { MatrixEntry } from '../config/matrix-schema.js';
import { activeRevocation, type RevocationRecord } from './find-revocation.js';
import { readLiveBuild, type LiveBuild } from './read-live-build.js';

/** What the records say of a line's live template: which build it is, whether it is revoked, how old it is. */
export interface LineHealth {
  line: string;
  /** The build named by the line's newest promotion record; undefined when never promoted. */
  live: LiveBuild | undefined;
  /** The revocation in force for the live build, if any. */
  revoked: RevocationRecord | undefined;
  /** Whole days since the live build finished; undefined when unknown (never promoted, build record gone). */
  ageDays: number | undefined;
  /** The line's max_age_days, when it sets one. */
  maxAgeDays: number | undefined;
  /** True when the live template is older than max_age_days. */
  expired: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Reads a line's live template from the records alone (no template store is
 * asked, so status, metrics and the schedule can afford it): the build the
 * newest promotion record names, whether a revocation is in force for it,
 * and its age, counted from that build's `finished_at`, against the line's
 * `max_age_days`.
 *
 * @example
 * const health = readLineHealth('records', entry, new Date());
 * if (health.expired) console.log(`${health.line}: ${health.ageDays} days old, limit ${health.maxAgeDays}`);
 */
export function readLineHealth(records: string, entry: MatrixEntry, now: Date): LineHealth {
  const live = readLiveBuild(records, entry.key);
  const revoked = live ? activeRevocation(records, entry.key, live.build.sums_sha256) : undefined;
  const finished = live?.run ? Date.parse(live.run.finished_at) : NaN;
  const ageDays = Number.isFinite(finished) ? Math.max(0, Math.floor((now.getTime() - finished) / DAY_MS)) : undefined;
  const maxAgeDays = entry.max_age_days;
  const expired = maxAgeDays !== undefined && Number.isFinite(finished) && now.getTime() - finished > maxAgeDays * DAY_MS;
  return { line: entry.key, live, revoked, ageDays, maxAgeDays, expired };
}

/**
 * One line of words for a line whose live template needs attention, or
 * undefined when it does not: `ubuntu-24.04: live template builds/… is revoked by revocations/… (reason)`.
 *
 * @example
 * describeLineHealth(health) // 'debian-12: live template builds/debian-12/20261001T020000Z is 62 days old (max_age_days 30): expired'
 */
export function describeLineHealth(health: LineHealth): string | undefined {
  const parts: string[] = [];
  if (health.revoked) parts.push(`is revoked by ${health.revoked.record} (${health.revoked.run.reason})`);
  if (health.expired) parts.push(`is ${health.ageDays} days old (max_age_days ${health.maxAgeDays}): expired`);
  if (parts.length === 0 || !health.live) return undefined;
  return `${health.line}: live template ${health.live.build.record} ${parts.join(' and ')}`;
}
