import type { Target } from '../../../evidence/run-schema.js';

/**
 * run.json's `target` of a QEMU image: the image directory and the
 * template's name (its file is `<name>.qcow2` there).
 *
 * @example
 * qemuTargetOf('/srv/images', 'debian-12-build') // { platform: 'qemu', image_directory: '/srv/images', template_name: 'debian-12-build' }
 */
export function qemuTargetOf(imageDir: string, templateName: string): Target {
  return { platform: 'qemu', image_directory: imageDir, template_name: templateName };
}
