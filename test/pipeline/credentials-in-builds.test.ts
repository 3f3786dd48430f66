import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { runCli } from '../helpers/run-cli.js';

/** Every credential an operator's goldsmith host may hold, as in the report that found them sealed into records. */
export const HELD_CREDENTIALS = {
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
  SLACK_BOT_TOKEN: 'xoxb-2000000000-2000000000000-AbCdEfGhIjKlMnOpQrStUvWx',
  SLACK_APP_TOKEN: 'xapp-1-A0123456789-1234567890123-0123456789abcdef',
  WEBHOOK_SECRET: 'whsec-goldsmith-webhook-77aa',
  GOVC_PASSWORD: 'vC3nter!Passw0rd#1',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  DATABASE_URL: 'postgres://app:Db-Passw0rd-9@db.internal:5432/images',
};
const DATABASE_PASSWORD = 'Db-Passw0rd-9';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('credentials and a provisioner that prints its whole environment', () => {
  it('goldsmith build --wait: nothing goldsmith holds reaches Packer; what the operator passes is scrubbed from the log, the record and `goldsmith job --log`', async () => {
    const env = makePipelineEnv('packer:\n  env: [AWS_PROFILE, DATABASE_URL]');
    const dumpFile = join(env.dir, 'packer-env.txt');
    const winrm = 'W1nRM-Pa55word-42';
    const result = await runCli(['--config', env.configFile, 'build', 'test-env-dump', '--wait'], {
      cwd: env.dir,
      env: { ...HELD_CREDENTIALS, AWS_PROFILE: 'images', PKR_VAR_dump_file: dumpFile, PKR_VAR_winrm_password: winrm, PATH: process.env.PATH, HOME: process.env.HOME },
      extendEnv: false,
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);

    // What Packer (and the provisioner under it) really saw, unscrubbed.
    const seen = Object.fromEntries(
      readFileSync(dumpFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'WEBHOOK_SECRET', 'GOVC_PASSWORD', 'AWS_SECRET_ACCESS_KEY']) expect(seen, name).not.toHaveProperty(name);
    expect(seen).toMatchObject({ AWS_PROFILE: 'images', DATABASE_URL: HELD_CREDENTIALS.DATABASE_URL, PKR_VAR_winrm_password: winrm, CHECKPOINT_DISABLE: '1' });

    const jobLog = join(env.config.state_dir, 'jobs', '1', 'packer.log');
    const record = filesUnder(join(env.config.records, 'builds', 'test-env-dump'));
    const shown = await runCli(['--config', env.configFile, 'job', '1', '--log', '--lines', '500'], { cwd: env.dir, env: { ...HELD_CREDENTIALS, PATH: process.env.PATH }, extendEnv: false });
    expect(shown.exitCode).toBe(0);
    const places: Array<[string, string]> = [
      ['job log', readFileSync(jobLog, 'utf8')],
      ...record.map((file): [string, string] => [file, readFileSync(file, 'utf8')]),
      ['goldsmith job --log', shown.stdout],
      ['goldsmith build --wait', result.stdout + result.stderr],
    ];
    expect(places.find(([, text]) => text.includes('AWS_PROFILE=images'))).toBeDefined();
    for (const [where, text] of places) {
      for (const value of [...Object.values(HELD_CREDENTIALS), DATABASE_PASSWORD, winrm]) expect(text, `${where} holds a credential`).not.toContain(value);
    }
    expect(readFileSync(jobLog, 'utf8')).toContain('DATABASE_URL=postgres://app:[REDACTED]@db.internal:5432/images');
  }, 120_000);
});
