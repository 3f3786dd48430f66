import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AuditInputError } from '../audit/audit-input-error.js';
import { buildReportModel } from '../audit/build-report-model.js';
import { isInsideFolder } from '../audit/is-inside-folder.js';
import { readAllowedSignersFile } from '../audit/read-allowed-signers-file.js';
import { parseReportPeriod } from '../audit/parse-report-period.js';
import { renderReportHtml } from '../audit/render-report-html.js';
import { loadMatrix } from '../config/load-matrix.js';
import type { MatrixEntry } from '../config/matrix-schema.js';

export interface ReportCommandOptions {
  from?: string;
  to?: string;
  out: string;
  format?: string;
  allowedSigners?: string;
  matrix?: string;
}

function readMatrix(path: string): { path: string; entries: MatrixEntry[] } {
  try {
    return { path, entries: loadMatrix(path) };
  } catch (error) {
    throw new AuditInputError(`--matrix ${path}: ${(error as Error).message}`);
  }
}

const formatSchema = z.enum(['html', 'json'], { error: '--format must be html or json' });

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `goldsmith report <dir>`: writes the assessor's report of the records
 * folder for a period, as self-contained HTML or as JSON. Returns the exit
 * status: 0 written and nothing to flag, 1 written but the audit has
 * findings or a promotion or rollback failed four eyes, 2 usage error or
 * unreadable input (nothing written).
 *
 * @example
 * process.exitCode = await reportCommand('records', { from: '2026-10-01', to: '2026-12-31', out: 'report.html' }, { stdout: process.stdout, stderr: process.stderr });
 */
export async function reportCommand(dir: string, options: ReportCommandOptions, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  try {
    const format = formatSchema.safeParse(options.format ?? 'html');
    if (!format.success) throw new AuditInputError(`--format ${options.format} is not known: --format must be html or json`);
    const period = parseReportPeriod({ from: options.from, to: options.to });
    if (isInsideFolder(options.out, dir)) throw new AuditInputError(`--out ${options.out} is inside the records folder, which goldsmith never writes reports into; write the report elsewhere`);
    const allowedSigners = options.allowedSigners ? readAllowedSignersFile(options.allowedSigners) : undefined;
    const model = await buildReportModel(dir, {
      period,
      allowedSigners,
      matrix: options.matrix ? readMatrix(options.matrix) : undefined,
      // Absolute, because the report's commands run from inside the records folder.
      allowedSignersFile: options.allowedSigners ? resolve(options.allowedSigners) : undefined,
    });
    const text = format.data === 'json' ? `${JSON.stringify(model, null, 2)}\n` : renderReportHtml(model);
    try {
      writeFileSync(options.out, text);
    } catch (error) {
      throw new AuditInputError(`cannot write --out ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const { population: p, four_eyes: fourEyes, audit } = model;
    io.stdout.write(
      `wrote ${options.out}: ${count(p.total, 'change')} (${count(p.builds, 'build')}, ${count(p.promotions, 'promotion')}, ${count(p.rollbacks, 'rollback')}), ` +
        `${count(fourEyes.failed, 'four-eyes failure')}, ${model.revoked} revoked; audit: ${audit.ok ? 'clean' : count(audit.summary.findings, 'finding')}, chain ${model.chain.intact ? 'intact' : 'broken'}\n`,
    );
    return audit.ok && fourEyes.failed === 0 ? 0 : 1;
  } catch (error) {
    const internal = !(error instanceof AuditInputError);
    io.stderr.write(`goldsmith report: ${internal ? 'internal error: ' : ''}${(error as Error).message}\n`);
    return 2;
  }
}
