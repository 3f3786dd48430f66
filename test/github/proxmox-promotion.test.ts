import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeRecord } from '../../src/evidence/write-record.js';
import { startFakeProxmox, type FakeProxmox } from '../fakes/proxmox-api.js';
import { buildDetails } from '../helpers/write-chain.js';
import { startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';

/**
 * `/promote` on the pull request of a Proxmox line's build: the same app, the
 * same promotion engine, another store (a node of a fake Proxmox VE API).
 */
const LINE = 'p-a';
const BASE = 'tpl-p-a';
const VMID = 9400;
const PVE_LINE = { key: LINE, enabled: true, os: 'linux', platform: 'proxmox', dist: 'rocky', version: '9', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: BASE, vmid: VMID, stable_vmid: true, timeout_minutes: 5 };

let h: GitHubHarness;
let pve: FakeProxmox;

beforeAll(async () => {
  pve = await startFakeProxmox();
  h = await startGitHubHarness({
    extraLines: [PVE_LINE],
    extraYaml: ['proxmox:', '  node: pve', `  ca_file: ${pve.caFile}`],
    extraEnv: { PROXMOX_URL: pve.url, PROXMOX_TOKEN_ID: pve.tokenId, PROXMOX_TOKEN_SECRET: pve.secret },
  });
  h.github.setPermission('bob', 'write');
}, 60_000);
afterAll(async () => {
  await h?.close();
  await pve?.close();
});

describe('promotion of a Proxmox template, approved on GitHub', () => {
  test('/promote moves <base>-build into the stable VMID as <base>, seals the record with node and VMID, and merges', async () => {
    const built = pve.addVm({ vmid: VMID + 1, name: `${BASE}-build`, template: true });
    const log = join(h.env.dir, 'p-a.log');
    writeFileSync(log, '==> proxmox-iso: built\n');
    const build = await writeRecord({
      root: h.env.config.records,
      signer: h.env.signer,
      content: {
        kind: 'build',
        log,
        details: buildDetails(LINE, {
          requested_by: { source: 'github', user: 'alice' },
          job_id: null,
          target: { platform: 'proxmox', node: 'pve', vmid: VMID + 1, template_name: `${BASE}-build` },
          artifact: { artifact_id: `${BASE}-build`, packer_run_uuid: null, builder_type: 'proxmox-iso' },
        }),
      },
    });
    const opened = await h.app.openPromotionPullRequest({ record: build.record });
    const number = opened.pullRequest.number;
    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expect(delivered.status).toBe(200);
    const reply = h.github.repliesOn(number).at(-1)!;
    expect(reply).toMatch(new RegExp(`^\\*\\*Promoted\\*\\* \`${LINE}\`: ${BASE} in 127\\.0\\.0\\.1:\\d+/pve: check \\(ok\\), destroy ${BASE}-prev \\(skipped\\), rename ${BASE} to ${BASE}-prev \\(skipped\\), rename ${BASE}-build to ${BASE} \\(ok\\), verify \\(ok\\)`));
    expect(reply).not.toContain(pve.secret);
    const live = [...pve.vms.values()].map((vm) => ({ name: vm.name, vmid: vm.vmid, disk: vm.disk, template: vm.template }));
    expect(live).toEqual([{ name: BASE, vmid: VMID, disk: built.disk, template: true }]);
    const promotion = /records\/(promotions\/p-a\/\d{8}T\d{6}Z)/.exec(reply)![1]!;
    expect(JSON.parse(readFileSync(join(h.env.config.records, promotion, 'run.json'), 'utf8'))).toMatchObject({
      action: 'promote',
      approved_by: [{ source: 'github', user: 'bob' }],
      build: { record: build.record, sums_sha256: build.sumsSha256 },
      target: { platform: 'proxmox', node: 'pve', vmid: VMID, template_name: BASE },
    });
    expect(h.github.pulls.get(number)).toMatchObject({ state: 'closed', merged: true });
  });
});
