import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateGuestProbe } from '../../src/pipeline/stores/qemu/boot-image-probe.js';
import { checkImage, describeChecklistFailure } from '../../src/pipeline/stores/qemu/check-image.js';
import { baseImage, craftImage, toolsEnv } from './base-image.js';

const HASH = '$6$goldsmithsalt$Q9hX0lqL3mXUoQy8mX0h0bmV2ZXItYS1yZWFsLWhhc2g';
const imagesYaml = { metadata: { os_admin_user: 'debian' } } as Parameters<typeof checkImage>[0]['imagesYaml'];
const work = () => mkdtempSync(join(tmpdir(), 'goldsmith-checklist-'));

describe('the image checklist on crafted images (offline half; no boot)', () => {
  let bad: string;
  let shadow: string;

  beforeAll(async () => {
    // The base's own /etc/shadow, with a password hash for root: what a provisioning that set a password leaves.
    const read = await execa('qemu-img', ['info', baseImage()], { env: toolsEnv() });
    expect(read.exitCode).toBe(0);
    const raw = join(work(), 'base.raw');
    await execa('qemu-img', ['convert', '-O', 'raw', baseImage(), raw], { env: toolsEnv() });
    shadow = (await execa('debugfs', ['-R', 'cat /etc/shadow', `${raw}?offset=1048576`], { env: toolsEnv() })).stdout;
    await execa('rm', ['-f', raw]);
    bad = await craftImage({
      '/etc/shadow': `${shadow.replace(/^root:[^:]*:/m, `root:${HASH}:`)}\n`,
      '/root/.bash_history': 'mysql -u admin -p hunter2\nsudo reboot\n',
    });
  }, 120_000);

  it('fails an image that keeps a password hash and a bash history, naming both checks and never the hash', async () => {
    const result = await checkImage({ image: bad, line: 'qemu-debian-12', imagesYaml, settingsEnv: toolsEnv(), workDir: work() });
    const failed = result.checks.filter((check) => check.result === 'fail');
    expect(failed.map((check) => check.name)).toEqual(expect.arrayContaining(['no-password-hashes', 'no-shell-history']));
    expect(result.checks.find((check) => check.name === 'no-password-hashes')!.detail).toBe(
      "/etc/shadow: root has a password hash; set the field to '*' (usermod -p '*' USER) in the clean-up step",
    );
    expect(result.checks.find((check) => check.name === 'no-shell-history')!.detail).toBe('/root/.bash_history left in the image: remove shell history in the clean-up step');
    const reason = describeChecklistFailure(result)!;
    expect(reason).toMatch(/^image checklist failed for crafted\.qcow2: .*no-password-hashes \(\/etc\/shadow: root has a password hash/);
    expect(reason).toContain('no-shell-history (/root/.bash_history left in the image');
    expect(JSON.stringify(result)).not.toContain('goldsmithsalt');
    expect(JSON.stringify(result)).not.toContain('hunter2');
    // The boot (~2 minutes) is skipped once an offline check failed: the build fails anyway.
    expect(result.checks.some((check) => check.name === 'boot-ssh')).toBe(false);
    expect(result.image).toMatchObject({ file: 'crafted.qcow2', format: 'qcow2', virtual_size: 2 * 1024 ** 3 });
  }, 120_000);

  it('passes those checks on the untouched base, and fails it on the "quiet" kernel command line vm_init removes', async () => {
    const result = await checkImage({ image: baseImage(), line: 'qemu-debian-12', imagesYaml, settingsEnv: toolsEnv(), workDir: work(), boot: false });
    const byName = new Map(result.checks.map((check) => [check.name, check]));
    for (const name of ['image-size', 'root-file-system', 'no-password-hashes', 'no-authorized-keys', 'no-shell-history', 'required-software', 'systemd-init', 'ssh-enabled', 'firewall-off', 'no-ssh-host-keys', 'machine-id-empty', 'cloud-init-first-boot']) {
      expect(byName.get(name), name).toMatchObject({ result: 'pass' });
    }
    expect(byName.get('kernel-console')).toMatchObject({ result: 'fail' });
    expect(byName.get('kernel-console')!.detail).toMatch(/^\/boot\/grub\/grub\.cfg: ".* quiet": drop "quiet" so the kernel logs to the serial console/);
  }, 120_000);

  it('fails an image that keeps an authorized key and a set machine-id', async () => {
    const image = await craftImage({ '/root/.ssh/authorized_keys': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBuildKeyLeftBehind build@host\n', '/etc/machine-id': '0123456789abcdef0123456789abcdef\n' });
    const result = await checkImage({ image, line: 'qemu-debian-12', imagesYaml, settingsEnv: toolsEnv(), workDir: work() });
    const failed = new Map(result.checks.filter((check) => check.result === 'fail').map((check) => [check.name, check.detail]));
    expect(failed.get('no-authorized-keys')).toMatch(/^\/root\/\.ssh\/authorized_keys left in the image/);
    expect(failed.get('machine-id-empty')).toMatch(/^\/etc\/machine-id is set/);
    expect(JSON.stringify(result)).not.toContain('BuildKeyLeftBehind');
  }, 120_000);

  it('reports a file that is no disk image as one failing check, not a crash', async () => {
    const dir = work();
    const file = join(dir, 'not-an-image.qcow2');
    await execa('qemu-img', ['create', '-f', 'qcow2', file, '64M'], { env: toolsEnv() });
    const result = await checkImage({ image: file, line: 'qemu-debian-12', imagesYaml, settingsEnv: toolsEnv(), workDir: dir });
    expect(result.checks.find((check) => check.name === 'root-file-system')).toMatchObject({ result: 'fail' });
    expect(result.checks.find((check) => check.name === 'root-file-system')!.detail).toMatch(/^found no ext2\/3\/4 root file system in .*not-an-image\.qcow2 \(/);
  }, 60_000);
});

describe('the live checks, from the guest probe', () => {
  const healthy = [
    'cloud_init=done', 'system_state=running', 'pid1=systemd', 'failed_units=', 'ssh_unit=ssh', 'ssh_enabled=enabled', 'ssh_active=active',
    'qga_active=active', 'driver_virtio_net=yes', 'driver_virtio_blk=yes', 'cmdline=BOOT_IMAGE=/vmlinuz root=UUID=x ro console=tty0 console=ttyS0,115200n8',
    'command_cloud-init=/usr/bin/cloud-init', 'command_curl=/usr/bin/curl', 'command_systemctl=/usr/bin/systemctl', 'command_qemu-ga=/usr/sbin/qemu-ga',
    'command_sshd=/usr/sbin/sshd', 'firewall_ufw=inactive', 'firewall_firewalld=inactive', 'firewall_nftables=inactive', 'probe=done',
  ].join('\n');

  it('passes a healthy guest', () => {
    expect(evaluateGuestProbe(healthy).filter((check) => check.result === 'fail')).toEqual([]);
  });

  it('names what is wrong: quiet kernel, stopped agent, running firewall, failed units, missing curl', () => {
    const sick = healthy
      .replace('console=ttyS0,115200n8', 'console=ttyS0,115200n8 quiet')
      .replace('qga_active=active', 'qga_active=inactive')
      .replace('firewall_ufw=inactive', 'firewall_ufw=active')
      .replace('system_state=running', 'system_state=degraded')
      .replace('failed_units=', 'failed_units=networking.service ')
      .replace('command_curl=/usr/bin/curl', 'command_curl=missing');
    const failed = new Map(evaluateGuestProbe(sick).filter((check) => check.result === 'fail').map((check) => [check.name, check.detail]));
    expect([...failed.keys()].sort()).toEqual(['commands-present', 'firewall-inactive', 'guest-agent-running', 'kernel-console-live', 'systemd-running']);
    expect(failed.get('systemd-running')).toBe('PID 1 is systemd, system state degraded, failed units: networking.service; fix or remove the failing units');
    expect(failed.get('commands-present')).toBe('not found: curl');
  });

  it('fails when the probe was cut short', () => {
    expect(evaluateGuestProbe('cloud_init=done\n')).toEqual([{ name: 'guest-probe', result: 'fail', detail: 'the probe over SSH ended early; it printed: cloud_init=done' }]);
  });
});
