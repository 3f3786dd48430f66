import type { TemplatePlatform } from '../template-store.js';
import { vsphereBuildHooks } from './vsphere-build-hooks.js';
import { VsphereTemplateStore } from './vsphere-template-store.js';

/**
 * vSphere as a plug-in: templates in one folder of one vCenter (GOVC_*,
 * `vsphere.datacenter`, `vsphere.folder`), driven with govc.
 *
 * @example
 * const store = vspherePlatform.open({ config, settings });
 */
export const vspherePlatform: TemplatePlatform = {
  platform: 'vsphere',
  label: 'vSphere templates folder',
  open: (context) => new VsphereTemplateStore(context),
  // A build record is sealed without connecting: the vCenter is named by the promotion that installs it.
  target: (config, templateName) => ({ platform: 'vsphere', vcenter: null, datacenter: config.vsphere.datacenter ?? null, folder: config.vsphere.folder, template_name: templateName }),
  buildHooks: (context) => vsphereBuildHooks(context),
};
