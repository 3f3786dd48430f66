import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runPackerFixture } from '../helpers/run-packer-fixture.js';
import { makeTempDir } from '../helpers/write-chain.js';

let ok: Awaited<ReturnType<typeof runPackerFixture>>;
let failed: Awaited<ReturnType<typeof runPackerFixture>>;

beforeAll(async () => {
  [ok, failed] = await Promise.all([runPackerFixture('null-ok'), runPackerFixture('null-fail')]);
  expect(ok.exitCode).toBe(0);
  expect(failed.exitCode).toBe(1);
});

async function keyIn(dir: string): Promise<string> {
  expect((await runCli(['keygen', '--out', join(dir, 'key')])).exitCode).toBe(0);
  return join(dir, 'key', 'signing.key');
}

describe('goldsmith keygen', () => {
  it('writes a 0600 private key, the public key and an allowed_signers line, and never overwrites them', async () => {
    const dir = makeTempDir();
    const result = await runCli(['keygen', '--out', join(dir, 'k'), '--identity', 'images@acme']);
    expect(result.exitCode).toBe(0);
    expect(statSync(join(dir, 'k/signing.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'k/allowed_signers'), 'utf8')).toMatch(/^images@acme namespaces="goldsmith-record" ssh-ed25519 AAAA/);
    expect(result.stdout).toContain('key fingerprint SHA256:');
    const again = await runCli(['keygen', '--out', join(dir, 'k')]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('already exists; goldsmith never overwrites a key');
  });
});

describe('goldsmith seal', () => {
  it("--packer-provenance keeps Packer's own provenance when it names the manifest's artifact, and refuses one naming another", async () => {
    const dir = makeTempDir();
    const key = await keyIn(dir);
    const records = join(dir, 'records');
    const provenance = (name: string) => {
      const file = join(dir, `${name.replace(/\W/g, '-')}.provenance.json`);
      const predicate = { buildDefinition: { buildType: 'https://packer.io/buildtypes/hcl2/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://packer.io/local-build' } } };
      writeFileSync(file, JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name, digest: { sha256: 'e'.repeat(64) } }], predicateType: 'https://slsa.dev/provenance/v1', predicate }));
      return file;
    };
    const seal = (file: string) => runCli(['seal', '--line', 'debian-12', '--log', ok.log, '--manifest', ok.manifest, '--packer-provenance', file, '--records', records, '--key', key], { cwd: dir });
    const other = await seal(provenance('fnoeding.null:another-build'));
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("refusing to seal: Packer's provenance");
    expect(other.stderr).toContain('names fnoeding.null:another-build, but the artifact this build made is Null');
    expect(existsSync(join(records, 'builds'))).toBe(false);

    const kept = await seal(provenance('fnoeding.null:Null'));
    expect(kept.exitCode, kept.stderr).toBe(0);
    const record = /sealed (builds\/debian-12\/\d{8}T\d{6}Z)/.exec(kept.stdout)![1]!;
    expect(JSON.parse(readFileSync(join(records, record, 'run.json'), 'utf8')).packer_provenance).toMatchObject({ signed: false, subjects: ['fnoeding.null:Null'] });
    expect((await runCli(['audit', records])).exitCode).toBe(0);

    const missing = await seal(join(dir, 'nowhere.json'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`--packer-provenance ${join(dir, 'nowhere.json')}: no such file`);
  });

  it("seals a real Packer build's log and manifest into a record that audits clean and verifies with ssh-keygen", async () => {
    const dir = makeTempDir();
    const key = await keyIn(dir);
    const records = join(dir, 'records');
    const result = await runCli(['seal', '--line', 'ubuntu-24.04', '--log', ok.log, '--manifest', ok.manifest, '--records', records, '--key', key], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const record = /sealed (builds\/ubuntu-24\.04\/\d{8}T\d{6}Z) \(seq 1\)/.exec(result.stdout)?.[1];
    expect(record).toBeDefined();
    const run = JSON.parse(readFileSync(join(records, record!, 'run.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(ok.manifest, 'utf8'));
    expect(run.artifact).toEqual({ artifact_id: 'Null', packer_run_uuid: manifest.last_run_uuid, builder_type: 'null' });
    expect(run.packer.version).toBe('1.6.6');
    expect(run.requested_by.source).toBe('cli');
    expect(readFileSync(join(records, record!, 'packer.log'))).toEqual(readFileSync(ok.log));
    const verify = await execa(
      'ssh-keygen',
      ['-Y', 'verify', '-f', join(dir, 'key/allowed_signers'), '-I', 'goldsmith', '-n', 'goldsmith-record', '-s', 'SHA256SUMS.sig'],
      { cwd: join(records, record!), inputFile: join(records, record!, 'SHA256SUMS') },
    );
    expect(verify.exitCode).toBe(0);
    const audit = await runCli(['audit', records, '--allowed-signers', join(dir, 'key/allowed_signers')]);
    expect(audit.exitCode).toBe(0);
  });

  it('refuses the log of a failed build and writes nothing', async () => {
    const dir = makeTempDir();
    const key = await keyIn(dir);
    const result = await runCli(['seal', '--line', 'ubuntu-24.04', '--log', failed.log, '--records', join(dir, 'records'), '--key', key], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`refusing to seal ${failed.log}: Packer reported`);
    expect(result.stderr).toContain('Script exited with non-zero exit status: 3');
    expect(existsSync(join(dir, 'records'))).toBe(false);
  });

  it('refuses a log holding a configured secret, naming the file', async () => {
    const dir = makeTempDir();
    const key = await keyIn(dir);
    const secretLog = join(dir, 'leaky.log');
    writeFileSync(secretLog, `${readFileSync(ok.log, 'utf8')}\nconnecting with password=Vc3nter-Pa55\n`);
    const result = await runCli(['seal', '--line', 'ubuntu-24.04', '--log', secretLog, '--records', join(dir, 'records'), '--key', key], {
      cwd: dir,
      env: { PKR_VAR_vsphere_password: 'Vc3nter-Pa55' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`refusing to seal: packer.log (from ${secretLog}) contains a secret value`);
    expect(result.stderr).not.toContain('Vc3nter-Pa55');
  });

  it('checks the line against the configured matrix and resolves aliases', async () => {
    const dir = makeTempDir();
    const key = await keyIn(dir);
    mkdirSync(join(dir, 'packer/linux'), { recursive: true });
    writeFileSync(join(dir, 'packer/linux/build.pkr.hcl'), 'source "null" "x" { communicator = "none" }\n');
    writeFileSync(
      join(dir, 'packer/matrix.json'),
      JSON.stringify([{ key: 'ubuntu-24.04', aliases: ['noble'], enabled: true, os: 'linux', dist: 'ubuntu', version: '24.04', build_dir: 'linux', config: 'linux/ubuntu.pkrvars.hcl', base_name: 'tpl-ubuntu-24.04' }]),
    );
    const unknown = await runCli(['seal', '--line', 'ubuntu-24.4', '--log', ok.log, '--key', key], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown line "ubuntu-24.4"; did you mean "ubuntu-24.04"?');
    const alias = await runCli(['seal', '--line', 'noble', '--log', ok.log, '--key', key], { cwd: dir });
    expect(alias.stderr).toBe('');
    expect(alias.stdout).toMatch(/sealed builds\/ubuntu-24\.04\//);
    const [ts] = readdirSync(join(dir, 'records/builds/ubuntu-24.04')).filter((name) => name !== 'latest');
    const run = JSON.parse(readFileSync(join(dir, 'records/builds/ubuntu-24.04', ts!, 'run.json'), 'utf8'));
    expect(run.template.dir).toBe('packer/linux');
    expect(run.template.hcl_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.target).toMatchObject({ platform: 'vsphere', template_name: 'tpl-ubuntu-24.04-build' });
  });

  it('explains a missing signing key and a missing log', async () => {
    const dir = makeTempDir();
    const noKey = await runCli(['seal', '--line', 'ubuntu-24.04', '--log', ok.log], { cwd: dir, env: { GOLDSMITH_SIGNING_KEY: '' } });
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toContain('no signing key: pass --key FILE, set GOLDSMITH_SIGNING_KEY');
    const noLog = await runCli(['seal', '--line', 'ubuntu-24.04', '--log', join(dir, 'nope.log')], { cwd: dir });
    expect(noLog.exitCode).toBe(2);
    expect(noLog.stderr).toContain('--log');
  });

  it('prints --help for every subcommand', async () => {
    for (const command of ['keygen', 'seal', 'audit']) {
      const help = await runCli([command, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain(`Usage: goldsmith ${command}`);
      expect(help.stdout).toContain('Example:');
    }
  });
});
