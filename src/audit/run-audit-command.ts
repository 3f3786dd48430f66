import { writeFileSync } from 'node:fs';
import { AuditInputError } from './audit-input-error.js';
import { auditRecords } from './audit-records.js';
import { formatJsonReport } from './format-json-report.js';
import { formatJunitReport } from './format-junit-report.js';
import { formatTextReport } from './format-text-report.js';
import { isInsideFolder } from './is-inside-folder.js';
import { readAllowedSignersFile } from './read-allowed-signers-file.js';

export interface AuditCommandOptions {
  json?: boolean;
  junit?: string;
  allowedSigners?: string;
}

export interface AuditCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((done) => {
    stream.write(text, () => done());
  });
}

/**
 * `goldsmith audit [dir]`: audits the records folder and prints the report
 * (text, or JSON with `json`), also writing JUnit XML to `junit`. Returns the
 * exit status: 0 clean, 1 findings, 2 usage error or unreadable input.
 *
 * @example
 * process.exitCode = await runAuditCommand('records', { allowedSigners: 'allowed_signers' }, { stdout: process.stdout, stderr: process.stderr });
 */
export async function runAuditCommand(dir: string, options: AuditCommandOptions, io: AuditCommandIo): Promise<number> {
  try {
    if (options.junit && isInsideFolder(options.junit, dir)) {
      throw new AuditInputError(`--junit ${options.junit} is inside the records folder, which the audit never writes to; write the report elsewhere`);
    }
    const allowedSigners = options.allowedSigners ? readAllowedSignersFile(options.allowedSigners) : undefined;
    const report = await auditRecords(dir, { allowedSigners });
    if (options.junit) {
      try {
        writeFileSync(options.junit, formatJunitReport(report));
      } catch (error) {
        throw new AuditInputError(`cannot write --junit ${options.junit}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    await write(io.stdout, options.json ? formatJsonReport(report) : formatTextReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    const internal = !(error instanceof AuditInputError);
    await write(io.stderr, `goldsmith audit: ${internal ? 'internal error: ' : ''}${(error as Error).message}\n`);
    return 2;
  }
}
