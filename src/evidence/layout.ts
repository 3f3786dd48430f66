/**
 * Where each record lives and which files it holds: the one place that knows
 * the folder layout of format v1 (docs/records.md).
 */

export type RecordKind = 'init' | 'build' | 'promotion' | 'revocation' | 'media';

/** The folder under the records root for each kind. */
export const KIND_FOLDERS: Record<RecordKind, string> = { init: 'init', build: 'builds', promotion: 'promotions', revocation: 'revocations', media: 'media' };

/** The kinds whose records live one folder per line: `<folder>/<line>/<ts>`. */
export const LINE_KINDS = ['build', 'promotion', 'revocation', 'media'] as const satisfies readonly RecordKind[];

export const SUMS_FILE = 'SHA256SUMS';
export const SIGNATURE_FILE = 'SHA256SUMS.sig';
export const PREV_FILE = 'PREV';
export const RUN_FILE = 'run.json';
export const README_FILE = 'README.md';
export const HEAD_FILE = 'HEAD';
export const LATEST_LINK = 'latest';
export const GENESIS = 'genesis';

/** Hidden names the writer uses for its lock, its commit intent and its work in progress. */
export const LOCK_FILE = '.lock';
export const PENDING_FILE = '.pending';
export const TEMP_PREFIX = '.tmp-';

/** The log each kind carries, if any (init, revocation and media records carry none). */
export function logFileOf(kind: RecordKind): string | undefined {
  return kind === 'build' ? 'packer.log' : kind === 'promotion' ? 'promote.log' : undefined;
}

/**
 * A build record's copy of Packer's checksum file for the image it built
 * (QEMU lane), present when run.json has `image.checksum_file`: SHA256SUMS
 * covers it, and `sha256sum -c image.sha256` beside the image checks it.
 */
export const IMAGE_SUMS_FILE = 'image.sha256';

/**
 * The signed SLSA provenance of a build or promotion record: a DSSE envelope
 * over an in-toto Statement v1 (docs/records.md). Records written before it
 * existed do not hold it and stay valid: whether a record has it is read from
 * the record itself (the file, or SHA256SUMS listing it), and SHA256SUMS is
 * signed, so it cannot be dropped from a record without the signing key.
 */
export const PROVENANCE_FILE = 'provenance.intoto.json';

/**
 * Packer's own SLSA provenance for a build (the `provenance` post-processor
 * of Packer 1.16 and later), kept as Packer wrote it when the line sets
 * `packer_provenance` (docs/lines.md): a DSSE envelope, or a bare in-toto
 * Statement when Packer was not told to sign. run.json's `packer_provenance`
 * names it, and goldsmith checks it names the artifact the record describes.
 */
export const PACKER_PROVENANCE_FILE = 'packer-provenance.json';

/**
 * The files a record may hold or not, each with the kinds that may hold it
 * and what its absence means when SHA256SUMS (signed) still lists it. Whether
 * a record holds one is read from the record itself.
 */
export const OPTIONAL_FILES: readonly { name: string; kinds: readonly RecordKind[]; removed: string }[] = [
  { name: IMAGE_SUMS_FILE, kinds: ['build'], removed: "the image's checksum file was removed" },
  { name: PROVENANCE_FILE, kinds: ['build', 'promotion'], removed: 'the signed provenance was removed' },
  { name: PACKER_PROVENANCE_FILE, kinds: ['build'], removed: "Packer's own provenance was removed" },
];

/** The optional files a record of `kind` may hold. */
export function optionalFilesOf(kind: RecordKind): string[] {
  return OPTIONAL_FILES.filter((file) => file.kinds.includes(kind)).map((file) => file.name);
}

/** The kinds that carry PROVENANCE_FILE when written by this version. */
export function carriesProvenance(kind: RecordKind): boolean {
  return optionalFilesOf(kind).includes(PROVENANCE_FILE);
}

/**
 * Every file a record of `kind` holds, in the order SHA256SUMS lists them,
 * then SHA256SUMS and its signature. `present`: the optional files
 * (OPTIONAL_FILES) this record holds; names a record of `kind` cannot hold
 * are ignored.
 *
 * @example
 * recordFilesOf('build', ['image.sha256']).hashed // ['PREV', 'README.md', 'image.sha256', 'packer.log', 'run.json']
 */
export function recordFilesOf(kind: RecordKind, present: Iterable<string> = []): { hashed: string[]; all: string[] } {
  const log = logFileOf(kind);
  const optional = new Set(optionalFilesOf(kind));
  const hashed = [PREV_FILE, README_FILE, ...(log ? [log] : []), RUN_FILE, ...[...new Set(present)].filter((name) => optional.has(name))].sort();
  return { hashed, all: [...hashed, SUMS_FILE, SIGNATURE_FILE] };
}

/** `YYYYMMDDTHHMMSSZ`, UTC. */
export const TIMESTAMP_PATTERN = /^\d{8}T\d{6}Z$/;

/**
 * Formats a record timestamp.
 *
 * @example
 * formatTimestamp(new Date('2026-11-24T09:03:00Z')) // '20261124T090300Z'
 */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/** The record's path relative to the records root, with forward slashes: `builds/<line>/<ts>`. */
export function recordPathOf(kind: RecordKind, line: string | null, ts: string): string {
  return kind === 'init' ? `${KIND_FOLDERS.init}/${ts}` : `${KIND_FOLDERS[kind]}/${line}/${ts}`;
}

/** The folder holding a record and its siblings: `init`, or `builds/<line>`. */
export function recordParentOf(kind: RecordKind, line: string | null): string {
  return kind === 'init' ? KIND_FOLDERS.init : `${KIND_FOLDERS[kind]}/${line}`;
}

/** Line keys as the matrix allows them; also keeps every record path free of separators and dots-only names. */
export const LINE_PATTERN = /^[a-z0-9][a-z0-9.-]{0,62}$/;

/**
 * True for the names the writer itself leaves while it works (its lock, its
 * commit intent, a temporary record or pointer): never part of a record, and
 * cleared or completed by the next write.
 */
export function isWriterScratch(name: string): boolean {
  return name === LOCK_FILE || name === `${LOCK_FILE}-journal` || name === PENDING_FILE || name.startsWith(TEMP_PREFIX) || (name.startsWith('.') && name.endsWith('.swap'));
}
