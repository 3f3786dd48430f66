import { proxmoxPlatform } from './proxmox/proxmox-platform.js';
import { qemuPlatform } from './qemu/qemu-platform.js';
import type { StoreContext, TemplatePlatform, TemplateStore } from './template-store.js';
import { vspherePlatform } from './vsphere/vsphere-platform.js';

/**
 * Every platform that keeps templates, by the matrix's `platform`. Adding a
 * platform is one folder under src/pipeline/stores/ and one line here
 * (docs/adding-a-platform.md). Lines of a platform not listed (`local`, the
 * null builder) have no store: nothing to promote.
 */
export const TEMPLATE_PLATFORMS: Readonly<Record<string, TemplatePlatform>> = {
  vsphere: vspherePlatform,
  qemu: qemuPlatform,
  proxmox: proxmoxPlatform,
};

/**
 * The plug-in of `platform`, or undefined when its lines have no store.
 *
 * @example
 * templatePlatformOf('vsphere')?.label // 'vSphere templates folder'
 * templatePlatformOf('local')          // undefined
 */
export function templatePlatformOf(platform: string): TemplatePlatform | undefined {
  return Object.hasOwn(TEMPLATE_PLATFORMS, platform) ? TEMPLATE_PLATFORMS[platform] : undefined;
}

/**
 * Opens the store of `platform`. Throws when the platform has none, or is
 * not configured (naming the setting to fix).
 *
 * @example
 * const store = openTemplateStore('qemu', { config, settings });
 */
export function openTemplateStore(platform: string, context: StoreContext): TemplateStore {
  const plugin = templatePlatformOf(platform);
  if (!plugin) throw new Error(`platform "${platform}" keeps no templates (platforms with a template store: ${Object.keys(TEMPLATE_PLATFORMS).join(', ')})`);
  return plugin.open(context);
}
