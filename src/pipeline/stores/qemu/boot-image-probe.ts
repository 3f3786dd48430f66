import type { ImageCheckResult } from '../../../evidence/run-schema.js';

/**
 * The script the boot check runs in the guest over SSH (`sh -s`, as the
 * admin user): it waits for cloud-init and the boot to finish, then prints
 * one `key=value` line per fact. Fixed text: nothing of the image or the
 * line is interpolated into it.
 */
export const GUEST_PROBE = `
cloud_init=$(cloud-init status --wait 2>/dev/null | sed -n 's/^status: //p')
echo "cloud_init=$cloud_init"
echo "system_state=$(systemctl is-system-running --wait 2>/dev/null)"
echo "pid1=$(cat /proc/1/comm)"
echo "failed_units=$(systemctl list-units --state=failed --no-legend --plain 2>/dev/null | awk '{print $1}' | tr '\\n' ' ')"
for unit in ssh sshd; do
  if systemctl cat "$unit.service" >/dev/null 2>&1; then
    echo "ssh_unit=$unit"
    echo "ssh_enabled=$(systemctl is-enabled "$unit.service" 2>/dev/null)"
    echo "ssh_active=$(systemctl is-active "$unit.service" 2>/dev/null)"
    break
  fi
done
echo "qga_active=$(systemctl is-active qemu-guest-agent.service 2>/dev/null)"
for driver in virtio_net virtio_blk; do
  if [ -d "/sys/bus/virtio/drivers/$driver" ]; then echo "driver_$driver=yes"; else echo "driver_$driver=no"; fi
done
echo "cmdline=$(cat /proc/cmdline)"
for command in cloud-init curl systemctl qemu-ga sshd; do
  found=$(command -v "$command" || ls "/usr/sbin/$command" 2>/dev/null)
  echo "command_$command=\${found:-missing}"
done
for unit in ufw firewalld nftables; do echo "firewall_$unit=$(systemctl is-active "$unit.service" 2>/dev/null)"; done
echo "probe=done"
`;

const pass = (name: string, detail: string): ImageCheckResult => ({ name, result: 'pass', detail });
const fail = (name: string, detail: string): ImageCheckResult => ({ name, result: 'fail', detail });

/**
 * Turns the guest probe's output into the live checks of the VK Cloud
 * checklist: cloud-init finished, systemd runs the system with no failed
 * unit, the SSH server is enabled and running, the guest agent runs, the
 * virtio drivers are bound, the required commands are there, the kernel
 * logs to the serial console, and no firewall runs.
 *
 * @example
 * evaluateGuestProbe('cloud_init=done\nsystem_state=running\npid1=systemd\n…probe=done\n')
 * // [{ name: 'cloud-init-done', result: 'pass', detail: 'cloud-init status: done' }, …]
 */
export function evaluateGuestProbe(output: string): ImageCheckResult[] {
  const facts = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) facts.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const fact = (key: string) => facts.get(key) ?? '';
  if (fact('probe') !== 'done') return [fail('guest-probe', `the probe over SSH ended early; it printed: ${output.trim().slice(-300) || 'nothing'}`)];

  const checks: ImageCheckResult[] = [];
  checks.push(fact('cloud_init') === 'done' ? pass('cloud-init-done', 'cloud-init status: done') : fail('cloud-init-done', `cloud-init status: ${fact('cloud_init') || 'unknown'}; see /var/log/cloud-init.log in a booted VM`));
  const failed = fact('failed_units');
  checks.push(
    fact('pid1') === 'systemd' && fact('system_state') === 'running'
      ? pass('systemd-running', 'PID 1 is systemd; the system is running with no failed unit')
      : fail('systemd-running', `PID 1 is ${fact('pid1') || 'unknown'}, system state ${fact('system_state') || 'unknown'}${failed ? `, failed units: ${failed}` : ''}; fix or remove the failing units`),
  );
  const ssh = fact('ssh_unit');
  checks.push(
    ssh && fact('ssh_enabled') === 'enabled' && fact('ssh_active') === 'active'
      ? pass('ssh-service', `${ssh}.service enabled and running`)
      : fail('ssh-service', ssh ? `${ssh}.service is ${fact('ssh_enabled')} and ${fact('ssh_active')}: enable it so it starts at every boot` : 'no ssh or sshd unit in the guest: install openssh-server'),
  );
  checks.push(
    fact('qga_active') === 'active'
      ? pass('guest-agent-running', 'qemu-guest-agent.service is running')
      : fail('guest-agent-running', `qemu-guest-agent.service is ${fact('qga_active') || 'unknown'}: install qemu-guest-agent and do not mask it`),
  );
  const drivers = ['virtio_net', 'virtio_blk'].filter((driver) => fact(`driver_${driver}`) !== 'yes');
  checks.push(drivers.length === 0 ? pass('virtio-drivers', 'virtio_net and virtio_blk are bound') : fail('virtio-drivers', `${drivers.join(', ')} not bound: use a kernel with the virtio drivers`));
  const commands = ['cloud-init', 'curl', 'systemctl', 'qemu-ga', 'sshd'];
  const missing = commands.filter((command) => fact(`command_${command}`) === 'missing' || !fact(`command_${command}`));
  checks.push(missing.length === 0 ? pass('commands-present', commands.map((command) => fact(`command_${command}`)).join(', ')) : fail('commands-present', `not found: ${missing.join(', ')}`));
  const cmdline = fact('cmdline');
  const quiet = /(^|\s)quiet(\s|$)/.test(cmdline);
  checks.push(
    !quiet && /(^|\s)console=ttyS\d/.test(cmdline)
      ? pass('kernel-console-live', `/proc/cmdline: ${cmdline}`)
      : fail('kernel-console-live', `/proc/cmdline: ${cmdline}: ${quiet ? 'drop "quiet"' : 'add console=ttyS0,115200n8'} so the kernel logs to the serial console`),
  );
  const firewalls = ['ufw', 'firewalld', 'nftables'].filter((unit) => fact(`firewall_${unit}`) === 'active');
  checks.push(firewalls.length === 0 ? pass('firewall-inactive', 'no ufw, firewalld or nftables running') : fail('firewall-inactive', `${firewalls.join(', ')} running: disable the firewall`));
  return checks;
}
