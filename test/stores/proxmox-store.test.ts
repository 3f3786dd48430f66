import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeProxmoxFakes, makeProxmoxEnv, PVE_LINE } from '../helpers/proxmox-env.js';
import { readTree } from '../helpers/read-records.js';

afterAll(closeProxmoxFakes);

const { line, base, vmid, node } = PVE_LINE;

describe('Proxmox builds through the job queue (a null-builder stand-in creates <base>-build through the API)', () => {
  it('builds at the first free VMID of the line, records node, VMID and name, and never lets the token out', async () => {
    const env = await makeProxmoxEnv({ stable: true });
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode, build.stdout + build.stderr).toBe(0);
    // A stable line keeps its first VMID for <base>: the build goes to the next one.
    expect(env.vmids()).toEqual({ [`${base}-build`]: vmid + 1 });
    const run = JSON.parse(readFileSync(join(env.config.records, 'builds', line, 'latest', 'run.json'), 'utf8'));
    expect(run.target).toEqual({ platform: 'proxmox', node, vmid: vmid + 1, template_name: `${base}-build` });
    expect(readFileSync(join(env.config.records, 'builds', line, 'latest', 'README.md'), 'utf8')).toContain(`Proxmox template \`${base}-build\` (VMID ${vmid + 1}) on node ${node}`);

    const promote = await env.cli(['promote', line]);
    expect(promote.exitCode, promote.stdout + promote.stderr).toBe(0);
    expect(promote.stdout).toContain(`${base}-build is VMID ${vmid + 1} on node ${node}, as the record says`);
    expect(env.vmids()).toEqual({ [base]: vmid });
    expect(env.promotionRuns()[0]).toMatchObject({ target: { platform: 'proxmox', node, vmid, template_name: base } });

    // The token reached Packer only through packer.vars, and was scrubbed from everything written.
    expect(readTree(env.config.records)).not.toContain(env.pve.secret);
    expect(readTree(env.config.state_dir)).not.toContain(env.pve.secret);
    expect(build.stdout + promote.stdout + build.stderr).not.toContain(env.pve.secret);
    expect((await env.audit()).exitCode).toBe(0);
  });

  it('refuses to build when a foreign VM sits in the line\'s VMID block, naming it and its node; nothing is created', async () => {
    const env = await makeProxmoxEnv();
    env.pve.addVm({ vmid: vmid + 3, name: 'web-01', template: false });
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode).toBe(1);
    expect(build.stdout + build.stderr).toContain(`VMID ${vmid + 3} is held by VM web-01 on node ${node}, inside ${line}'s reserved VMIDs ${vmid}-${vmid + 9}: move it out of the block, or give the line another vmid in the matrix`);
    expect(env.vmids()).toEqual({});
    expect(existsSync(join(env.config.records, 'builds'))).toBe(false);
  });

  it('replaces a stale, unpromoted <base>-build at its own VMID', async () => {
    const env = await makeProxmoxEnv();
    const stale = env.seed(`${base}-build`);
    const current = env.seed(base);
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode, build.stdout + build.stderr).toBe(0);
    expect(env.vmids()).toEqual({ [`${base}-build`]: stale.vmid, [base]: current.vmid });
    expect(env.inventory()[`${base}-build`]).not.toBe(stale.disk);
    expect(readFileSync(join(env.config.state_dir, 'jobs', '1', 'prepare.log'), 'utf8')).toContain(`# destroying the stale, unpromoted ${base}-build`);
  });

  it('refuses a var-file that sets vm_id (it would override the VMID goldsmith chose)', async () => {
    const env = await makeProxmoxEnv();
    const varFile = join(env.dir, 'packer', 'stand-in', 'pve-test.pkrvars.hcl');
    appendFileSync(varFile, 'vm_id = 9105\n');
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode).toBe(1);
    expect(build.stdout + build.stderr).toContain(`${varFile} sets vm_id: goldsmith chooses the VMID of each Proxmox build inside the line's block`);
  });
});

describe('Proxmox promotion: VMID-stable moves and failing tasks', () => {
  it('a stable line keeps <base> at its VMID: the old one moves out as -prev, the build is cloned in', async () => {
    const env = await makeProxmoxEnv({ stable: true });
    const current = env.seed(base);
    const build = env.seed(`${base}-build`);
    await env.sealBuildRecord();
    const promote = await env.cli(['promote', line]);
    expect(promote.exitCode, promote.stdout + promote.stderr).toBe(0);
    expect(env.vmids()[base]).toBe(vmid);
    expect(env.inventory()).toEqual({ [base]: build.disk, [`${base}-prev`]: current.disk });
    const tasks = [...env.pve.tasks.values()].map((task) => `${task.type}:${task.id}`);
    expect(tasks).toEqual([`qmclone:${vmid}`, `qmtemplate:${env.vmids()[`${base}-prev`]}`, `qmdestroy:${vmid}`, `qmclone:${build.vmid}`, `qmtemplate:${vmid}`, `qmdestroy:${build.vmid}`]);
  });

  it('a clone task that fails reverts the promotion, naming the task and its exit status; no record', async () => {
    const env = await makeProxmoxEnv({ stable: true });
    const current = env.seed(base);
    const build = env.seed(`${base}-build`);
    await env.sealBuildRecord();
    // The first clone (the old <base> moving out) succeeds; the second (the build moving in) fails.
    env.pve.failNextTask('qmclone', "clone failed: storage 'local-lvm' is full", 1);
    const promote = await env.cli(['promote', line]);
    expect(promote.exitCode).toBe(1);
    expect(promote.stderr).toContain(`failed: Proxmox task qmclone ${build.vmid}`);
    expect(promote.stderr).toContain("clone failed: storage 'local-lvm' is full");
    expect(promote.stderr).toContain('goldsmith put the previous templates back');
    // The old <base> is back at the stable VMID, the build untouched.
    expect(env.vmids()).toEqual({ [base]: vmid, [`${base}-build`]: build.vmid });
    expect(env.inventory()).toEqual({ [base]: current.disk, [`${base}-build`]: build.disk });
    expect(env.promotionRuns()).toEqual([]);
  });

  it('an expired token stops the command with the fix, and the secret is not shown', async () => {
    const env = await makeProxmoxEnv();
    env.seed(base);
    env.pve.expireToken();
    const templates = await env.cli(['templates', line]);
    expect(templates.exitCode).toBe(1);
    expect(templates.stderr).toContain(`Proxmox refused the API token ${env.pve.tokenId} (HTTP 401 authentication failure): it is wrong, expired or revoked. Create a new one (docs/proxmox.md) and set PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET`);
    expect(templates.stdout + templates.stderr).not.toContain(env.pve.secret);
  });

  it('refuses to destroy a <base>-prev that is a VM, not a template (someone\'s), and puts everything back', async () => {
    const env = await makeProxmoxEnv();
    const current = env.seed(base);
    const vm = env.pve.addVm({ vmid: vmid + 5, name: `${base}-prev`, template: false });
    const build = env.seed(`${base}-build`);
    await env.sealBuildRecord();
    const promote = await env.cli(['promote', line]);
    expect(promote.exitCode).toBe(1);
    expect(promote.stderr).toContain(`refusing to destroy VMID ${vm.vmid} (${base}-prev) on node ${node}: it is a VM, not a template`);
    expect(env.inventory()).toEqual({ [base]: current.disk, [`${base}-prev`]: vm.disk, [`${base}-build`]: build.disk });
  });
});

describe('Proxmox TLS: the self-signed certificate of a new node', () => {
  it('is refused without proxmox.ca_file, before the token is sent', async () => {
    const env = await makeProxmoxEnv({ tls: 'none' });
    env.seed(base);
    const templates = await env.cli(['templates', line]);
    expect(templates.exitCode).toBe(1);
    expect(templates.stderr).toContain('presented a certificate this host does not trust');
    expect(templates.stderr).toContain('give its CA in proxmox.ca_file, or pin its fingerprint in proxmox.fingerprint');
    expect(env.pve.requests).toEqual([]);
  });

  it('is accepted with proxmox.ca_file, and with the pinned fingerprint', async () => {
    for (const tls of ['ca', 'fingerprint'] as const) {
      const env = await makeProxmoxEnv({ tls });
      const seeded = env.seed(base);
      const templates = await env.cli(['templates', line]);
      expect(templates.exitCode, templates.stderr).toBe(0);
      expect(templates.stdout).toMatch(new RegExp(`${line}\\s+base\\s+${base}\\s+${seeded.vmid}-\\d+`));
    }
  });

  it('a wrong pinned fingerprint is refused before anything is sent', async () => {
    const env = await makeProxmoxEnv({ tls: 'fingerprint' });
    const wrong = Array.from({ length: 32 }, () => 'AB').join(':');
    writeFileSync(env.configFile, readFileSync(env.configFile, 'utf8').replace(/fingerprint: ".*"/, `fingerprint: "${wrong}"`));
    const templates = await env.cli(['templates', line]);
    expect(templates.exitCode).toBe(1);
    expect(templates.stderr).toContain(`not the pinned proxmox.fingerprint ${wrong}: nothing was sent`);
    expect(env.pve.requests).toEqual([]);
  });
});
