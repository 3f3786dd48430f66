import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readGitHubSettings } from '../../src/config/read-github-settings.js';
import { makeTempDir } from '../helpers/write-chain.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('readGitHubSettings', () => {
  test('is off when nothing is set', () => {
    expect(readGitHubSettings({}, '/')).toBeUndefined();
  });

  test("reads Probot's names: the key inline (escaped newlines or base64) or from a file", () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'app.pem'), pem);
    const base = { APP_ID: '4242', WEBHOOK_SECRET: 's3cret' };
    expect(readGitHubSettings({ ...base, PRIVATE_KEY_PATH: 'app.pem' }, dir)).toEqual({ appId: 4242, privateKey: pem, webhookSecret: 's3cret', baseUrl: undefined });
    expect(readGitHubSettings({ ...base, PRIVATE_KEY: pem.replace(/\n/g, '\\n') }, dir)?.privateKey).toBe(pem);
    expect(readGitHubSettings({ ...base, PRIVATE_KEY: Buffer.from(pem).toString('base64') }, dir)?.privateKey).toBe(pem);
    expect(readGitHubSettings({ ...base, PRIVATE_KEY: pem, GITHUB_API_URL: 'https://ghe.example.test/api/v3/' }, dir)?.baseUrl).toBe('https://ghe.example.test/api/v3');
    expect(readGitHubSettings({ ...base, PRIVATE_KEY: pem, GHE_HOST: 'ghe.example.test' }, dir)?.baseUrl).toBe('https://ghe.example.test/api/v3');
  });

  test('errors name the variable and the fix, never the key', () => {
    const base = { APP_ID: '4242', PRIVATE_KEY: pem };
    expect(() => readGitHubSettings(base, '/')).toThrow(/WEBHOOK_SECRET is not set.*check WEBHOOK_SECRET/);
    expect(() => readGitHubSettings({ ...base, WEBHOOK_SECRET: 'x', APP_ID: 'goldsmith' }, '/')).toThrow(/APP_ID must be the GitHub App's numeric id/);
    expect(() => readGitHubSettings({ APP_ID: '1', WEBHOOK_SECRET: 'x' }, '/')).toThrow(/set PRIVATE_KEY_PATH/);
    expect(() => readGitHubSettings({ APP_ID: '1', WEBHOOK_SECRET: 'x', PRIVATE_KEY_PATH: '/nonexistent/app.pem' }, '/')).toThrow(/PRIVATE_KEY_PATH names \/nonexistent\/app.pem, which cannot be read \(ENOENT\)/);
    const broken = `-----BEGIN RSA PRIVATE KEY-----\nnot-a-key-but-secret-looking\n-----END RSA PRIVATE KEY-----\n`;
    let message = '';
    try {
      readGitHubSettings({ APP_ID: '1', WEBHOOK_SECRET: 'x', PRIVATE_KEY: broken }, '/');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PRIVATE_KEY does not hold a PEM private key/);
    expect(message).not.toContain('not-a-key-but-secret-looking');
  });
});
