import type { LoadedConfig } from '../../config/load-config.js';

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
  /** How long one govc command may take before goldsmith gives up on it. */
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_S = 60;

function parseUrl(raw: string): URL {
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    // The URL may hold a password: never echo it.
    throw new Error('GOVC_URL is not a valid URL; set it to https://vcenter.example.internal/sdk (credentials in GOVC_USERNAME and GOVC_PASSWORD)');
  }
}

/**
 * Reads the vSphere connection from the environment only (GOVC_URL,
 * GOVC_USERNAME, GOVC_PASSWORD, GOVC_INSECURE, GOVC_DATACENTER and any other
 * GOVC_* setting), plus `vsphere.datacenter` and `vsphere.folder` from the
 * config. GOLDSMITH_GOVC_TIMEOUT (seconds, default 60) bounds each command.
 * Errors name the variable to set.
 *
 * @example
 * const connection = readVsphereConnection(process.env, config);
 * connection.folder // '/dc-01/vm/Templates'
 */
export function readVsphereConnection(env: NodeJS.ProcessEnv, config: Pick<LoadedConfig, 'vsphere'>): VsphereConnection {
  const rawUrl = env.GOVC_URL;
  if (!rawUrl) throw new Error('GOVC_URL is not set: export GOVC_URL=https://vcenter.example.internal/sdk, GOVC_USERNAME and GOVC_PASSWORD (see docs/vsphere.md)');
  const url = parseUrl(rawUrl);
  const username = decodeURIComponent(url.username) || env.GOVC_USERNAME || '';
  const password = decodeURIComponent(url.password) || env.GOVC_PASSWORD || '';
  if (!username) throw new Error('no vCenter user: set GOVC_USERNAME and GOVC_PASSWORD (or give them in GOVC_URL)');
  const datacenter = config.vsphere.datacenter ?? env.GOVC_DATACENTER;
  if (!datacenter) throw new Error('no datacenter: set vsphere.datacenter in goldsmith.yaml or GOVC_DATACENTER');
  const folder = config.vsphere.folder.startsWith('/') ? config.vsphere.folder.replace(/\/+$/, '') : `/${datacenter}/vm/${config.vsphere.folder.replace(/^\/+|\/+$/g, '')}`;
  const timeoutText = env.GOLDSMITH_GOVC_TIMEOUT;
  const timeoutS = timeoutText ? Number(timeoutText) : DEFAULT_TIMEOUT_S;
  if (!(timeoutS > 0)) throw new Error(`GOLDSMITH_GOVC_TIMEOUT=${timeoutText} is not a positive number of seconds; unset it or give for example 60`);

  const govcEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (name.startsWith('GOVC_') && value !== undefined) govcEnv[name] = value;
  Object.assign(govcEnv, { GOVC_USERNAME: username, GOVC_PASSWORD: password, GOVC_DATACENTER: datacenter });
  const secrets = [...new Set([password, env.GOVC_PASSWORD ?? '', url.password].filter((value) => value.length > 0))];
  return { govcEnv, vcenter: url.host, datacenter, folder, secrets, timeoutMs: timeoutS * 1000 };
}
