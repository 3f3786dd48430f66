import type { MediaDetails } from './run-schema.js';
import { writeRecord, type WriteRecordOptions, type WrittenRecord } from './write-record.js';

/**
 * Seals a media record (docs/media.md): the ISO staged for a line, chained and
 * signed like every other record. It carries no log.
 *
 * @example
 * const sealed = await writeMediaRecord({ root: 'records', signer, details: { line: 'ubuntu-24.04', requested_by, iso, datastore_path, uploaded: true, target } });
 * sealed.record // media/ubuntu-24.04/20261130T060000Z
 */
export async function writeMediaRecord(options: Omit<WriteRecordOptions, 'content'> & { details: MediaDetails }): Promise<WrittenRecord> {
  const { details, ...rest } = options;
  return writeRecord({ ...rest, content: { kind: 'media', details } });
}
