import type { GitHubAppContext } from './github-app-context.js';
import type { GitHubClient } from './github-client.js';
import { scrubText } from '../../pipeline/scrub-text.js';

/** The reactions goldsmith uses: seen, done, approved so far, refused, failed. */
export type Reaction = 'eyes' | 'rocket' | '+1' | '-1' | 'confused';

/** How goldsmith answers one command: reactions on the comment, replies on the pull request. */
export interface Responder {
  react(content: Reaction): Promise<void>;
  /** Posts a reply; the text is scrubbed of secrets first. */
  reply(text: string): Promise<void>;
}

/**
 * The responder for a command given in comment `commentId` (or, for a review,
 * with no comment to react to) on issue or pull request `number`. A reaction
 * that fails is logged, never fatal: the reply carries the answer.
 *
 * @example
 * const respond = createResponder(context, octokit, 42, 1001);
 * await respond.react('eyes');
 * await respond.reply('**Refused**: …');
 */
export function createResponder(context: GitHubAppContext, client: GitHubClient, number: number, commentId: number | undefined): Responder {
  const { ref } = context;
  return {
    async react(content) {
      if (commentId === undefined) return;
      try {
        await client.rest.reactions.createForIssueComment({ ...ref, comment_id: commentId, content });
      } catch (error) {
        context.log.warn({ comment: commentId, reaction: content, err: scrubText((error as Error).message, context.secrets) }, 'reaction failed');
      }
    },
    async reply(text) {
      await client.rest.issues.createComment({ ...ref, issue_number: number, body: scrubText(text, context.secrets) });
    },
  };
}
