import { matrixEntrySchema, type MatrixEntry } from '../config/matrix-schema.js';
import type { Requester } from '../evidence/run-schema.js';
import type { Job, JobState, RemoteRun } from './job-types.js';

/** A row of the `jobs` table, as SQLite returns it. */
export interface JobRow {
  id: number;
  line: string;
  requester_source: Requester['source'];
  requester_user: string;
  state: JobState;
  stage: string | null;
  reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  log_path: string | null;
  record_path: string | null;
  log_sha256: string | null;
  artifact_id: string | null;
  tail: string | null;
  cancel_requested: number;
  owner_pid: number | null;
  owner_host: string | null;
  packer_pgid: number | null;
  packer_binary: string | null;
  entry: string | null;
  executor: string;
  remote: string | null;
}


/** The entry stored with a job; null for jobs queued before entries were stored, or one this version cannot read. */
function entryOf(json: string | null): MatrixEntry | null {
  if (!json) return null;
  const parsed = matrixEntrySchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

/** How a build's hold on its line is released, for whoever is turned away. */
export function buildReleaseOf(jobId: number): string {
  return (
    `wait for job ${jobId} to finish, or cancel it (goldsmith cancel ${jobId}, or /image cancel ${jobId} in Slack); ` +
    'if its goldsmith process died, the next start of goldsmith serve, goldsmith worker or goldsmith build --wait marks it interrupted and frees the line'
  );
}

/** A job as the rest of goldsmith sees it. */
export const toJob = (row: JobRow): Job => ({
  id: row.id,
  line: row.line,
  requester: { source: row.requester_source, user: row.requester_user },
  state: row.state,
  stage: row.stage,
  reason: row.reason,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  exitCode: row.exit_code,
  logPath: row.log_path,
  recordPath: row.record_path,
  logSha256: row.log_sha256,
  artifactId: row.artifact_id,
  tail: row.tail,
  cancelRequested: row.cancel_requested === 1,
  ownerPid: row.owner_pid,
  ownerHost: row.owner_host,
  packerPgid: row.packer_pgid,
  entry: entryOf(row.entry),
  executor: row.executor,
  remote: row.remote ? (JSON.parse(row.remote) as RemoteRun) : null,
});
