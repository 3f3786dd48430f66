import type { LoadedConfig } from '../config/load-config.js';
import type { Matrix } from '../config/matrix-schema.js';
import { selectLines } from '../config/select-lines.js';
import { executorProblemOf } from '../pipeline/find-queue-problems.js';
import { UsageError } from './usage-error.js';

const SLACK_ID = /^[UWS][A-Z0-9]{2,}$/;

/**
 * What `goldsmith serve` needs of goldsmith.yaml beyond its schema: Slack ids
 * that are ids (not names), schedule and executor lines that exist in the
 * matrix, and lines whose executor can build them.
 * Each mistake names the file, the key and the fix.
 *
 * @example
 * checkServeConfig(config, matrix); // throws: goldsmith.yaml: slack.permissions.build: "alice" is not a Slack id …
 */
export function checkServeConfig(config: LoadedConfig, matrix: Matrix): void {
  const file = config.file ?? 'goldsmith.yaml';
  const problems: string[] = [];
  for (const [permission, ids] of Object.entries(config.slack.permissions)) {
    for (const id of ids) {
      if (!SLACK_ID.test(id)) {
        problems.push(
          `${file}: slack.permissions.${permission}: "${id}" is not a Slack user id (U…/W…) or user group id (S…); copy the member ID from the person's Slack profile, or the group's ID from its page (docs/slack.md)`,
        );
      }
    }
  }
  if (config.slack.channel !== undefined && !/^[CG][A-Z0-9]{2,}$/.test(config.slack.channel)) {
    problems.push(`${file}: slack.channel: "${config.slack.channel}" is not a channel id (C…); open the channel's details in Slack and copy the Channel ID at the bottom`);
  }
  if (config.schedule.enabled && config.schedule.lines !== 'all') {
    for (const line of config.schedule.lines) {
      try {
        selectLines(matrix, line);
      } catch (error) {
        problems.push(`${file}: schedule.lines: ${(error as Error).message}`);
      }
    }
  }
  for (const line of Object.keys(config.executors.lines)) {
    if (!matrix.some((candidate) => candidate.key === line)) problems.push(`${file}: executors.lines.${line}: no such line in packer/matrix.json (goldsmith matrix lists them)`);
  }
  for (const entry of matrix) {
    const problem = executorProblemOf(config, entry);
    if (problem) problems.push(`${file}: executors: ${problem}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
}
