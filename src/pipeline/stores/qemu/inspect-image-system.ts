import type { ImageCheckResult } from '../../../evidence/run-schema.js';
import type { ImageFileSystem } from './inspect-image-debugfs.js';

const pass = (name: string, detail: string): ImageCheckResult => ({ name, result: 'pass', detail });
const fail = (name: string, detail: string): ImageCheckResult => ({ name, result: 'fail', detail });

/** The seed's required software, by the program each package installs (any distribution). */
const REQUIRED: Array<{ pkg: string; paths: string[] }> = [
  { pkg: 'cloud-init', paths: ['/usr/bin/cloud-init'] },
  { pkg: 'curl', paths: ['/usr/bin/curl'] },
  { pkg: 'systemd', paths: ['/usr/lib/systemd/systemd', '/lib/systemd/systemd'] },
  { pkg: 'qemu-guest-agent', paths: ['/usr/sbin/qemu-ga', '/usr/bin/qemu-ga'] },
  { pkg: 'openssh-server', paths: ['/usr/sbin/sshd'] },
];
const WANTS = '/etc/systemd/system/multi-user.target.wants';

/** Installed versions from dpkg's status file (Debian family), by package. */
function dpkgVersions(status: string | undefined): Map<string, string> {
  const versions = new Map<string, string>();
  for (const paragraph of (status ?? '').split('\n\n')) {
    const pkg = /^Package: (.+)$/m.exec(paragraph)?.[1];
    const version = /^Version: (.+)$/m.exec(paragraph)?.[1];
    if (pkg && version && /^Status: install ok installed$/m.test(paragraph)) versions.set(pkg, version);
  }
  return versions;
}

/** The kernel command lines the boot loader holds: GRUB's `linux` lines, or BootLoaderSpec entries' `options`. */
async function kernelCommandLines(fs: ImageFileSystem): Promise<{ source: string; lines: string[] } | undefined> {
  for (const source of ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg']) {
    const text = await fs.read(source);
    const lines = (text ?? '').split('\n').flatMap((line) => /^\s*linux(?:16|efi)?\s+\S+\s*(.*)$/.exec(line)?.[1] ?? []);
    if (lines.length > 0) return { source, lines };
  }
  const entries = (await fs.list('/boot/loader/entries')) ?? [];
  const lines: string[] = [];
  for (const entry of entries.filter((name) => name.endsWith('.conf'))) {
    const options = /^options\s+(.*)$/m.exec((await fs.read(`/boot/loader/entries/${entry}`)) ?? '')?.[1];
    if (options) lines.push(options);
  }
  return lines.length > 0 ? { source: '/boot/loader/entries', lines } : undefined;
}

const exists = async (fs: ImageFileSystem, path: string) => (await fs.stat(path)) !== undefined;
const linkTarget = (stat: string | undefined) => /Fast link dest: "([^"]*)"/.exec(stat ?? '')?.[1];

/**
 * The system checks of the VK Cloud checklist, read offline from the image:
 * `required-software` (cloud-init, curl, systemd, qemu-guest-agent,
 * openssh-server), `systemd-init`, `ssh-enabled`, `kernel-console` (no
 * `quiet`, a serial console), `firewall-off`, `no-ssh-host-keys`,
 * `machine-id-empty` and `cloud-init-first-boot`.
 *
 * @example
 * await inspectImageSystem(fs) // [{ name: 'required-software', result: 'pass', detail: 'cloud-init 22.4.2-1, …' }, …]
 */
export async function inspectImageSystem(fs: ImageFileSystem): Promise<ImageCheckResult[]> {
  const checks: ImageCheckResult[] = [];

  const versions = dpkgVersions(await fs.read('/var/lib/dpkg/status'));
  const present: string[] = [];
  const missing: string[] = [];
  for (const { pkg, paths } of REQUIRED) {
    let found: string | undefined;
    for (const path of paths) if (!found && (await exists(fs, path))) found = path;
    if (found) present.push(versions.has(pkg) ? `${pkg} ${versions.get(pkg)}` : `${pkg} (${found})`);
    else missing.push(`${pkg} (no ${paths.join(' or ')})`);
  }
  checks.push(
    missing.length === 0
      ? pass('required-software', present.join(', '))
      : fail('required-software', `missing ${missing.join(', ')}: install it in the provisioning (the vm_init role)`),
  );

  let init: string | undefined;
  for (const path of ['/usr/sbin/init', '/sbin/init']) init ??= linkTarget(await fs.stat(path));
  checks.push(
    init?.endsWith('systemd/systemd')
      ? pass('systemd-init', `/sbin/init is ${init}`)
      : fail('systemd-init', `/sbin/init is ${init ?? 'not a link to systemd'}: install systemd-sysv (Debian) so systemd is the init system`),
  );

  const sshUnits = [`${WANTS}/ssh.service`, `${WANTS}/sshd.service`, '/etc/systemd/system/sockets.target.wants/ssh.socket'];
  const sshLinks: string[] = [];
  for (const unit of sshUnits) if (await exists(fs, unit)) sshLinks.push(unit);
  const masked = [];
  for (const unit of ['ssh.service', 'sshd.service', 'qemu-guest-agent.service']) {
    if (linkTarget(await fs.stat(`/etc/systemd/system/${unit}`)) === '/dev/null') masked.push(unit);
  }
  checks.push(
    sshLinks.length > 0 && masked.length === 0
      ? pass('ssh-enabled', `enabled at boot (${sshLinks.join(', ')})`)
      : fail('ssh-enabled', masked.length > 0 ? `${masked.join(', ')} masked: unmask it` : 'the SSH server does not start at boot: systemctl enable ssh (sshd on EL)'),
  );

  const kernel = await kernelCommandLines(fs);
  const quiet = kernel?.lines.filter((line) => /(^|\s)quiet(\s|$)/.test(line)) ?? [];
  const noSerial = kernel?.lines.filter((line) => !/(^|\s)console=ttyS\d/.test(line)) ?? [];
  checks.push(
    !kernel
      ? fail('kernel-console', 'found no kernel command line (no /boot/grub/grub.cfg linux line, no /boot/loader/entries): cannot check that the kernel logs to the console')
      : quiet.length > 0 || noSerial.length > 0
        ? fail('kernel-console', `${kernel.source}: "${(quiet[0] ?? noSerial[0])!.trim()}": ${quiet.length > 0 ? 'drop "quiet"' : 'add console=ttyS0,115200n8'} so the kernel logs to the serial console (GRUB_CMDLINE_LINUX*, then update-grub)`)
        : pass('kernel-console', `${kernel.source}: ${kernel.lines[0]!.trim()}`),
  );

  const firewalls: string[] = [];
  for (const unit of ['ufw.service', 'firewalld.service', 'nftables.service']) if (await exists(fs, `${WANTS}/${unit}`)) firewalls.push(unit);
  if (/^\s*ENABLED\s*=\s*yes\s*$/m.test((await fs.read('/etc/ufw/ufw.conf')) ?? '')) firewalls.push('ufw (ENABLED=yes in /etc/ufw/ufw.conf)');
  checks.push(
    firewalls.length === 0
      ? pass('firewall-off', 'no ufw, firewalld or nftables service enabled')
      : fail('firewall-off', `${firewalls.join(', ')} enabled: disable the firewall (VK Cloud filters with security groups)`),
  );

  const hostKeys = ((await fs.list('/etc/ssh')) ?? []).filter((name) => /^ssh_host_.*_key(\.pub)?$/.test(name));
  checks.push(
    hostKeys.length === 0
      ? pass('no-ssh-host-keys', 'no SSH host keys in /etc/ssh (each VM makes its own at first boot)')
      : fail('no-ssh-host-keys', `/etc/ssh holds ${hostKeys.join(', ')}: every VM would share them; remove them in the clean-up step`),
  );

  const machineId = (await fs.read('/etc/machine-id'))?.trim();
  checks.push(
    !machineId || machineId === 'uninitialized'
      ? pass('machine-id-empty', '/etc/machine-id is empty: each VM gets its own')
      : fail('machine-id-empty', '/etc/machine-id is set: every VM would share it (DHCP client ids, journald); empty it in the clean-up step'),
  );

  const instances = ((await fs.list('/var/lib/cloud/instances')) ?? []).length;
  const ran = (await exists(fs, '/var/lib/cloud/instance')) || instances > 0;
  checks.push(
    ran
      ? fail('cloud-init-first-boot', 'cloud-init state from the build is left in /var/lib/cloud: run cloud-init clean --logs --seed in the clean-up step, so each VM runs it as a first boot')
      : pass('cloud-init-first-boot', 'no cloud-init state: each VM runs cloud-init as on a first boot'),
  );
  return checks;
}
