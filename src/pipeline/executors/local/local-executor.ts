import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BuildExecutor, ExecutorResult, ExecutorRunContext } from '../build-executor.js';
import { lineVarFileProblem, runLinePacker } from './run-line-packer.js';

/**
 * Builds on this host: Packer in its own process group, its output scrubbed
 * into the job's log, stages followed from its UI lines. A build dies with
 * the goldsmith process running it (the next start stops what it left and
 * marks the job interrupted), so there is nothing to re-attach to.
 *
 * @example
 * const result = await createLocalExecutor().run(context);
 */
export function createLocalExecutor(): BuildExecutor {
  return {
    kind: 'local',
    preflight: (entry, config) => lineVarFileProblem(config, entry),
    async run(context: ExecutorRunContext): Promise<ExecutorResult> {
      const { job, config, entry } = context;
      context.onLog?.(join(context.jobDir, 'packer.log'));
      const run = await runLinePacker({
        config,
        entry,
        settings: context.settings,
        outDir: context.jobDir,
        env: context.hooks?.packerEnv?.(job, entry, context.jobDir),
        graceMs: context.graceMs,
        signal: context.signal,
        killSignal: context.killSignal,
        onSpawn: (pid) => context.onProcess?.(pid, pid ? config.packer.binary : undefined),
        onStage: context.onStage,
        onLine: context.onLine,
      });
      if (run.ending) return { ok: false, ending: run.ending };
      return {
        ok: true,
        log: run.log,
        manifest: run.manifest,
        packerProvenance: run.packerProvenance,
        outcome: { ...run.result.outcome, packerVersion: run.result.packerVersion },
        where: { kind: 'local', host: hostname() },
        tail: run.result.tail,
      };
    },
  };
}
