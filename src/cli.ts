#!/usr/bin/env node
// Wiring only: each command's module is loaded when that command runs, so
// `goldsmith audit` never pays for the bots, Packer or SQLite.
import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from './config/load-config.js';
import { readSettings } from './config/settings.js';
import { GOLDSMITH_VERSION } from './evidence/version.js';

const program = new Command('goldsmith')
  .description('Chat-ops and evidence for VM golden images: build with Packer, seal signed records, audit them.')
  .version(GOLDSMITH_VERSION)
  .option('-c, --config <file>', 'goldsmith.yaml or .json (default: ./goldsmith.yaml, or GOLDSMITH_CONFIG)')
  .showHelpAfterError()
  .exitOverride();

// The environment is read here, once, through the settings module; commands receive what they need of it.
const settings = readSettings();
const config = () => loadConfig({ file: program.opts<{ config?: string }>().config, cwd: process.cwd(), paths: settings.paths });
const done = (code: number) => {
  process.exitCode = code;
};

program
  .command('init')
  .description('Write a working goldsmith project into DIR: goldsmith.yaml, packer/matrix.json with one line ("hello", Packer\'s null builder), a signing key, .gitignore and records/.')
  .argument('[dir]', 'folder to write into (default: the current folder; created if missing)')
  .addHelpText(
    'after',
    '\nNever overwrites: if any file it would write exists, it writes nothing and names each one.\n' +
      'Exit status: 0 written, 2 usage error or a file in the way.\n\n' +
      'Example:\n  goldsmith init golden-images\n  cd golden-images\n  goldsmith build hello --wait\n  goldsmith audit records',
  )
  .action(async (dir: string | undefined) => {
    const { initCommand } = await import('./commands/init.js');
    done(initCommand(dir ?? '.', process.cwd(), process.stdout));
  });

program
  .command('keygen')
  .description('Write a new Ed25519 signing key: DIR/signing.key (0600), DIR/signing.pub, DIR/signing.pub.pem (PEM, for cosign), DIR/allowed_signers.')
  .requiredOption('--out <dir>', 'folder to write the key files into (created if missing)')
  .option('--identity <name>', 'signer identity for allowed_signers and ssh-keygen -I', 'goldsmith')
  .addHelpText('after', '\nExample:\n  goldsmith keygen --out /etc/goldsmith\n  export GOLDSMITH_SIGNING_KEY=/etc/goldsmith/signing.key')
  .action(async (options: { out: string; identity: string }) => {
    const { keygenCommand } = await import('./commands/keygen.js');
    done(keygenCommand(options, process.stdout));
  });

program
  .command('seal')
  .description('Seal a build record from a finished Packer build run outside goldsmith (its log and manifest).')
  .requiredOption('--line <line>', 'the OS line (a matrix key or alias when packer/matrix.json exists)')
  .requiredOption('--log <file>', "the build's log: packer build -machine-readable output, with PACKER_LOG=1 lines")
  .option('--manifest <file>', "the Packer manifest post-processor's output (artifact_id, packer_run_uuid)")
  .option('--packer-provenance <file>', "the provenance Packer's provenance post-processor wrote (required for lines with packer_provenance; checked to name the manifest's artifact)")
  .option('--records <dir>', 'records folder (default: records/ or the config)')
  .option('--key <file>', 'signing key (default: GOLDSMITH_SIGNING_KEY or signing.key in the config)')
  .option('--requested-by <user>', 'who asked for the build (default: the current user)')
  .addHelpText(
    'after',
    '\nRefuses a log that shows a failed build, and a log or record holding a configured secret.\n\nExample:\n  PACKER_LOG=1 packer build -machine-readable . > build.log 2>&1\n  goldsmith seal --line ubuntu-24.04 --log build.log --manifest manifest.json',
  )
  .action(async (options: { line: string; log: string; manifest?: string; packerProvenance?: string; records?: string; key?: string; requestedBy?: string }) => {
    const { sealCommand } = await import('./commands/seal.js');
    const loaded = config();
    if (options.records) loaded.records = options.records;
    done(await sealCommand(loaded, settings, options, process.stdout));
  });

program
  .command('audit')
  .description('Verify every record: hashes, the chain, latest and HEAD, and signatures.')
  .argument('[dir]', 'records folder (default: records/ or the config)')
  .option('--json', 'print the report as JSON')
  .option('--junit <file>', 'also write a JUnit XML report to FILE')
  .addOption(new Option('--allowed-signers <file>', 'ssh-keygen allowed_signers file; signatures are then required to be by a listed key'))
  .option('--artifact <file>', 'verify an image file against the build record that names it (QEMU lane)')
  .addHelpText(
    'after',
    '\nExit status: 0 clean, 1 findings, 2 usage error or unreadable input.\n\nExample:\n  goldsmith audit records/ --allowed-signers allowed_signers --junit audit.xml\n  goldsmith audit records/ --artifact images/qemu-debian-12.qcow2',
  )
  .action(async (dir: string | undefined, options: { json?: boolean; junit?: string; allowedSigners?: string; artifact?: string }) => {
    const io = { stdout: process.stdout, stderr: process.stderr };
    if (options.artifact) {
      const { runAuditArtifactCommand } = await import('./audit/run-audit-artifact-command.js');
      done(await runAuditArtifactCommand(dir ?? config().records, options.artifact, options, io));
      return;
    }
    const { runAuditCommand } = await import('./audit/run-audit-command.js');
    done(await runAuditCommand(dir ?? config().records, options, io));
  });

program
  .command('report')
  .description("Write the assessor's report of a records folder for a period: every build, promotion and rollback with its requester, approvers, four-eyes result, evidence digest, audit verdict and image checks; the chain, the signers, the controls it answers and the commands to re-verify it.")
  .argument('<dir>', 'records folder')
  .requiredOption('--out <file>', 'file to write (outside the records folder)')
  .option('--from <day>', 'first day of the period, YYYY-MM-DD (UTC, inclusive; default: the first record)')
  .option('--to <day>', 'last day of the period, YYYY-MM-DD (UTC, inclusive; default: the newest record)')
  .option('--format <format>', 'html (one self-contained page, for people and for printing) or json (the same data, for tools)', 'html')
  .addOption(new Option('--allowed-signers <file>', 'ssh-keygen allowed_signers file; signatures are then required to be by a listed key'))
  .option('--matrix <file>', "packer/matrix.json: adds each line's live template, its age, and whether it is older than the line's max_age_days")
  .addHelpText(
    'after',
    '\nThe audit numbers and findings are those of "goldsmith audit DIR --json" (always over the whole folder).\n' +
      'A promotion or rollback approved by nobody, or only by its requester, is shown as a four-eyes FAILURE.\n' +
      'Exit status: 0 written, nothing flagged; 1 written, but the audit has findings or a change failed four eyes;\n' +
      '2 usage error or unreadable input (nothing written).\n\n' +
      'Example:\n  goldsmith report records/ --from 2026-10-01 --to 2026-12-31 --allowed-signers allowed_signers --out report.html\n' +
      '  goldsmith report records/ --format json --out report.json',
  )
  .action(async (dir: string, options: { out: string; from?: string; to?: string; format?: string; allowedSigners?: string; matrix?: string }) => {
    const { reportCommand } = await import('./commands/report.js');
    done(await reportCommand(dir, options, { stdout: process.stdout, stderr: process.stderr }));
  });

program
  .command('build')
  .description('Queue a Packer build of one line (a matrix key or alias), or of every enabled line with "all".')
  .argument('<line>', 'line key, alias, or "all" (any case)')
  .option('--wait', 'follow the build with live progress (stage, elapsed, last log line) and exit with its result; Ctrl-C stops following, not the build')
  .option('--dry-run', 'print what would run (executor, Packer command, var-files, target) and what the checks find; queue nothing')
  .option('--requested-by <user>', 'who asks (default: the current user)')
  .option('--queue-only', 'only queue the job; goldsmith serve or goldsmith worker runs it')
  .addHelpText(
    'after',
    '\nBefore queuing, checks what would make the build fail only after it ran: the records folder writable, the\n' +
      'signing key, the line\'s var-files, Packer present and `packer validate` passing (remembered while the line\n' +
      'is unchanged). A background worker runs the build (or "goldsmith serve", when it runs).\n' +
      'A line that already has a queued or running job is refused, naming that job.\n' +
      'Exit status: 0 queued (with --wait: every build succeeded and was sealed; with --dry-run: every check\n' +
      'passed), 1 a build failed or the line is busy, 2 a check failed or the input is wrong (unknown line,\n' +
      'unreadable config or matrix), 130 you stopped following with Ctrl-C (the build goes on).\n\n' +
      'Example:\n  goldsmith build win2025 --dry-run\n  goldsmith build win2025 --wait\n  goldsmith build all',
  )
  .action(async (line: string, options: { wait?: boolean; dryRun?: boolean; requestedBy?: string; queueOnly?: boolean }) => {
    const { buildCommand } = await import('./commands/build.js');
    done(await buildCommand(config(), settings, line, options, process.stdout));
  });

program
  .command('runner')
  .description("Build one line on a CI runner, as the workflow goldsmith dispatched asks, and write the artifact goldsmith seals from.")
  .requiredOption('--out <dir>', 'folder for the artifact: packer.log, manifest.json, build.json (and packer-provenance.json for lines with packer_provenance)')
  .addHelpText(
    'after',
    '\nRun by packer/ci/github-actions/goldsmith-build.yml, never by hand: the workflow sets GOLDSMITH_JOB,\n' +
      'GOLDSMITH_LINE, GOLDSMITH_ENTRY and GOLDSMITH_PACKER_VARS from its inputs. Builds exactly as the local\n' +
      'executor does (var-files, environment allow-list, scrubbing, timeout); never seals (the runner holds no\n' +
      'signing key). SIGINT or SIGTERM stop Packer, which cleans up.\n' +
      'Exit status: 0 built, 1 the build failed (build.json says why), 2 called wrongly.\n\n' +
      'Example:\n  goldsmith runner --out goldsmith-artifact   # the step of packer/ci/github-actions/goldsmith-build.yml',
  )
  .action(async (options: { out: string }) => {
    const { runnerCommand } = await import('./commands/runner.js');
    done(await runnerCommand(config(), settings, options, process.stdout));
  });

program
  .command('jobs')
  .description('List jobs, newest first.')
  .option('--state <state>', 'only jobs in this state (queued, running, succeeded, failed, cancelled, interrupted)')
  .option('--limit <n>', 'how many', '20')
  .addHelpText('after', '\nExample:\n  goldsmith jobs --state running')
  .action(async (options: { state?: string; limit?: string }) => {
    const { jobsCommand } = await import('./commands/jobs.js');
    done(jobsCommand(config(), options, process.stdout));
  });

program
  .command('job')
  .description('Show one job: state, stage, times, reason, record; or the end of its log (scrubbed); or follow it.')
  .argument('<id>', 'job number')
  .option('--log', "print the end of the job's log instead: Packer's own lines, once, without its debug output")
  .option('--raw', 'with --log: the whole log, PACKER_LOG debug lines included')
  .option('--lines <n>', 'how many log lines with --log', '50')
  .option('--wait', 'follow the job to its end with live progress; Ctrl-C stops following, not the build')
  .addHelpText('after', '\nExit status: 0 shown (with --wait: the build succeeded), 1 with --wait: it did not, 2 no such job, 130 stopped following.\n\nExample:\n  goldsmith job 12 --log --lines 200\n  goldsmith job 12 --log --raw\n  goldsmith job 12 --wait')
  .action(async (id: string, options: { log?: boolean; raw?: boolean; lines?: string; wait?: boolean }) => {
    const { jobCommand } = await import('./commands/jobs.js');
    done(await jobCommand(config(), id, options, process.stdout));
  });

program
  .command('cancel')
  .description('Cancel a queued job, or stop a running one (Packer cleans up the half-built VM; a GitHub Actions run is cancelled).')
  .argument('<id>', 'job number')
  .addHelpText('after', '\nExit status: 0 cancelled or stopping, 1 the job has already ended, 2 no such job.\n\nExample:\n  goldsmith cancel 12')
  .action(async (id: string) => {
    const { cancelCommand } = await import('./commands/jobs.js');
    done(cancelCommand(config(), id, process.stdout));
  });

program
  .command('matrix')
  .description('List the OS lines of packer/matrix.json: key, whether "all" builds it, target, template, aliases.')
  .option('--json', 'print the parsed matrix as JSON')
  .addHelpText('after', '\nExample:\n  goldsmith matrix')
  .action(async (options: { json?: boolean }) => {
    const { matrixCommand } = await import('./commands/matrix.js');
    done(matrixCommand(config(), options, process.stdout));
  });

program
  .command('worker')
  .description('Run queued builds in this process (goldsmith serve does this too).')
  .option('--exit-when-idle', 'exit once no job is queued or running')
  .addHelpText('after', '\nExample:\n  goldsmith worker --exit-when-idle')
  .action(async (options: { exitWhenIdle?: boolean }) => {
    const { workerCommand } = await import('./commands/worker.js');
    done(await workerCommand(config(), settings, options, process.stdout));
  });

program
  .command('promote')
  .description("Promote a line's latest build on its platform's template store: <base>-build becomes <base>, the old <base> is kept as <base>-prev; seals a promotion record.")
  .argument('<line>', 'line key or alias (a line whose platform keeps templates: vsphere, qemu, proxmox)')
  .option('--expect-sums <sha256>', "refuse unless the line's latest build record's SHA256SUMS still has this SHA-256 (what was approved)")
  .option('--requested-by <user>', 'who asks, and approves (default: the current user)')
  .option('--dry-run', 'print what the check finds and each step it would take; change nothing')
  .addHelpText(
    'after',
    '\nSteps, each journaled before and after: check <base>-build, destroy <base>-prev, rename <base> to <base>-prev,\n' +
      'rename <base>-build to <base>, verify, seal the record. A promotion an earlier process left unfinished\n' +
      '(killed, or the store unreachable) is finished first: running the same command again completes it.\n' +
      'Stores: vSphere (GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD; vsphere.folder), QEMU (qemu.image_dir, whose\n' +
      '<base>-build.qcow2 must match the SHA-256 of the image the build record names), Proxmox (PROXMOX_URL,\n' +
      'PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET; proxmox.node; a stable_vmid line keeps <base> at its vmid by full clone).\n' +
      'A line held by a build, another promotion or an approval is refused, naming who holds it, since when, why\n' +
      'and how to release it.\n' +
      'Exit status: 0 promoted (or, with --dry-run, would be), 1 refused, busy, interrupted or failed (the message says which).\n\n' +
      'Example:\n  goldsmith promote ubuntu-24.04 --dry-run\n  goldsmith promote ubuntu-24.04\n  goldsmith promote win2025 --expect-sums 3f5a…(64 hex digits)',
  )
  .action(async (line: string, options: { expectSums?: string; requestedBy?: string; dryRun?: boolean }) => {
    const { promoteCommand } = await import('./commands/promote.js');
    done(await promoteCommand(config(), settings, line, options, process.stdout, process.stderr));
  });

program
  .command('rollback')
  .description("Roll a line back one step on its platform's template store: <base>-prev becomes <base> again; the replaced template is kept as <base>-rolledback-<ts>.")
  .argument('<line>', 'line key or alias (a line whose platform keeps templates: vsphere, qemu, proxmox)')
  .option('--requested-by <user>', 'who asks, and approves (default: the current user)')
  .option('--dry-run', 'print what the check finds and each step it would take; change nothing')
  .addHelpText(
    'after',
    '\nJournaled, resumed and sealed like a promotion (action "rollback"). Refused when the line has no <base>-prev,\n' +
      'or when <base>-prev is a revoked build (goldsmith revoke), naming the revocation.\n\n' +
      'Example:\n  goldsmith rollback ubuntu-24.04 --dry-run\n  goldsmith rollback ubuntu-24.04\n  goldsmith templates ubuntu-24.04',
  )
  .action(async (line: string, options: { requestedBy?: string; dryRun?: boolean }) => {
    const { rollbackCommand } = await import('./commands/rollback.js');
    done(await rollbackCommand(config(), settings, line, options, process.stdout, process.stderr));
  });

for (const action of ['revoke', 'unrevoke'] as const) {
  const revoking = action === 'revoke';
  program
    .command(action)
    .description(
      revoking
        ? 'Revoke one build record of a line: seal a revocation record saying why; a revoked build can no longer be promoted (CLI, Slack, GitHub).'
        : 'Lift the revocation of one build record: seal a revocation record (action unrevoke) saying why; the build may be promoted again.',
    )
    .argument('<line>', 'line key or alias')
    .argument('<record>', 'the build record: latest, its timestamp (20261124T090300Z), or its path builds/<line>/<ts>')
    .requiredOption('--reason <text>', 'why, in one paragraph (1 to 1000 characters, no line breaks); kept in the record')
    .option('--requested-by <user>', 'who asks (default: the current user)')
    .option('--dry-run', 'print the record that would be written; write nothing')
    .addHelpText(
      'after',
      (revoking
        ? '\nThe record (revocations/<line>/<ts>/) is chained and signed like the others and names the build by the SHA-256 of\n' +
          'its SHA256SUMS. A build is revoked while the newest revocation record naming it says revoke. Revoking a revoked\n' +
          'build is refused; when the build is the live template (named by the newest promotion record), goldsmith says so,\n' +
          'and goldsmith audit warns until a new build is promoted or the line rolled back.\n'
        : '\nRefused (exit 1) when the build is not revoked. The revocation record stays in the chain; this one follows it.\n') +
        'Exit status: 0 written (or, with --dry-run, would be), 1 refused (nothing to change), 2 unknown line or record,\nmissing or empty reason.\n\n' +
        (revoking
          ? 'Example:\n  goldsmith revoke ubuntu-24.04 latest --reason "CVE-2026-1234: the base image ships a vulnerable openssl"\n  goldsmith revoke ubuntu-24.04 20261124T090300Z --reason "wrong ISO" --dry-run'
          : 'Example:\n  goldsmith unrevoke ubuntu-24.04 20261124T090300Z --reason "CVE-2026-1234 does not apply: openssl is not installed"'),
    )
    .action(async (line: string, record: string, options: { reason: string; requestedBy?: string; dryRun?: boolean }) => {
      const { revokeCommand } = await import('./commands/revoke.js');
      done(await revokeCommand(config(), settings, action, line, record, options, process.stdout));
    });
}

program
  .command('templates')
  .description("List each line's templates on its platform (<base>, -prev, -build, rolled-back ones) with their creation times, then each live template's build and age (flagged when revoked or older than max_age_days).")
  .argument('[line]', 'one line key or alias (default: every line whose platform keeps templates)')
  .option('--json', 'print JSON')
  .addHelpText(
    'after',
    '\nvSphere: the reference is the managed object reference; creation time is config.createDate, or config.modified\n' +
      'where vCenter does not set it (vcsim). QEMU: the reference is the image file\'s inode; creation time is its birth time.\n' +
      'Proxmox: the reference is <vmid>-<creation stamp>; creation time is the VM\'s meta ctime.\n' +
      'The live template is the build the line\'s newest promotion record names; its age counts from that build\'s\n' +
      'finished_at, against the line\'s max_age_days in packer/matrix.json (docs/operator.md, expiry).\n\n' +
      'Example:\n  goldsmith templates ubuntu-24.04',
  )
  .action(async (line: string | undefined, options: { json?: boolean }) => {
    const { templatesCommand } = await import('./commands/templates.js');
    done(await templatesCommand(config(), settings, line, options, process.stdout));
  });

program
  .command('backup')
  .description('Copy the job store (<state_dir>/jobs.sqlite: jobs, line locks, promotions, Slack message ids) to FILE, consistently, while goldsmith serve runs.')
  .requiredOption('--out <file>', 'the copy to write (never overwritten; written beside it under a temporary name, then renamed)')
  .addHelpText(
    'after',
    '\nUses SQLite\'s online backup API, so serve and workers keep writing meanwhile; never copy jobs.sqlite with cp.\n' +
      'The copy (mode 0600) is checked with PRAGMA integrity_check and its rows counted. The records folder is not in\n' +
      'it: records are their own evidence; keep them with git or rsync. Restore: stop serve, move jobs.sqlite and its\n' +
      '-wal and -shm away, put the copy in as <state_dir>/jobs.sqlite, start serve (migrations run at start-up).\n' +
      'Exit status: 0 written and checked, 1 the copy failed its check, 2 FILE exists, its folder is missing or\n' +
      'unwritable, or there is no job store.\n\n' +
      'Example:\n  sudo -u goldsmith goldsmith backup --out /var/backups/goldsmith/jobs-$(date +%F).sqlite',
  )
  .action(async (options: { out: string }) => {
    const { backupCommand } = await import('./commands/backup.js');
    done(await backupCommand(config(), options, process.stdout));
  });

program
  .command('demo')
  .description('Run the whole job end to end on the vSphere simulator: build, promote, build, promote, roll back, audit.')
  .option('--records <dir>', 'records folder (default: demo/records; an existing chain there is appended to)')
  .addHelpText(
    'after',
    '\nStarts vcsim on a free loopback port, builds the packer/sim/ lines through the job queue with real Packer,\n' +
      'promotes and rolls back through govc, audits the records and prints a summary. Stops vcsim and every\n' +
      'process it started on exit, failure or Ctrl-C. Needs scripts/setup-infra (npm run demo runs it first).\n\n' +
      'Example:\n  npm run demo\n  goldsmith demo --records /tmp/demo-records',
  )
  .action(async (options: { records?: string }) => {
    const { demoCommand } = await import('./commands/demo.js');
    done(await demoCommand(options, settings, { stdout: process.stdout, stderr: process.stderr }));
  });

const iso = program.command('iso').description("Keep each Linux line's install media current: find newer point releases (check), stage ISOs on the datastore (stage).");

iso
  .command('check')
  .description("Find each Linux line's newest point release on its mirror (the matrix discover block); propose a newer one as a pull request bumping the matrix entry, with a Slack notice.")
  .argument('[line]', 'a line key or alias, or "all" (default: every Linux line with a discover block)')
  .option('--dry-run', 'only report what the mirrors offer: no pull request, no Slack notice')
  .addHelpText(
    'after',
    '\nReads discover.index_url (an Apache or nginx autoindex page), picks the newest file name matching\n' +
      'discover.pattern, and reads its SHA-256 from the sums file of that folder (SHA256SUMS, or CHECKSUM as sums_url\n' +
      'names it). A newer release becomes one pull request per line on branch iso-update/<line> (iso_file, iso_url,\n' +
      'sums_url bumped; the SHA-256 and the old and new names in the body) through the GitHub App (APP_ID,\n' +
      'PRIVATE_KEY_PATH, WEBHOOK_SECRET; github.repository); an open one is updated, never duplicated. A notice goes\n' +
      'to slack.channel when SLACK_BOT_TOKEN is set. goldsmith serve runs the same on media.check_schedule\n' +
      '(default Monday 06:00 UTC). Redirects to another host are refused unless listed in media.allowed_redirect_hosts.\n' +
      'Exit status: 0 every line checked, 1 a line failed (mirror down, no match, sums without the ISO), 2 usage error.\n\n' +
      'Example:\n  goldsmith iso check --dry-run\n  goldsmith iso check ubuntu-24.04',
  )
  .action(async (line: string | undefined, options: { dryRun?: boolean }) => {
    const { isoCheckCommand } = await import('./commands/iso-check.js');
    done(await isoCheckCommand(config(), settings, line, options, process.stdout, process.stderr));
  });

iso
  .command('stage')
  .description("Download a line's ISO (SHA-256 checked while downloading, resumable), upload it to its iso_datastore_path with govc unless already staged, and seal a media record.")
  .argument('<line>', 'a line key or alias, or "all" (every enabled vSphere Linux line with iso_url, sums_url, iso_file, iso_datastore_path)')
  .option('--requested-by <user>', 'who asks (default: the current user)')
  .addHelpText(
    'after',
    '\nThe ISO is streamed to <media.download_dir>/<iso_file>.partial (default .goldsmith/media) and hashed as it\n' +
      'arrives; an interrupted download is resumed by the next run (HTTP Range). A SHA-256 other than the one the\n' +
      'sums file publishes deletes the partial file; so does a body over media.max_iso_bytes. After the upload\n' +
      '(govc datastore.upload, GOVC_* settings) the local copy is deleted. "Already staged": the datastore holds\n' +
      '<iso_datastore_path>/<iso_file> with the size the line\'s newest media record gives for the published SHA-256,\n' +
      'on the same vCenter: nothing is downloaded or uploaded, and the record says uploaded: false. The next build\n' +
      'record of the line names the media record. A progress bar is drawn when stderr is a terminal.\n' +
      'Exit status: 0 every line staged, 1 a line failed (the message says why), 2 usage error.\n\n' +
      'Example:\n  goldsmith iso stage ubuntu-24.04\n  goldsmith iso stage all',
  )
  .action(async (line: string, options: { requestedBy?: string }) => {
    const { isoStageCommand } = await import('./commands/iso-stage.js');
    done(await isoStageCommand(config(), settings, line, options, process.stdout, process.stderr));
  });

program
  .command('serve')
  .description('Run the HTTP server: Slack /image commands and progress messages, GitHub promotion pull requests, the build queue, the weekly schedule, /healthz and /metrics.')
  .option('--port <n>', 'port to listen on (default: PORT, else 3000)')
  .option('--host <addr>', 'address to listen on', '0.0.0.0')
  .option('--drain-seconds <n>', 'on SIGTERM, how long running builds may finish before Packer is told to stop them (the whole stop takes at most this + 10 s)', '60')
  .addHelpText(
    'after',
    "\nNeeds SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (HTTP), or SLACK_APP_TOKEN (Socket Mode: no public URL needed), or both\n(docs/slack.md); the GitHub app starts when APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, and WEBHOOK_SECRET are set (docs/github.md).\nRequest URLs: https://<host>/slack/events (Slack over HTTP), https://<host>/github/webhooks (GitHub).\nSIGTERM stops taking requests, lets running builds finish for --drain-seconds, then stops them (SIGINT,\nthen SIGKILL after 5 s); builds that finished still get their pull request and Slack message; it exits 0\nwithin --drain-seconds + 10 s. A second SIGTERM stops the builds at once.\n\nExample:\n  export SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=xoxb-...\n  goldsmith serve --port 3000",
  )
  .action(async (options: { port?: string; host: string; drainSeconds: string }) => {
    const { serveCommand } = await import('./commands/serve.js');
    done(await serveCommand(config(), { port: options.port, host: options.host, drainSeconds: options.drainSeconds, settings }));
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? 0 : 2;
  } else {
    process.stderr.write(`goldsmith: ${(error as Error).message}\n`);
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
  }
}
