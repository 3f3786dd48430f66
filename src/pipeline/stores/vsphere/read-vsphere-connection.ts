import type { LoadedConfig } from '../../../config/load-config.js';
import type { GovcSettings } from '../../../config/read-govc-settings.js';
import { SettingsError } from '../../../config/settings-error.js';

/** How goldsmith reaches vCenter: everything govc needs, and what must never be shown. */
export interface VsphereConnection {
  /** The GOVC_* variables govc runs with (credentials included: never print this). */
  govcEnv: Record<string, string>;
  /** `host[:port]` of vCenter, without credentials: safe to show and to record. */
  vcenter: string;
  datacenter: string;
  /** Inventory path of the templates folder, such as `/DC0/vm/Templates`. */
  folder: string;
  /** Values to scrub from every log and to refuse in records: the password, however it was given. */
  secrets: string[];
  /** What govc may see of goldsmith's environment besides its GOVC_* settings: the basics only. */
  baseEnv: Record<string, string>;
  /** How long one govc command may take before goldsmith gives up on it. */
  timeoutMs: number;
}

/**
 * The vSphere connection: vCenter from the settings (GOVC_*), and
 * `vsphere.datacenter` and `vsphere.folder` from the config. Errors name the
 * setting to fix.
 *
 * @example
 * const connection = readVsphereConnection(settings.govc(), config);
 * connection.folder // '/dc-01/vm/Templates'
 */
export function readVsphereConnection(govc: GovcSettings, config: Pick<LoadedConfig, 'vsphere'>): VsphereConnection {
  const datacenter = config.vsphere.datacenter ?? govc.datacenter;
  if (!datacenter) throw new SettingsError('no datacenter: set vsphere.datacenter in goldsmith.yaml or GOVC_DATACENTER');
  const folder = config.vsphere.folder.startsWith('/') ? config.vsphere.folder.replace(/\/+$/, '') : `/${datacenter}/vm/${config.vsphere.folder.replace(/^\/+|\/+$/g, '')}`;
  return { govcEnv: { ...govc.govcEnv, GOVC_DATACENTER: datacenter }, vcenter: govc.vcenter, datacenter, folder, baseEnv: govc.baseEnv, secrets: govc.secrets, timeoutMs: govc.timeoutMs };
}
