import { z } from 'zod';
import { LINE_PATTERN, PACKER_PROVENANCE_FILE, TIMESTAMP_PATTERN } from './layout.js';

/** The version tag every run.json of format v1 carries. */
export const RUN_SCHEMA_VERSION = 'goldsmith.run/v1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');
const instant = z.iso.datetime({ offset: false });
const line = z.string().regex(LINE_PATTERN);

/** Who asked for the job, and through which door. */
export const requesterSchema = z.object({
  source: z.enum(['slack', 'github', 'schedule', 'cli']),
  user: z.string().min(1),
});

const digestedFileSchema = z.object({ path: z.string().min(1), sha256 });

/** Where the template lives once built. */
export const targetSchema = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('vsphere'),
    vcenter: z.string().nullable(),
    datacenter: z.string().nullable(),
    folder: z.string().nullable(),
    template_name: z.string().min(1),
  }),
  z.object({
    platform: z.literal('proxmox'),
    node: z.string().nullable(),
    vmid: z.number().int().positive().nullable(),
    template_name: z.string().min(1),
  }),
  z.object({
    platform: z.literal('qemu'),
    /** The image directory the store keeps `<base>.qcow2`, `<base>-prev.qcow2` and `<base>-build.qcow2` in. */
    image_directory: z.string().nullable(),
    template_name: z.string().min(1),
  }),
  z.object({ platform: z.literal('local'), template_name: z.string().nullable() }),
]);

/** One item of an image checklist (QEMU lane, docs/qemu.md): what was checked, and what was found. */
export const imageCheckSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case check name such as no-password-hashes'),
  result: z.enum(['pass', 'fail']),
  detail: z.string(),
});

/**
 * The image a build made (QEMU lane): its file name, SHA-256, size in bytes,
 * format and virtual (disk) size in bytes. `checksum_file` names the copy of
 * Packer's checksum file sealed in the record (covered by SHA256SUMS).
 */
export const imageSchema = z.object({
  file: z.string().min(1),
  sha256,
  size: z.number().int().nonnegative(),
  format: z.string().min(1),
  virtual_size: z.number().int().nonnegative(),
  checksum_file: z.string().min(1).optional(),
});

/**
 * Where a build ran: on the sealing host (`local`), or on a CI runner (the
 * run that built it, so an assessor can open it). Absent on records written
 * before goldsmith recorded it.
 */
export const executorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), host: z.string().min(1) }),
  z.object({
    kind: z.literal('github-actions'),
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    workflow: z.string().min(1),
    run_id: z.number().int().positive(),
    run_attempt: z.number().int().positive(),
    run_url: z.string().url(),
    runner_name: z.string().nullable(),
    runner_labels: z.array(z.string()),
    head_sha: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  }),
]);

const logSchema = z.object({ path: z.string().min(1), sha256, size: z.number().int().nonnegative() });

const commonSchema = z.object({
  schema: z.literal(RUN_SCHEMA_VERSION),
  seq: z.number().int().nonnegative(),
  /** The record's own path under the records root: a moved or swapped record no longer agrees with it. */
  record: z.string().min(1),
  ts: z.string().regex(TIMESTAMP_PATTERN),
  written_at: instant,
  goldsmith_version: z.string().min(1),
  signer: z.object({ identity: z.string().min(1), namespace: z.string().min(1), fingerprint: z.string().startsWith('SHA256:') }),
});

export const initRunSchema = commonSchema.extend({
  kind: z.literal('init'),
  initialised_by: z.string().min(1),
});

export const buildRunSchema = commonSchema.extend({
  kind: z.literal('build'),
  line,
  job_id: z.string().nullable(),
  requested_by: requesterSchema,
  started_at: instant.nullable(),
  finished_at: instant,
  /** `only`: the Packer source the line's build was restricted to (`packer build -only`); absent when none, and on older records. */
  packer: z.object({ version: z.string().nullable(), only: z.string().min(1).optional() }),
  template: z.object({
    dir: z.string().nullable(),
    git_commit: z.string().nullable(),
    hcl_sha256: sha256.nullable(),
  }),
  var_files: z.array(digestedFileSchema),
  install_media: z.object({
    iso_path: z.string().nullable(),
    iso_checksum: z.string().nullable(),
    files: z.array(digestedFileSchema),
  }),
  target: targetSchema,
  artifact: z.object({
    artifact_id: z.string().nullable(),
    packer_run_uuid: z.string().nullable(),
    builder_type: z.string().nullable(),
  }),
  log: logSchema,
  /** The image checklist's results (QEMU lane); absent on other platforms and on older records. */
  checks: z.array(imageCheckSchema).optional(),
  /** The image built (QEMU lane); absent on other platforms and on older records. */
  image: imageSchema.optional(),
  /** Where the build ran; absent on records written before goldsmith recorded it (still valid v1). */
  executor: executorSchema.optional(),
  /** The newest media record of the line when the build was sealed (docs/media.md); absent when the line has none, and on older records. */
  media: z.object({ record: z.string().min(1), sums_sha256: sha256 }).optional(),
  /**
   * Packer's own SLSA provenance, kept in the record as `file` (lines with `packer_provenance`, docs/lines.md):
   * whether Packer signed it, its buildType and builder id, and the subjects it names (checked against the image
   * or the artifact id when sealed, and by the audit). Absent for other lines and on older records.
   */
  packer_provenance: z
    .object({
      file: z.literal(PACKER_PROVENANCE_FILE),
      sha256,
      signed: z.boolean(),
      build_type: z.string().min(1),
      builder_id: z.string().min(1),
      subjects: z.array(z.string()).min(1),
    })
    .optional(),
});

export const promotionStepSchema = z.object({
  name: z.string().min(1),
  result: z.enum(['ok', 'skipped', 'failed']),
  detail: z.string(),
  at: instant,
});

export const promotionRunSchema = commonSchema.extend({
  kind: z.literal('promotion'),
  action: z.enum(['promote', 'rollback']),
  line,
  job_id: z.string().nullable(),
  requested_by: requesterSchema,
  approved_by: z.array(requesterSchema),
  started_at: instant,
  finished_at: instant,
  /** The build record promoted, by path and by the SHA-256 of its SHA256SUMS (what the approver saw). */
  build: z.object({ record: z.string().min(1), sums_sha256: sha256 }).nullable(),
  pull_request: z.object({ url: z.string().url(), number: z.number().int().positive() }).nullable(),
  target: targetSchema,
  steps: z.array(promotionStepSchema),
  log: logSchema,
});

/** Longest reason a revocation keeps: one paragraph, not a document. */
export const MAX_REVOCATION_REASON = 1000;

/** Why a build was revoked or unrevoked: one paragraph of plain text (no line breaks or control characters). */
export const revocationReasonSchema = z
  .string()
  .trim()
  .min(1, 'give a reason: why this build must (no longer) be promoted')
  .max(MAX_REVOCATION_REASON, `keep the reason to one paragraph of at most ${MAX_REVOCATION_REASON} characters`)
  // eslint-disable-next-line no-control-regex
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), 'the reason must be one paragraph: no line breaks, tabs or control characters');

/**
 * A revocation (or its lifting): the build it names by path and by the
 * SHA-256 of its SHA256SUMS. A build is revoked when the newest revocation
 * record naming its digest has action `revoke`. No log: the record is the act.
 */
export const revocationRunSchema = commonSchema.extend({
  kind: z.literal('revocation'),
  action: z.enum(['revoke', 'unrevoke']),
  line,
  requested_by: requesterSchema,
  reason: revocationReasonSchema,
  build: z.object({ record: z.string().min(1), sums_sha256: sha256 }),
  pull_request: z.object({ url: z.string().url(), number: z.number().int().positive() }).nullable(),
});


/**
 * A line's install media staged on its datastore (docs/media.md): the ISO as
 * downloaded and checked against the mirror's sums file, and where it lies.
 */
export const mediaRunSchema = commonSchema.extend({
  kind: z.literal('media'),
  line,
  requested_by: requesterSchema,
  iso: z.object({
    url: z.string().url(),
    sums_url: z.string().url(),
    file: z.string().min(1),
    sha256,
    size: z.number().int().nonnegative(),
  }),
  /** Such as `[datastore1] iso/ubuntu-24.04.3-live-server-amd64.iso`. */
  datastore_path: z.string().min(1),
  /** False when the datastore already held the file (same size, and recorded with this SHA-256): nothing was uploaded. */
  uploaded: z.boolean(),
  target: z.object({ platform: z.literal('vsphere'), vcenter: z.string().nullable(), datacenter: z.string().nullable(), datastore: z.string().nullable() }),
});

/** run.json, format v1: one schema per record kind. */
export const runSchema = z.discriminatedUnion('kind', [initRunSchema, buildRunSchema, promotionRunSchema, revocationRunSchema, mediaRunSchema]);

export type Run = z.infer<typeof runSchema>;
export type InitRun = z.infer<typeof initRunSchema>;
export type BuildRun = z.infer<typeof buildRunSchema>;
export type PromotionRun = z.infer<typeof promotionRunSchema>;
export type RevocationRun = z.infer<typeof revocationRunSchema>;
export type MediaRun = z.infer<typeof mediaRunSchema>;
export type Requester = z.infer<typeof requesterSchema>;
export type Target = z.infer<typeof targetSchema>;
export type PromotionStep = z.infer<typeof promotionStepSchema>;
export type ImageCheckResult = z.infer<typeof imageCheckSchema>;
export type ExecutorFacts = z.infer<typeof executorSchema>;
export type RecordedImageFacts = z.infer<typeof imageSchema>;

/** The fields of run.json the writer fills itself. */
type WriterOwned = 'schema' | 'seq' | 'record' | 'ts' | 'written_at' | 'goldsmith_version' | 'signer' | 'log';
export type BuildDetails = Omit<BuildRun, WriterOwned | 'kind'>;
export type PromotionDetails = Omit<PromotionRun, WriterOwned | 'kind'>;
export type RevocationDetails = Omit<RevocationRun, Exclude<WriterOwned, 'log'> | 'kind'>;
export type MediaDetails = Omit<MediaRun, Exclude<WriterOwned, 'log'> | 'kind'>;
