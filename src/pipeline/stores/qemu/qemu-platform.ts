import type { TemplatePlatform } from '../template-store.js';
import { imageChecklistHook } from './check-image-hook.js';
import { qemuBuildHooks } from './qemu-build-hooks.js';
import { qemuTargetOf } from './qemu-target.js';
import { QemuTemplateStore } from './qemu-template-store.js';

/**
 * QEMU as a plug-in: qcow2 images in one image directory on this host
 * (`qemu.image_dir`), promoted by journaled renames.
 *
 * The image checklist plugs in here: pass `checkImage` to qemuBuildHooks
 * (see ImageCheck); it runs after Packer, before the image enters the image
 * directory and before any record is sealed.
 *
 * @example
 * const store = qemuPlatform.open({ config, settings });
 */
export const qemuPlatform: TemplatePlatform = {
  platform: 'qemu',
  label: 'QEMU image directory',
  open: (context) => new QemuTemplateStore(context),
  target: (config, templateName) => qemuTargetOf(config.qemu.image_dir, templateName),
  buildHooks: (context) => qemuBuildHooks({ ...context, checkImage: imageChecklistHook({ config: context.config, settings: context.settings }) }),
};

