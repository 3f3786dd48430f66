import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { summarizeAudit } from '../audit/summarize-audit.js';
import { createSlackBot, type SlackBot } from '../bot/slack/create-slack-bot.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Settings } from '../config/settings.js';
import { createServeLogger } from './create-serve-logger.js';
import { PendingTasks } from './pending-tasks.js';
import { loadMatrix } from '../config/load-matrix.js';
import type { Matrix } from '../config/matrix-schema.js';
import { readSigner } from '../evidence/read-signer.js';
import { GOLDSMITH_VERSION } from '../evidence/version.js';
import { BuildQueue } from '../pipeline/build-queue.js';
import { FINAL_STATES } from '../pipeline/job-types.js';
import { MetricsRegistry } from '../pipeline/metrics-registry.js';
import { jobStorePathOf, openJobStore } from '../pipeline/open-job-store.js';
import { registerJobMetrics } from '../pipeline/register-job-metrics.js';
import { startSchedule } from '../pipeline/run-schedule.js';
import { ScheduleStore } from '../pipeline/schedule-store.js';
import { TEMPLATE_PLATFORMS, templatePlatformOf } from '../pipeline/stores/registry.js';
import { storeTemplateOperations } from '../pipeline/store-template-operations.js';
import { recordRevocationOperations } from '../pipeline/revocations/revocation-operations.js';
import { registerTemplateMetrics } from '../pipeline/revocations/register-template-metrics.js';
import { expiredFirst } from '../pipeline/revocations/expired-first.js';
import { unwiredTemplateOperations, type TemplateOperations } from '../pipeline/template-operations.js';
import { createGitHubApp, type GitHubApp } from '../bot/github/create-github-app.js';
import { storePromotionActions } from '../bot/github/store-promotion-actions.js';
import { createGoldsmithServer } from '../server.js';
import { checkServeConfig } from './check-serve-config.js';
import { startIsoCheckSchedule } from './start-iso-check-schedule.js';
import { UsageError } from './usage-error.js';

export interface ServeOptions {
  /** --port; else PORT; else 3000. 0 picks a free port (tests). */
  port?: string | number | undefined;
  /** --host (default 0.0.0.0). */
  host?: string | undefined;
  /** --drain-seconds: how long SIGTERM waits for running builds before stopping them (default 60). */
  drainSeconds?: string | number | undefined;
  /** The environment's settings (credentials included). */
  settings: Settings;
  /** The template stores and promotion; default: storeTemplateOperations, each line on its platform's store, when any line has one. */
  templates?: TemplateOperations;
  /** Where JSON logs go (default stdout). */
  logStream?: NodeJS.WritableStream;
  /** Tuning for tests and benchmarks. */
  tuning?: {
    pollMs?: number;
    graceMs?: number;
    slackRetries?: number;
    /** Probot's comment throttling (3 s between posts); off in tests. */
    githubThrottle?: boolean;
    scheduleIntervalMs?: number;
    progress?: { jobIntervalMs?: number; channelIntervalMs?: number; tickMs?: number };
    /** Socket Mode reconnect and keepalive timings. */
    socketMode?: { reconnectBaseMs?: number; reconnectMaxMs?: number; pingIntervalMs?: number; helloTimeoutMs?: number; retireAfterMs?: number };
  };
}

/** A running `goldsmith serve`. */
export interface RunningServe {
  url: string;
  logger: Logger;
  slack: SlackBot;
  /** Stops taking requests, lets running builds finish for the drain time (then stops them), and closes everything. */
  stop(reason: string): Promise<void>;
  /** Stop the running builds now instead of waiting for the drain time (a second SIGTERM). */
  hurry(): void;
}

function parsePort(value: string | number | undefined): number {
  const port = Number(value ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port (or PORT) must be a port number from 0 to 65535, not "${value}"`);
  return port;
}

function parseSeconds(value: string | number | undefined, fallback: number): number {
  const seconds = Number(value ?? fallback);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--drain-seconds must be a number of seconds, not "${value}"`);
  return seconds;
}

const hasStoreLinesIn = (matrix: Matrix) => matrix.some((entry) => templatePlatformOf(entry.platform) !== undefined);

/** After the drain: how long Packer may clean up after SIGINT before its process group is killed. */
const PACKER_STOP_MS = 5_000;
/** After the drain: the whole time left for Packer's clean-up, the last pull requests and Slack updates. */
const SHUTDOWN_GRACE_MS = 10_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Starts `goldsmith serve`: checks the environment and config (naming the
 * setting and the fix), opens the job store, connects to Slack (auth.test),
 * listens, and starts the queue and the weekly schedule.
 *
 * @example
 * const serve = await startServe(config, { port: 3000, settings });
 * process.once('SIGTERM', () => void serve.stop('SIGTERM'));
 */
export async function startServe(config: LoadedConfig, options: ServeOptions): Promise<RunningServe> {
  const { settings } = options;
  const slackEnv = settings.slack();
  const port = parsePort(options.port ?? settings.port);
  const host = options.host ?? '0.0.0.0';
  const drainMs = parseSeconds(options.drainSeconds, 60) * 1000;
  const matrix = loadMatrix(config.packer.matrix);
  checkServeConfig(config, matrix);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const tuning = options.tuning ?? {};
  // Every credential goldsmith holds: scrubbed from its logs, replies, pull requests and records.
  const secrets = settings.credentials(config.secret_env, config.baseDir).map((credential) => credential.value);
  const logger = createServeLogger({ level: settings.logLevel(), secrets, stream: options.logStream });
  if (!config.slack.channel) logger.warn({ setting: 'slack.channel' }, 'slack.channel is not set: builds get no channel message; set it to a channel id (C…) in goldsmith.yaml');

  if (hasStoreLinesIn(matrix)) {
    // A promotion a killed serve left half-done is finished (or put back) before anything else touches the line.
    const { resumePromotions } = await import('../pipeline/promotion/resume-promotions.js');
    for (const resumed of await resumePromotions({ config, signer, settings })) {
      logger.warn({ promotion: resumed.promotion.id, line: resumed.promotion.line, outcome: resumed.outcome, message: resumed.message }, 'resumed an interrupted promotion');
    }
  }
  const store = openJobStore(config);
  const scheduleStore = ScheduleStore.open(jobStorePathOf(config));
  const queue = new BuildQueue({ store, config, matrix, signer, settings, pollMs: tuning.pollMs, graceMs: tuning.graceMs });
  const baseTemplates =
    options.templates ??
    (hasStoreLinesIn(matrix)
      ? storeTemplateOperations({ config, signer, settings, matrix })
      : unwiredTemplateOperations(`no line of packer/matrix.json has a template store (platform ${Object.keys(TEMPLATE_PLATFORMS).map((name) => `"${name}"`).join(' or ')})`));
  const revocations = recordRevocationOperations({ config, settings, signer, matrix });
  let github: GitHubApp | undefined;
  const templates = { ...baseTemplates, promotionPullRequest: (jobId: number) => github?.promotionPullRequest(jobId) };

  const registry = new MetricsRegistry();
  registerJobMetrics(registry, store, queue);
  registerTemplateMetrics(registry, revocations);
  const ackSeconds = registry.histogram('goldsmith_slack_ack_seconds', 'Time from receiving a Slack request (HTTP or Socket Mode) to sending its ack.', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);

  const slack = createSlackBot({
    signingSecret: slackEnv.signingSecret,
    appToken: slackEnv.appToken,
    socketMode: tuning.socketMode,
    observeSocketAck: (seconds) => ackSeconds.observe(seconds),
    token: slackEnv.token,
    apiUrl: slackEnv.apiUrl,
    retries: tuning.slackRetries,
    slack: config.slack,
    matrix,
    store,
    queue,
    templates,
    revocations,
    audit: () => summarizeAudit(config.records),
    logger,
    databasePath: jobStorePathOf(config),
    progress: tuning.progress,
    secrets,
  });
  const closeStores = () => {
    scheduleStore.close();
    store.close();
  };
  try {
    await slack.start();
    // The GitHub app is on when its credentials are set (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET).
    const githubCredentials = settings.github(process.cwd());
    github = githubCredentials
      ? await createGitHubApp({
          credentials: githubCredentials,
          config,
          matrix,
          signer,
          promotion: storePromotionActions({ config, signer, settings }),
          revocations,
          jobs: store,
          notifyBuildThread: (jobId, text) => slack.postInJobThread(jobId, text),
          secrets,
          logger,
          databasePath: jobStorePathOf(config),
          throttle: tuning.githubThrottle ?? true,
        })
      : undefined;
  } catch (error) {
    await slack.stop().catch(() => undefined);
    await github?.close().catch(() => undefined);
    closeStores();
    throw error;
  }

  const pending = new PendingTasks();
  const refreshAfterPullRequest = (jobId: number) => {
    try {
      slack.refreshJob(jobId);
    } catch (error) {
      logger.warn({ job: jobId, err: (error as Error).message }, 'the pull request is open, but the Slack message was not refreshed');
    }
  };
  queue.on('line', (jobId, line) => slack.noticeLine(jobId, line));
  queue.on('warning', (job, message, error) => logger.warn({ job: job.id, line: job.line, err: error.message }, message));
  // The queue reports a finished job more than once (the runner, then the queue): log each ending once.
  const ended = new Set<number>();
  queue.on('update', (job, lastLine) => {
    slack.notice(job, lastLine);
    const final = FINAL_STATES.includes(job.state);
    if (job.state === 'queued' || (final && !ended.has(job.id))) {
      logger.info({ job: job.id, line: job.line, state: job.state, reason: job.reason ?? undefined }, 'job');
      if (final && github && job.state === 'succeeded' && job.recordPath) {
        // Tracked, so a shutdown waits for it (and its Slack update) before the stores close.
        void pending.add(
          github.openPromotionPullRequest({ record: job.recordPath, jobId: job.id }).then(
            () => refreshAfterPullRequest(job.id),
            (error: Error) => logger.error({ job: job.id, err: error.message }, 'promotion pull request not opened'),
          ),
        );
      }
    }
    if (final) ended.add(job.id);
  });

  let stopping = false;
  const schedule = startSchedule({
    schedule: config.schedule,
    store: scheduleStore,
    request: (selector, requester) => queue.request(selector, requester),
    order: config.schedule.expired_first ? (selectors) => expiredFirst(selectors, matrix, revocations.health()) : undefined,
    intervalMs: tuning.scheduleIntervalMs,
    onRun: (slot, results) =>
      logger.info({ slot: slot.toISOString(), queued: results.flatMap((r) => (r.ok ? [r.job.id] : [])), refused: results.flatMap((r) => (r.ok ? [] : [r.message])) }, 'scheduled run'),
    onError: (error) => logger.error({ err: error.message }, 'scheduled run failed'),
  });
  // The Monday ISO check (media.check_schedule): newer point releases proposed as pull requests.
  const isoCheck = startIsoCheckSchedule({ config, settings, matrix, databasePath: jobStorePathOf(config), slack: { token: slackEnv.token, apiUrl: slackEnv.apiUrl }, secrets, logger, intervalMs: tuning.scheduleIntervalMs, githubThrottle: tuning.githubThrottle });
  const server = createGoldsmithServer({
    slack: slack.requestListener,
    github: github?.requestListener,
    health: () => {
      const jobs = store.countByState();
      return { ok: !stopping, version: GOLDSMITH_VERSION, running: jobs.running, queued: jobs.queued, next_scheduled_run: schedule.next()?.toISOString() ?? null, slack_socket: slack.socketState() };
    },
    metrics: () => registry.render(),
    observeSlackAck: (seconds) => ackSeconds.observe(seconds),
    onError: (error, request) => logger.error({ err: error.message, ...request }, 'request failed'),
  });

  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (error) {
    schedule.stop();
    await isoCheck?.close();
    await slack.stop();
    await github?.close();
    closeStores();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use: pass --port (or set PORT) to another port, or stop what listens there`);
    if (code === 'EACCES') throw new UsageError(`port ${port} needs privileges: use a port above 1023 with --port (or PORT) and put a reverse proxy in front`);
    throw error;
  }
  for (const job of await queue.start()) logger.warn({ job: job.id, line: job.line, reason: job.reason }, 'job interrupted by an earlier stop');
  schedule.check();
  void isoCheck?.task.check();

  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const slackVia = { slack_events: slack.transports.http ? `${url}/slack/events` : 'off (no SLACK_SIGNING_SECRET)', slack_socket_mode: slack.transports.socketMode };
  logger.info({ url, ...slackVia, next_scheduled_run: schedule.next()?.toISOString() ?? null, next_iso_check: isoCheck?.task.next()?.toISOString() ?? null, version: GOLDSMITH_VERSION }, 'listening');

  let hurry: () => void = () => undefined;
  const hurried = new Promise<void>((resolve) => (hurry = resolve));
  let stopped: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopped ??= (async () => {
      // Everything after the signal ends by then: the drain, then a fixed grace for Packer's clean-up and the last updates.
      const deadline = Date.now() + drainMs + SHUTDOWN_GRACE_MS;
      stopping = true;
      logger.info({ reason, running: queue.runningIds }, 'stopping: no new requests; running builds may finish');
      schedule.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // As the server stops taking requests, so does the socket.
      void slack.disconnect().catch((error: Error) => logger.warn({ err: error.message }, 'slack socket not closed cleanly'));
      server.closeIdleConnections();
      const drained = queue.stop().then(() => true);
      const finished = await Promise.race([drained, delay(drainMs).then(() => false), hurried.then(() => false)]);
      if (!finished) {
        for (const id of queue.runningIds) store.addEvent(id, 'shutdown', `goldsmith serve stopped (${reason}); Packer was told to stop and clean up`);
        logger.warn({ running: queue.runningIds }, 'stopping the builds still running');
        await queue.stop({ cancelRunning: true, killAfterMs: PACKER_STOP_MS });
      }
      // Builds that ended during the drain still get their pull request and their Slack message.
      if (!(await pending.settled(deadline))) logger.warn({ tasks: pending.size }, 'shutdown grace over: promotion pull requests still being opened were abandoned (their records are sealed and stay valid)');
      await Promise.race([slack.stop().catch((error: Error) => logger.warn({ err: error.message }, 'last Slack updates not sent')), delay(Math.max(0, deadline - Date.now()))]);
      await isoCheck?.close();
      await github?.close();
      server.closeAllConnections();
      await closed;
      closeStores();
      logger.info({ reason }, 'stopped');
      logger.flush();
    })();
    return stopped;
  };
  return { url, logger, slack, stop, hurry: () => hurry() };
}

/**
 * `goldsmith serve`: runs until SIGTERM or SIGINT, then stops taking
 * requests, lets running builds finish for `--drain-seconds` (stopping the
 * rest, which Packer cleans up), and exits 0. A second signal stops the
 * builds at once.
 *
 * @example
 * process.exitCode = await serveCommand(loadConfig({ cwd: process.cwd(), paths: settings.paths }), { port: '3000', settings });
 */
export async function serveCommand(config: LoadedConfig, options: ServeOptions): Promise<number> {
  // Listening from the first moment: a signal during start-up (which may spend the grace period stopping a
  // Packer left by a crash) must stop serve cleanly once it is up, never kill it half-started. `on`, not
  // `once`: execa's signal-exit re-raises a signal no one else listens to.
  const signals: NodeJS.Signals[] = [];
  let onSignal: (signal: NodeJS.Signals) => void = (signal) => void signals.push(signal);
  const listener = (signal: NodeJS.Signals) => onSignal(signal);
  process.on('SIGTERM', listener);
  process.on('SIGINT', listener);
  try {
    const serve = await startServe(config, options);
    await new Promise<void>((resolve) => {
      onSignal = (signal) => {
        // The first signal drains; any later one stops the builds at once.
        onSignal = () => serve.hurry();
        void serve.stop(signal).then(resolve);
      };
      if (signals.length > 0) onSignal(signals[0]!);
    });
    return 0;
  } finally {
    process.off('SIGTERM', listener);
    process.off('SIGINT', listener);
  }
}
