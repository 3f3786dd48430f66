import type { LineLock } from '../../pipeline/line-locks.js';

/**
 * Who holds a line, in a pull request comment: who (a GitHub login as a
 * mention), where, since when, why, and how the line is released.
 *
 * @example
 * describeLineHolder(lock)
 * // 'a promote of `ubuntu-24.04` is already running: started by @bob on #42 at 2026-11-24T10:00:00.000Z (/promote on #42); to release it: …'
 */
export function describeLineHolder(lock: LineLock): string {
  const who = lock.holder.startsWith('github:') ? `@${lock.holder.slice('github:'.length)}` : `\`${lock.holder}\``;
  const where = lock.pullRequest ? ` on #${lock.pullRequest}` : '';
  return `a ${lock.kind} of \`${lock.line}\` is already running: started by ${who}${where} at ${lock.since} (${lock.reason}); to release it: ${lock.release}`;
}
