import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import { InputError } from '../config/input-error.js';
import { selectLines } from '../config/select-lines.js';
import type { BuildDetails, Requester, Target } from '../evidence/run-schema.js';
import { writeRecord, type RecordSigner, type WrittenRecord } from '../evidence/write-record.js';
import { lineVarFiles } from './line-var-files.js';
import { describeTemplate } from './describe-template.js';
import type { PackerOutcomeResult } from './packer-outcome.js';
import { readPackerManifest } from './read-packer-manifest.js';
import { readPackerOutcome } from './read-packer-outcome.js';
import { templatePlatformOf } from './stores/registry.js';
import { templateNamesOf } from './stores/template-names.js';
import { readLatestMedia } from './media/read-latest-media.js';
import type { Settings } from '../config/settings.js';

export interface SealBuildOptions {
  config: LoadedConfig;
  /** A matrix key or alias; any valid line key when no matrix is configured. */
  line: string;
  /**
   * The line's matrix entry as the job was queued with it. When given, the
   * matrix is not read again: a matrix edited mid-build cannot change the
   * record. `goldsmith seal` (no job) leaves it out and the line is looked up.
   */
  entry?: MatrixEntry | undefined;
  /** Facts the platform's after-Packer step found (the image, its checks), merged into run.json's build details. */
  facts?: Partial<BuildDetails> | undefined;
  /** The image's sha256sum-format file (a store's `<base>-build.sha256`), sealed as image.sha256. */
  imageSums?: string | undefined;
  /** The finished build's log (machine-readable output and/or PACKER_LOG). */
  log: string;
  manifest?: string | undefined;
  /** Packer's own provenance for the build: required when the line sets `packer_provenance`, sealed once it names the build's artifact. */
  packerProvenance?: string | undefined;
  requestedBy: Requester;
  jobId?: string | null;
  signer: RecordSigner;
  settings: Settings;
  startedAt?: Date | undefined;
  /** The outcome, when the caller followed the build live; otherwise the log is read. */
  outcome?: PackerOutcomeResult;
}

function iso(date: Date | undefined): string | null {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

/** run.json's target: the store's own description of `<base>-build` for platforms with a store. */
function targetOf(entry: MatrixEntry | undefined, config: LoadedConfig, artifactId: string | null): Target {
  if (!entry) return { platform: 'local', template_name: artifactId };
  const store = templatePlatformOf(entry.platform);
  if (store) return store.target(config, templateNamesOf(entry.base_name).build);
  if (entry.platform === 'proxmox') return { platform: 'proxmox', node: null, vmid: null, template_name: `${entry.base_name}-build` };
  return { platform: 'local', template_name: artifactId };
}

/** The matrix entry for `line`, or undefined when no matrix is configured. */
export function findMatrixEntry(config: LoadedConfig, line: string): MatrixEntry | undefined {
  if (!existsSync(config.packer.matrix)) return undefined;
  if (line.toLowerCase() === 'all') throw new InputError('a record is sealed for one line; name it instead of "all"');
  return selectLines(loadMatrix(config.packer.matrix), line)[0];
}

/**
 * Seals the build record of a finished, successful Packer build: checks the
 * log shows success, fills run.json from the line's matrix entry (the job's
 * own, when given), the template folder, the manifest and the platform's
 * facts, and writes the record with every configured secret refused.
 *
 * @example
 * await sealBuild({ config, line: 'win2025', log: 'packer.log', manifest: 'manifest.json',
 *   requestedBy: { source: 'cli', user: 'alice' }, signer, settings });
 */
export async function sealBuild(options: SealBuildOptions): Promise<WrittenRecord> {
  const { config } = options;
  const outcome = options.outcome ?? (await readPackerOutcome(options.log));
  if (!outcome.succeeded) throw new Error(`refusing to seal ${options.log}: ${outcome.reason}`);
  const entry = options.entry ?? findMatrixEntry(config, options.line);
  if (entry?.packer_provenance && !options.packerProvenance) {
    throw new Error(`refusing to seal ${options.log}: ${entry.key} sets packer_provenance, but no provenance from Packer came with the build (goldsmith seal: --packer-provenance FILE)`);
  }
  const manifest = options.manifest ? readPackerManifest(options.manifest) : undefined;
  const packerDir = dirname(config.packer.matrix);
  const lineFiles = entry ? lineVarFiles(config, entry) : { shared: config.packer.var_files, own: undefined };
  const varFiles = [...lineFiles.shared, ...(lineFiles.own && existsSync(lineFiles.own) ? [lineFiles.own] : [])].filter((path) => existsSync(path));
  // A build on a CI runner brings its checkout's template facts: this host may not even have the template folder.
  const described =
    options.facts?.template && options.facts.var_files
      ? { template: options.facts.template, var_files: options.facts.var_files }
      : entry
        ? await describeTemplate(entry, packerDir, varFiles, config.baseDir, options.settings.childEnv({ family: 'none' }))
        : { template: { dir: null, git_commit: null, hcl_sha256: null }, var_files: [] };
  const artifactId = manifest?.artifact_id ?? outcome.artifacts.at(-1)?.id ?? null;
  // The install media staged for the line (goldsmith iso stage), newest first: the build mounted it from the datastore.
  const media = readLatestMedia(config.records, entry?.key ?? options.line);
  const stagedChecksum = media && entry?.os === 'linux' && media.run.iso.file === entry.iso_file ? `sha256:${media.run.iso.sha256}` : null;
  const details: BuildDetails = {
    line: entry?.key ?? options.line,
    job_id: options.jobId ?? null,
    requested_by: options.requestedBy,
    started_at: iso(options.startedAt ?? outcome.startedAt),
    finished_at: iso(manifest?.build_time ? new Date(manifest.build_time * 1000) : outcome.finishedAt) ?? iso(new Date())!,
    packer: { version: outcome.packerVersion ?? null, ...(entry?.only ? { only: entry.only } : {}) },
    ...described,
    install_media: {
      iso_path: entry?.iso_datastore_path && entry.iso_file ? `${entry.iso_datastore_path}/${entry.iso_file}` : (entry?.iso_datastore_path ?? null),
      iso_checksum: entry?.os === 'windows' ? (entry.iso_checksum ?? null) : stagedChecksum,
      files: [],
    },
    target: targetOf(entry, config, artifactId),
    artifact: { artifact_id: artifactId, packer_run_uuid: manifest?.packer_run_uuid ?? null, builder_type: manifest?.builder_type ?? null },
    ...(media ? { media: { record: media.record, sums_sha256: media.sumsSha256 } } : {}),
    ...options.facts,
  };
  return writeRecord({
    root: config.records,
    signer: options.signer,
    content: { kind: 'build', details, log: options.log, imageSums: options.imageSums, packerProvenance: options.packerProvenance },
    secrets: options.settings.credentials(config.secret_env, config.baseDir),
  });
}
