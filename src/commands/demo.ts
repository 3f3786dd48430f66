import type { Settings } from '../config/settings.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { auditRecords } from '../audit/audit-records.js';
import { formatTextReport, summaryLine } from '../audit/format-text-report.js';
import { parseAllowedSigners } from '../audit/parse-allowed-signers.js';
import { readSigner } from '../evidence/read-signer.js';
import { BuildQueue } from '../pipeline/build-queue.js';
import { findPackageRoot } from '../config/find-package-root.js';
import type { JobStore } from '../pipeline/job-store.js';
import { openJobStore } from '../pipeline/open-job-store.js';
import { promoteLine } from '../pipeline/promotion/promote-line.js';
import { rollbackLine } from '../pipeline/promotion/rollback-line.js';
import { listLineTemplates } from '../pipeline/stores/list-line-templates.js';
import { findInfraBinary } from '../pipeline/stores/vsphere/find-infra-binary.js';
import { readVsphereConnection } from '../pipeline/stores/vsphere/read-vsphere-connection.js';
import { seedSimulatorTemplates } from '../pipeline/stores/vsphere/seed-simulator-templates.js';
import { startVcsim, type Vcsim } from '../pipeline/stores/vsphere/start-vcsim.js';
import { formatPromotionOutcome, printPromotionSteps } from './format-promotion.js';
import { prepareDemo, seedTemplateOf, type DemoSetup } from './prepare-demo.js';
import { formatTemplates } from './templates.js';
import { watchJobs } from './watch-jobs.js';

export interface DemoOptions {
  /** Records folder (default `demo/records`); an existing chain there is appended to. */
  records?: string | undefined;
}

export interface DemoIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The environment the pipeline runs with: the user's, minus any vCenter of theirs, plus the simulator's endpoint and a random password. */
function simulatorSettings(user: Settings, server: string): Settings {
  const password = randomBytes(18).toString('base64url');
  return user.without((name) => name.startsWith('GOVC_') || name.startsWith('PKR_VAR_vsphere_')).with({
    GOVC_URL: `https://${server}/sdk`,
    GOVC_USERNAME: 'goldsmith',
    GOVC_PASSWORD: password,
    GOVC_INSECURE: '1',
    PKR_VAR_vsphere_server: server,
    PKR_VAR_vsphere_username: 'goldsmith',
    PKR_VAR_vsphere_password: password,
  });
}

/**
 * `goldsmith demo [--records DIR]`: the whole job end to end on the vSphere
 * simulator, with the real pipeline: starts vcsim on a free loopback port,
 * seeds the base templates, builds the `packer/sim` lines through the job
 * queue with real Packer (live progress), promotes them, builds and promotes
 * again (so `-prev` exists), rolls one line back, audits the records, and
 * prints a summary. Stops vcsim and every build it started on exit, failure,
 * Ctrl-C or SIGTERM. Returns the exit status: 0 when everything succeeded
 * and the audit is clean.
 */
export async function demoCommand(options: DemoOptions, userSettings: Settings, io: DemoIo): Promise<number> {
  const started = Date.now();
  const { stdout, stderr } = io;
  const root = findPackageRoot() ?? process.cwd();
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  const say = (text: string) => stdout.write(`==> ${text}\n`);
  let sim: Vcsim | undefined;
  let store: JobStore | undefined;
  let queue: BuildQueue | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await queue?.stop({ cancelRunning: true }).catch(() => undefined);
      store?.close();
      await sim?.stop();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleaning) return;
    stderr.write(`\ngoldsmith demo: ${signal}: stopping the builds and vcsim\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  const onExit = () => sim?.stopNow();
  // "on", not "once": execa's signal-exit re-raises a signal nobody else listens to, which would kill
  // this process before the cleanup had run.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.once('exit', onExit);
  try {
    say('set-up: demo/ (signing key, goldsmith.yaml on packer/sim/, fresh state)');
    const setup: DemoSetup = prepareDemo(root, options.records ?? join(root, 'demo', 'records'));
    const { config, matrix } = setup;
    const signer = readSigner(config.signing.key, config.signing.identity);

    say('starting vcsim on a free loopback port');
    sim = await startVcsim(findInfraBinary('vcsim', userSettings.paths));
    const settings = simulatorSettings(userSettings, sim.server);
    const connection = readVsphereConnection(settings.govc(), config);
    say(`vcsim is up at ${sim.server} (pid ${sim.pid}); templates folder ${connection.folder}`);
    for (const seed of await seedSimulatorTemplates({ config, settings }, matrix.map((entry) => seedTemplateOf(config, entry)))) say(`seed template ${seed.path}: ${seed.made}`);
    const before = await listLineTemplates({ config, settings });
    stdout.write(formatTemplates(before));

    store = openJobStore(config);
    queue = new BuildQueue({ store, config, matrix, signer, settings, pollMs: 200, graceMs: 10_000 });
    await queue.start();
    const user = { source: 'cli' as const, user: userInfo().username };
    const written: string[] = [];
    const buildAll = async (round: number) => {
      say(`round ${round}: building ${matrix.map((entry) => entry.key).join(' and ')} through the job queue (max_parallel ${config.max_parallel}, real Packer ${config.packer.binary})`);
      const results = queue!.request('all', user);
      const refused = results.find((result) => !result.ok);
      if (refused && !refused.ok) throw new Error(`not queued: ${refused.message}`);
      // No signal: the demo follows to the end.
      const jobs = (await watchJobs(store!, results.map((result) => (result.ok ? result.job.id : 0)), stdout))!;
      const failed = jobs.find((job) => job.state !== 'succeeded');
      if (failed) throw new Error(`the build of ${failed.line} (job ${failed.id}) ${failed.state}: ${failed.reason ?? ''}; its log: ${failed.logPath ?? '(none)'}`);
      written.push(...jobs.map((job) => job.recordPath!));
    };
    const promoteAll = async (round: number) => {
      say(`round ${round}: promoting each line's new build`);
      for (const entry of matrix) {
        const outcome = await promoteLine({ config, line: entry.key, requestedBy: user, approvedBy: [user], signer, settings, onProgress: printPromotionSteps(stdout) });
        stdout.write(formatPromotionOutcome(outcome, shown(config.records)));
        written.push(outcome.record.record);
      }
    };
    await buildAll(1);
    await promoteAll(1);
    await buildAll(2);
    await promoteAll(2);
    const rolled = matrix[0]!;
    say(`rolling ${rolled.key} back one step`);
    const rollback = await rollbackLine({ config, line: rolled.key, requestedBy: user, approvedBy: [user], signer, settings, onProgress: printPromotionSteps(stdout) });
    stdout.write(formatPromotionOutcome(rollback, shown(config.records)));
    written.push(rollback.record.record);
    const after = await listLineTemplates({ config, settings });
    await queue.stop();

    say(`auditing ${shown(config.records)} against ${shown(setup.allowedSigners)}`);
    const report = await auditRecords(config.records, { allowedSigners: parseAllowedSigners(readFileSync(setup.allowedSigners, 'utf8'), setup.allowedSigners) });
    if (!report.ok) stdout.write(formatTextReport(report));

    stdout.write(
      [
        '',
        `==> summary (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        'templates before:',
        formatTemplates(before).trimEnd(),
        'templates after:',
        formatTemplates(after).trimEnd(),
        `records written by this run (${written.length}), in ${shown(config.records)}:`,
        ...written.map((record) => `  ${record}`),
        `audit: ${summaryLine(report)}`,
        `check it yourself: goldsmith audit ${shown(config.records)} --allowed-signers ${shown(setup.allowedSigners)}`,
        '',
      ].join('\n'),
    );
    return report.ok ? 0 : 1;
  } catch (error) {
    stderr.write(`goldsmith demo: failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  }
}
