import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

/** The launcher that runs promote/rollback from the bundle (dist/bundle/) with a pausing step hook. */
export const PROMOTION_LAUNCHER = fileURLToPath(new URL('./promotion-launcher.mjs', import.meta.url));

export interface SpawnedPromotion {
  child: ResultPromise;
  /** Resolves with the point once the process pauses there; rejects if it ends first. */
  paused: Promise<string>;
  /** stdout and stderr so far. */
  output: () => string;
}

/**
 * Starts `goldsmith [--config F] promote|rollback <line> …` through
 * test/helpers/promotion-launcher.mjs, pausing at `pauseAt` (comma-separated
 * points) until SIGUSR2.
 *
 * @example
 * const run = spawnPromotion(['--config', file, 'promote', line], 'rename-build:acted', { cwd, env });
 * await run.paused;
 * process.kill(run.child.pid!, 'SIGKILL');
 */
export function spawnPromotion(args: string[], pauseAt: string, options: { cwd: string; env: NodeJS.ProcessEnv }): SpawnedPromotion {
  // The launcher takes its own options before the command: move --config in front.
  const config = args[0] === '--config' ? args.slice(0, 2) : [];
  const rest = args[0] === '--config' ? args.slice(2) : args;
  const [command, line, ...more] = rest;
  const child = execa('node', [PROMOTION_LAUNCHER, ...config, '--pause-at', pauseAt, ...more, command!, line!], { cwd: options.cwd, env: options.env, extendEnv: false, reject: false, all: true });
  let output = '';
  const paused = new Promise<string>((resolve, reject) => {
    child.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /paused at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void child.then(() => reject(new Error(`goldsmith ${args.join(' ')} ended without pausing:\n${output}`)));
  });
  paused.catch(() => undefined);
  return { child, paused, output: () => output };
}
