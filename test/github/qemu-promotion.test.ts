import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeRecord } from '../../src/evidence/write-record.js';
import { checkImageDirectory, qemuInventory, seedQemuImage } from '../helpers/qemu-env.js';
import { buildDetails } from '../helpers/write-chain.js';
import { startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';

/**
 * `/promote` on the pull request of a QEMU line's build: the same app, the
 * same promotion engine, another store (an image directory).
 */
const LINE = 'q-a';
const BASE = 'img-q-a';
const QEMU_LINE = { key: LINE, enabled: true, os: 'linux', platform: 'qemu', dist: 'debian', version: '12', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: BASE, timeout_minutes: 5 };

let h: GitHubHarness;
let images: string;

beforeAll(async () => {
  h = await startGitHubHarness({ extraLines: [QEMU_LINE], extraYaml: ['qemu:', '  image_dir: images'] });
  images = join(h.env.dir, 'images');
  h.github.setPermission('bob', 'write');
}, 60_000);
afterAll(async () => h?.close());

describe('promotion of a QEMU image, approved on GitHub', () => {
  test('/promote renames <base>-build.qcow2 and its sidecars into <base>, seals the record with the qemu target, and merges', async () => {
    const built = await seedQemuImage(images, `${BASE}-build`);
    const file = join(images, `${BASE}-build.qcow2`);
    const log = join(h.env.dir, 'q-a.log');
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
    const opened = await h.app.openPromotionPullRequest({ record: build.record });
    const number = opened.pullRequest.number;
    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expect(delivered.status).toBe(200);
    const reply = h.github.repliesOn(number).at(-1)!;
    expect(reply).toMatch(new RegExp(`^\\*\\*Promoted\\*\\* \`${LINE}\`: ${BASE} in ${images}: check \\(ok\\), destroy ${BASE}-prev \\(skipped\\), rename ${BASE} to ${BASE}-prev \\(skipped\\), rename ${BASE}-build to ${BASE} \\(ok\\), verify \\(ok\\)`));
    expect(qemuInventory(images)).toEqual({ [BASE]: built });
    expect(checkImageDirectory(images)).toEqual([]);
    const promotion = /records\/(promotions\/q-a\/\d{8}T\d{6}Z)/.exec(reply)![1]!;
    expect(JSON.parse(readFileSync(join(h.env.config.records, promotion, 'run.json'), 'utf8'))).toMatchObject({
      action: 'promote',
      approved_by: [{ source: 'github', user: 'bob' }],
      build: { record: build.record, sums_sha256: build.sumsSha256 },
      target: { platform: 'qemu', image_directory: images, template_name: BASE },
    });
    expect(h.github.pulls.get(number)).toMatchObject({ state: 'closed', merged: true });
  });
});
