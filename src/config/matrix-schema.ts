import { z } from 'zod';

/** A line key: lower-case words joined by dots or dashes, as in `ubuntu-24.04`. */
export const lineKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'use lower-case letters, digits, dots and dashes (for example "ubuntu-24.04")');

/** A path inside the packer/ folder: relative, forward slashes, never climbing out. */
const packerPathSchema = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'use a path relative to packer/ that stays inside it');

const linuxDiscoverySchema = z.object({
  /** Where the newest point release is listed, and the pattern of the ISO's file name. */
  index_url: z.string().url(),
  pattern: z.string().min(1),
});

/** An ISO's file name: it becomes a local path (iso stage's download folder) and a datastore path, so never a path itself. */
const isoFileSchema = z
  .string()
  .min(1)
  .regex(/^[^/\\\0.][^/\\\0]*$/, 'give the ISO\'s file name alone (no folder, no leading dot), such as ubuntu-24.04.3-live-server-amd64.iso');

const entryBaseSchema = z.object({
  key: lineKeySchema,
  aliases: z.array(lineKeySchema).default([]),
  enabled: z.boolean(),
  dist: z.string().min(1),
  version: z.string().min(1),
  /**
   * Where the template is built and kept: vSphere (govc promotion), Proxmox, QEMU (a qcow2 image
   * built locally under TCG and kept in an image directory, see docs/qemu.md), or local (the null
   * builder, no template store).
   */
  platform: z.enum(['vsphere', 'proxmox', 'qemu', 'local']).default('vsphere'),
  build_dir: packerPathSchema,
  /**
   * The line's var-file, relative to packer/. The repository ships it as `<config>.example`;
   * the operator copies it to `<config>` and adjusts it to the site.
   */
  config: packerPathSchema,
  /** Var-files shared with other lines (site settings such as `config/vsphere.pkrvars.hcl`), passed before `config`. */
  var_files: z.array(packerPathSchema).default([]),
  /** Stable template name; the build produces `<base_name>-build`, promotion keeps `<base_name>-prev`. */
  base_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,70}$/, 'use letters, digits, dots, dashes and underscores'),
  iso_datastore_path: z.string().min(1).optional(),
  /** Restrict the build to one Packer source, as `packer build -only`. */
  only: z.string().min(1).optional(),
  /** Minutes before Packer is interrupted; fractions allowed (tests use seconds). */
  timeout_minutes: z.number().positive().max(24 * 60).default(120),
  /**
   * Proxmox only: the first VMID of the line's reserved block (`proxmox.vmid_block` of them, scheme in
   * docs/proxmox.md). With `stable_vmid` the live `<base_name>` always has this VMID.
   */
  vmid: z
    .number()
    .int()
    .min(100, 'give a Proxmox VMID from 100 up (the first of the line\'s block, see docs/proxmox.md)')
    .max(999_999_999, 'give a Proxmox VMID of at most 999999999')
    .optional(),
  /**
   * Days the line's live template may age before it counts as expired: its age is taken from the
   * finished time of the build the newest promotion record names (docs/operator.md, expiry).
   */
  max_age_days: z.number().int('give max_age_days as a whole number of days').positive('give max_age_days as a positive number of days, or leave it out').optional(),
  /**
   * The line's template has Packer's `provenance` post-processor (Packer 1.16 and later) writing to
   * `output_dir = var.provenance_directory`: goldsmith sets that variable, keeps the file in the build
   * record and checks it names the build's artifact (docs/lines.md). A build that leaves no such file fails.
   */
  packer_provenance: z.boolean().optional(),
  /** Proxmox only: promotion keeps the live template at `vmid` (a full clone of the approved build), not only its name (docs/proxmox.md). */
  stable_vmid: z.boolean().optional(),
});

const linuxEntrySchema = entryBaseSchema.extend({
  os: z.literal('linux'),
  iso_url: z.string().url().optional(),
  sums_url: z.string().url().optional(),
  iso_file: isoFileSchema.optional(),
  discover: linuxDiscoverySchema.optional(),
}).strict();

const windowsEntrySchema = entryBaseSchema.extend({
  os: z.literal('windows'),
  /** Windows media is staged by hand on the datastore: its file name and published SHA-256. */
  iso_file: isoFileSchema,
  iso_checksum: z.string().regex(/^(sha256:)?[0-9a-f]{64}$/i, 'give the ISO SHA-256 as 64 hex digits').optional(),
  edition: z.string().min(1),
}).strict();

/** One OS line of `packer/matrix.json`. Unknown keys are refused (with "did you mean"): a misspelt key must not be ignored. */
export const matrixEntrySchema = z.discriminatedUnion('os', [linuxEntrySchema, windowsEntrySchema]);

/** `packer/matrix.json`: one entry per OS line, the single source of truth. */
export const matrixSchema = z.array(matrixEntrySchema).superRefine((entries, ctx) => {
  const seen = new Map<string, number>();
  const vmids = new Map<number, number>();
  entries.forEach((entry, index) => {
    if (entry.platform === 'proxmox' && entry.vmid === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'vmid'],
        message: 'give Proxmox lines a "vmid" (the first VMID of the line\'s reserved block; see docs/proxmox.md)',
      });
    }
    if (entry.platform === 'qemu' && entry.os !== 'linux') {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'platform'],
        message: 'the QEMU lane builds Linux images only; use "platform": "vsphere" or "proxmox" for Windows lines',
      });
    }
    if (entry.platform === 'qemu' && entry.iso_datastore_path !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'iso_datastore_path'],
        message: 'remove "iso_datastore_path": QEMU lines have no datastore (the base image is a var-file setting)',
      });
    }
    if (entry.platform === 'proxmox' && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(entry.base_name)) {
      ctx.addIssue({ code: 'custom', path: [index, 'base_name'], message: 'Proxmox names VMs with DNS names: use letters, digits, dashes and dots (no underscores)' });
    }
    if (entry.platform !== 'proxmox' && entry.stable_vmid !== undefined) {
      ctx.addIssue({ code: 'custom', path: [index, 'stable_vmid'], message: 'remove "stable_vmid": only Proxmox lines have VMIDs' });
    }
    if (entry.platform !== 'proxmox' && entry.vmid !== undefined) {
      ctx.addIssue({ code: 'custom', path: [index, 'vmid'], message: 'remove "vmid": only Proxmox lines have one' });
    }
    if (entry.vmid !== undefined) {
      const first = vmids.get(entry.vmid);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'vmid'],
          message: `VMID ${entry.vmid} is already used by entry ${first + 1} ("${entries[first]!.key}"); give each line its own`,
        });
      } else vmids.set(entry.vmid, index);
    }
    for (const name of [entry.key, ...entry.aliases]) {
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, name === entry.key ? 'key' : 'aliases'],
          message: `"${name}" is already used by entry ${first + 1} ("${entries[first]!.key}"); keys and aliases must be unique`,
        });
      } else seen.set(name, index);
    }
  });
});

export type MatrixEntry = z.infer<typeof matrixEntrySchema>;
export type Matrix = z.infer<typeof matrixSchema>;
