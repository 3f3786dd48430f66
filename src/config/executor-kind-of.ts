import type { ExecutorsConfig, ExecutorKind } from './executors-schema.js';

/**
 * Where a line builds: its own entry under `executors.lines`, else the default.
 *
 * @example
 * executorKindOf({ default: 'local', lines: { 'win2025': 'github-actions' } }, 'win2025') // 'github-actions'
 */
export function executorKindOf(executors: ExecutorsConfig, line: string): ExecutorKind {
  return executors.lines[line] ?? executors.default;
}
