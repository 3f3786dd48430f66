import { scrubValue } from '../../pipeline/scrub-text.js';

/** The request fields that carry prose GitHub shows people: PR and comment bodies, titles, commit messages, check-run output. */
const PROSE_FIELDS = ['body', 'title', 'message', 'summary', 'text', 'output', 'annotations'] as const;

/**
 * Scrubs the prose of every request goldsmith sends GitHub (pull request and
 * comment bodies, titles, commit messages, check-run output and annotations)
 * of every credential goldsmith holds and of secrets by shape. Blob contents
 * are left alone: records are refused at sealing when they hold a credential.
 *
 * @example
 * Octokit.plugin(scrubOutgoingRequests(secrets))
 */
export function scrubOutgoingRequests(secrets: readonly string[]) {
  return (octokit: { hook: { before: (name: 'request', hook: (options: Record<string, unknown>) => void) => void } }): void => {
    octokit.hook.before('request', (options) => {
      for (const field of PROSE_FIELDS) if (options[field] !== undefined) options[field] = scrubValue(options[field], secrets);
    });
  };
}
