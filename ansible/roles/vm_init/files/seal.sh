#!/bin/sh
# vm_init's last step: whatever is left here ships in every VM made from the
# image. Usage: seal.sh ADMIN_USER
set -eu
admin=$1

# Package caches, and the build-time dpkg speed-up of the Debian base.
if command -v apt-get >/dev/null 2>&1; then apt-get clean; else dnf clean all; fi
rm -f /etc/dpkg/dpkg.cfg.d/90-goldsmith-build-unsafe-io

# cloud-init runs again as on a first boot (new user keys, host keys, network).
cloud-init clean --logs --seed

# No password hash for anyone: '*' can neither log in nor be cracked offline.
# The admin user keeps its NOPASSWD sudo (cloud-init's rule) for key logins.
for user in root "$admin"; do
  if id "$user" >/dev/null 2>&1; then usermod -p '*' "$user"; fi
done

# No keys and no histories in any home; no SSH host keys (every VM makes its own).
for home in /root /home/*; do
  [ -d "$home" ] || continue
  rm -f "$home/.ssh/authorized_keys" "$home/.ssh/authorized_keys2" \
    "$home/.bash_history" "$home/.sh_history" "$home/.zsh_history" \
    "$home/.python_history" "$home/.lesshst" "$home/.viminfo" "$home/.wget-hsts"
  rm -rf "$home/.ansible" "$home/.cache"
done
rm -f /etc/ssh/ssh_host_*

# A fresh machine-id per VM (empty, not missing: systemd fills it at first boot).
: >/etc/machine-id
rm -f /var/lib/dbus/machine-id

# Logs of the build.
journalctl --rotate --vacuum-time=1s >/dev/null 2>&1 || true
find /var/log -type f \( -name '*.gz' -o -name '*.[0-9]' -o -name '*.old' \) -delete
find /var/log -type f -exec truncate -s 0 {} +
rm -rf /tmp/* /var/tmp/*
sync
