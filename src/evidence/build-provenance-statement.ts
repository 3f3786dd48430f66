import { IMAGE_SUMS_FILE } from './layout.js';
import { SLSA_PROVENANCE_V1, STATEMENT_TYPE, type ProvenanceStatement, type ResourceDescriptor } from './provenance-schema.js';
import type { BuildRun, ExecutorFacts, PromotionRun } from './run-schema.js';

/** What a build record's statement says was done: a Packer build of one line (docs/records.md). */
export const PACKER_BUILD_TYPE = 'https://goldsmith.dev/buildtypes/packer/v1';
/** What a promotion record's statement says was done: the approved build made live (or rolled back). */
export const PROMOTION_BUILD_TYPE = 'https://goldsmith.dev/buildtypes/promotion/v1';

const BUILDERS = 'https://goldsmith.dev/builders';

/** Facts the statement needs that run.json does not hold. */
export interface ProvenanceContext {
  /** The host sealing the record: the builder of promotions, and named for builds whose run.json records no executor. */
  host: string;
  /** SHA-256 of the image checksum file sealed with a build (IMAGE_SUMS_FILE), when there is one. */
  imageSumsSha256?: string | undefined;
}

/**
 * The subject of a template that is not a file (vSphere, Proxmox, a
 * `local` artifact): `template:<name>`, digested by the record's log, the
 * one thing the run itself produced that names the template and that the
 * record seals unchanged (docs/records.md, "provenance.intoto.json").
 *
 * @example
 * templateSubjectOf(run) // { name: 'template:ubuntu-24.04-build', digest: { sha256: run.log.sha256 } }
 */
export function templateSubjectOf(run: BuildRun | PromotionRun): { name: string; digest: { sha256: string } } {
  return { name: `template:${run.target.template_name ?? run.line}`, digest: { sha256: run.log.sha256 } };
}

/**
 * One id per trust boundary, as SLSA asks: this host, a named CI repository, or unrecorded.
 *
 * @example
 * builderIdOf({ kind: 'local', host: 'goldsmith-1' }, 'goldsmith-1') // 'https://goldsmith.dev/builders/local/goldsmith-1'
 */
export function builderIdOf(executor: ExecutorFacts | undefined, host: string): string {
  if (!executor) return `${BUILDERS}/unrecorded/${encodeURIComponent(host)}`;
  if (executor.kind === 'local') return `${BUILDERS}/local/${encodeURIComponent(executor.host)}`;
  return `${BUILDERS}/github-actions/${executor.repository}`;
}

/** A Packer `iso_checksum` (`sha256:…`, or bare hex) as a digest set; undefined for `file:` or `none` forms. */
function isoDigest(checksum: string | null): Record<string, string> | undefined {
  if (!checksum) return undefined;
  const typed = /^(md5|sha1|sha256|sha512):([0-9a-fA-F]+)$/.exec(checksum.trim());
  if (typed) return { [typed[1]!]: typed[2]!.toLowerCase() };
  return /^[0-9a-fA-F]{64}$/.test(checksum.trim()) ? { sha256: checksum.trim().toLowerCase() } : undefined;
}

function buildDependencies(run: BuildRun): ResourceDescriptor[] {
  const deps: ResourceDescriptor[] = [];
  const { template } = run;
  if (template.git_commit) {
    // A `-dirty` suffix says the folder had uncommitted changes: kept as written, never passed off as a clean commit.
    deps.push({ name: 'template', ...(template.dir ? { uri: `file:${encodeURI(template.dir)}` } : {}), digest: { gitCommit: template.git_commit.replace(/-dirty$/, '') }, ...(template.git_commit.endsWith('-dirty') ? { annotations: { dirty: true } } : {}) });
  }
  if (template.hcl_sha256) deps.push({ name: `${template.dir ?? 'template'}/*.pkr.hcl`, digest: { sha256: template.hcl_sha256 }, annotations: { digest_of: 'sha256sum-format list of every *.pkr.hcl in the folder, by name (docs/records.md)' } });
  for (const file of run.var_files) deps.push({ name: file.path, digest: { sha256: file.sha256 } });
  for (const file of run.install_media.files) deps.push({ name: file.path, digest: { sha256: file.sha256 } });
  const iso = isoDigest(run.install_media.iso_checksum);
  if (iso) deps.push({ name: run.install_media.iso_path ?? 'install ISO', digest: iso });
  return deps;
}

function metadataOf(invocationId: string | undefined, started: string | null, finished: string): Record<string, string> {
  return { ...(invocationId ? { invocationId } : {}), ...(started ? { startedOn: started } : {}), finishedOn: finished };
}

function buildStatement(run: BuildRun, context: ProvenanceContext): ProvenanceStatement {
  const executor = run.executor;
  const invocationId = executor?.kind === 'github-actions' ? `${executor.run_url}/attempts/${executor.run_attempt}` : run.job_id ? `goldsmith-job:${run.job_id}` : undefined;
  return {
    _type: STATEMENT_TYPE,
    subject: [run.image ? { name: run.image.file, digest: { sha256: run.image.sha256 } } : templateSubjectOf(run)],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: PACKER_BUILD_TYPE,
        externalParameters: {
          line: run.line,
          template: { dir: run.template.dir, ...(executor?.kind === 'github-actions' && executor.head_sha ? { ref: executor.head_sha } : {}) },
          ...(run.packer.only ? { only: run.packer.only } : {}),
          var_files: run.var_files.map((file) => file.path),
          requested_by: run.requested_by,
        },
        internalParameters: {
          record: run.record,
          seq: run.seq,
          goldsmith_version: run.goldsmith_version,
          packer_version: run.packer.version,
          target: run.target,
          artifact: run.artifact,
          ...(run.install_media.iso_path ? { iso_path: run.install_media.iso_path } : {}),
        },
        resolvedDependencies: buildDependencies(run),
      },
      runDetails: {
        builder: { id: builderIdOf(executor, context.host), version: { goldsmith: run.goldsmith_version, ...(run.packer.version ? { packer: run.packer.version } : {}) } },
        metadata: metadataOf(invocationId, run.started_at, run.finished_at),
        byproducts: [
          { name: run.log.path, digest: { sha256: run.log.sha256 }, mediaType: 'text/plain' },
          ...(run.image?.checksum_file && context.imageSumsSha256 ? [{ name: IMAGE_SUMS_FILE, digest: { sha256: context.imageSumsSha256 }, mediaType: 'text/plain' }] : []),
          ...(run.packer_provenance ? [{ name: run.packer_provenance.file, digest: { sha256: run.packer_provenance.sha256 }, mediaType: 'application/json' }] : []),
        ],
      },
    },
  };
}

function promotionStatement(run: PromotionRun, context: ProvenanceContext): ProvenanceStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [templateSubjectOf(run)],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: PROMOTION_BUILD_TYPE,
        externalParameters: {
          action: run.action,
          line: run.line,
          build_record: run.build?.record ?? null,
          requested_by: run.requested_by,
          approved_by: run.approved_by,
          pull_request: run.pull_request?.url ?? null,
        },
        internalParameters: { record: run.record, seq: run.seq, goldsmith_version: run.goldsmith_version, target: run.target, steps: run.steps.map((step) => ({ name: step.name, result: step.result })) },
        resolvedDependencies: run.build ? [{ name: `${run.build.record}/SHA256SUMS`, digest: { sha256: run.build.sums_sha256 }, annotations: { approved: run.approved_by.length > 0 } }] : [],
      },
      runDetails: {
        builder: { id: builderIdOf({ kind: 'local', host: context.host }, context.host), version: { goldsmith: run.goldsmith_version } },
        metadata: metadataOf(run.job_id ? `goldsmith-job:${run.job_id}` : run.pull_request?.url, run.started_at, run.finished_at),
        byproducts: [{ name: run.log.path, digest: { sha256: run.log.sha256 }, mediaType: 'text/plain' }],
      },
    },
  };
}

/**
 * The in-toto Statement v1 with an SLSA provenance v1 predicate for a build
 * or promotion record, from its run.json (docs/records.md maps each field).
 *
 * @example
 * const statement = buildProvenanceStatement(run, { host: 'goldsmith-1' });
 * statement.subject // [{ name: 'ubuntu-24.04-build.qcow2', digest: { sha256: '…' } }]
 */
export function buildProvenanceStatement(run: BuildRun | PromotionRun, context: ProvenanceContext): ProvenanceStatement {
  return run.kind === 'build' ? buildStatement(run, context) : promotionStatement(run, context);
}
