import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/write-chain.js';

// The project must work on its own: no config, records or key named from the test's environment.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GOLDSMITH_'))) as Record<string, string>;
const inDir = (cwd: string) => ({ cwd, env, extendEnv: false });

const WRITTEN = [
  'goldsmith.yaml',
  'packer/matrix.json',
  'packer/hello/build.pkr.hcl',
  'packer/hello/variables.pkr.hcl',
  'packer/hello/hello.pkrvars.hcl',
  'keys/signing.key',
  'keys/signing.pub',
  'keys/allowed_signers',
  'keys/signing.pub.pem',
  '.gitignore',
  'records/README.md',
];

describe('goldsmith init', () => {
  it('writes a project in which "build hello --wait" seals a record that audits clean, and Git never takes the private key', async () => {
    const parent = makeTempDir('goldsmith-init-');
    const init = await runCli(['init', 'images/golden'], inDir(parent));
    expect(init.stderr).toBe('');
    expect(init.exitCode).toBe(0);
    const dir = join(parent, 'images/golden');
    for (const file of WRITTEN) {
      expect(existsSync(join(dir, file)), file).toBe(true);
      expect(init.stdout).toContain(`  ${file} `);
    }
    expect(statSync(join(dir, 'keys/signing.key')).mode & 0o777).toBe(0o600);
    expect(init.stdout).toMatch(/^ {2}cd images\/golden\n {2}1\. goldsmith build hello --wait +build/m);
    expect(init.stdout).toMatch(/^ {2}2\. goldsmith audit records +verify/m);
    expect(init.stdout).toMatch(/^ {2}3\. read \/\S+\/docs\/operator\.md .*\n.*\/docs\/lines\.md/m);

    const matrix = JSON.parse(readFileSync(join(dir, 'packer/matrix.json'), 'utf8')) as Record<string, unknown>[];
    expect(matrix).toHaveLength(1);
    expect(matrix[0]).toMatchObject({ key: 'hello', platform: 'local', enabled: true });
    const yaml = readFileSync(join(dir, 'goldsmith.yaml'), 'utf8');
    expect(yaml).toMatch(/^records: records$/m);
    expect(yaml).toMatch(/^state_dir: \.goldsmith$/m);
    expect(yaml).toMatch(/^ {2}key: keys\/signing\.key$/m);
    expect(yaml).toContain('docs/operator.md');
    const readme = readFileSync(join(dir, 'records/README.md'), 'utf8');
    expect(readme).toContain('goldsmith audit records/');
    expect(readme).toContain('docs/assessor.md');

    // Debian's Packer 1.6.6 must accept the template as written.
    const validate = await execa('/usr/bin/packer', ['validate', '-var-file=hello.pkrvars.hcl', '.'], { cwd: join(dir, 'packer/hello'), reject: false });
    expect(validate.stderr).toBe('');
    expect(validate.exitCode).toBe(0);

    const lines = await runCli(['matrix'], inDir(dir));
    expect(lines.stdout).toMatch(/^hello\s+enabled\s+local\s+local\s+hello\s*$/m);
    expect(lines.stdout).not.toContain('*');

    const build = await runCli(['build', 'hello', '--wait'], inDir(dir));
    expect(build.stderr).toBe('');
    expect(build.exitCode).toBe(0);
    expect(build.stdout).toMatch(/job 1 hello: succeeded in \d+:\d\d; record builds\/hello\/\d{8}T\d{6}Z/);
    const records = readdirSync(join(dir, 'records/builds/hello')).filter((name) => /^\d{8}T\d{6}Z$/.test(name));
    expect(records).toHaveLength(1);
    expect(readFileSync(join(dir, 'records/builds/hello', records[0]!, 'packer.log'), 'utf8')).toContain('hello from goldsmith');
    const audit = await runCli(['audit', 'records', '--allowed-signers', 'keys/allowed_signers'], inDir(dir));
    expect(audit.exitCode).toBe(0);
    expect(audit.stdout).toContain('1 build');
    expect(audit.stdout).toContain('clean');
    expect((await runCli(['audit', 'records'], inDir(dir))).exitCode).toBe(0);

    // What `git add -A` takes after a build is what the .gitignore really does.
    await execa('git', ['init', '-q'], { cwd: dir });
    await execa('git', ['add', '-A'], { cwd: dir });
    const tracked = String((await execa('git', ['ls-files'], { cwd: dir })).stdout).split('\n');
    expect(tracked).toEqual(expect.arrayContaining(['goldsmith.yaml', 'keys/signing.pub', 'keys/allowed_signers', 'records/HEAD', `records/builds/hello/${records[0]}/run.json`]));
    expect(tracked.filter((path) => path === 'keys/signing.key' || path.startsWith('.goldsmith/') || path.startsWith('records/.'))).toEqual([]);
  });

  it('writes into the current folder by default, with no "cd" to type', async () => {
    const dir = makeTempDir('goldsmith-init-here-');
    const init = await runCli(['init'], inDir(dir));
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain('wrote a goldsmith project into .:');
    expect(init.stdout).not.toMatch(/^ {2}cd /m);
    for (const file of WRITTEN) expect(existsSync(join(dir, file)), file).toBe(true);
  });

  it('writes nothing and exits 2 when any file is in the way, naming each and the fix', async () => {
    const dir = makeTempDir('goldsmith-init-taken-');
    writeFileSync(join(dir, 'goldsmith.yaml'), 'records: mine\n');
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys/signing.key'), 'old key\n');
    writeFileSync(join(dir, 'packer'), 'a file where a folder goes\n');
    const init = await runCli(['init', dir], inDir(makeTempDir()));
    expect(init.exitCode).toBe(2);
    expect(init.stdout).toBe('');
    expect(init.stderr).toContain('init: nothing written');
    for (const obstacle of ['goldsmith.yaml', 'keys/signing.key', 'packer (not a folder)']) expect(init.stderr).toContain(`  ${join(dir, obstacle)}\n`);
    expect(init.stderr).toContain('Choose another folder');
    expect(init.stderr).toContain('remove them');
    expect(init.stderr).toContain('move a signing key aside');
    expect(readdirSync(dir).sort()).toEqual(['goldsmith.yaml', 'keys', 'packer']);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['signing.key']);
    expect(readFileSync(join(dir, 'goldsmith.yaml'), 'utf8')).toBe('records: mine\n');
    expect(readFileSync(join(dir, 'keys/signing.key'), 'utf8')).toBe('old key\n');
  });

  it('counts another goldsmith config as in the way, and refuses a file given as DIR', async () => {
    const dir = makeTempDir('goldsmith-init-json-');
    writeFileSync(join(dir, 'goldsmith.json'), '{}');
    const taken = await runCli(['init'], inDir(dir));
    expect(taken.exitCode).toBe(2);
    expect(taken.stderr).toContain('  goldsmith.json\n');
    expect(readdirSync(dir)).toEqual(['goldsmith.json']);

    const file = await runCli(['init', 'goldsmith.json'], inDir(dir));
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toContain('goldsmith.json is not a folder');
  });

  it('--help explains the command with an example', async () => {
    const help = await runCli(['init', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: goldsmith init [options] [dir]');
    expect(help.stdout).toContain('Exit status: 0 written, 2 usage error or a file in the way.');
    expect(help.stdout).toMatch(/Example:\n {2}goldsmith init golden-images\n {2}cd golden-images\n {2}goldsmith build hello --wait/);
  });
});
