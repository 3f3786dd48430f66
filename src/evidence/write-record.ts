import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { copyFileHashed } from './hash-file.js';
import {
  IMAGE_SUMS_FILE,
  KIND_FOLDERS,
  LINE_KINDS,
  LINE_PATTERN,
  logFileOf,
  PACKER_PROVENANCE_FILE,
  PENDING_FILE,
  PREV_FILE,
  PROVENANCE_FILE,
  README_FILE,
  recordFilesOf,
  recordParentOf,
  recordPathOf,
  RUN_FILE,
  SIGNATURE_FILE,
  SUMS_FILE,
  TEMP_PREFIX,
  formatTimestamp,
  type RecordKind,
} from './layout.js';
import { movePointers, readHead, type PendingWrite } from './pointers.js';
import { recoverPendingWrite } from './recover-pending-write.js';
import { withRecordLock } from './record-lock.js';
import { renderProvenance } from './render-provenance.js';
import { sealImageSums } from './seal-image-sums.js';
import { sealPackerProvenance } from './seal-packer-provenance.js';
import { renderRecordReadme } from './render-readme.js';
import { runSchema, RUN_SCHEMA_VERSION, type BuildDetails, type MediaDetails, type PromotionDetails, type RevocationDetails, type Run } from './run-schema.js';
import { SecretScanner } from './secret-scanner.js';
import type { Credential } from '../config/find-credentials.js';
import { SIGNATURE_NAMESPACE, signSshsig } from './sshsig.js';
import type { SigningKey } from './ssh-keys.js';
import { formatPrev, formatSums, type PrevLink } from './sums.js';
import { fsyncDirectory, replaceFileAtomically, writeFileOnce } from './sync-fs.js';
import { GOLDSMITH_VERSION } from './version.js';

/** The key records are signed with, and the identity `allowed_signers` lists it under. */
export interface RecordSigner {
  key: SigningKey;
  identity: string;
}

export type RecordContent =
  | {
      kind: 'build';
      details: BuildDetails;
      log: string;
      /**
       * Packer's checksum file for the image the build made (QEMU lane), sealed
       * as IMAGE_SUMS_FILE: it must list `details.image.sha256`, and run.json's
       * `image.checksum_file` is set to name it.
       */
      imageSums?: string | undefined;
      /** The provenance Packer wrote for the build (lines with `packer_provenance`), sealed as PACKER_PROVENANCE_FILE once it names the build's artifact. */
      packerProvenance?: string | undefined;
    }
  | { kind: 'promotion'; details: PromotionDetails; log: string }
  /** A revocation carries no log: the record is the act (writeRevocationRecord). */
  | { kind: 'revocation'; details: RevocationDetails }
  /** A media record carries no log either (writeMediaRecord). */
  | { kind: 'media'; details: MediaDetails };

export interface WriteRecordOptions {
  /** The records folder; created with its init record on first use. */
  root: string;
  signer: RecordSigner;
  content: RecordContent;
  /** Values that must never reach a record: sealing fails when any file holds one. */
  secrets?: readonly Credential[];
  /** The clock, for tests. */
  now?: () => Date;
}

/** What the writer sealed. */
export interface WrittenRecord {
  /** Path under the records root, such as `builds/ubuntu-24.04/20261124T090300Z`. */
  record: string;
  /** Absolute path of the record folder. */
  path: string;
  seq: number;
  ts: string;
  /** SHA-256 of the record's SHA256SUMS: what PREV, HEAD and an approval bind to. */
  sumsSha256: string;
  log: { sha256: string; size: number } | undefined;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** Names the credential found (its variable), never its value. */
function nameOf(secrets: readonly Credential[], index: number): string {
  return `the value of ${secrets[index]?.name ?? 'a credential'}`;
}

function refuseSecrets(file: string, content: string, secrets: readonly Credential[]): void {
  const scanner = new SecretScanner(secrets.map((secret) => secret.value));
  if (scanner.feed(Buffer.from(content, 'utf8'))) {
    throw new Error(`refusing to seal: ${file} would contain a secret value (${nameOf(secrets, scanner.found!)}); remove it from the record's details`);
  }
}

/** The next free timestamp of a line: record folders are never reused, even within one second. */
function freeTimestamp(parent: string, now: Date): string {
  let at = now.getTime();
  while (existsSync(join(parent, formatTimestamp(new Date(at))))) at += 1000;
  return formatTimestamp(new Date(at));
}

function visibleEntries(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter((name) => !name.startsWith('.')) : [];
}

function anyRecordExists(root: string): boolean {
  if (visibleEntries(join(root, KIND_FOLDERS.init)).length > 0) return true;
  return LINE_KINDS.map((kind) => KIND_FOLDERS[kind]).some((kind) =>
    visibleEntries(join(root, kind)).some((line) => visibleEntries(join(root, kind, line)).length > 0),
  );
}

interface ChainTip {
  seq: number;
  prev: PrevLink;
}

/** Where the chain stands: the record after HEAD, or the genesis record when the folder is empty. */
function readChainTip(root: string, recordPath: string): ChainTip | undefined {
  const head = readHead(root);
  if (!head) {
    if (anyRecordExists(root)) {
      throw new Error(`${root} holds records but no HEAD; refusing to start a second chain. Run "goldsmith audit ${root}" and restore HEAD from a backup`);
    }
    return undefined;
  }
  const sums = readFileSync(join(root, head.record, SUMS_FILE));
  if (sha256(sums) !== head.sumsSha256) {
    throw new Error(`HEAD names ${head.record}, whose ${SUMS_FILE} has changed since it was written; run "goldsmith audit ${root}"`);
  }
  const previous = JSON.parse(readFileSync(join(root, head.record, RUN_FILE), 'utf8')) as { seq: number };
  const path = posix.relative(recordPath, `${head.record}/${SUMS_FILE}`);
  return { seq: previous.seq + 1, prev: { genesis: false, sha256: head.sumsSha256, path } };
}

interface Draft {
  kind: RecordKind;
  line: string | null;
  /** The temporary folder, already holding the log when there is one. */
  temporary: string;
  log: { name: string; sha256: string; size: number } | undefined;
  /** Further small files the record seals (the image's checksum file), by name. */
  extra: Record<string, string>;
  runOf: (common: Pick<Run, 'schema' | 'seq' | 'record' | 'ts' | 'written_at' | 'goldsmith_version' | 'signer'>) => Run;
}

/** Seals a draft into the chain. Synchronous: runs under the record lock. */
function commitDraft(root: string, draft: Draft, signer: RecordSigner, secrets: readonly Credential[], now: Date): WrittenRecord {
  const parent = join(root, recordParentOf(draft.kind, draft.line));
  const ts = freeTimestamp(parent, now);
  const record = recordPathOf(draft.kind, draft.line, ts);
  const tip = readChainTip(root, record) ?? { seq: 0, prev: { genesis: true } as const };
  if ((draft.kind === 'init') !== tip.prev.genesis) throw new Error('internal: only the init record may start the chain');

  const run = runSchema.parse(
    draft.runOf({
      schema: RUN_SCHEMA_VERSION,
      seq: tip.seq,
      record,
      ts,
      written_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      goldsmith_version: GOLDSMITH_VERSION,
      signer: { identity: signer.identity, namespace: SIGNATURE_NAMESPACE, fingerprint: signer.key.fingerprint },
    }),
  );
  const texts: Record<string, string> = {
    [RUN_FILE]: `${JSON.stringify(run, null, 2)}\n`,
    [README_FILE]: renderRecordReadme(run, tip.prev.genesis),
    [PREV_FILE]: formatPrev(tip.prev),
    ...draft.extra,
  };
  // The signed statement repeats run.json's facts in the in-toto / SLSA form other verifiers read (docs/records.md).
  const imageSums = draft.extra[IMAGE_SUMS_FILE];
  const provenance = renderProvenance(run, signer.key, { imageSumsSha256: imageSums === undefined ? undefined : sha256(imageSums) });
  if (provenance !== undefined) texts[PROVENANCE_FILE] = provenance;
  const digests: Record<string, string> = draft.log ? { [draft.log.name]: draft.log.sha256 } : {};
  for (const [name, text] of Object.entries(texts)) {
    refuseSecrets(name, text, secrets);
    writeFileOnce(join(draft.temporary, name), text);
    digests[name] = sha256(text);
  }
  const sums = formatSums(recordFilesOf(draft.kind, Object.keys(texts)).hashed.map((name) => ({ sha256: digests[name]!, name })));
  writeFileOnce(join(draft.temporary, SUMS_FILE), sums);
  writeFileOnce(join(draft.temporary, SIGNATURE_FILE), signSshsig(Buffer.from(sums, 'utf8'), signer.key));
  fsyncDirectory(draft.temporary);

  const pending: PendingWrite = { record, kind: draft.kind, line: draft.line, ts, sumsSha256: sha256(sums) };
  replaceFileAtomically(join(root, PENDING_FILE), `${JSON.stringify(pending)}\n`);
  if (existsSync(join(root, record))) throw new Error(`internal: ${record} already exists; records are never replaced`);
  renameSync(draft.temporary, join(root, record));
  fsyncDirectory(parent);
  movePointers(root, pending);
  return { record, path: join(root, record), seq: tip.seq, ts, sumsSha256: pending.sumsSha256, log: draft.log };
}

function makeTemporary(root: string, kind: RecordKind, line: string | null): string {
  const parent = join(root, recordParentOf(kind, line));
  mkdirSync(parent, { recursive: true });
  const temporary = join(parent, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(temporary);
  return temporary;
}

function initDraft(root: string): Draft {
  return {
    kind: 'init',
    line: null,
    temporary: makeTemporary(root, 'init', null),
    log: undefined,
    extra: {},
    runOf: (common) => ({ ...common, kind: 'init', initialised_by: `${userInfo().username}@${hostname()}` }),
  };
}

/**
 * Seals one build, promotion or media record into the chain: write-once, fsynced,
 * renamed into place from a temporary sibling, then `latest` and HEAD moved.
 * Safe against concurrent writers in other processes and against a crash at
 * any point. The first write into an empty folder seals the init record first.
 *
 * @example
 * const sealed = await writeRecord({
 *   root: 'records',
 *   signer: { key: readSigningKey('signing.key'), identity: 'goldsmith' },
 *   content: { kind: 'build', details, log: '/var/lib/goldsmith/jobs/12/packer.log' },
 *   secrets: settings.credentials(config.secret_env),
 * });
 * console.log(sealed.record); // builds/ubuntu-24.04/20261124T090300Z
 */
export async function writeRecord(options: WriteRecordOptions): Promise<WrittenRecord> {
  const root = resolve(options.root);
  const { content, signer } = options;
  // Empty values would shift the scanner's indexes, and match nothing anyway.
  const secrets = (options.secrets ?? []).filter((secret) => secret.value.length > 0);
  const line = content.details.line;
  if (!LINE_PATTERN.test(line)) throw new Error(`line "${line}" is not a valid line key (lower-case letters, digits, dots and dashes)`);
  mkdirSync(root, { recursive: true });

  // The small files a build seals are checked before anything is written: a refused build leaves no trace in the records folder.
  const image = content.kind === 'build' ? sealImageSums(content.details, content.imageSums) : undefined;
  const packer = content.kind === 'build' && content.packerProvenance ? sealPackerProvenance(content.details, content.packerProvenance, secrets) : undefined;
  const temporary = makeTemporary(root, content.kind, line);
  try {
    let draft: Draft;
    if (content.kind === 'revocation' || content.kind === 'media') {
      // No log: the record is its run.json, README, PREV and sums.
      const { kind, details } = content;
      draft = { kind, line, temporary, log: undefined, extra: {}, runOf: (common) => ({ ...common, kind, ...details }) as Run };
    } else {
      const logName = logFileOf(content.kind)!;
      // The log is copied, hashed and scanned before the lock: only the small files are written while other writers wait.
      const copied = await copyFileHashed(content.log, join(temporary, logName), secrets.map((secret) => secret.value));
      if (copied.secretIndex !== undefined) {
        throw new Error(`refusing to seal: ${logName} (from ${content.log}) contains a secret value (${nameOf(secrets, copied.secretIndex)}); scrub the log and seal again`);
      }
      const log = { name: logName, sha256: copied.sha256, size: copied.size };
      const logField = { path: logName, sha256: copied.sha256, size: copied.size };
      draft = {
        kind: content.kind,
        line,
        temporary,
        log,
        extra: { ...(image ? { [IMAGE_SUMS_FILE]: image.text } : {}), ...(packer ? { [PACKER_PROVENANCE_FILE]: packer.text } : {}) },
        runOf: (common) =>
          content.kind === 'build'
            ? { ...common, kind: 'build', ...content.details, ...(image ? { image: image.facts } : {}), ...(packer ? { packer_provenance: packer.facts } : {}), log: logField }
            : { ...common, kind: 'promotion', ...content.details, log: logField },
      };
    }
    return withRecordLock(root, () => {
      recoverPendingWrite(root);
      const now = options.now?.() ?? new Date();
      if (!readHead(root)) {
        const init = initDraft(root);
        try {
          commitDraft(root, init, signer, secrets, now);
        } finally {
          rmSync(init.temporary, { recursive: true, force: true });
        }
      }
      return commitDraft(root, draft, signer, secrets, now);
    });
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}
