import { AuditInputError } from './audit-input-error.js';
import { auditArtifact, type ArtifactReport } from './audit-artifact.js';
import type { AuditCommandIo, AuditCommandOptions } from './run-audit-command.js';
import { readFileSync } from 'node:fs';
import { parseAllowedSigners } from './parse-allowed-signers.js';

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((done) => {
    stream.write(text, () => done());
  });
}

/** The plain-English verdict, one paragraph per point. */
function formatArtifactReport(report: ArtifactReport): string {
  const { artifact } = report;
  const it = `${artifact.path} (SHA-256 ${artifact.sha256}, ${artifact.size} bytes)`;
  const lines: string[] = [];
  if (report.matches.length === 0) {
    lines.push(`FINDING: ${it} is the image of no build record in ${report.audit.root}.`);
    for (const other of report.sameName) {
      lines.push(
        `  ${other.record} sealed ${other.file} with SHA-256 ${other.sha256} (${other.size} bytes) at ${other.finishedAt}: ` +
          'this file has changed since that record was sealed, or it is not the image that build made. Do not use it; take the image again from the image directory, or rebuild.',
      );
    }
    if (report.sameName.length === 0) lines.push('  No record names an image of this name either: it was not built by goldsmith, or its record is in another records folder.');
  } else {
    for (const match of report.matches) {
      lines.push(`${report.recordFindings.length === 0 ? 'ok' : 'FINDING'}: ${it} is the image ${match.file} of build record ${match.record} (finished ${match.finishedAt}${match.jobId ? `, job ${match.jobId}` : ''}).`);
    }
    if (report.recordFindings.length > 0) {
      lines.push(`  but that record does not verify, so it vouches for nothing:`);
      for (const finding of report.recordFindings) lines.push(`  ${finding.record}${finding.file ? `/${finding.file}` : ''}: ${finding.message}`);
    } else lines.push(`  The record is intact: its files, signature and place in the chain verify (goldsmith audit ${report.audit.root}).`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `goldsmith audit [dir] --artifact FILE`: verifies an image file against the
 * build record that names it (by SHA-256; by name for the mismatch report)
 * and prints the verdict as text, or as JSON with `json`. Returns the exit
 * status as `goldsmith audit` does: 0 the file is the intact record's image,
 * 1 a finding (no record names it, the file changed, or the record does not
 * verify), 2 usage error or unreadable input.
 *
 * @example
 * process.exitCode = await runAuditArtifactCommand('records', 'images/qemu-debian-12.qcow2', {}, { stdout: process.stdout, stderr: process.stderr });
 */
export async function runAuditArtifactCommand(dir: string, artifact: string, options: AuditCommandOptions, io: AuditCommandIo): Promise<number> {
  try {
    if (options.junit) throw new AuditInputError('--junit is for auditing the records folder; --artifact prints its verdict (use --json for a machine-readable one)');
    let allowedSigners;
    if (options.allowedSigners) {
      let text: string;
      try {
        text = readFileSync(options.allowedSigners, 'utf8');
      } catch (error) {
        throw new AuditInputError(`cannot read --allowed-signers ${options.allowedSigners}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      allowedSigners = parseAllowedSigners(text, options.allowedSigners);
    }
    const report = await auditArtifact(dir, artifact, { allowedSigners });
    if (options.json) {
      const { audit, ...rest } = report;
      await write(io.stdout, `${JSON.stringify({ ...rest, root: audit.root }, null, 2)}\n`);
    } else await write(io.stdout, formatArtifactReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    const internal = !(error instanceof AuditInputError);
    await write(io.stderr, `goldsmith audit: ${internal ? 'internal error: ' : ''}${(error as Error).message}\n`);
    return 2;
  }
}
