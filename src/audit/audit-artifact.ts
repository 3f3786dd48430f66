import { basename, join } from 'node:path';
import { hashFile } from '../evidence/hash-file.js';
import { RUN_FILE } from '../evidence/layout.js';
import { runSchema } from '../evidence/run-schema.js';
import { AuditInputError } from './audit-input-error.js';
import { auditRecords, type AuditOptions } from './audit-records.js';
import type { AuditReport, Finding } from './audit-types.js';
import { describeFsError, readSmallFile } from './read-small-file.js';

/** A build record's image, as its run.json names it. */
export interface RecordedArtifact {
  record: string;
  file: string;
  sha256: string;
  size: number;
  finishedAt: string;
  jobId: string | null;
}

/** What `audit --artifact` found: the file, the records that name it, and the audit of those records. */
export interface ArtifactReport {
  artifact: { path: string; sha256: string; size: number };
  /** Build records whose image has this SHA-256. */
  matches: RecordedArtifact[];
  /** Build records of an image by the same name (`<base>`, `-build` or `-prev`), with another SHA-256: the file changed, or is another build. */
  sameName: RecordedArtifact[];
  /** Findings of the whole audit that concern a matching record (a record vouching for the image must be intact). */
  recordFindings: Finding[];
  audit: AuditReport;
  ok: boolean;
}

/** `qemu-debian-12-build.qcow2`, `qemu-debian-12-prev.qcow2`, `qemu-debian-12.qcow2` → `qemu-debian-12`: one image under the store's three names. */
const stemOf = (file: string) => file.replace(/\.qcow2$/, '').replace(/-(build|prev)$/, '');

/**
 * Verifies an image file against the records: hashes the file, audits the
 * records folder, and finds the build records whose run.json names an image
 * with that SHA-256. OK when at least one does and none of those records has
 * a finding. Records of an image by the same name but another SHA-256 are
 * reported too: the file changed after sealing. Throws AuditInputError when
 * the file cannot be read.
 *
 * @example
 * const report = await auditArtifact('records', 'images/qemu-debian-12.qcow2');
 * report.ok // true when a sealed, intact build record names this exact image
 */
export async function auditArtifact(root: string, path: string, options: AuditOptions = {}): Promise<ArtifactReport> {
  let hashed;
  try {
    hashed = await hashFile(path);
  } catch (error) {
    throw new AuditInputError(`cannot read --artifact ${path}: ${describeFsError(error)}`);
  }
  const audit = await auditRecords(root, options);
  const recorded: RecordedArtifact[] = [];
  for (const record of audit.records.filter((candidate) => candidate.kind === 'build')) {
    const file = readSmallFile(join(root, record.record, RUN_FILE), 1 << 20);
    if ('problem' in file) continue;
    let parsed;
    try {
      parsed = runSchema.safeParse(JSON.parse(file.bytes.toString('utf8')));
    } catch {
      continue;
    }
    // Unreadable run.json files are findings of the audit already.
    if (!parsed.success || parsed.data.kind !== 'build' || !parsed.data.image) continue;
    const { image } = parsed.data;
    recorded.push({ record: record.record, file: image.file, sha256: image.sha256, size: image.size, finishedAt: parsed.data.finished_at, jobId: parsed.data.job_id });
  }
  const matches = recorded.filter((entry) => entry.sha256 === hashed.sha256);
  const stem = stemOf(basename(path));
  const sameName = recorded.filter((entry) => entry.sha256 !== hashed.sha256 && stemOf(entry.file) === stem);
  const matching = new Set(matches.map((entry) => entry.record));
  const recordFindings = audit.findings.filter((finding) => matching.has(finding.record));
  return {
    artifact: { path, sha256: hashed.sha256, size: hashed.size },
    matches,
    sameName,
    recordFindings,
    audit,
    ok: matches.length > 0 && recordFindings.length === 0,
  };
}
