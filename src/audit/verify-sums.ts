import { OPTIONAL_FILES, SUMS_FILE, recordFilesOf, type RecordKind } from '../evidence/layout.js';
import { parseSums } from '../evidence/sums.js';
import { quoteName } from './quote-name.js';

export interface FileProblem {
  file: string;
  message: string;
}

/** What it means that an optional file SHA256SUMS lists is not in the record; undefined when it is there, or not optional. */
function removedOptional(kind: RecordKind, name: string, present: ReadonlySet<string>): string | undefined {
  if (present.has(name)) return undefined;
  return OPTIONAL_FILES.find((file) => file.name === name && file.kinds.includes(kind))?.removed;
}

/**
 * Checks SHA256SUMS against the record's files: it must list exactly the
 * files a record of `kind` hashes, each with the digest the file has now.
 * `digests` holds the digests of the files that could be read; `explain`
 * adds detail to a mismatch (the log's size against run.json's). `present`:
 * the optional files (OPTIONAL_FILES) the record holds.
 *
 * @example
 * verifySums(text, 'build', digests) // [{ file: 'packer.log', message: 'SHA-256 does not match SHA256SUMS (edited or truncated)' }]
 */
export function verifySums(
  text: string,
  kind: RecordKind,
  digests: ReadonlyMap<string, string>,
  explain: (file: string) => string = () => '',
  present: ReadonlySet<string> = new Set(),
): FileProblem[] {
  let entries;
  try {
    entries = parseSums(text);
  } catch (error) {
    return [{ file: SUMS_FILE, message: `is not in sha256sum format: ${(error as Error).message}` }];
  }
  const problems: FileProblem[] = [];
  const hashed = recordFilesOf(kind, present).hashed;
  const listed = new Map<string, string>();
  for (const entry of entries) {
    const removed = removedOptional(kind, entry.name, present);
    if (listed.has(entry.name)) problems.push({ file: SUMS_FILE, message: `lists ${quoteName(entry.name)} twice` });
    else if (removed) problems.push({ file: entry.name, message: `missing (SHA256SUMS lists it: ${removed})` });
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
