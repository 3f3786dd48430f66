import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeRecord } from '../../src/evidence/write-record.js';
import { qemuInventory, seedQemuImage } from '../helpers/qemu-env.js';
import { runCli } from '../helpers/run-cli.js';
import { buildDetails } from '../helpers/write-chain.js';
import { auditBranch } from './helpers/audit-branch.js';
import { startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';

/**
 * `/revoke <reason>` on a promotion pull request: the revocation record is
 * sealed for the pull request's build, `/promote` is then refused naming it,
 * and once lifted (goldsmith unrevoke) the same pull request promotes.
 */
const LINE = 'q-r';
const BASE = 'img-q-r';
const QEMU_LINE = { key: LINE, enabled: true, os: 'linux', platform: 'qemu', dist: 'debian', version: '12', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: BASE, timeout_minutes: 5 };

let h: GitHubHarness;
let images: string;
const cli = (args: string[]) => runCli(['--config', h.env.configFile, ...args], { cwd: h.env.dir });
const revocations = () => {
  const parent = join(h.env.config.records, 'revocations', LINE);
  return existsSync(parent) ? readdirSync(parent).filter((name) => !name.startsWith('.')).sort() : [];
};

beforeAll(async () => {
  h = await startGitHubHarness({ extraLines: [QEMU_LINE], extraYaml: ['qemu:', '  image_dir: images'] });
  images = join(h.env.dir, 'images');
  h.github.setPermission('bob', 'write');
  h.github.setPermission('carol', 'read');
}, 60_000);
afterAll(async () => h?.close());

describe('/revoke on a promotion pull request', () => {
  test('needs write access and a reason; revokes the bound build; /promote is refused until unrevoked', async () => {
    await seedQemuImage(images, `${BASE}-build`);
    const file = join(images, `${BASE}-build.qcow2`);
    const log = join(h.env.dir, 'q-r.log');
    writeFileSync(log, '==> qemu: built\n');
    const build = await writeRecord({
      root: h.env.config.records,
      signer: h.env.signer,
      content: {
        kind: 'build',
        log,
        details: buildDetails(LINE, {
          requested_by: { source: 'github', user: 'alice' },
          job_id: null,
          target: { platform: 'qemu', image_directory: images, template_name: `${BASE}-build` },
          artifact: { artifact_id: `${BASE}-build.qcow2`, packer_run_uuid: null, builder_type: 'qemu' },
          image: { file: `${BASE}-build.qcow2`, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), size: statSync(file).size, format: 'qcow2', virtual_size: 4 << 20 },
        }),
      },
    });
    const { number } = (await h.app.openPromotionPullRequest({ record: build.record })).pullRequest;
    const last = () => h.github.repliesOn(number).at(-1)!;

    expect((await h.comment(number, h.github.account('carol'), '/revoke CVE-2026-1234')).status).toBe(200);
    expect(last()).toMatch(/^\*\*Refused\*\* \(revoke, @carol\): @carol has read access to acme\/images; to revoke you need write, maintain or admin/);
    expect((await h.comment(number, h.github.account('bob'), '/revoke   ')).status).toBe(200);
    expect(last()).toMatch(/^\*\*Refused\*\* \(revoke, @bob\): give a reason: why this build must \(no longer\) be promoted: write "\/revoke <reason>"/);
    expect(revocations()).toEqual([]);

    await h.comment(number, h.github.account('bob'), '/revoke CVE-2026-1234: the base image ships a vulnerable openssl\nDetails in the advisory.');
    expect(last()).toContain(`**Revoked** \`records/${build.record}\` (SHA256SUMS SHA-256 \`${build.sumsSha256}\`) by @bob: CVE-2026-1234: the base image ships a vulnerable openssl`);
    const [revoked] = revocations();
    expect(last()).toContain(`revocation record \`records/revocations/${LINE}/${revoked}\``);
    expect(JSON.parse(readFileSync(join(h.env.config.records, 'revocations', LINE, revoked!, 'run.json'), 'utf8'))).toMatchObject({
      kind: 'revocation',
      action: 'revoke',
      requested_by: { source: 'github', user: 'bob' },
      reason: 'CVE-2026-1234: the base image ships a vulnerable openssl',
      build: { record: build.record, sums_sha256: build.sumsSha256 },
      pull_request: { number },
    });

    await h.comment(number, h.github.account('bob'), '/promote');
    expect(last()).toContain(`**Refused** (promote, @bob): ${build.record} is revoked by revocations/${LINE}/${revoked} (github user bob: CVE-2026-1234: the base image ships a vulnerable openssl)`);
    expect(qemuInventory(images)).not.toHaveProperty(BASE);
    expect(h.github.pulls.get(number)).toMatchObject({ state: 'open' });
    expect((await cli(['audit'])).exitCode).toBe(0);

    const lifted = await cli(['unrevoke', LINE, build.record, '--reason', 'the advisory does not apply: openssl is not installed']);
    expect(lifted.exitCode, lifted.stderr).toBe(0);
    await h.comment(number, h.github.account('bob'), '/promote');
    expect(last()).toMatch(new RegExp(`^\\*\\*Promoted\\*\\* \`${LINE}\``));
    expect(qemuInventory(images)).toHaveProperty(BASE);
    const audited = await cli(['audit']);
    expect(audited.exitCode, audited.stdout).toBe(0);
    expect(audited.stdout).toContain('2 revocations');
    // The merge carried the revocation records to the repository, and they audit clean there too.
    expect(h.github.pulls.get(number)).toMatchObject({ state: 'closed', merged: true });
    const merged = await auditBranch(h.github, 'main', h.env.signer);
    expect(merged.ok, JSON.stringify(merged.findings)).toBe(true);
    expect(merged.summary).toMatchObject({ builds: 1, promotions: 1, revocations: 2 });
  });
});
