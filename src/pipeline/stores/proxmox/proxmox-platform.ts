import type { TemplatePlatform } from '../template-store.js';
import { proxmoxBuildHooks } from './proxmox-build-hooks.js';
import { ProxmoxTemplateStore } from './proxmox-template-store.js';

/**
 * Proxmox VE as a plug-in: templates on one node (`proxmox.node`), through
 * the API with a token (PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET);
 * promotion swaps names, and for `stable_vmid` lines also keeps `<base>` at
 * the line's VMID (docs/proxmox.md).
 *
 * @example
 * const store = proxmoxPlatform.open({ config, settings });
 */
export const proxmoxPlatform: TemplatePlatform = {
  platform: 'proxmox',
  label: 'Proxmox node',
  open: (context) => new ProxmoxTemplateStore(context),
  // Sealed without connecting: the build hooks put the VMID in (their facts), a promotion its own.
  target: (config, templateName) => ({ platform: 'proxmox', node: config.proxmox.node ?? null, vmid: null, template_name: templateName }),
  buildHooks: (context) => proxmoxBuildHooks(context),
};
