import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, LINE_PATTERN, RUN_FILE, TIMESTAMP_PATTERN } from '../evidence/layout.js';
import { revocationRunSchema } from '../evidence/run-schema.js';
import { readSmallFile } from './read-small-file.js';

/** The folder revocation records live in (docs/records.md, kind `revocation`). */
export const REVOCATIONS_FOLDER = KIND_FOLDERS.revocation;

/** One revocation or unrevocation, as its record states it. */
export interface RevocationEntry {
  record: string;
  ts: string;
  seq: number | null;
  action: 'revoke' | 'unrevoke';
  at: string;
  line: string;
  requester: { source: string; user: string };
  reason: string;
  build: { record: string; sums_sha256: string };
}

function listFolders(path: string, pattern: RegExp): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && pattern.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * A record timestamp as ISO 8601.
 *
 * @example
 * instantOfTimestamp('20261124T090300Z') // '2026-11-24T09:03:00Z'
 */
export function instantOfTimestamp(ts: string): string {
  return `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}T${ts.slice(9, 11)}:${ts.slice(11, 13)}:${ts.slice(13, 15)}Z`;
}

/**
 * Reads every `revocations/<line>/<ts>/run.json` under `root`, oldest first
 * (by seq, then timestamp). A run.json that cannot be read or is not a
 * valid revocation run.json is skipped: `goldsmith audit` reports it.
 *
 * @example
 * const entries = readRevocations('records');
 * entries.at(-1)?.action // 'revoke'
 */
export function readRevocations(root: string): RevocationEntry[] {
  const entries: RevocationEntry[] = [];
  const base = join(root, REVOCATIONS_FOLDER);
  for (const line of listFolders(base, LINE_PATTERN)) {
    for (const ts of listFolders(join(base, line), TIMESTAMP_PATTERN)) {
      const file = readSmallFile(join(base, line, ts, RUN_FILE), 1 << 20);
      if ('problem' in file) continue;
      let json: unknown;
      try {
        json = JSON.parse(file.bytes.toString('utf8'));
      } catch {
        continue;
      }
      const parsed = revocationRunSchema.safeParse(json);
      if (!parsed.success) continue;
      const run = parsed.data;
      entries.push({
        record: `${REVOCATIONS_FOLDER}/${line}/${ts}`,
        ts,
        seq: run.seq,
        action: run.action,
        at: run.written_at,
        line: run.line,
        requester: run.requested_by,
        reason: run.reason,
        build: run.build,
      });
    }
  }
  return entries.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1) || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

/**
 * The revocation in force per build digest: a build is revoked when the
 * newest revocation record naming its `sums_sha256` says `revoke`.
 *
 * @example
 * revokedBuilds(readRevocations('records')).get(build.sums_sha256)?.reason
 */
export function revokedBuilds(entries: readonly RevocationEntry[]): Map<string, RevocationEntry> {
  const newest = new Map<string, RevocationEntry>();
  for (const entry of entries) newest.set(entry.build.sums_sha256, entry);
  for (const [digest, entry] of newest) if (entry.action !== 'revoke') newest.delete(digest);
  return newest;
}
