import type { ImagesYaml } from './images-yaml-schema.js';

/**
 * The Packer variables a line's `.images.yaml` sets: its `build_override`
 * (`disk_size`, `memory`) as `PKR_VAR_*`, for the build's environment. Only
 * what the file gives: the line's own defaults hold otherwise.
 *
 * @example
 * imagesYamlPackerVars(images) // { PKR_VAR_disk_size: '50G', PKR_VAR_memory: '4096' }
 */
export function imagesYamlPackerVars(images: Pick<ImagesYaml, 'build_override'>): Record<string, string> {
  const vars: Record<string, string> = {};
  if (images.build_override.disk_size !== undefined) vars.PKR_VAR_disk_size = images.build_override.disk_size;
  if (images.build_override.memory !== undefined) vars.PKR_VAR_memory = String(images.build_override.memory);
  return vars;
}
