import type { RevocationDetails } from './run-schema.js';
import { writeRecord, type WriteRecordOptions, type WrittenRecord } from './write-record.js';

/**
 * Seals a revocation record (kind `revocation`: revoke or unrevoke one
 * build) into the same chain, under the same lock, signed like the others.
 *
 * @example
 * const sealed = await writeRevocationRecord({
 *   root: 'records',
 *   signer,
 *   details: { action: 'revoke', line: 'ubuntu-24.04', requested_by: { source: 'cli', user: 'alice' }, reason: 'CVE-2026-1234 in the base image',
 *              build: { record: 'builds/ubuntu-24.04/20261124T090300Z', sums_sha256: '3f5a…' }, pull_request: null },
 * });
 * console.log(sealed.record); // revocations/ubuntu-24.04/20261125T101500Z
 */
export function writeRevocationRecord(options: Omit<WriteRecordOptions, 'content'> & { details: RevocationDetails }): Promise<WrittenRecord> {
  const { details, ...rest } = options;
  return writeRecord({ ...rest, content: { kind: 'revocation', details } });
}
