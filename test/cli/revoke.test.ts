import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { makeQemuEnv, QEMU_LINE, type QemuEnv } from '../helpers/qemu-env.js';

/**
 * `goldsmith revoke` and `goldsmith unrevoke` through the real CLI, on a
 * QEMU line (an image directory: the cheapest real template store): the
 * record written and chained, promotion refused naming it, then allowed
 * again once lifted, and every bad input refused with exit 2.
 */
const { line, base } = QEMU_LINE;
let env: QemuEnv;

const revocations = (): string[] => {
  const parent = join(env.config.records, 'revocations', line);
  return existsSync(parent) ? readdirSync(parent).filter((name) => !name.startsWith('.')).sort() : [];
};
const runOf = (ts: string) => JSON.parse(readFileSync(join(env.config.records, 'revocations', line, ts, 'run.json'), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  env = await makeQemuEnv();
}, 30_000);

describe('goldsmith revoke and unrevoke', () => {
  test('revoke writes a chained, signed record; promote is then refused naming it; unrevoke lets it through', async () => {
    await env.seedImage(`${base}-build`);
    const build = await env.sealBuildRecord();
    const ts = build.record.split('/').at(-1)!;

    const dry = await env.cli(['revoke', line, 'latest', '--reason', 'CVE-2026-1234: vulnerable openssl', '--dry-run', '--requested-by', 'carol']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would revoke ${build.record} (SHA256SUMS SHA-256 ${build.sumsSha256})`);
    expect(dry.stdout).toContain('nothing was written (--dry-run)');
    expect(revocations()).toEqual([]);

    const revoked = await env.cli(['revoke', line, 'latest', '--reason', 'CVE-2026-1234: vulnerable openssl', '--requested-by', 'carol']);
    expect(revoked.exitCode, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${build.record}`);
    const [first] = revocations();
    expect(first).toBeDefined();
    const folder = join(env.config.records, 'revocations', line, first!);
    expect(readdirSync(folder).sort()).toEqual(['PREV', 'README.md', 'SHA256SUMS', 'SHA256SUMS.sig', 'run.json']);
    expect(runOf(first!)).toMatchObject({
      kind: 'revocation',
      action: 'revoke',
      line,
      requested_by: { source: 'cli', user: 'carol' },
      reason: 'CVE-2026-1234: vulnerable openssl',
      build: { record: build.record, sums_sha256: build.sumsSha256 },
      pull_request: null,
    });
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toContain(`The build \`${build.record}\``);
    expect(readFileSync(join(env.config.records, 'HEAD'), 'utf8')).toContain(`revocations/${line}/${first}/SHA256SUMS`);
    const audited = await env.audit();
    expect(audited.exitCode, audited.stdout).toBe(0);
    expect(audited.stdout).toContain('1 revocation');

    const again = await env.cli(['revoke', line, ts, '--reason', 'twice']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`is already revoked by revocations/${line}/${first}`);

    for (const args of [['promote', line], ['promote', line, '--dry-run']]) {
      const refused = await env.cli(args);
      expect(refused.exitCode, args.join(' ')).toBe(1);
      expect(refused.stdout + refused.stderr).toContain(`${build.record} is revoked by revocations/${line}/${first} (cli user carol: CVE-2026-1234: vulnerable openssl)`);
    }
    expect(env.inventory()).toHaveProperty(`${base}-build`);
    expect(env.inventory()).not.toHaveProperty(base);

    const lifted = await env.cli(['unrevoke', line, build.record, '--reason', 'CVE-2026-1234 does not apply: openssl is not installed']);
    expect(lifted.exitCode, lifted.stderr).toBe(0);
    expect(lifted.stdout).toContain(`lifted the revocation of ${build.record}`);
    expect(revocations()).toHaveLength(2);
    expect(runOf(revocations()[1]!)).toMatchObject({ action: 'unrevoke', build: { sums_sha256: build.sumsSha256 } });

    const promoted = await env.cli(['promote', line]);
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    expect(env.inventory()).toHaveProperty(base);
    expect((await env.audit()).exitCode).toBe(0);
  });

  test('revoking the live template is written, said, and warned about by the audit (still exit 0)', async () => {
    const revoked = await env.cli(['revoke', line, 'latest', '--reason', 'ships a debug user']);
    expect(revoked.exitCode, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/warning: builds\/qemu-test\/\d{8}T\d{6}Z is the live template of qemu-test/);
    const audited = await env.audit();
    expect(audited.exitCode, audited.stdout).toBe(0);
    expect(audited.stdout).toMatch(/NOTE revocations\/qemu-test\/\d{8}T\d{6}Z: the live template of qemu-test is builds\/qemu-test\/\d{8}T\d{6}Z .*ships a debug user/);
  });

  test('bad input: exit 2 and nothing written; unrevoking a build that is not revoked: exit 1', async () => {
    const before = revocations();
    const cases: Array<[string[], number, RegExp]> = [
      [['revoke', 'no-such-line', 'latest', '--reason', 'x'], 2, /unknown line "no-such-line"/],
      [['revoke', line, '20200101T000000Z', '--reason', 'x'], 2, /there is no build record builds\/qemu-test\/20200101T000000Z/],
      [['revoke', line, 'yesterday', '--reason', 'x'], 2, /"yesterday" does not name a build record/],
      [['revoke', line, 'builds/other/20200101T000000Z', '--reason', 'x'], 2, /is a build record of other, not of qemu-test/],
      [['revoke', line, 'latest', '--reason', '   '], 2, /--reason: give a reason/],
      [['revoke', line, 'latest', '--reason', 'two\nlines'], 2, /one paragraph/],
      [['revoke', line, 'latest'], 2, /required option '--reason <text>' not specified/],
      [['unrevoke', line, '--reason', 'x'], 2, /missing required argument 'record'/],
    ];
    for (const [args, code, message] of cases) {
      const result = await env.cli(args);
      expect(result.exitCode, args.join(' ')).toBe(code);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    await env.seedImage(`${base}-build`);
    const fresh = await env.sealBuildRecord();
    const notRevoked = await env.cli(['unrevoke', line, 'latest', '--reason', 'x']);
    expect(notRevoked.exitCode).toBe(1);
    expect(notRevoked.stderr).toContain(`${fresh.record} is not revoked; nothing was written`);
    expect(revocations()).toEqual(before);
    const help = await env.cli(['revoke', '--help']);
    expect(help.stdout).toContain('--reason <text>');
  });

  test('max_age_days: goldsmith templates flags the line whose live template is older, in text and JSON', async () => {
    const matrixFile = join(env.dir, 'packer', 'matrix.json');
    const matrix = JSON.parse(readFileSync(matrixFile, 'utf8')) as Array<Record<string, unknown>>;
    writeFileSync(matrixFile, JSON.stringify(matrix.map((entry) => ({ ...entry, max_age_days: 3 }))));
    // The test build records finished on 2026-11-24T08:40:00Z.
    const age = Math.floor((Date.now() - Date.parse('2026-11-24T08:40:00Z')) / 86_400_000);
    const text = await env.cli(['templates', line]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^  ${line}  builds/${line}/\\d{8}T\\d{6}Z  ${age} days old \\(max_age_days 3\\)  REVOKED, EXPIRED$`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^warning: ${line}: live template builds/${line}/\\d{8}T\\d{6}Z is revoked by revocations/${line}/\\d{8}T\\d{6}Z \\(ships a debug user\\) and is ${age} days old \\(max_age_days 3\\): expired$`, 'm'));
    const json = await env.cli(['templates', line, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject([{ line, live: { age_days: age, max_age_days: 3, expired: true, revoked: { reason: 'ships a debug user' }, finished_at: '2026-11-24T08:40:00Z' } }]);

    writeFileSync(matrixFile, JSON.stringify(matrix.map((entry) => ({ ...entry, max_age_days: 0 }))));
    const refused = await env.cli(['templates', line]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('max_age_days');
    writeFileSync(matrixFile, JSON.stringify(matrix));
  });

  test('a rollback that would put a revoked build back as <base> is refused, naming the revocation', async () => {
    // The live template (revoked above) becomes <base>-prev once the fresh build is promoted.
    const promoted = await env.cli(['promote', line]);
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    const refused = await env.cli(['rollback', line]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`${base}-prev is the build builds/${line}/\\d{8}T\\d{6}Z is revoked by revocations/${line}/\\d{8}T\\d{6}Z \\(\\w+ user \\w+: ships a debug user\\)`));
    expect(env.inventory()).toHaveProperty(`${base}-prev`);
    expect((await env.audit()).exitCode).toBe(0);
  });
});
