import { KIND_FOLDERS, RUN_FILE, logFileOf, recordParentOf } from '../evidence/layout.js';
import type { HashedFile } from '../evidence/hash-file.js';
import { runSchema, type Run } from '../evidence/run-schema.js';
import { quoteName } from './quote-name.js';
import type { ScannedRecord } from './scan-records.js';
import type { FileProblem } from './verify-sums.js';

export interface RunJsonCheck {
  run: Run | undefined;
  seq: number | undefined;
  problems: FileProblem[];
}

function schemaProblems(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
  return `${shown.join('; ')}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`;
}

/**
 * Parses run.json against the goldsmith.run/v1 schema and checks that it
 * agrees with where the record lies (path, kind, line, timestamp) and with
 * its log. `log` is the log as hashed now; `logMatchesSums` says whether
 * that log already disagreed with SHA256SUMS, which is then the finding
 * that matters.
 *
 * @example
 * const { run, seq, problems } = verifyRunJson(bytes, scanned, { sha256, size }, true);
 */
export function verifyRunJson(bytes: Buffer, scanned: ScannedRecord, log: HashedFile | undefined, logMatchesSums: boolean): RunJsonCheck {
  const problem = (message: string): FileProblem => ({ file: RUN_FILE, message });
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { run: undefined, seq: undefined, problems: [problem(`is not valid JSON (${(error as Error).message})`)] };
  }
  const rawSeq = (raw as { seq?: unknown } | null)?.seq;
  const seq = typeof rawSeq === 'number' && Number.isSafeInteger(rawSeq) && rawSeq >= 0 ? rawSeq : undefined;
  const parsed = runSchema.safeParse(raw);
  if (!parsed.success) return { run: undefined, seq, problems: [problem(`does not match the run.json schema: ${schemaProblems(parsed.error.issues)}`)] };

  const run = parsed.data;
  const problems: FileProblem[] = [];
  const line = run.kind === 'init' ? null : run.line;
  if (run.record !== scanned.record) {
    problems.push(problem(`names its record ${quoteName(run.record)}, but it lies at ${scanned.record} (moved, copied or swapped)`));
  } else {
    if (run.kind !== scanned.kind) problems.push(problem(`says kind "${run.kind}", but the record lies in ${KIND_FOLDERS[scanned.kind]}/`));
    if (line !== scanned.line) problems.push(problem(`says line ${quoteName(String(line))}, but the record lies in ${recordParentOf(scanned.kind, scanned.line)}/`));
    if (run.ts !== scanned.ts) problems.push(problem(`says ts ${run.ts}, but the record's folder is ${scanned.ts}`));
  }
  if (run.kind !== 'init' && run.kind !== 'revocation' && run.kind !== 'media' && run.kind === scanned.kind) {
    const logName = logFileOf(scanned.kind)!;
    if (run.log.path !== logName) problems.push(problem(`names its log ${quoteName(run.log.path)}, but a ${scanned.kind} record's log is ${logName}`));
    else if (log && logMatchesSums && (run.log.sha256 !== log.sha256 || run.log.size !== log.size)) {
      problems.push(problem(`log.sha256 and log.size (${run.log.size} bytes) do not describe ${logName} as it is (${log.size} bytes): the log or run.json was replaced`));
    }
  }
  return { run, seq: run.seq, problems };
}
