import { createSign } from 'node:crypto';
import type { ActionsSettings } from '../../../config/read-actions-settings.js';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JSON Web Token for the GitHub App itself (RS256, ten minutes at most, as GitHub requires). */
function appJwt(appId: number, privateKey: string, now = Math.floor(Date.now() / 1000)): string {
  const unsigned = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId }))}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;
}

async function callAsApp<T>(apiBase: string, jwt: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${jwt}`, 'user-agent': 'goldsmith', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) {
    const hint = response.status === 404 ? ': is the GitHub App installed on the repository?' : response.status === 422 || response.status === 403 ? ": grant the app's installation Actions: write" : '';
    throw new Error(`the GitHub App could not get a token for Actions (${method} ${path} answered ${response.status})${hint}`);
  }
  return (await response.json()) as T;
}

/**
 * The `Authorization` header for Actions calls on `repository`: the
 * configured GITHUB_TOKEN as is, or an installation token of the GitHub
 * App narrowed to that repository and to Actions: write, minted when needed
 * and reused until five minutes before it expires.
 *
 * @example
 * const authorization = actionsAuthorization(settings.actions(cwd), 'acme/images');
 * await authorization(); // 'Bearer ghs_…'
 */
export function actionsAuthorization(settings: ActionsSettings, repository: string): () => Promise<string> {
  const { auth } = settings;
  if (auth.kind === 'token') return async () => `Bearer ${auth.token}`;
  let cached: { header: string; until: number } | undefined;
  let minting: Promise<string> | undefined;
  const mint = async (): Promise<string> => {
    const jwt = appJwt(auth.credentials.appId, auth.credentials.privateKey);
    const installation = await callAsApp<{ id: number }>(settings.apiBase, jwt, 'GET', `/repos/${repository}/installation`);
    const token = await callAsApp<{ token: string; expires_at: string }>(settings.apiBase, jwt, 'POST', `/app/installations/${installation.id}/access_tokens`, {
      repositories: [repository.split('/')[1]],
      permissions: { actions: 'write', metadata: 'read' },
    });
    cached = { header: `Bearer ${token.token}`, until: Date.parse(token.expires_at) - 5 * 60_000 };
    return cached.header;
  };
  return async () => {
    if (cached && Date.now() < cached.until) return cached.header;
    // Ten jobs asking at once share one mint.
    minting ??= mint().finally(() => {
      minting = undefined;
    });
    return minting;
  };
}
