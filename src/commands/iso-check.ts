import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import type { Settings } from '../config/settings.js';
import { checkIsoUpdates, describeIsoCheck } from '../bot/check-iso-updates.js';
import { createInstallationClient } from '../bot/github/create-installation-client.js';
import { parseRepoRef } from '../bot/github/github-client.js';
import { UsageError } from './usage-error.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * `goldsmith iso check [line|all] [--dry-run]`: finds each Linux line's
 * newest point release; a newer one becomes a pull request (through the
 * GitHub App) and a Slack notice. Exit 0 when every line was checked, 1 when
 * one failed (mirror down, no match, sums without the ISO), 2 for a usage error.
 *
 * @example
 * await isoCheckCommand(config, settings, 'all', {}, process.stdout, process.stderr) // 0
 */
export async function isoCheckCommand(config: LoadedConfig, settings: Settings, selector: string | undefined, options: { dryRun?: boolean }, stdout: Out, stderr: Out): Promise<number> {
  const matrix = loadMatrix(config.packer.matrix);
  let github;
  let slack;
  if (!options.dryRun) {
    const credentials = settings.github(process.cwd());
    if (!credentials || !config.github.repository) {
      throw new UsageError('iso check proposes newer releases as pull requests through the GitHub App: set APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET, and github.repository in goldsmith.yaml (docs/github.md), or pass --dry-run to only report');
    }
    const ref = parseRepoRef(config.github.repository);
    const secrets = settings.credentials(config.secret_env, config.baseDir).map((credential) => credential.value);
    github = { client: await createInstallationClient(credentials, ref, secrets), ref };
    const bot = settings.slackBot();
    if (bot && config.slack.channel) slack = { settings: bot, channel: config.slack.channel };
    else stderr.write('goldsmith: no Slack notice: set SLACK_BOT_TOKEN and slack.channel in goldsmith.yaml to get one\n');
  }
  const results = await checkIsoUpdates({ config, matrix, selector: selector ?? 'all', github, slack });
  if (results.length === 0) throw new UsageError(`no line of ${config.packer.matrix} has a "discover" block: add one (index_url and pattern) to a Linux line (docs/media.md)`);
  for (const result of results) (result.error ? stderr : stdout).write(`${result.error ? 'goldsmith: ' : ''}${describeIsoCheck(result)}\n`);
  return results.some((result) => result.error) ? 1 : 0;
}

