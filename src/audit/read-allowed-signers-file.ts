import { readFileSync } from 'node:fs';
import { AuditInputError } from './audit-input-error.js';
import { parseAllowedSigners, type AllowedSigner } from './parse-allowed-signers.js';

/**
 * Reads and parses the `--allowed-signers` file of `goldsmith audit` and
 * `goldsmith report`; an unreadable one is an AuditInputError (exit 2).
 *
 * @example
 * const signers = readAllowedSignersFile('allowed_signers');
 */
export function readAllowedSignersFile(file: string): AllowedSigner[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AuditInputError(`cannot read --allowed-signers ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; get allowed_signers from your platform team`);
  }
  return parseAllowedSigners(text, file);
}
