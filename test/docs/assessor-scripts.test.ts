import { execa } from 'execa';
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runPackerFixture } from '../helpers/run-packer-fixture.js';
import { makeSigner, makeTempDir, writeChain } from '../helpers/write-chain.js';

const DOC = new URL('../../docs/assessor.md', import.meta.url);

/** The shell block docs/assessor.md marks `<!-- tested: NAME -->`, exactly as an assessor would copy it. */
function block(name: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const text = new RegExp(`<!-- tested: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n`).exec(doc)?.[1];
  if (!text) throw new Error(`docs/assessor.md lost its "<!-- tested: ${name} -->" block`);
  return text;
}

/**
 * Runs a block as `bash FILE` in `cwd`, with only PATH, HOME and (when given)
 * ALLOWED_SIGNERS set, so nothing of this test's environment helps it.
 */
async function run(name: 'one-record' | 'whole-folder', cwd: string, allowedSigners: string | undefined) {
  const file = join(makeTempDir('goldsmith-assessor-'), `${name}.sh`);
  writeFileSync(file, block(name));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd };
  if (allowedSigners !== undefined) env.ALLOWED_SIGNERS = allowedSigners;
  const result = await execa('bash', [file], { cwd, env, extendEnv: false, reject: false });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), lines: String(result.stdout).split('\n').filter(Boolean) };
}

const editFile = (path: string, edit: (text: string) => string) => {
  chmodSync(path, 0o644);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
};

const GOOD_SIGNATURE = /^Good "goldsmith-record" signature for goldsmith with ED25519 key SHA256:\S+$/;

describe('docs/assessor.md', () => {
  it('marks both of its scripts for this test', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc.match(/<!-- tested: [\w-]+ -->/g)).toEqual(['<!-- tested: one-record -->', '<!-- tested: whole-folder -->']);
    expect(block('one-record')).toContain('-f "$ALLOWED_SIGNERS"');
    expect(block('whole-folder')).toContain('shopt -s nullglob');
  });
});

describe('a records folder without promotions, as goldsmith keygen and goldsmith seal leave it', () => {
  let records: string;
  let allowedSigners: string;
  let line: string;

  beforeAll(async () => {
    const packer = await runPackerFixture('null-ok');
    expect(packer.exitCode).toBe(0);
    const dir = makeTempDir('goldsmith-assessor-');
    expect((await runCli(['keygen', '--out', join(dir, 'key')])).exitCode).toBe(0);
    // The file goldsmith keygen writes is the one the doc tells the assessor to get from the platform team.
    allowedSigners = join(dir, 'key', 'allowed_signers');
    records = join(dir, 'records');
    for (const sealed of ['ubuntu-24.04', 'debian-12']) {
      const seal = await runCli(['seal', '--line', sealed, '--log', packer.log, '--manifest', packer.manifest, '--records', records, '--key', join(dir, 'key', 'signing.key')], { cwd: dir });
      expect(seal.exitCode).toBe(0);
    }
    line = 'debian-12';
    expect(readdirSync(records)).toEqual(expect.arrayContaining(['HEAD', 'init', 'builds']));
    expect(readdirSync(records)).not.toContain('promotions');
  });

  it('the whole-folder script passes it, printing only HEAD\'s OK (no "FAILED: promotions/*/*/")', async () => {
    const result = await run('whole-folder', records, allowedSigners);
    expect(result.stderr).toBe('');
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(new RegExp(`^builds/${line}/\\d{8}T\\d{6}Z/SHA256SUMS: OK$`));
    expect(result.exitCode).toBe(0);
  });

  it('the one-record commands pass its latest build', async () => {
    const result = await run('one-record', join(records, 'builds', line, 'latest'), allowedSigners);
    expect(result.stderr).toBe('');
    expect(result.lines.slice(0, 5)).toEqual(['PREV: OK', 'README.md: OK', 'packer.log: OK', 'provenance.intoto.json: OK', 'run.json: OK']);
    // PREV names the build sealed before it, relative to this record's folder.
    expect(result.lines[5]).toMatch(/^\.\.\/\.\.\/ubuntu-24\.04\/\d{8}T\d{6}Z\/SHA256SUMS: OK$/);
    expect(result.lines[6]).toMatch(GOOD_SIGNATURE);
    expect(result.lines).toHaveLength(7);
    expect(result.exitCode).toBe(0);
  });
});

describe('a records folder with promotions', () => {
  it('passes both scripts, the whole folder with a relative ALLOWED_SIGNERS too', async () => {
    const { root, allowedSigners, records } = await writeChain({ lines: ['ubuntu-24.04', 'windows-server-2025', 'ubuntu-24.04'], promote: true });
    expect(readdirSync(join(root, 'promotions')).sort()).toEqual(['ubuntu-24.04', 'windows-server-2025']);
    const newest = records.at(-1)!;
    expect(newest.record).toMatch(/^promotions\//);
    for (const signers of [allowedSigners, '../allowed_signers']) {
      const result = await run('whole-folder', root, signers);
      expect(result.stderr).toBe('');
      expect(result.lines).toEqual([`${newest.record}/SHA256SUMS: OK`]);
      expect(result.exitCode).toBe(0);
    }

    const promotion = await run('one-record', newest.path, allowedSigners);
    expect(promotion.stderr).toBe('');
    expect(promotion.lines.slice(0, 5)).toEqual(['PREV: OK', 'README.md: OK', 'promote.log: OK', 'provenance.intoto.json: OK', 'run.json: OK']);
    expect(promotion.lines[5]).toBe(`../../../${records.at(-2)!.record}/SHA256SUMS: OK`);
    expect(promotion.lines[6]).toMatch(GOOD_SIGNATURE);
    expect(promotion.exitCode).toBe(0);
  });
});

describe('tampered records folders', () => {
  it('names an edited log, a rewritten record and the record after it, and exits 1', async () => {
    const { root, allowedSigners, records } = await writeChain({ lines: ['ubuntu-24.04', 'debian-12', 'rocky-9'], promote: true });
    const [edited, , rewritten, next] = records;
    editFile(join(edited!.path, 'packer.log'), () => 'edited\n');
    // One changed digit: the record's SHA256SUMS no longer matches its files, its signature or the next record's PREV.
    editFile(join(rewritten!.path, 'SHA256SUMS'), (text) => text.replace(/^[0-9a-f]/, (digit) => (digit === '0' ? '1' : '0')));
    const result = await run('whole-folder', root, allowedSigners);
    expect(result.lines.filter((text) => text.startsWith('FAILED: ')).sort()).toEqual([`FAILED: ${edited!.record}/`, `FAILED: ${next!.record}/`, `FAILED: ${rewritten!.record}/`].sort());
    expect(result.lines).toContain('packer.log: FAILED');
    expect(result.stderr).toContain('sha256sum: WARNING: 1 computed checksum did NOT match');
    expect(result.exitCode).toBe(1);

    const one = await run('one-record', edited!.path, allowedSigners);
    expect(one.lines).toContain('packer.log: FAILED');
    expect(one.stderr).toContain('WARNING: 1 computed checksum did NOT match');
  });

  it('reports a removed record as a gap in seq, and exits 1', async () => {
    const { root, allowedSigners, records } = await writeChain({ lines: ['ubuntu-24.04', 'debian-12', 'rocky-9'] });
    renameSync(records[1]!.path, join(root, '..', 'elsewhere'));
    rmSync(join(root, 'builds/debian-12/latest'));
    const result = await run('whole-folder', root, allowedSigners);
    expect(result.lines).toContain(`FAILED: ${records[2]!.record}/`);
    expect(result.lines).toContain(`seq gap before ${records[2]!.seq}`);
    expect(result.exitCode).toBe(1);
  });

  it('fails every record signed by a key the allowed signers file does not name', async () => {
    const { root, records } = await writeChain({ lines: ['ubuntu-24.04'], promote: true });
    const other = makeSigner(makeTempDir('goldsmith-assessor-')).allowedSigners;
    const result = await run('whole-folder', root, other);
    const recordFolders = [readdirSync(join(root, 'init')).map((ts) => `init/${ts}`), ...records.map((record) => record.record)].flat();
    expect(result.lines.filter((text) => text.startsWith('FAILED: ')).sort()).toEqual(recordFolders.map((folder) => `FAILED: ${folder}/`).sort());
    expect(result.exitCode).toBe(1);

    const one = await run('one-record', records[0]!.path, other);
    expect(one.lines.at(-1)).toBe('Could not verify signature.');
    expect(one.exitCode).toBe(255);
  });
});

describe('the whole-folder script run wrongly', () => {
  it('exits 2, saying why, without ALLOWED_SIGNERS, with a missing file, or outside a records folder', async () => {
    const { root, allowedSigners } = await writeChain({ lines: ['ubuntu-24.04'] });
    const unset = await run('whole-folder', root, undefined);
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr).toContain('ALLOWED_SIGNERS: set ALLOWED_SIGNERS to your allowed_signers file');
    expect(unset.stdout).toBe('');

    const missing = await run('whole-folder', root, join(root, '..', 'no-such-file'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('No such file or directory');

    const outside = await run('whole-folder', join(root, '..'), allowedSigners);
    expect(outside.exitCode).toBe(2);
    expect(outside.lines).toEqual([`no records in ${join(root, '..')}: run this from the records folder`]);
  });
});
