/** The one line `goldsmith init` writes: builds in seconds with Packer's null builder, anywhere Packer runs. */
export const INIT_LINE = 'hello';

/** A text file of the new project, its path relative to the project folder (forward slashes). */
export interface InitFile {
  path: string;
  text: string;
  /** What the file is for, as `goldsmith init` lists it. */
  about: string;
}

/** The signing key files, written by writeKeyFiles (never as text here, so the private key is made fresh each time). */
export const INIT_KEY_DIR = 'keys';
export const INIT_KEY_FILES = ['keys/signing.key', 'keys/signing.pub', 'keys/allowed_signers', 'keys/signing.pub.pem'] as const;

const goldsmithYaml = `# goldsmith.yaml, written by \`goldsmith init\`. Paths are relative to this file.
# Secrets never go here: goldsmith reads them from the environment only, so this
# file can be committed. Every key and variable: goldsmith's docs/operator.md.

# The evidence: one signed, hash-chained record per build, promotion and
# rollback. Commit it; assessors check it with \`goldsmith audit records\`.
records: records

# The job store (SQLite) and every job's log, failed ones included. This
# machine's working state, not evidence: .gitignore keeps it out of Git.
state_dir: .goldsmith

packer:
  # The OS lines, one entry each, pointing at a build folder under packer/
  # (the fields: goldsmith's docs/lines.md and docs/pipeline.md).
  matrix: packer/matrix.json
  # The Packer executable: a name on PATH, or a path.
  binary: packer

signing:
  # The Ed25519 key that signs every record (GOLDSMITH_SIGNING_KEY overrides).
  # Never commit it: give keys/allowed_signers to assessors instead.
  key: keys/signing.key
  # The signer's name in keys/allowed_signers.
  identity: goldsmith

# Builds at once on this machine: each real one holds a VM.
max_parallel: 2

# Later, as docs/operator.md describes: schedule (the weekly rebuild),
# secret_env, vsphere / proxmox / qemu (where templates live), slack and
# github (chat-ops and promotion pull requests).
`;

const matrixJson = `${JSON.stringify(
  [
    {
      key: INIT_LINE,
      enabled: true,
      os: 'linux',
      // Explicit: a line without "platform" is a vSphere line, and this one needs no vCenter.
      platform: 'local',
      dist: 'example',
      version: '1',
      build_dir: INIT_LINE,
      config: `${INIT_LINE}/${INIT_LINE}.pkrvars.hcl`,
      base_name: INIT_LINE,
      timeout_minutes: 10,
    },
  ],
  null,
  2,
)}\n`;

// Packer 1.6.6 (Debian's) reads this: no required_plugins block, as null and shell-local are built in.
const buildHcl = `// The "${INIT_LINE}" line: Packer's null builder makes no VM, so it builds in
// seconds wherever Packer runs, and goldsmith seals its record like any
// image's. For a real image, start from a line in goldsmith's docs/lines.md.
source "null" "${INIT_LINE}" {
  // No machine to connect to: provisioners run on the build host.
  communicator = "none"
}

build {
  sources = ["source.null.${INIT_LINE}"]

  provisioner "shell-local" {
    inline = ["echo \${var.greeting}", "echo image ready"]
  }

  // goldsmith reads the artifact id and Packer's run UUID from the manifest
  // into the record, and sets PKR_VAR_manifest_path to a file in the job's folder.
  post-processor "manifest" {
    output = var.manifest_path
  }
}
`;

const variablesHcl = `variable "manifest_path" {
  type        = string
  default     = "manifest.json"
  description = "Where the manifest post-processor writes; goldsmith sets it for each build."
}

variable "greeting" {
  type        = string
  default     = "hello"
  description = "What the provisioner prints; set in ${INIT_LINE}.pkrvars.hcl."
}
`;

const varFile = `# The line's own settings, passed to Packer with -var-file. A real line sets
# its install media, sizes and target here.
greeting = "hello from goldsmith"
`;

const gitignore = `# The private signing key: whoever holds it can sign records. Never commit it.
/keys/signing.key
# The job store and job logs: this machine's working state, not evidence.
/.goldsmith/
# Packer's download cache, in each line's folder (its working directory).
packer/**/packer_cache/
# The manifest of a bare \`packer build\` in a line folder (goldsmith writes its own in the job's folder).
packer/**/manifest.json
# The records writer's scratch (its lock, intent, half-written records): never part of a record.
records/**/.lock
records/**/.lock-journal
records/**/.pending
records/**/.tmp-*
records/**/.*.swap
`;

const recordsReadme = `# Evidence records

This folder holds goldsmith's evidence: one record per image build,
promotion and rollback, each with a README.md, run.json, the full
packer.log, SHA256SUMS and an SSH signature, chained to the record before
it, and its SLSA provenance (provenance.intoto.json) signed with the same
key. Records are only ever added, never changed.

To verify every record:

    goldsmith audit records/ --allowed-signers allowed_signers

Get the allowed_signers file from the platform team through a channel you
trust, not from this repository. \`sha256sum\` and \`ssh-keygen\` alone are
enough too: goldsmith's docs/assessor.md shows how, step by step.
`;

/**
 * The text files of a new goldsmith project, in the order they are written
 * (the signing key is separate: INIT_KEY_FILES).
 *
 * @example
 * initFiles().map((file) => file.path) // ['goldsmith.yaml', 'packer/matrix.json', …]
 */
export function initFiles(): InitFile[] {
  return [
    { path: 'goldsmith.yaml', text: goldsmithYaml, about: 'the settings, each key with a comment' },
    { path: 'packer/matrix.json', text: matrixJson, about: `one line, "${INIT_LINE}": platform local, Packer's null builder (no VM)` },
    { path: `packer/${INIT_LINE}/build.pkr.hcl`, text: buildHcl, about: 'the Packer template' },
    { path: `packer/${INIT_LINE}/variables.pkr.hcl`, text: variablesHcl, about: "the template's variables" },
    { path: `packer/${INIT_LINE}/${INIT_LINE}.pkrvars.hcl`, text: varFile, about: "the line's var-file" },
    { path: '.gitignore', text: gitignore, about: 'keeps the private key, the job store and Packer leftovers out of Git' },
    { path: 'records/README.md', text: recordsReadme, about: 'for assessors: what the folder is and how to verify it' },
  ];
}
