import { LogLevel, type Logger } from '@slack/bolt';
import type { BotLogger } from './slack-bot-context.js';

const render = (parts: unknown[]) => parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');

/**
 * Bolt's logger interface over goldsmith's JSON logger, so Bolt's own
 * messages (signature failures, unhandled requests) land in the same stream.
 *
 * @example
 * new HTTPReceiver({ signingSecret, logger: boltLogger(logger) });
 */
export function boltLogger(logger: BotLogger): Logger {
  let level = LogLevel.INFO;
  let name = 'bolt';
  const rank = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const enabled = (wanted: LogLevel) => rank.indexOf(wanted) >= rank.indexOf(level);
  return {
    debug: (...parts: unknown[]) => enabled(LogLevel.DEBUG) && logger.debug({ component: name }, render(parts)),
    info: (...parts: unknown[]) => enabled(LogLevel.INFO) && logger.info({ component: name }, render(parts)),
    warn: (...parts: unknown[]) => enabled(LogLevel.WARN) && logger.warn({ component: name }, render(parts)),
    error: (...parts: unknown[]) => enabled(LogLevel.ERROR) && logger.error({ component: name }, render(parts)),
    setLevel: (wanted: LogLevel) => {
      level = wanted;
    },
    getLevel: () => level,
    setName: (wanted: string) => {
      name = wanted;
    },
  };
}
