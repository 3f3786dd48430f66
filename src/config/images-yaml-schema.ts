import { z } from 'zod';

/**
 * A value the seed writes as a quoted YAML string. A bare `24` or `yes` would
 * reach OpenStack as a number or a boolean, so the fix says to quote it.
 */
const quoted = (example: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `add it, for example ${example}` : `quote it as a string, for example ${example}`) }).min(1, `give a value, for example ${example}`);

const yes = (field: string, why: string) =>
  z.literal('yes', { error: (issue) => (issue.input === undefined ? `add ${field}: 'yes' (${why})` : `set ${field}: 'yes' (${why}); it is ${JSON.stringify(issue.input)}`) });

/** The OpenStack/VK Cloud image properties of one image (the seed's `metadata:`). Unknown keys are kept as extra properties. */
export const imageMetadataSchema = z
  .object({
    /** The image's default user; must be the one the build logs in as (the provisioner's user). */
    os_admin_user: quoted("'debian'").regex(/^[a-z_][a-z0-9_-]{0,31}$/, "use a Linux user name, for example 'debian' or 'ubuntu'"),
    os_distro: quoted('debian12').regex(/^[a-z]+[0-9.]*$/, 'use the distribution and version run together, for example ubuntu2404 or almalinux9'),
    os_version: quoted("'12'"),
    os_type: z.literal('linux', { error: "set os_type: 'linux' (the QEMU lane builds Linux images)" }),
    mcs_name: quoted('debian-12-vm-init'),
    mcs_os_type: z.literal('linux', { error: "set mcs_os_type: 'linux' (the QEMU lane builds Linux images)" }),
    mcs_os_distro: quoted("'debian'"),
    mcs_os_version: quoted("'12'"),
    hw_qemu_guest_agent: yes('hw_qemu_guest_agent', 'VK Cloud requires the guest agent'),
    os_require_quiesce: yes('os_require_quiesce', 'VK Cloud needs it for consistent snapshots'),
    team: quoted("'platform'"),
    sid: quoted("'hidden'"),
  })
  .catchall(z.string({ error: 'give extra image properties as quoted strings' }));

/** Build settings that reach Packer as variables (`PKR_VAR_disk_size`, `PKR_VAR_memory`). */
export const buildOverrideSchema = z.strictObject(
  {
    disk_size: z
      .string({ error: 'give disk_size as a size with a unit, for example 50G' })
      .regex(/^[1-9][0-9]*[MG]$/, 'give disk_size in M or G, for example 50G (no spaces, no decimals)')
      .optional(),
    memory: z
      .number({ error: 'give memory in MiB as a number, for example 4096' })
      .int('give memory in whole MiB, for example 4096')
      .min(512, 'give the build VM at least 512 MiB')
      .max(65536, 'give the build VM at most 65536 MiB')
      .optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `build_override knows disk_size and memory only; remove ${issue.keys.join(', ')}` : 'give build_override as a mapping, for example { disk_size: 50G }') },
);

/** One image of `.images.yaml`: its metadata and optional build overrides. */
export const imageEntrySchema = z.strictObject(
  {
    metadata: imageMetadataSchema,
    build_override: buildOverrideSchema.optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `an image has metadata and build_override only; remove ${issue.keys.join(', ')}` : 'give the image as a mapping with metadata: (and optionally build_override:)') },
);

/**
 * A line's `.images.yaml` (the VK Cloud seed's format): exactly one image,
 * keyed by its service name, as in `debian-12-vm-init: { metadata: ..., build_override: ... }`.
 */
export const imagesYamlSchema = z
  .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'name the image with letters, digits, dots, dashes and underscores'), imageEntrySchema, {
    error: 'give one image as a mapping: <service-name>: { metadata: ... }',
  })
  .refine((images) => Object.keys(images).length === 1, { message: 'give exactly one image (one top-level key) per line' });

export type ImageMetadata = z.infer<typeof imageMetadataSchema>;
export type BuildOverride = z.infer<typeof buildOverrideSchema>;

/** A loaded `.images.yaml`: the one image's name, metadata and overrides, and where it came from. */
export interface ImagesYaml {
  /** The file it was read from. */
  path: string;
  /** The top-level key: the image's service name. */
  name: string;
  metadata: ImageMetadata;
  build_override: BuildOverride;
}
