import type { GitHubAppContext } from './github-app-context.js';
import { scrubText } from '../../pipeline/scrub-text.js';

/**
 * Posts a line in the Slack thread of a build's job message, when the build
 * has a job and serve connected Slack. Never fails the caller: a Slack outage
 * must not undo or hide a promotion that happened.
 *
 * @example
 * await notifyBuildThread(context, 12, 'Promoted ubuntu-24.04 from https://github.com/acme/images/pull/42');
 */
export async function notifyBuildThread(context: GitHubAppContext, jobId: number | null, text: string): Promise<void> {
  if (jobId === null || !context.notifyBuildThread) return;
  try {
    await context.notifyBuildThread(jobId, scrubText(text, context.secrets));
  } catch (error) {
    context.log.warn({ job: jobId, err: scrubText((error as Error).message, context.secrets) }, 'Slack thread not updated');
  }
}
