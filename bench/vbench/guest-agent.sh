#!/bin/bash
# PID 1 of the bench guest (started by initramfs-init on the overlay root). Starts udevd and
# then runs every NNN-name.cmd that the host drops in the command channel, in the background:
# its output goes to NNN-name.out, its exit code to NNN-name.rc; NNN-name.kill ends it. A file
# named poweroff powers the guest off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
for arg in $(cat /proc/cmdline); do
  case "$arg" in vb.ctl=*) ctl="${arg#vb.ctl=}" ;; vb.top=*) top="${arg#vb.top=}" ;; vb.cache=*) cache="${arg#vb.cache=}" ;; esac
done
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
# no tmpfs over /tmp: the overlay's upper layer already takes writes, and a checkout or the
# command channel under the host's /tmp (a CI clone in /tmp) must stay visible
hostname vbench
# ~/.cache kept on the host between boots (lib.sh: vb_boot); cache=mmap: the JVM maps its archives
if [ -n "${cache:-}" ] && mkdir -p "$cache" && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=mmap vbcache "$cache"; then
  export XDG_CACHE_HOME="$cache"
fi
mkdir -p /run/udev
/lib/systemd/systemd-udevd --daemon
udevadm trigger --action=add --type=subsystems
udevadm trigger --action=add --type=devices
udevadm settle --timeout=60
# a system bus, as on a real system: qmi-firmware-update refuses to run without one (its
# ModemManager check), and modemflash asks it whether ModemManager runs
if command -v dbus-daemon >/dev/null; then
  mkdir -p /run/dbus && dbus-daemon --system --fork
fi
echo "udevd $(pidof systemd-udevd) uptime $(cut -d' ' -f1 /proc/uptime)s kernel $(uname -r)" > "$ctl/ready.tmp"
mv "$ctl/ready.tmp" "$ctl/ready"

# What commands see: the repository as cwd; modemflash runs the jar built on the host.
# A guest JVM that crashes writes its hs_err file beside the results (the host root is read-only).
export MODEMFLASH_NO_BUILD=1 VB_CTL="$ctl" VB_TOP="$top" MODEMFLASH_JAVA_OPTS="-XX:ErrorFile=$ctl/hs_err_pid%p.log"
cd "$top"
declare -A pids
while [ ! -f "$ctl/poweroff" ]; do
  for cmd in "$ctl"/*.cmd; do
    [ -e "$cmd" ] || continue
    id="$(basename "$cmd" .cmd)"
    [ -n "${pids[$id]:-}" ] && continue
    # its own session, so that .kill ends the whole process group (the JVM included)
    ( setsid -w bash -c 'echo $$ > "$1"; exec bash "$2"' vb "/run/$id.pgid" "$cmd" > "$ctl/$id.out" 2>&1 < /dev/null
      echo $? > "$ctl/$id.rc.tmp"; mv "$ctl/$id.rc.tmp" "$ctl/$id.rc" ) &
    pids[$id]=$!
  done
  for id in "${!pids[@]}"; do
    if [ -f "$ctl/$id.kill" ] && [ ! -f "$ctl/$id.rc" ]; then
      kill -KILL -- "-$(cat "/run/$id.pgid")" 2>/dev/null; rm -f "$ctl/$id.kill"
    fi
  done
  sleep 0.2
done
sync
echo o > /proc/sysrq-trigger
sleep 10
