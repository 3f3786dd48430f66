import { pickChildEnv } from './child-env.js';
import { SettingsError } from './settings-error.js';

/** vCenter as the environment gives it: everything govc needs. */
export interface GovcSettings {
  /** `host[:port]` of vCenter, without credentials: safe to show and to record. */
  vcenter: string;
  /** The GOVC_* variables govc runs with, user and password resolved (credentials included: never print this). */
  govcEnv: Record<string, string>;
  /** GOVC_DATACENTER, when set. */
  datacenter: string | undefined;
  /** The password however it was given (GOVC_PASSWORD, inside GOVC_URL): to scrub and to refuse in records. */
  secrets: string[];
  /** The basics govc runs with besides its GOVC_* settings (PATH, locale, proxies): nothing else of goldsmith's environment. */
  baseEnv: Record<string, string>;
  /** GOLDSMITH_GOVC_TIMEOUT in milliseconds (default 60 s). */
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_S = 60;

function parseUrl(raw: string): URL {
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    // The URL may hold a password: never echo it.
    throw new SettingsError('GOVC_URL is not a valid URL; set it to https://vcenter.example.internal/sdk (credentials in GOVC_USERNAME and GOVC_PASSWORD)');
  }
}

/**
 * Reads the vSphere connection from GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD,
 * GOVC_INSECURE, GOVC_DATACENTER and any other GOVC_* setting, and
 * GOLDSMITH_GOVC_TIMEOUT. Errors name the variable to set, never a password.
 *
 * @example
 * readGovcSettings({ GOVC_URL: 'https://vc.example/sdk', GOVC_USERNAME: 'u', GOVC_PASSWORD: 'p' }).vcenter // 'vc.example'
 */
export function readGovcSettings(env: Readonly<Record<string, string>>): GovcSettings {
  const rawUrl = env.GOVC_URL;
  if (!rawUrl) throw new SettingsError('GOVC_URL is not set: export GOVC_URL=https://vcenter.example.internal/sdk, GOVC_USERNAME and GOVC_PASSWORD (see docs/vsphere.md)');
  const url = parseUrl(rawUrl);
  const username = decodeURIComponent(url.username) || env.GOVC_USERNAME || '';
  const password = decodeURIComponent(url.password) || env.GOVC_PASSWORD || '';
  if (!username) throw new SettingsError('no vCenter user: set GOVC_USERNAME and GOVC_PASSWORD (or give them in GOVC_URL)');
  const timeoutText = env.GOLDSMITH_GOVC_TIMEOUT;
  const timeoutS = timeoutText ? Number(timeoutText) : DEFAULT_TIMEOUT_S;
  if (!(timeoutS > 0)) throw new SettingsError(`GOLDSMITH_GOVC_TIMEOUT=${timeoutText} is not a positive number of seconds; unset it or give for example 60`);
  const govcEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (name.startsWith('GOVC_')) govcEnv[name] = value;
  Object.assign(govcEnv, { GOVC_USERNAME: username, GOVC_PASSWORD: password });
  const secrets = [...new Set([password, env.GOVC_PASSWORD ?? '', url.password].filter((value) => value.length > 0))];
  return { vcenter: url.host, govcEnv, baseEnv: pickChildEnv(env, { family: 'none' }), datacenter: env.GOVC_DATACENTER || undefined, secrets, timeoutMs: timeoutS * 1000 };
}
