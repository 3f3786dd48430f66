import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { HashedFile } from '../evidence/hash-file.js';
import { IMAGE_SUMS_FILE, PACKER_PROVENANCE_FILE, PREV_FILE, PROVENANCE_FILE, README_FILE, RUN_FILE, SIGNATURE_FILE, SUMS_FILE, logFileOf, optionalFilesOf, recordFilesOf } from '../evidence/layout.js';
import { PACKER_PROVENANCE_MAX_BYTES } from '../evidence/seal-packer-provenance.js';
import type { Run } from '../evidence/run-schema.js';
import { parsePrev, type PrevLink } from '../evidence/sums.js';
import type { Finding } from './audit-types.js';
import type { HashPool } from './hash-pool.js';
import type { AllowedSigner } from './parse-allowed-signers.js';
import { quoteName } from './quote-name.js';
import { describeFsError, readSmallFile } from './read-small-file.js';
import type { RecordFacts } from './record-facts.js';
import { describeType, type ScannedRecord } from './scan-records.js';
import { verifyImageSums } from './verify-image-sums.js';
import { verifyPackerProvenance } from './verify-packer-provenance.js';
import { verifyProvenance } from './verify-provenance.js';
import { verifyReadme } from './verify-readme.js';
import { verifyRunJson } from './verify-run-json.js';
import { verifySignature } from './verify-signature.js';
import { verifySums, type FileProblem } from './verify-sums.js';

/** Far above anything the writer produces; a larger file is a finding, never read into memory. */
const SMALL_FILE_LIMITS: Record<string, number> = {
  [PREV_FILE]: 4096,
  [README_FILE]: 1 << 20,
  [RUN_FILE]: 1 << 20,
  [SUMS_FILE]: 64 << 10,
  [SIGNATURE_FILE]: 64 << 10,
  [IMAGE_SUMS_FILE]: 64 << 10,
  [PROVENANCE_FILE]: 1 << 20,
  [PACKER_PROVENANCE_FILE]: PACKER_PROVENANCE_MAX_BYTES,
};

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export interface VerifyRecordContext {
  pool: HashPool;
  allowed: readonly AllowedSigner[] | undefined;
}

/**
 * Checks one record on its own: the files it must hold and nothing else,
 * each file against SHA256SUMS (the log hashed on the pool, streamed), the
 * signature, run.json against its location and its log, README.md against
 * run.json, and the form of PREV. Links between records are checked later,
 * from the facts returned.
 *
 * @example
 * const facts = await verifyRecord(scanned.records[0], { pool, allowed: undefined });
 * facts.findings // [] for an intact record
 */
export async function verifyRecord(scanned: ScannedRecord, context: VerifyRecordContext): Promise<RecordFacts> {
  const findings: Finding[] = [];
  const add = ({ file, message }: FileProblem): void => void findings.push({ record: scanned.record, file, message, severity: 'error' });
  // Optional files (an image's checksum file, provenance; none on older records): one that is there is held to it, and SHA256SUMS (signed) says whether it was.
  const optional = new Set(optionalFilesOf(scanned.kind).filter((name) => scanned.entries.has(name)));
  const { hashed, all } = recordFilesOf(scanned.kind, optional);
  const logName = logFileOf(scanned.kind);

  for (const [name, type] of scanned.entries) {
    if (!all.includes(name)) add({ file: quoteName(name), message: `unexpected entry (${describeType(type)}): a ${scanned.kind} record holds only ${all.join(', ')}` });
  }
  const present = new Set<string>();
  for (const name of all) {
    const type = scanned.entries.get(name);
    if (!type) add({ file: name, message: 'missing' });
    else if (type !== 'file') add({ file: name, message: `is ${describeType(type)}, not a file` });
    else present.add(name);
  }

  // Started first, so the pool hashes the log while this thread reads the small files.
  const logHash: Promise<HashedFile | { problem: string }> | undefined =
    logName && present.has(logName) ? context.pool.hash(join(scanned.dir, logName)).catch(unreadable) : undefined;

  const bytes = new Map<string, Buffer>();
  for (const name of [PREV_FILE, README_FILE, RUN_FILE, SUMS_FILE, SIGNATURE_FILE, ...optional]) {
    if (!present.has(name)) continue;
    const file = readSmallFile(join(scanned.dir, name), SMALL_FILE_LIMITS[name]!);
    if ('problem' in file) add({ file: name, message: file.problem });
    else bytes.set(name, file.bytes);
  }
  const digests = new Map<string, string>();
  for (const name of hashed) {
    const content = bytes.get(name);
    if (content) digests.set(name, sha256(content));
  }
  const logResult = logHash ? await logHash : undefined;
  const log = logResult && 'sha256' in logResult ? logResult : undefined;
  if (logResult && 'problem' in logResult) add({ file: logName!, message: logResult.problem });
  if (log) digests.set(logName!, log.sha256);

  const runBytes = bytes.get(RUN_FILE);
  const declaredLog = runBytes ? peekLogSize(runBytes) : undefined;
  const sums = bytes.get(SUMS_FILE);
  const sumsProblems = sums
    ? verifySums(sums.toString('utf8'), scanned.kind, digests, (name) =>
        name === logName && log && declaredLog !== undefined && declaredLog !== log.size ? `: ${log.size} bytes, run.json says ${declaredLog}` : '',
        optional,
      )
    : [];
  sumsProblems.forEach(add);

  let run: Run | undefined;
  let seq: number | undefined;
  if (runBytes) {
    const checked = verifyRunJson(runBytes, scanned, log, !sumsProblems.some((problem) => problem.file === logName));
    ({ run, seq } = checked);
    checked.problems.forEach(add);
  }
  const readme = bytes.get(README_FILE);
  if (readme && run) verifyReadme(readme.toString('utf8'), run).forEach(add);
  if (run && !sumsProblems.some((problem) => problem.file === IMAGE_SUMS_FILE)) verifyImageSums(run, bytes.get(IMAGE_SUMS_FILE)).forEach(add);
  if (run && !sumsProblems.some((problem) => problem.file === PACKER_PROVENANCE_FILE)) verifyPackerProvenance(run, bytes.get(PACKER_PROVENANCE_FILE)).forEach(add);
  const signature = bytes.get(SIGNATURE_FILE);
  if (sums && signature) verifySignature({ sums, signature, run, allowed: context.allowed }).forEach(add);
  const envelope = bytes.get(PROVENANCE_FILE);
  // A provenance file that already disagrees with SHA256SUMS is that finding; its content is not judged further.
  if (envelope && !sumsProblems.some((problem) => problem.file === PROVENANCE_FILE)) {
    // Files that already disagree with SHA256SUMS are reported as such; the statement is compared with the ones that agree.
    const agreed = new Map([...digests].filter(([name]) => !sumsProblems.some((problem) => problem.file === name)));
    verifyProvenance({ envelope, signature, run, digests: agreed }).forEach(add);
  }

  let prev: PrevLink | undefined;
  const prevBytes = bytes.get(PREV_FILE);
  if (prevBytes) {
    try {
      prev = parsePrev(prevBytes.toString('utf8'));
    } catch (error) {
      add({ file: PREV_FILE, message: `is neither "genesis" nor one "<sha256>  <path>" line: ${(error as Error).message}` });
    }
  }

  return {
    record: scanned.record,
    kind: scanned.kind,
    line: scanned.line,
    seq,
    prev,
    sumsSha256: sums ? sha256(sums) : undefined,
    declaredRecord: run?.record,
    promotes: run?.kind === 'promotion' && run.build ? run.build : undefined,
    revokes: run?.kind === 'revocation' ? { action: run.action, ...run.build, reason: run.reason } : undefined,
    findings,
  };
}

/** A file the system refused to read is a finding; anything else (a hashing thread died) aborts the audit. */
function unreadable(error: unknown): { problem: string } {
  if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
  return { problem: describeFsError(error) };
}

/** The log size run.json declares, even when run.json fails its schema, to explain a log mismatch. */
function peekLogSize(bytes: Buffer): number | undefined {
  try {
    const size = (JSON.parse(bytes.toString('utf8')) as { log?: { size?: unknown } } | null)?.log?.size;
    return typeof size === 'number' ? size : undefined;
  } catch {
    return undefined;
  }
}
