import pino, { type Logger } from 'pino';
import { scrubValue } from '../pipeline/scrub-text.js';

// Header values that are secrets by their very nature, whatever object carries them.
const REDACT = ['req.headers.authorization', 'req.headers["x-slack-signature"]', 'req.headers["x-hub-signature-256"]', 'headers.authorization', 'headers["x-slack-signature"]'];

/**
 * `goldsmith serve`'s JSON logger: every string of every log call goes
 * through the secret scrubber (each credential goldsmith holds, and secrets
 * by shape), so a library's error quoting a request or a token cannot
 * reach the log.
 *
 * @example
 * const logger = createServeLogger({ level: 'info', secrets: ['xoxb-…'] });
 * logger.error({ err: 'auth failed for xoxb-…' }, 'slack'); // {"err":"auth failed for [REDACTED]",…}
 */
export function createServeLogger(options: { level: string; secrets: readonly string[]; stream?: NodeJS.WritableStream | undefined }): Logger {
  const { secrets } = options;
  return pino(
    {
      base: { service: 'goldsmith', pid: process.pid },
      level: options.level,
      redact: { paths: REDACT, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => scrubValue(arg, secrets)) as Parameters<typeof method>);
        },
      },
    },
    options.stream ?? pino.destination({ dest: 1, sync: true }),
  );
}
