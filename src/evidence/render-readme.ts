import { carriesProvenance, GENESIS, PREV_FILE, PROVENANCE_FILE, SIGNATURE_FILE, SUMS_FILE } from './layout.js';
import type { BuildRun, ExecutorFacts, MediaRun, RecordedImageFacts, Run, Target } from './run-schema.js';

function describeTarget(target: Target): string {
  switch (target.platform) {
    case 'vsphere':
      return `vSphere template \`${target.template_name}\`${target.folder ? ` in \`${target.folder}\`` : ''}${target.vcenter ? ` on ${target.vcenter}` : ''}${target.datacenter ? ` (datacenter ${target.datacenter})` : ''}`;
    case 'proxmox':
      return `Proxmox template \`${target.template_name}\`${target.vmid ? ` (VMID ${target.vmid})` : ''}${target.node ? ` on node ${target.node}` : ''}`;
    case 'qemu':
      return `QEMU image \`${target.template_name}\`${target.image_directory ? ` in \`${target.image_directory}\`` : ''}`;
    case 'local':
      return target.template_name ? `local artifact \`${target.template_name}\`` : 'a local artifact';
  }
}

/** The image sentence: "The image `x.qcow2` (qcow2, … bytes, virtual size … bytes) has SHA-256 `…`." verify-readme.ts reads it back. */
export function imageSentence(image: RecordedImageFacts): string {
  return (
    `The image \`${image.file}\` (${image.format}, ${image.size} bytes, virtual size ${image.virtual_size} bytes) has SHA-256 \`${image.sha256}\`.` +
    (image.checksum_file ? ` Packer's checksum file for it is sealed here as \`${image.checksum_file}\`; check an image file with \`sha256sum -c ${image.checksum_file}\` beside it, or \`goldsmith audit --artifact FILE\`.` : '')
  );
}

/** The ISO sentence of a media record; verify-readme.ts reads it back. */
export function mediaSentence(run: Pick<MediaRun, 'iso' | 'datastore_path' | 'uploaded'>): string {
  return (
    `The ISO \`${run.iso.file}\` (${run.iso.size} bytes) has SHA-256 \`${run.iso.sha256}\`, as the mirror's sums file ${run.iso.sums_url} lists it; ` +
    `it was downloaded from ${run.iso.url} and ${run.uploaded ? 'uploaded to' : 'found already staged at'} \`${run.datastore_path}\`.`
  );
}

/** The sentence on Packer's own provenance kept in a build record: verify-readme.ts reads it back. */
export function packerProvenanceSentence(packer: NonNullable<BuildRun['packer_provenance']>): string {
  return (
    `\`${packer.file}\` (SHA-256 \`${packer.sha256}\`) is the SLSA provenance Packer itself wrote for this build, ${packer.signed ? 'signed with Packer\'s own key' : 'unsigned'}, ` +
    `from builder \`${packer.builder_id}\`; it names ${packer.subjects.map((subject) => `\`${subject}\``).join(', ')}, the artifact this record describes.`
  );
}

/** Packer's own provenance, for build records that keep it (lines with packer_provenance). */
function packerProvenanceSection(run: Run): string[] {
  if (run.kind !== 'build' || !run.packer_provenance) return [];
  const verify = run.packer_provenance.signed
    ? ['', `Check Packer's signature with the public key of the key Packer signs with (from your platform team): \`packer verify-attestation -signing-mode=key -verifier=packer.pub.pem ${run.packer_provenance.file}\`.`]
    : [];
  return ["## Packer's provenance", '', packerProvenanceSentence(run.packer_provenance), ...verify, ''];
}

/** The image and its checklist, for build records that have them (QEMU lane). */
function imageSection(run: Run): string[] {
  if (run.kind !== 'build' || (!run.image && !run.checks)) return [];
  const checks = run.checks ?? [];
  const failed = checks.filter((check) => check.result === 'fail').length;
  return [
    '## Image',
    '',
    ...(run.image ? [imageSentence(run.image), ''] : []),
    ...(checks.length > 0
      ? [
          `The image checklist ran ${checks.length} checks before this record was sealed; ${failed === 0 ? 'all passed' : `${failed} failed`}.`,
          '',
          '| check | result | detail |',
          '|---|---|---|',
          ...checks.map((check) => `| ${check.name} | ${check.result} | ${check.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
          '',
        ]
      : []),
  ];
}

/** Where the build ran, for records that say (older ones do not). */
function executorRows(executor: ExecutorFacts | undefined): Array<[string, string | null]> {
  if (!executor) return [];
  if (executor.kind === 'local') return [['Built on', `the goldsmith host ${executor.host}`]];
  return [
    ['Built on', `GitHub Actions run ${executor.run_id} (attempt ${executor.run_attempt}) of ${executor.workflow} in ${executor.repository}: ${executor.run_url}`],
    ['Runner', executor.runner_name ? `${executor.runner_name}${executor.runner_labels.length > 0 ? ` (labels ${executor.runner_labels.join(', ')})` : ''}` : null],
    ['Workflow commit', executor.head_sha],
  ];
}

function table(rows: Array<[string, string | number | null | undefined]>): string {
  const shown = rows.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return ['| | |', '|---|---|', ...shown.map(([name, value]) => `| ${name} | ${String(value).replace(/\|/g, '\\|')} |`)].join('\n');
}

function summaryOf(run: Run): { title: string; sentence: string; rows: Array<[string, string | number | null | undefined]> } {
  switch (run.kind) {
    case 'init':
      return {
        title: 'Records initialised',
        sentence: `This is the first record of the chain: every later record links back to it. It was written by ${run.initialised_by}.`,
        rows: [],
      };
    case 'build':
      return {
        title: `Build record: ${run.line}, ${run.ts}`,
        sentence:
          `Packer${run.packer.version ? ` ${run.packer.version}` : ''} built ${describeTarget(run.target)} for line \`${run.line}\`` +
          ` at the request of ${run.requested_by.source} user ${run.requested_by.user}${run.job_id ? ` (job ${run.job_id})` : ''}; the build succeeded at ${run.finished_at}.`,
        rows: [
          ['Started', run.started_at],
          ['Finished', run.finished_at],
          ['Template commit', run.template.git_commit],
          ['Template HCL SHA-256', run.template.hcl_sha256],
          ...run.var_files.map((file): [string, string] => [`Var-file ${file.path}`, file.sha256]),
          ['ISO', run.install_media.iso_path],
          ['ISO checksum', run.install_media.iso_checksum],
          ...executorRows(run.executor),
          ['Install media record', run.media ? `${run.media.record} (SHA256SUMS SHA-256 ${run.media.sums_sha256})` : null],
          ['Artifact id', run.artifact.artifact_id],
          ['Packer run UUID', run.artifact.packer_run_uuid],
        ],
      };
    case 'promotion':
      return {
        title: `${run.action === 'promote' ? 'Promotion' : 'Rollback'} record: ${run.line}, ${run.ts}`,
        sentence:
          `${run.action === 'promote' ? 'Promoted' : 'Rolled back'} ${describeTarget(run.target)} for line \`${run.line}\`,` +
          ` requested by ${run.requested_by.source} user ${run.requested_by.user}` +
          (run.approved_by.length > 0 ? `, approved by ${run.approved_by.map((who) => `${who.source} user ${who.user}`).join(' and ')}` : '') +
          (run.build ? `. The build it promotes is \`${run.build.record}\`, whose SHA256SUMS has SHA-256 \`${run.build.sums_sha256}\`.` : '.'),
        rows: [
          ['Started', run.started_at],
          ['Finished', run.finished_at],
          ['Pull request', run.pull_request ? `#${run.pull_request.number} ${run.pull_request.url}` : null],
          ...run.steps.map((step): [string, string] => [`Step: ${step.name}`, `${step.result} at ${step.at}${step.detail ? `: ${step.detail}` : ''}`]),
        ],
      };
    case 'revocation':
      return {
        title: `${run.action === 'revoke' ? 'Revocation' : 'Revocation lifted'}: ${run.line}, ${run.ts}`,
        sentence:
          `${revocationSentence(run)} ${run.action === 'revoke' ? 'It may not be promoted while this is the newest revocation record naming it.' : 'It may be promoted again.'}` +
          ` Requested by ${run.requested_by.source} user ${run.requested_by.user}. Reason: ${run.reason}`,
        rows: [['Pull request', run.pull_request ? `#${run.pull_request.number} ${run.pull_request.url}` : null]],
      };
    case 'media':
      return {
        title: `Media record: ${run.line}, ${run.ts}`,
        sentence: `Install media of line \`${run.line}\` staged at the request of ${run.requested_by.source} user ${run.requested_by.user}. ${mediaSentence(run)}`,
        rows: [
          ['ISO URL', run.iso.url],
          ['Sums file', run.iso.sums_url],
          ['ISO SHA-256', run.iso.sha256],
          ['ISO size (bytes)', run.iso.size],
          ['Datastore path', run.datastore_path],
          ['Uploaded', run.uploaded ? 'yes' : 'no: the datastore already held it'],
          ['vCenter', run.target.vcenter],
          ['Datacenter', run.target.datacenter],
        ],
      };
  }
}

/** "The build `builds/…` (SHA256SUMS SHA-256 `…`) of line `x` is revoked." verify-readme.ts reads it back. */
export function revocationSentence(run: Extract<Run, { kind: 'revocation' }>): string {
  return `The build \`${run.build.record}\` (SHA256SUMS SHA-256 \`${run.build.sums_sha256}\`) of line \`${run.line}\` is ${run.action === 'revoke' ? 'revoked' : 'no longer revoked'}.`;
}

/**
 * Renders a record's README.md: what happened in plain English, the log's
 * SHA-256 and size, and the exact commands that verify the record.
 */
export function renderRecordReadme(run: Run, prevIsGenesis: boolean): string {
  const { title, sentence, rows } = summaryOf(run);
  const log = run.kind === 'init' || run.kind === 'revocation' || run.kind === 'media' ? undefined : run.log;
  const depth = run.record.split('/').length;
  return [
    `# ${title}`,
    '',
    sentence,
    '',
    table([['Record', run.record], ['Sequence number', run.seq], ['Kind', run.kind], ...rows, ['Signed by', `${run.signer.identity} (${run.signer.fingerprint})`], ['goldsmith', run.goldsmith_version]]),
    '',
    ...(log ? ['## Log', '', `\`${log.path}\` has SHA-256 \`${log.sha256}\` and is ${log.size} bytes long.`, ''] : []),
    ...imageSection(run),
    ...packerProvenanceSection(run),
    '## Verify this record',
    '',
    'From this folder, with standard tools only:',
    '',
    '```sh',
    `sha256sum -c ${SUMS_FILE}`,
    prevIsGenesis ? `cat ${PREV_FILE}   # "${GENESIS}": the first record of the chain` : `sha256sum -c ${PREV_FILE}   # the previous record is unchanged since this one was written`,
    `ssh-keygen -Y verify -f allowed_signers -I ${run.signer.identity} -n ${run.signer.namespace} -s ${SIGNATURE_FILE} < ${SUMS_FILE}`,
    '```',
    '',
    ...(!carriesProvenance(run.kind)
      ? []
      : [`\`${PROVENANCE_FILE}\` is this record's SLSA provenance, signed with the same key: check it with cosign or Packer as docs/assessor.md shows.`, '']),
    `Or the whole chain at once: \`goldsmith audit ${Array(depth).fill('..').join('/')} --allowed-signers allowed_signers\`.`,
    'Get `allowed_signers` from your platform team, not from this folder. See docs/assessor.md.',
    '',
  ].join('\n');
}
