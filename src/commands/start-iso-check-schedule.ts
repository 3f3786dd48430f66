import type { Logger } from 'pino';
import { checkIsoUpdates, describeIsoCheck } from '../bot/check-iso-updates.js';
import { createInstallationClient } from '../bot/github/create-installation-client.js';
import { parseRepoRef } from '../bot/github/github-client.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Matrix } from '../config/matrix-schema.js';
import type { SlackBotSettings } from '../config/read-slack-settings.js';
import type { Settings } from '../config/settings.js';
import { discoverableLines } from '../pipeline/media/check-line-release.js';
import { ScheduleStore } from '../pipeline/schedule-store.js';
import { startWeeklyTask, type WeeklyTask } from '../pipeline/start-weekly-task.js';

/** The ISO check of `goldsmith serve`, and how to stop it. */
export interface IsoCheckSchedule {
  task: WeeklyTask;
  /** Stops the timer, waits for a running check, closes its slot state. */
  close(): Promise<void>;
}

/**
 * Starts `iso check` on `media.check_schedule` (default Monday 06:00 UTC)
 * inside `goldsmith serve`: its own claimed slot in the job store, pull
 * requests through the GitHub App when it is configured, the notice in
 * `slack.channel`. Undefined when no line has a discover block or the
 * schedule is disabled.
 *
 * @example
 * const isoCheck = startIsoCheckSchedule({ config, settings, matrix, databasePath, slack: { token, apiUrl }, secrets, logger });
 * await isoCheck?.close();
 */
export function startIsoCheckSchedule(options: {
  config: LoadedConfig;
  settings: Settings;
  matrix: Matrix;
  databasePath: string;
  slack: SlackBotSettings;
  secrets: readonly string[];
  logger: Logger;
  intervalMs?: number | undefined;
  githubThrottle?: boolean | undefined;
}): IsoCheckSchedule | undefined {
  const { config, logger } = options;
  const schedule = config.media.check_schedule;
  if (!schedule.enabled || discoverableLines(options.matrix).length === 0) return undefined;
  const store = ScheduleStore.open(options.databasePath, new Date(), 'iso-check');
  const task = startWeeklyTask({
    schedule,
    store,
    intervalMs: options.intervalMs,
    onError: (error) => logger.error({ err: error.message }, 'scheduled ISO check failed'),
    run: async (slot) => {
      const credentials = options.settings.github(process.cwd());
      const ref = config.github.repository ? parseRepoRef(config.github.repository) : undefined;
      if (!credentials || !ref) logger.warn({ setting: 'github.repository' }, 'scheduled ISO check: the GitHub App is not configured; newer releases are reported, not proposed');
      const github = credentials && ref ? { client: await createInstallationClient(credentials, ref, options.secrets, { throttle: options.githubThrottle }), ref } : undefined;
      const slack = config.slack.channel ? { settings: options.slack, channel: config.slack.channel } : undefined;
      for (const selector of schedule.lines === 'all' ? ['all'] : schedule.lines) {
        const results = await checkIsoUpdates({ config, matrix: options.matrix, selector, github, slack });
        logger.info({ slot: slot.toISOString(), selector, results: results.map(describeIsoCheck) }, 'scheduled ISO check');
      }
    },
  });
  return {
    task,
    close: async () => {
      await task.stop();
      store.close();
    },
  };
}
