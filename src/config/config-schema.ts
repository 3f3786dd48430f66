import { z } from 'zod';
import { executorsSchema } from './executors-schema.js';
import { OWN_CREDENTIAL_NAMES } from './settings-variables.js';

const SECRET_KEY = /(password|secret|token|private_?key)$/i;

/**
 * Refuses secret-looking keys anywhere in the file: secrets come from the
 * environment only, so the config file can be committed.
 */
function noSecrets(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (value === null || typeof value !== 'object') return;
  // packer.vars names a variable per key (vsphere_password: GOVC_PASSWORD): the values are names, never secrets.
  if (path.join('.') === 'packer.vars') return;
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEY.test(key) && typeof child === 'string') {
      ctx.addIssue({ code: 'custom', path: [...path, key], message: 'secrets are read from the environment only; remove this key and set the environment variable instead (docs/operator.md lists them)' });
    }
    noSecrets(child, [...path, key], ctx);
  }
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use an environment variable name (letters, digits and _)');

const weekday = z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']);

export const scheduleSchema = z
  .object({
    enabled: z.boolean().default(true),
    day: weekday.default('saturday'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour, UTC (for example "02:00")').default('02:00'),
    /** `all` (every enabled line) or a list of line keys. */
    lines: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    /** Queue the lines whose live template is older than their max_age_days first (docs/operator.md, expiry). */
    expired_first: z.boolean().optional(),
  })
  .strict();

/**
 * Install media (docs/media.md): when `goldsmith serve` runs `iso check`, and
 * what a download may do. Defaults: Monday 06:00 UTC, every line with a
 * `discover` block, redirects to the same host only, 16 GiB per ISO.
 */
export const mediaSchema = z
  .object({
    check_schedule: z
      .object({
        enabled: z.boolean().default(true),
        day: weekday.default('monday'),
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour, UTC (for example "06:00")').default('06:00'),
        /** `all` (every line with a discover block) or a list of line keys. */
        lines: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
      })
      .strict()
      .default({ enabled: true, day: 'monday', time: '06:00', lines: 'all' }),
    /** Hosts a mirror may redirect to besides its own (a download CDN); any other host is refused. */
    allowed_redirect_hosts: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'give a host name such as "cdn.example.org" (a port may follow, no scheme, no path)')).default([]),
    /** Largest ISO goldsmith downloads, in bytes (a longer answer is cut off and refused). */
    max_iso_bytes: z.number().int().positive().default(16 * 1024 ** 3),
    /** Largest index page or sums file, in bytes. */
    max_index_bytes: z.number().int().positive().default(4 * 1024 ** 2),
    /** Seconds a mirror may stay silent (no header, no byte) before the download is abandoned (a partial download is kept to resume). */
    idle_timeout_seconds: z.number().positive().max(3600).default(60),
    /** Where ISOs are downloaded to before the upload (default `<state_dir>/media`). */
    download_dir: z.string().min(1).optional(),
  })
  .strict();

const userList = z.array(z.string().min(1)).default([]);

export const slackSchema = z
  .object({
    /** Channel that carries one progress message per job. */
    channel: z.string().min(1).optional(),
    /** Slack user ids (U…) or user group ids (S…) allowed each action; everyone may read status. */
    permissions: z
      .object({ build: userList, cancel: userList, rollback: userList, revoke: userList })
      .strict()
      .default({ build: [], cancel: [], rollback: [], revoke: [] }),
  })
  .strict();

export const githubSchema = z
  .object({
    /** `owner/name` of the repository that receives promotion pull requests. */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'use "owner/name"').optional(),
    base_branch: z.string().min(1).default('main'),
    approvals_required: z.number().int().min(1).max(10).default(1),
    /** Team slugs whose members may approve besides collaborators with write access. */
    approver_teams: z.array(z.string().min(1)).default([]),
    /** Count an approving pull request review as `/promote`. */
    approve_on_review: z.boolean().default(false),
    /**
     * Who is who for four eyes: `slack:<user id>` or `cli:<user>` → GitHub login,
     * so a Slack requester cannot approve their own build on GitHub.
     */
    logins: z.record(z.string().regex(/^(slack|cli|schedule):.+$/, 'use "slack:<user id>" or "cli:<user name>"'), z.string().min(1)).default({}),
  })
  .strict();

export const vsphereSchema = z
  .object({
    datacenter: z.string().min(1).optional(),
    folder: z.string().min(1).default('Templates'),
  })
  .strict();

export const qemuSchema = z
  .object({
    /**
     * The folder that keeps the QEMU lines' images: `<base>.qcow2`, `<base>-prev.qcow2`,
     * `<base>-build.qcow2` (each with `.sha256` and `.images.yaml` beside it). Relative to the file.
     */
    image_dir: z.string().min(1, 'give the folder that keeps the QEMU images, for example "images"').default('images'),
  })
  .strict();

export const proxmoxSchema = z
  .object({
    /** The node that keeps the Proxmox lines' templates (Packer's proxmox_node). */
    node: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'give the Proxmox node name, for example "pve"').optional(),
    /** A PEM file of the CA that signed the API's certificate (a self-signed one: the certificate itself). Relative to the file. */
    ca_file: z.string().min(1).optional(),
    /** The SHA-256 fingerprint of the API's certificate (`AB:CD:…`, as `pvenode cert info` prints it), pinned instead of a CA. */
    fingerprint: z
      .string()
      .regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'give the SHA-256 fingerprint as 32 hex pairs separated by colons (pvenode cert info)')
      .optional(),
    /** VMIDs reserved per line, from its `vmid` up (docs/proxmox.md): the builds, `-prev` and rolled-back templates live there. */
    vmid_block: z.number().int().min(3, 'reserve at least 3 VMIDs per line (the template, -prev and -build)').max(1000).default(10),
    /** The storage full clones go to (VMID-stable promotion); default: the source's. */
    clone_storage: z.string().min(1).optional(),
    /** Minutes a Proxmox task (a full clone, a destroy) may take. */
    task_timeout_minutes: z.number().positive().max(24 * 60).default(30),
  })
  .strict();

/** goldsmith.yaml (or .json): everything but secrets. Paths are relative to the file. */
export const configSchema = z
  .object({
    records: z.string().min(1).default('records'),
    /** Job store (SQLite) and job logs. */
    state_dir: z.string().min(1).default('.goldsmith'),
    packer: z
      .object({
        matrix: z.string().min(1).default('packer/matrix.json'),
        binary: z.string().min(1).default('packer'),
        /** Var-files passed to every line before its own (vCenter endpoint, network). */
        var_files: z.array(z.string().min(1)).default([]),
        /**
         * More environment variables Packer (and Ansible under it) may see, besides the basics,
         * PACKER_* and PKR_VAR_* (for example AWS_PROFILE). goldsmith's own credentials are refused here.
         */
        env: z.array(envName.refine((name) => !OWN_CREDENTIAL_NAMES.has(name), { error: (issue) => `${String(issue.input)} is one of goldsmith's own credentials and never reaches Packer by name; to give it to a template, map it to a variable explicitly under packer.vars (for example vsphere_password: ${String(issue.input)})` })).default([]),
        /** Packer variables set from goldsmith's environment: `var_name: ENV_NAME` becomes PKR_VAR_var_name. The only way a credential of goldsmith's reaches Packer. */
        vars: z
          .record(
            z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'use a Packer variable name (letters, digits, _ and -)'),
            // Upper case only: a secret pasted here by mistake is refused rather than looked up (and echoed) as a name.
            z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'give the NAME of an environment variable (upper case, digits and _), never its value'),
          )
          .default({}),
      })
      .strict()
      .default({ matrix: 'packer/matrix.json', binary: 'packer', var_files: [], env: [], vars: {} }),
    /** Builds at once on this host (local executor); a CI executor has its own concurrency. */
    max_parallel: z.number().int().min(1).max(32).default(2),
    /** Where builds run (docs/executors.md): this host, or a CI engine. */
    executors: executorsSchema.default({ default: 'local', lines: {} }),
    schedule: scheduleSchema.default({ enabled: true, day: 'saturday', time: '02:00', lines: 'all' }),
    signing: z
      .object({
        /** Path of the Ed25519 signing key (GOLDSMITH_SIGNING_KEY overrides). */
        key: z.string().min(1).optional(),
        identity: z.string().regex(/^[\w.@-]+$/, 'use letters, digits, dots, dashes, @ and underscores').default('goldsmith'),
      })
      .strict()
      .default({ identity: 'goldsmith' }),
    /** Names of environment variables whose values must never reach a log or a record. */
    secret_env: z.array(envName).default([]),
    vsphere: vsphereSchema.default({ folder: 'Templates' }),
    qemu: qemuSchema.default({ image_dir: 'images' }),
    proxmox: proxmoxSchema.default({ vmid_block: 10, task_timeout_minutes: 30 }),
    slack: slackSchema.default({ permissions: { build: [], cancel: [], rollback: [], revoke: [] } }),
    media: mediaSchema.default({
      check_schedule: { enabled: true, day: 'monday', time: '06:00', lines: 'all' },
      allowed_redirect_hosts: [],
      max_iso_bytes: 16 * 1024 ** 3,
      max_index_bytes: 4 * 1024 ** 2,
      idle_timeout_seconds: 60,
    }),
    github: githubSchema.default({ base_branch: 'main', approvals_required: 1, approver_teams: [], approve_on_review: false, logins: {} }),
  })
  .strict()
  .superRefine((value, ctx) => noSecrets(value, [], ctx));

export type Config = z.infer<typeof configSchema>;
