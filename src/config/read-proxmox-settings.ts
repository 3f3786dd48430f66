import { SettingsError } from './settings-error.js';

/** The Proxmox VE API as the environment gives it. */
export interface ProxmoxSettings {
  /** `https://host:port/api2/json`, without credentials: safe to show and to record. */
  apiBase: string;
  /** `host:port`: the store's identity. */
  host: string;
  /** `user@realm!tokenid`. */
  tokenId: string;
  /** The `Authorization` header value, `PVEAPIToken=USER@REALM!TOKENID=SECRET` (a credential: never print it). */
  authorization: string;
  /** The token's secret: to scrub and to refuse in records. */
  secrets: string[];
}

const TOKEN_ID = /^[^\s@!=]+@[^\s@!=]+![A-Za-z][A-Za-z0-9._-]*$/;

/**
 * Reads PROXMOX_URL, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET. The URL may
 * be the host (`https://pve.example.internal:8006`), the API base
 * (`…/api2/json`), or a reverse proxy's path to it; the port defaults to 8006. Errors name the variable to
 * set, never the secret.
 *
 * @example
 * readProxmoxSettings({ PROXMOX_URL: 'https://pve:8006', PROXMOX_TOKEN_ID: 'goldsmith@pve!promote', PROXMOX_TOKEN_SECRET: 's' }).apiBase
 * // 'https://pve:8006/api2/json'
 */
export function readProxmoxSettings(env: Readonly<Record<string, string>>): ProxmoxSettings {
  const raw = env.PROXMOX_URL;
  if (!raw) throw new SettingsError('PROXMOX_URL is not set: export PROXMOX_URL=https://pve.example.internal:8006, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET (see docs/proxmox.md)');
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new SettingsError('PROXMOX_URL is not a valid URL; set it to https://pve.example.internal:8006');
  }
  if (url.protocol !== 'https:') throw new SettingsError(`PROXMOX_URL must use https (the API token travels in every request); got ${url.protocol}//${url.host}`);
  if (url.username || url.password) throw new SettingsError('PROXMOX_URL must not hold credentials: give the token in PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET');
  const tokenId = env.PROXMOX_TOKEN_ID ?? '';
  if (!TOKEN_ID.test(tokenId)) {
    throw new SettingsError(`PROXMOX_TOKEN_ID ${tokenId ? `"${tokenId}" is not` : 'is not set; give'} an API token id of the form user@realm!tokenid (for example goldsmith@pve!promote; see docs/proxmox.md)`);
  }
  const secret = env.PROXMOX_TOKEN_SECRET ?? '';
  if (!secret) throw new SettingsError(`PROXMOX_TOKEN_SECRET is not set: give the secret Proxmox showed when ${tokenId} was created`);
  if (/\s/.test(secret)) throw new SettingsError('PROXMOX_TOKEN_SECRET holds white space: give the secret alone (a UUID such as 0b6f…), without the token id or "PVEAPIToken="');
  // URL drops a port that is the scheme's default (443): read it from the text, so :443 is kept and none means 8006.
  const port = /^(?:[a-z]+:\/\/)?(?:\[[^\]]+\]|[^:/?#]+):(\d+)/i.exec(raw)?.[1] ?? '8006';
  const host = `${url.hostname}:${port}`;
  // A reverse proxy may serve the API under a path of its own: keep it, whether or not /api2/json was given.
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '');
  return { apiBase: `https://${host}${prefix}/api2/json`, host, tokenId, authorization: `PVEAPIToken=${tokenId}=${secret}`, secrets: [secret] };
}
