/**
 * A test seam for crash tests: when GOLDSMITH_PROMOTION_PAUSE_AT names this
 * point (`<step>:started` once the step is journaled, `<step>:acted` once it
 * acted but before its result is journaled), the process says so on stderr
 * and waits for SIGUSR2, so a test can `kill -9` it exactly there, or stop
 * vCenter before letting it go on. Unset in normal use: then it costs nothing.
 *
 * @example
 * await pausePoint('rename-build:acted', settings.promotionPauseAt);
 */
export async function pausePoint(point: string, wanted: readonly string[]): Promise<void> {
  if (!wanted.includes(point)) return;
  await new Promise<void>((resolve) => {
    // A timer keeps the event loop alive while we wait; the signal ends the wait.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    process.once('SIGUSR2', () => {
      clearInterval(keepAlive);
      resolve();
    });
    process.stderr.write(`goldsmith: paused at ${point} (pid ${process.pid}); send SIGUSR2 to go on\n`);
  });
}
