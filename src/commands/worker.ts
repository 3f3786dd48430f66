import type { Settings } from '../config/settings.js';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import { readSigner } from '../evidence/read-signer.js';
import { BuildQueue } from '../pipeline/build-queue.js';
import { openJobStore } from '../pipeline/open-job-store.js';

/** `goldsmith worker [--exit-when-idle]`: runs queued builds in this process. */
export async function workerCommand(config: LoadedConfig, settings: Settings, options: { exitWhenIdle?: boolean }, stdout: NodeJS.WritableStream): Promise<number> {
  const store = openJobStore(config);
  const queue = new BuildQueue({ store, config, matrix: loadMatrix(config.packer.matrix), signer: readSigner(config.signing.key, config.signing.identity), settings });
  queue.on('update', (job) => stdout.write(`${new Date().toISOString()} job ${job.id} ${job.line} ${job.state}${job.stage ? ` ${job.stage}` : ''}\n`));
  // A signal stops Packer (it cleans up the half-built VM) and ends those jobs as cancelled.
  // `on`, not `once`: with no listener left, execa's signal-exit re-raises the signal and the process dies before Packer stops.
  let onSignal = () => undefined as void;
  const stopped = new Promise<void>((resolve) => {
    onSignal = () => void queue.stop({ cancelRunning: true }).then(resolve);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const keepAlive = options.exitWhenIdle ? undefined : setInterval(() => undefined, 1 << 30);
  for (const job of await queue.start()) stdout.write(`job ${job.id} was interrupted: ${job.reason}\n`);
  try {
    await (options.exitWhenIdle ? Promise.race([queue.idle(), stopped]) : stopped);
    await queue.stop();
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    clearInterval(keepAlive);
    store.close();
  }
}
