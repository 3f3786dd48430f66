import type { ExecutorKind } from '../../config/executors-schema.js';
import type { LoadedConfig } from '../../config/load-config.js';
import type { Settings } from '../../config/settings.js';
import type { BuildExecutor } from './build-executor.js';
import { createGitHubActionsExecutor } from './github-actions/github-actions-executor.js';
import { createLocalExecutor } from './local/local-executor.js';

/** The executors of one process, made when first needed: a missing token fails the jobs that need it, not the start. */
export interface ExecutorRegistry {
  /** The executor of `kind`; throws, naming what to configure, when it cannot be made. */
  get(kind: string): BuildExecutor;
  /** How many builds `kind` may run at once: max_parallel on this host, the CI executor's concurrency. */
  limitOf(kind: string): number;
  close(): Promise<void>;
}

/**
 * The executors goldsmith.yaml configures (docs/executors.md): `local`
 * always, `github-actions` when `executors.github_actions` is set. Adding
 * an engine is one folder under executors/ and one case here.
 *
 * @example
 * const executors = createExecutorRegistry(config, settings);
 * executors.get('github-actions').run(context);
 */
export function createExecutorRegistry(config: LoadedConfig, settings: Settings, given: Partial<Record<ExecutorKind, BuildExecutor>> = {}): ExecutorRegistry {
  const made = new Map<string, BuildExecutor>(Object.entries(given));
  const make = (kind: string): BuildExecutor => {
    if (kind === 'local') return createLocalExecutor();
    if (kind === 'github-actions') {
      const actions = config.executors.github_actions;
      if (!actions) throw new Error('this job was queued for github-actions, which goldsmith.yaml no longer configures: add executors.github_actions (docs/executors.md)');
      return createGitHubActionsExecutor({ config: actions, settings: settings.actions(config.baseDir) });
    }
    throw new Error(`this job was queued for the executor "${kind}", which this goldsmith does not know`);
  };
  return {
    get(kind) {
      let executor = made.get(kind);
      if (!executor) made.set(kind, (executor = make(kind)));
      return executor;
    },
    limitOf: (kind) => (kind === 'github-actions' ? (config.executors.github_actions?.concurrency ?? config.max_parallel) : config.max_parallel),
    async close() {
      await Promise.all([...made.values()].map((executor) => executor.close?.()));
    },
  };
}
