import { SecretScrubber } from '../../pipeline/secret-scrubber.js';

/**
 * Removes secret values (every form the pipeline's scrubber knows), bearer
 * and GitHub tokens and private-key blocks from a text before it is posted
 * or logged: error messages from libraries may quote a request.
 *
 * @example
 * scrubText('failed: token ghs_abcdefghijklmnopqrstuvwx', []) // 'failed: token [REDACTED]'
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  const scrubber = new SecretScrubber(secrets);
  return Buffer.concat([scrubber.push(Buffer.from(text, 'utf8')), scrubber.end()]).toString('utf8');
}
