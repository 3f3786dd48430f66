import { isAbsolute, relative, sep } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import type { SlackBotSettings } from '../config/read-slack-settings.js';
import { selectLines } from '../config/select-lines.js';
import { checkLineRelease, discoverableLines, type LineReleaseCheck } from '../pipeline/media/check-line-release.js';
import { mediaFetchOptions } from '../pipeline/media/media-fetch-options.js';
import type { GitHubClient, RepoRef } from './github/github-client.js';
import { openMediaPullRequest, type MediaPullRequest } from './github/open-media-pull-request.js';
import { postSlackNotice } from './slack/post-slack-notice.js';

/** One line's result: what the mirror offers, the pull request proposing it, or why the check failed. */
export interface IsoCheckResult {
  line: string;
  check?: LineReleaseCheck;
  pullRequest?: MediaPullRequest | undefined;
  /** Set when the base branch already names the newest release (a merged bump the local matrix lacks). */
  alreadyOnBase?: boolean;
  error?: string;
}

export interface CheckIsoUpdatesOptions {
  config: LoadedConfig;
  matrix: readonly MatrixEntry[];
  /** A line key or alias, or `all` (every Linux line with a discover block). */
  selector: string;
  /** The GitHub App's installation client; undefined: report only (--dry-run). */
  github?: { client: GitHubClient; ref: RepoRef } | undefined;
  /** Where the notice goes; undefined: no Slack notice. */
  slack?: { settings: SlackBotSettings; channel: string } | undefined;
}

/** The matrix file's path inside the repository (relative to goldsmith.yaml's folder, which is the repository's root). */
export function matrixPathInRepo(config: Pick<LoadedConfig, 'baseDir' | 'packer'>): string {
  const path = relative(config.baseDir, config.packer.matrix);
  if (path.startsWith('..') || isAbsolute(path)) throw new Error(`packer.matrix (${config.packer.matrix}) lies outside the folder of goldsmith.yaml; iso check proposes changes to it in the repository, so keep it inside`);
  return path.split(sep).join('/');
}

/** One line of the Slack notice / CLI output per result. */
export function describeIsoCheck(result: IsoCheckResult): string {
  if (result.error) return `${result.line}: check failed: ${result.error}`;
  const check = result.check!;
  if (!check.newer) return `${result.line}: ${check.newest.file} is the newest release (no newer one)`;
  const what = `${result.line}: newer release ${check.newest.file} (was ${check.current.file ?? 'none'}), SHA-256 ${check.newest.sha256}`;
  if (result.alreadyOnBase) return `${what}: the base branch already names it`;
  if (result.pullRequest) return `${what}: pull request #${result.pullRequest.number} ${result.pullRequest.created ? 'opened' : 'updated'} ${result.pullRequest.url}`;
  return `${what}: no pull request (dry run)`;
}

/**
 * `iso check`: for each selected Linux line with a discover block, finds the
 * newest point release on its mirror; a newer one is proposed as a pull
 * request bumping the matrix entry (an open one of the line is updated), and
 * a Slack notice names what was found. A line whose check fails is reported
 * and the others go on.
 *
 * @example
 * const results = await checkIsoUpdates({ config, matrix, selector: 'all', github: { client, ref }, slack: { settings: slackBot, channel: 'C0123' } });
 */
export async function checkIsoUpdates(options: CheckIsoUpdatesOptions): Promise<IsoCheckResult[]> {
  const { config } = options;
  const candidates = options.selector === 'all' ? discoverableLines(options.matrix) : selectLines([...options.matrix], options.selector);
  const fetchOptions = mediaFetchOptions(config);
  const results: IsoCheckResult[] = [];
  for (const entry of candidates) {
    if (entry.os !== 'linux' || !entry.discover) {
      results.push({ line: entry.key, error: `no "discover" block (index_url and pattern) in packer/matrix.json: only Linux lines with one are checked` });
      continue;
    }
    try {
      const check = await checkLineRelease(entry, fetchOptions);
      const result: IsoCheckResult = { line: entry.key, check };
      if (check.newer && options.github) {
        result.pullRequest = await openMediaPullRequest(options.github.client, options.github.ref, {
          line: entry.key,
          baseBranch: config.github.base_branch,
          matrixPath: matrixPathInRepo(config),
          current: check.current,
          release: check.newest,
        });
        result.alreadyOnBase = result.pullRequest === undefined;
      }
      results.push(result);
    } catch (error) {
      results.push({ line: entry.key, error: (error as Error).message });
    }
  }
  const news = results.filter((result) => result.error || (result.check?.newer && !result.alreadyOnBase));
  if (options.slack && news.length > 0) {
    await postSlackNotice(options.slack.settings, options.slack.channel, [':cd: ISO check', ...news.map(describeIsoCheck)].join('\n'));
  }
  return results;
}
