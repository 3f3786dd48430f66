import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { startFakeProxmox } from '../fakes/proxmox-api.js';
import { OPS_LEAD, VISITOR, startSlackServeEnv } from '../helpers/slack-serve-env.js';

/** A VMID-stable Proxmox line in the test matrix, its templates on the fake API's node. */
const LINE = 'test-pve';
const BASE = 'tpl-test-pve';
const VMID = 9300;
const PVE_LINE = { key: LINE, enabled: false, os: 'linux', platform: 'proxmox', dist: 'rocky', version: '9', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: BASE, vmid: VMID, stable_vmid: true, timeout_minutes: 5 };

const fakes: Array<{ close(): Promise<void> }> = [];
afterAll(async () => Promise.all(fakes.map((fake) => fake.close())));

describe('goldsmith serve: /image list and /image rollback for a Proxmox line, through the same template store interface', () => {
  it('lists the templates of the node and rolls back for real, keeping <base> at the stable VMID', async () => {
    const pve = await startFakeProxmox();
    fakes.push(pve);
    const previous = pve.addVm({ vmid: VMID + 1, name: `${BASE}-prev`, template: true });
    const current = pve.addVm({ vmid: VMID, name: BASE, template: true });
    const s = await startSlackServeEnv({
      lines: [PVE_LINE],
      yaml: `proxmox:\n  node: pve\n  ca_file: ${pve.caFile}`,
      env: { PROXMOX_URL: pve.url, PROXMOX_TOKEN_ID: pve.tokenId, PROXMOX_TOKEN_SECRET: pve.secret },
    });
    onTestFinished(() => s.close());

    const asked = await s.command('list', VISITOR);
    const listed = await s.slack.waitFor(() => s.slack.responsesTo(asked.responseUrl)[0], 20_000, 'the list');
    expect(String(listed.body.text)).toContain(`• *${LINE}* _not in "all"_: current \`${BASE}\` · prev \`${BASE}-prev\` · last promotion: never promoted · last build: never built`);

    const confirmed = await s.press('goldsmith_rollback_confirm', LINE, OPS_LEAD);
    const outcome = await s.slack.waitFor(() => s.slack.responsesTo(confirmed.responseUrl).find((post) => /Rolled back|failed/.test(String(post.body.text))), 30_000, 'the rollback outcome');
    expect(String(outcome.body.text)).toMatch(new RegExp(`^:rewind: Rolled back \\*${LINE}\\*: rolled back ${LINE}: check \\(ok\\), rename ${BASE} to ${BASE}-rolledback-\\d{8}T\\d{6}Z \\(ok\\), rename ${BASE}-prev to ${BASE} \\(ok\\), verify \\(ok\\); record promotions/${LINE}/`));
    const after = Object.fromEntries([...pve.vms.values()].map((vm) => [vm.name, { vmid: vm.vmid, disk: vm.disk }]));
    const rolledBack = Object.keys(after).find((name) => name.startsWith(`${BASE}-rolledback-`))!;
    // The previous template is live again at the stable VMID; the replaced one moved out of it.
    expect(after).toEqual({ [BASE]: { vmid: VMID, disk: previous.disk }, [rolledBack]: { vmid: expect.any(Number), disk: current.disk } });
    expect(after[rolledBack]!.vmid).not.toBe(VMID);
    expect(String(outcome.body.text)).not.toContain(pve.secret);
  });
});
