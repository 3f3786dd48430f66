import { SecretScrubber } from './secret-scrubber.js';

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

/**
 * scrubText over every string of a value (objects, arrays, errors), for
 * messages and log fields that are structured: Slack blocks, pino fields.
 *
 * @example
 * scrubValue({ text: 'pw hunter22', blocks: [{ text: 'hunter22' }] }, ['hunter22']) // { text: 'pw [REDACTED]', blocks: [{ text: '[REDACTED]' }] }
 */
export function scrubValue<T>(value: T, secrets: readonly string[], depth = 0): T {
  if (typeof value === 'string') return scrubText(value, secrets) as T;
  if (value instanceof Error) return { type: value.name, message: scrubText(value.message, secrets), stack: scrubText(value.stack ?? '', secrets) } as T;
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, scrubValue(child, secrets, depth + 1)])) as T;
}
