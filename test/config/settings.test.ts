import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { isSecretName } from '../../src/config/find-credentials.js';
import { Settings } from '../../src/config/settings.js';

const ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/ops',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  https_proxy: 'http://proxy.internal:3128',
  SLACK_SIGNING_SECRET: 'slack-signing-secret-value',
  SLACK_BOT_TOKEN: 'xoxb-1-2-slack-bot-token',
  SLACK_APP_TOKEN: 'xapp-1-slack-app-token',
  WEBHOOK_SECRET: 'github-webhook-secret',
  GOVC_URL: 'https://vc.example.internal/sdk',
  GOVC_USERNAME: 'svc-packer',
  GOVC_PASSWORD: 'vc-password-value',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-access-key-value',
  AWS_PROFILE: 'images',
  DATABASE_URL: 'postgres://app:db-url-password@db/app',
  PACKER_LOG_PATH: '/tmp/packer.log',
  PKR_VAR_iso_url: 'https://mirror.internal/debian.iso',
  PKR_VAR_winrm_password: 'winrm-password-value',
  CHECKPOINT_DISABLE: '1',
  GOLDSMITH_SIGNING_KEY: '/etc/goldsmith/signing.key',
  SSH_AUTH_SOCK: '/run/ssh-agent.sock',
  UNRELATED: 'hello',
};

describe('Settings', () => {
  const settings = Settings.from(ENV);

  it('knows every credential value, by variable name, and the password inside any URL', () => {
    const credentials = settings.credentials(['UNRELATED']);
    const byName = Object.fromEntries(credentials.map((credential) => [credential.name, credential.value]));
    expect(byName).toMatchObject({
      SLACK_SIGNING_SECRET: ENV.SLACK_SIGNING_SECRET,
      SLACK_BOT_TOKEN: ENV.SLACK_BOT_TOKEN,
      SLACK_APP_TOKEN: ENV.SLACK_APP_TOKEN,
      WEBHOOK_SECRET: ENV.WEBHOOK_SECRET,
      GOVC_PASSWORD: ENV.GOVC_PASSWORD,
      AWS_SECRET_ACCESS_KEY: ENV.AWS_SECRET_ACCESS_KEY,
      PKR_VAR_winrm_password: ENV.PKR_VAR_winrm_password,
      'DATABASE_URL (password in URL)': 'db-url-password',
      UNRELATED: 'hello',
    });
    const values = credentials.map((credential) => credential.value);
    for (const harmless of ['/etc/goldsmith/signing.key', '/run/ssh-agent.sock', 'AKIAIOSFODNN7EXAMPLE', 'images', 'svc-packer']) expect(values).not.toContain(harmless);
  });

  it('gives Packer the allow-list only: basics, PACKER_*, PKR_VAR_*, CHECKPOINT_DISABLE and the names listed', () => {
    const env = settings.childEnv({ family: 'packer', pass: ['AWS_PROFILE'] });
    expect(Object.keys(env).sort()).toEqual(
      ['AWS_PROFILE', 'CHECKPOINT_DISABLE', 'HOME', 'LANG', 'LC_ALL', 'PACKER_LOG_PATH', 'PATH', 'PKR_VAR_iso_url', 'PKR_VAR_winrm_password', 'https_proxy'].sort(),
    );
    expect(Object.keys(settings.childEnv({ family: 'none' })).sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'PATH', 'https_proxy'].sort());
  });

  it('checks a section only when it is used, naming the variable and never the value', () => {
    const bare = Settings.from({ PATH: '/bin' });
    expect(() => bare.slack()).toThrow(/SLACK_SIGNING_SECRET is not set: copy "Signing Secret"/);
    expect(() => Settings.from({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxp-user-token' }).slack()).toThrow(/SLACK_BOT_TOKEN is not a bot token/);
    expect(() => Settings.from({ GOVC_URL: 'https://u:pw-in-url@vc/sdk', GOLDSMITH_GOVC_TIMEOUT: 'soon' }).govc()).toThrow(/GOLDSMITH_GOVC_TIMEOUT=soon is not a positive number/);
    expect(() => Settings.from({ LOG_LEVEL: 'loud' }).logLevel()).toThrow(/LOG_LEVEL "loud" is not a level/);
    expect(bare.github('/')).toBeUndefined();
  });

  it('tells secret names from paths and ids', () => {
    for (const name of ['PKR_VAR_vsphere_password', 'MY_API_KEY', 'DB_PASS', 'GIT_AUTH', 'SERVICE_CREDENTIALS', 'npm_config__authToken']) expect(isSecretName(name), name).toBe(true);
    for (const name of ['PRIVATE_KEY_PATH', 'AWS_ACCESS_KEY_ID', 'SSH_AUTH_SOCK', 'PWD', 'KEYBOARD', 'GOLDSMITH_SIGNING_KEY', 'MONKEY']) expect(isSecretName(name), name).toBe(false);
  });
});

describe('packer.env and packer.vars in goldsmith.yaml', () => {
  it("refuses goldsmith's own credentials by name, naming the explicit mapping instead", () => {
    const parsed = configSchema.safeParse({ packer: { env: ['AWS_PROFILE', 'GOVC_PASSWORD'] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['packer', 'env', 1]);
    expect(parsed.error!.issues[0]!.message).toMatch(/GOVC_PASSWORD is one of goldsmith's own credentials.*packer\.vars \(for example vsphere_password: GOVC_PASSWORD\)/);
    expect(configSchema.parse({ packer: { env: ['AWS_PROFILE'], vars: { vsphere_password: 'GOVC_PASSWORD' } } }).packer.vars).toEqual({ vsphere_password: 'GOVC_PASSWORD' });
  });
});

describe('docs/operator.md', () => {
  it('lists every variable the settings module reads, with whether it is a credential', async () => {
    const { readFileSync } = await import('node:fs');
    const { SETTINGS_VARIABLES } = await import('../../src/config/settings-variables.js');
    const doc = readFileSync(new URL('../../docs/operator.md', import.meta.url), 'utf8');
    for (const variable of SETTINGS_VARIABLES) expect(doc, variable.name).toContain(`| \`${variable.name}\` | ${variable.credential ? '**yes**' : 'no'} |`);
  });
});

describe('the one reader of the environment', () => {
  it('is src/config/settings.ts: no other source file mentions process.env', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join, relative } = await import('node:path');
    const root = new URL('../../src/', import.meta.url).pathname;
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
    const readers = walk(root).filter((file) => file.endsWith('.ts') && readFileSync(file, 'utf8').includes('process.env')).map((file) => relative(root, file));
    expect(readers).toEqual(['config/settings.ts']);
  });
});
