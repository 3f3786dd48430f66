import { dirname, join, relative } from 'node:path';
import { executorKindOf } from '../config/executor-kind-of.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import { lineVarFiles } from '../pipeline/line-var-files.js';
import { templateNamesOf } from '../pipeline/stores/template-names.js';

/**
 * What a build of `entry` would run, for `goldsmith build --dry-run`: where
 * (the executor), the Packer command and its folder, the var-files, and the
 * template it would make. Reads nothing but the config and the matrix.
 *
 * @example
 * describeBuildPlan(config, entry)
 * // ['build test-ok', '  executor    local (Packer on this host)', '  in          /srv/images/packer/ok', …]
 */
export function describeBuildPlan(config: LoadedConfig, entry: MatrixEntry): string[] {
  const files = lineVarFiles(config, entry);
  const varFiles = [...files.shared, files.own];
  const buildDir = join(dirname(config.packer.matrix), entry.build_dir);
  const shown = (path: string) => relative(buildDir, path) || '.';
  const command = [config.packer.binary, 'build', '-machine-readable', '-on-error=cleanup', ...varFiles.map((path) => `-var-file=${shown(path)}`), ...(entry.only ? [`-only=${entry.only}`] : []), '.'].join(' ');
  const kind = executorKindOf(config.executors, entry.key);
  const actions = config.executors.github_actions;
  const where =
    kind === 'github-actions' && actions
      ? `github-actions: dispatch ${actions.workflow} in ${actions.repository} at ${actions.ref}; its runner runs goldsmith runner, which runs the command below in its checkout`
      : 'local (Packer on this host)';
  return [
    `build ${entry.key}`,
    `  executor    ${where}`,
    `  in          ${buildDir}`,
    `  command     ${command}`,
    ...varFiles.map((path, index) => `  ${index === 0 ? 'var-files' : '         '}   ${path}`),
    `  timeout     ${entry.timeout_minutes} minutes`,
    `  target      ${entry.platform === 'local' ? 'a local artifact (no template store)' : `${entry.platform} template ${templateNamesOf(entry.base_name).build}, promoted to ${entry.base_name}`}`,
  ];
}
