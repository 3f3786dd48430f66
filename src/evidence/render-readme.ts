import { GENESIS, PREV_FILE, SIGNATURE_FILE, SUMS_FILE } from './layout.js';
import type { Run, Target } from './run-schema.js';

function describeTarget(target: Target): string {
  switch (target.platform) {
    case 'vsphere':
      return `vSphere template \`${target.template_name}\`${target.folder ? ` in \`${target.folder}\`` : ''}${target.vcenter ? ` on ${target.vcenter}` : ''}${target.datacenter ? ` (datacenter ${target.datacenter})` : ''}`;
    case 'proxmox':
      return `Proxmox template \`${target.template_name}\`${target.vmid ? ` (VMID ${target.vmid})` : ''}${target.node ? ` on node ${target.node}` : ''}`;
    case 'local':
      return target.template_name ? `local artifact \`${target.template_name}\`` : 'a local artifact';
  }
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
  }
}

/**
 * Renders a record's README.md: what happened in plain English, the log's
 * SHA-256 and size, and the exact commands that verify the record.
 */
export function renderRecordReadme(run: Run, prevIsGenesis: boolean): string {
  const { title, sentence, rows } = summaryOf(run);
  const log = run.kind === 'init' ? undefined : run.log;
  const depth = run.record.split('/').length;
  return [
    `# ${title}`,
    '',
    sentence,
    '',
    table([['Record', run.record], ['Sequence number', run.seq], ['Kind', run.kind], ...rows, ['Signed by', `${run.signer.identity} (${run.signer.fingerprint})`], ['goldsmith', run.goldsmith_version]]),
    '',
    ...(log ? ['## Log', '', `\`${log.path}\` has SHA-256 \`${log.sha256}\` and is ${log.size} bytes long.`, ''] : []),
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
    `Or the whole chain at once: \`goldsmith audit ${Array(depth).fill('..').join('/')} --allowed-signers allowed_signers\`.`,
    'Get `allowed_signers` from your platform team, not from this folder. See docs/assessor.md.',
    '',
  ].join('\n');
}
