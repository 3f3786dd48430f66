import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditRecords } from '../../src/audit/audit-records.js';
import { seedTemplate } from '../../src/pipeline/stores/vsphere/seed-template.js';
import { allowedSignersOf, auditBranch } from './helpers/audit-branch.js';
import { FOLDER, startGitHubHarness, VSPHERE_PASSWORD, type GitHubHarness } from './helpers/github-harness.js';

/**
 * A line that already has a template in use: a writer's /promote keeps it as
 * `<base>-prev`, the promotion record carries every step, and /rollback
 * brings it back the same way, its record published through a pull request
 * of its own. All against a real vCenter simulator.
 */

let h: GitHubHarness;

beforeAll(async () => {
  h = await startGitHubHarness();
  // The template everyone clones today.
  await seedTemplate(h.govc, { source: '/DC0/vm/DC0_C0_RP0_VM0', pool: '/DC0/host/DC0_C0/Resources', folder: FOLDER, name: 'tpl-sim-a' });
  h.github.setPermission('alice', 'write');
  h.github.setPermission('bob', 'write');
}, 60_000);

afterAll(async () => h?.close());

describe('promotion on vSphere, approved on GitHub', () => {
  test('approval by a writer promotes on the simulator, keeping the previous template, and merges', async () => {
    const build = await h.sealBuild('sim-a', { source: 'github', user: 'alice' });
    expect(await h.templates()).toEqual(['tpl-sim-a', 'tpl-sim-a-build']);
    const opened = await h.app.openPromotionPullRequest({ record: build.record });
    const number = opened.pullRequest.number;

    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expect(delivered.status).toBe(200);
    expect(h.github.reactionsOn(delivered.commentId)).toEqual(['eyes', 'rocket']);
    const reply = h.github.repliesOn(number).at(-1)!;
    expect(reply).toMatch(/^\*\*Promoted\*\* `sim-a`: tpl-sim-a in \/DC0\/vm\/Templates: .*rename tpl-sim-a to tpl-sim-a-prev \(ok\), rename tpl-sim-a-build to tpl-sim-a \(ok\), verify \(ok\)/);
    expect(await h.templates()).toEqual(['tpl-sim-a', 'tpl-sim-a-prev']);

    const promotion = /records\/(promotions\/sim-a\/\d{8}T\d{6}Z)/.exec(reply)![1]!;
    const run = JSON.parse(readFileSync(join(h.env.config.records, promotion, 'run.json'), 'utf8'));
    expect(run).toMatchObject({
      action: 'promote',
      line: 'sim-a',
      requested_by: { source: 'github', user: 'alice' },
      approved_by: [{ source: 'github', user: 'bob' }],
      build: { record: build.record, sums_sha256: build.sumsSha256 },
      pull_request: { number, url: opened.pullRequest.url },
      target: { platform: 'vsphere', template_name: 'tpl-sim-a' },
    });
    expect(run.steps.map((step: { result: string }) => step.result)).not.toContain('failed');
    const log = readFileSync(join(h.env.config.records, promotion, 'promote.log'), 'utf8');
    expect(log).toContain('govc object.rename');
    expect(log).not.toContain(VSPHERE_PASSWORD);

    expect(h.github.pulls.get(number)).toMatchObject({ state: 'closed', merged: true });
    expect(h.github.files('main').has(`records/${promotion}/promote.log`)).toBe(true);
    expect((await auditRecords(h.env.config.records, { allowedSigners: allowedSignersOf(h.env.signer), threads: 1 })).findings).toEqual([]);
    expect((await auditBranch(h.github, 'main', h.env.signer)).findings).toEqual([]);
  });

  test('/rollback <line> swaps the templates back and publishes the rollback record', async () => {
    const number = h.github.pulls.size;
    const delivered = await h.comment(number, h.github.account('bob'), '/rollback line-a');
    expect(h.github.reactionsOn(delivered.commentId)).toEqual(['eyes', 'rocket']);
    const reply = h.github.repliesOn(number).at(-1)!;
    expect(reply).toMatch(/^\*\*Rolled back\*\* `sim-a`: .*rename tpl-sim-a-prev to tpl-sim-a \(ok\)/);
    const names = await h.templates();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('tpl-sim-a');
    expect(names[1]).toMatch(/^tpl-sim-a-rolledback-\d{8}T\d{6}Z$/);

    const rollbackPr = [...h.github.pulls.values()].find((pr) => pr.head.startsWith('rollback/sim-a/'))!;
    expect(rollbackPr).toMatchObject({ merged: true });
    const rolledBack = /records\/(promotions\/sim-a\/\d{8}T\d{6}Z)/.exec(reply)![1]!;
    expect(JSON.parse(readFileSync(join(h.env.config.records, rolledBack, 'run.json'), 'utf8'))).toMatchObject({ action: 'rollback', requested_by: { source: 'github', user: 'bob' } });
    const merged = await auditBranch(h.github, 'main', h.env.signer);
    expect(merged.findings).toEqual([]);
    expect(merged.summary.promotions).toBe(2);
    for (const text of [h.logs(), ...h.github.comments.map((comment) => comment.body)]) expect(text).not.toContain(VSPHERE_PASSWORD);
  });
});
