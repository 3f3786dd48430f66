import { IMAGE_SUMS_FILE, PROVENANCE_FILE, SUMS_FILE, carriesProvenance, recordFilesOf, type RecordKind } from '../evidence/layout.js';
import { parseSums } from '../evidence/sums.js';
import { quoteName } from './quote-name.js';

export interface FileProblem {
  file: string;
  message: string;
}

/**
 * Checks SHA256SUMS against the record's files: it must list exactly the
 * files a record of `kind` hashes, each with the digest the file has now.
 * `digests` holds the digests of the files that could be read; `explain`
 * adds detail to a mismatch (the log's size against run.json's). `image`:
 * the record holds its image's checksum file (IMAGE_SUMS_FILE); `provenance`:
 * it holds PROVENANCE_FILE.
 *
 * @example
 * verifySums(text, 'build', digests) // [{ file: 'packer.log', message: 'SHA-256 does not match SHA256SUMS (edited or truncated)' }]
 */
export function verifySums(
  text: string,
  kind: RecordKind,
  digests: ReadonlyMap<string, string>,
  explain: (file: string) => string = () => '',
  options: { image?: boolean; provenance?: boolean } = {},
): FileProblem[] {
  let entries;
  try {
    entries = parseSums(text);
  } catch (error) {
    return [{ file: SUMS_FILE, message: `is not in sha256sum format: ${(error as Error).message}` }];
  }
  const problems: FileProblem[] = [];
  const hashed = recordFilesOf(kind, options).hashed;
  const listed = new Map<string, string>();
  for (const entry of entries) {
    if (listed.has(entry.name)) problems.push({ file: SUMS_FILE, message: `lists ${quoteName(entry.name)} twice` });
    else if (entry.name === IMAGE_SUMS_FILE && kind === 'build' && !options.image) problems.push({ file: IMAGE_SUMS_FILE, message: 'missing (SHA256SUMS lists it: the image\'s checksum file was removed)' });
    else if (entry.name === PROVENANCE_FILE && carriesProvenance(kind) && !options.provenance) problems.push({ file: PROVENANCE_FILE, message: 'missing (SHA256SUMS lists it: the signed provenance was removed)' });
    else if (!hashed.includes(entry.name)) problems.push({ file: SUMS_FILE, message: `lists ${quoteName(entry.name)}, which a ${kind} record does not hold` });
    listed.set(entry.name, entry.sha256);
  }
  for (const name of hashed) {
    const expected = listed.get(name);
    const actual = digests.get(name);
    if (expected === undefined) problems.push({ file: SUMS_FILE, message: `does not list ${name}` });
    else if (actual !== undefined && actual !== expected) problems.push({ file: name, message: `SHA-256 does not match SHA256SUMS (edited or truncated${explain(name)})` });
  }
  return problems;
}
