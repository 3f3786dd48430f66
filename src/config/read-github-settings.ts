import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SettingsError } from './settings-error.js';

/** The GitHub App's credentials and where its API is, as Probot names them. */
export interface GitHubAppCredentials {
  appId: number;
  /** PEM text of the app's private key. Never logged, never posted. */
  privateKey: string;
  /** The secret GitHub signs webhook deliveries with (X-Hub-Signature-256). Never logged, never posted. */
  webhookSecret: string;
  /** REST API base URL; undefined for api.github.com. */
  baseUrl: string | undefined;
}

const NAMES = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET'] as const;

function readPrivateKey(env: Readonly<Record<string, string>>, cwd: string): string {
  const inline = env.PRIVATE_KEY;
  let text: string;
  if (inline) {
    // Probot's conventions: PEM with real or escaped newlines, or the PEM base64-encoded on one line.
    text = inline.includes('-----BEGIN') ? inline.replace(/\\n/g, '\n') : Buffer.from(inline, 'base64').toString('utf8');
  } else if (env.PRIVATE_KEY_PATH) {
    const path = resolve(cwd, env.PRIVATE_KEY_PATH);
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new SettingsError(`PRIVATE_KEY_PATH names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); point it at the .pem file downloaded from the GitHub App's settings`);
    }
  } else {
    throw new SettingsError('the GitHub App needs its private key: set PRIVATE_KEY_PATH to the .pem file downloaded from the app settings (or PRIVATE_KEY to its contents)');
  }
  try {
    createPrivateKey(text);
  } catch {
    // The key's text is deliberately left out of the message.
    throw new SettingsError(`${inline ? 'PRIVATE_KEY' : 'PRIVATE_KEY_PATH'} does not hold a PEM private key; use the .pem file GitHub generated for the app`);
  }
  return text;
}

/** GITHUB_API_URL, or Probot's GHE_HOST convention; undefined for api.github.com. */
export function readBaseUrl(env: Readonly<Record<string, string>>): string | undefined {
  const explicit = env.GITHUB_API_URL;
  if (explicit) {
    let url: URL;
    try {
      url = new URL(explicit);
    } catch {
      throw new SettingsError(`GITHUB_API_URL "${explicit}" is not a URL; give the REST API base, such as https://github.example.com/api/v3`);
    }
    return url.toString().replace(/\/+$/, '');
  }
  // Probot's GitHub Enterprise Server convention.
  if (env.GHE_HOST) return `${env.GHE_PROTOCOL ?? 'https'}://${env.GHE_HOST}/api/v3`;
  return undefined;
}

/**
 * Reads the GitHub App's settings from the environment with Probot's names:
 * APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, and GITHUB_API_URL
 * (or GHE_HOST) for another API host. Undefined when none is set (the app is
 * off); throws naming the missing variable when only some are.
 *
 * @example
 * const credentials = readSettings().github(process.cwd());
 * if (credentials) app = await createGitHubApp({ credentials, ... });
 */
export function readGitHubSettings(env: Readonly<Record<string, string>>, cwd: string): GitHubAppCredentials | undefined {
  if (!NAMES.some((name) => env[name])) return undefined;
  const appId = Number(env.APP_ID);
  if (!env.APP_ID || !Number.isInteger(appId) || appId <= 0) {
    throw new SettingsError('APP_ID must be the GitHub App\'s numeric id (shown as "App ID" on the app\'s settings page)');
  }
  const webhookSecret = env.WEBHOOK_SECRET;
  if (!webhookSecret) {
    throw new SettingsError('WEBHOOK_SECRET is not set: give the webhook secret entered in the GitHub App\'s settings, or deliveries cannot be verified (check WEBHOOK_SECRET)');
  }
  return { appId, privateKey: readPrivateKey(env, cwd), webhookSecret, baseUrl: readBaseUrl(env) };
}
