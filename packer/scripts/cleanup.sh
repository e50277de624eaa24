#!/bin/sh
# Final image cleanup (runs as root inside the build VM, after ansible).
set -eu

apt-get -y autoremove --purge
apt-get -y clean
rm -rf /var/lib/apt/lists/*

# Per-machine identity is regenerated on the real host at first boot.
cloud-init clean --logs --seed
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
ln -s /etc/machine-id /var/lib/dbus/machine-id
rm -f /etc/ssh/ssh_host_*
# Ubuntu regenerates host keys at boot only through cloud-init or this unit.
if [ -f /lib/systemd/system/ssh.service ]; then
  mkdir -p /etc/systemd/system/ssh.service.d
  cat > /etc/systemd/system/ssh.service.d/10-hostkeys.conf <<'UNIT'
[Service]
ExecStartPre=/usr/bin/ssh-keygen -A
UNIT
fi

# Logs and shell history of the build.
find /var/log -type f -name '*.gz' -delete
find /var/log -type f -exec truncate -s 0 {} +
rm -f /root/.bash_history /home/*/.bash_history

# Zero free space so the qcow2 compresses well.
fstrim -av || true
sync
