#!/bin/sh
# vm_init: the VK Cloud image settings in one step (one Ansible task).
# Usage: vm-init.sh OS_FAMILY CONSOLE_ARGS   (OS_FAMILY: debian | redhat)
set -eu
family=$1
console=$2
ssh_unit=ssh
[ "$family" = redhat ] && ssh_unit=sshd

# The SSH server starts at every boot.
systemctl enable "$ssh_unit.service"

# The guest agent: enabled where its unit can be (EL); on Debian the unit is
# static and udev starts it when the virtio-serial port appears. Never masked.
systemctl unmask qemu-guest-agent.service
systemctl enable qemu-guest-agent.service 2>/dev/null || true

# Firewall off: VK Cloud's security groups filter traffic.
for unit in ufw firewalld nftables; do
  if systemctl list-unit-files "$unit.service" | grep -q "^$unit.service"; then
    systemctl disable --now "$unit.service"
  fi
done
if command -v ufw >/dev/null 2>&1; then ufw --force disable; fi

# cloud-init: a locale it can set and an /etc/hosts it manages.
printf 'locale: C.UTF-8\nmanage_etc_hosts: true\n' >/etc/cloud/cloud.cfg.d/90-goldsmith-vm-init.cfg

# The kernel logs to the consoles, without "quiet".
if [ "$family" = redhat ]; then
  grubby --update-kernel=ALL --remove-args=quiet --args="$console"
else
  mkdir -p /etc/default/grub.d
  cat >/etc/default/grub.d/90-goldsmith-console.cfg <<CFG
# Written by goldsmith's vm_init role: kernel messages on the serial console.
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="$console"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
CFG
  update-grub
fi
