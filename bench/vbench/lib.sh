# The virtual bench's host side, sourced by bench/vbench/vbench and by every scenario.
# A scenario is a bash script under scenarios/ run with these functions; it passes when it exits 0.
# Its tools: vb_boot (start the guest), vb_emulator (attach an emulated modem), vb_guest (run a
# command inside and get its exit code), vb_check/vb_fail (assertions), vb_unplug, vb_time.

vb_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vb_top="$(cd "$vb_here/../.." && pwd)"
VB_CACHE="${VBENCH_CACHE:-$vb_top/.vbench/cache}"
VB_JAR="$vb_top/updater/target/modemflash.jar"
# android-sdk-libsparse-utils: simg2img, which expands sparse images for Debian's qdl (03);
# libmbim-utils: mbimcli (10)
VB_PACKAGES=(qemu-system-x86 busybox-static cpio kmod udev libqmi-utils libqmi-proxy libmbim-utils qdl modemmanager dbus
  android-sdk-libsparse-utils)
# what the initramfs needs to mount the host root; udevd loads everything else from the same kernel
VB_INITRAMFS_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

vb_log() { printf 'vbench: %s\n' "$*" >&2; }
vb_die() { vb_log "$*"; exit 1; }
vb_now() { date +%s.%N; }
vb_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ------------------------------------------------------------------ set-up

vb_apt_install() {
  [ "${VBENCH_NO_INSTALL:-}" = 1 ] && return 0
  local need=() p sudo_cmd=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  vb_log "installing ${need[*]}"
  $sudo_cmd apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${need[@]}" >&2
}

# Debian's current kernel, unpacked (never installed) under the cache, with modules.dep made by
# depmod -b. Sets VB_KVER and VB_KDIR. Offline, an earlier unpack in the cache is used.
vb_kernel() {
  local pkg="" tmp
  if [ "${VBENCH_NO_INSTALL:-}" != 1 ]; then
    pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
    if [ -z "$pkg" ]; then
      apt-get update -q >&2 || true
      pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
    fi
  fi
  if [ -z "$pkg" ]; then  # no package lists: take what an earlier run unpacked
    VB_KDIR="$(ls -d "$VB_CACHE"/kernel-*/ 2>/dev/null | sort -V | tail -1)"
    [ -n "$VB_KDIR" ] || vb_die "no kernel package known to apt (linux-image-amd64) and none unpacked in $VB_CACHE"
    VB_KDIR="${VB_KDIR%/}"; VB_KVER="${VB_KDIR##*/kernel-}"
    return 0
  fi
  VB_KVER="${pkg#linux-image-}"
  VB_KDIR="$VB_CACHE/kernel-$VB_KVER"
  [ -f "$VB_KDIR/.unpacked" ] && return 0
  vb_log "unpacking $pkg into $VB_KDIR (not installed on this host)"
  tmp="$(mktemp -d "$VB_CACHE/download.XXXXXX")"; chmod 1777 "$tmp"  # apt-get download drops to _apt
  local deb
  deb="$(ls /var/cache/apt/archives/"${pkg}"_*.deb 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$deb" ]; then
    (cd "$tmp" && apt-get download -q "$pkg" >&2) || vb_die "apt-get download $pkg failed"
    deb="$(ls "$tmp"/*.deb)"
  fi
  rm -rf "$VB_KDIR" && mkdir -p "$VB_KDIR"
  dpkg-deb -x "$deb" "$VB_KDIR"
  rm -rf "$tmp"
  depmod -b "$VB_KDIR" "$VB_KVER"
  touch "$VB_KDIR/.unpacked"
}

# A busybox initramfs: mounts the host root over 9p under a tmpfs overlay, then hands over to
# guest-agent.sh from the host tree. Sets VB_INITRD.
vb_initramfs() {
  VB_INITRD="$VB_CACHE/initramfs-$VB_KVER.cpio.gz"
  if [ -f "$VB_INITRD" ] && [ "$VB_INITRD" -nt "$vb_here/initramfs-init" ] && [ "$VB_INITRD" -nt /bin/busybox ]; then
    return 0
  fi
  vb_log "building $VB_INITRD"
  local root; root="$(mktemp -d "$VB_CACHE/initramfs.XXXXXX")"
  mkdir -p "$root"/{bin,dev,proc,sys,modules,newroot,lower,rw}
  cp /bin/busybox "$root/bin/busybox"
  cp "$vb_here/initramfs-init" "$root/init" && chmod 755 "$root/init"
  local line ko
  : > "$root/modules/order"
  while read -r line; do
    case "$line" in
      insmod\ *) ko="$(awk '{ print $2 }' <<<"$line")"
        if ! grep -qx "$(basename "$ko")" "$root/modules/order"; then
          cp "$ko" "$root/modules/" && basename "$ko" >> "$root/modules/order"
        fi ;;
    esac
  done < <(for m in "${VB_INITRAMFS_MODULES[@]}"; do modprobe -d "$VB_KDIR" -S "$VB_KVER" --show-depends "$m"; done)
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$VB_INITRD.tmp"
  mv "$VB_INITRD.tmp" "$VB_INITRD"
  rm -rf "$root"
}

# The jar the guest runs (compiled on the host: a JVM start in the guest costs 7-20 s already).
vb_build() {
  [ "${VBENCH_NO_BUILD:-}" = 1 ] && { [ -f "$VB_JAR" ] || vb_die "no $VB_JAR (VBENCH_NO_BUILD=1)"; return 0; }
  "$vb_top/modemflash" --version >/dev/null || vb_die "the build failed"
}

vb_setup() {
  mkdir -p "$VB_CACHE"
  vb_apt_install "${VB_PACKAGES[@]}"
  vb_kernel
  vb_initramfs
  vb_build
  vb_log "ready: kernel $VB_KVER, initramfs $VB_INITRD"
}

vb_list() {
  local f
  for f in "$vb_here"/scenarios/*.sh; do basename "$f" .sh; done
}

# ------------------------------------------------------------------ one guest

# State of the running scenario: VB_RUN (its results dir), VB_CTL (the 9p command channel),
# VB_QEMU_PID, VB_EMULATORS (pids), VB_SEQ (command counter).
VB_EMULATORS=()
VB_SEQ=0

vb_timing() { printf '%-40s %8ss\n' "$1" "$2" >> "$VB_RUN/timings.txt"; }

# vb_boot [SLOTS [QEMU ARGS...]]: starts the guest with SLOTS usb-redir ports (default 1; sockets
# $VB_RUN/usb0.sock ...; the xhci bus is xhci.0) and waits until udevd runs and the agent answers.
vb_boot() {
  local slots="${1:-1}" i t0 accel=tcg
  [ $# -gt 0 ] && shift
  VB_CTL="$VB_RUN/ctl"; mkdir -p "$VB_CTL"
  # The guest's ~/.cache outlives its boot, as a machine's does: modemflash's per-command AppCDS
  # archives are made by a command's first run in any scenario and used by the later ones.
  local cds="$VB_CACHE/guest-cache"; mkdir -p "$cds"
  # Under TCG the vCPUs share one host thread (thread=single) unless VBENCH_TCG_THREAD=multi:
  # with multi-threaded TCG a guest JVM crashed now and then with SIGSEGV at the first byte of
  # a freshly compiled method (exit 134 in two scenarios of one CI run), the signature of a
  # vCPU running a stale translation of code another vCPU just rewrote in the code cache.
  local accel_args=(-accel "tcg,thread=${VBENCH_TCG_THREAD:-single}")
  if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; accel_args=(-accel kvm "${accel_args[@]}"); fi
  local args=(-machine q35 "${accel_args[@]}" -cpu max -m "${VBENCH_MEM:-2048}" -smp "${VBENCH_SMP:-2}"
    -nographic -no-reboot -nic none -serial "file:$VB_RUN/console.log"
    -monitor "unix:$VB_RUN/monitor.sock,server=on,wait=off"
    -kernel "$VB_KDIR/boot/vmlinuz-$VB_KVER" -initrd "$VB_INITRD"
    -append "console=ttyS0 panic=-1 loglevel=4 vb.ctl=$VB_CTL vb.top=$vb_top vb.kdir=$VB_KDIR vb.kver=$VB_KVER vb.cache=$cds"
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
    -virtfs "local,path=$VB_CTL,mount_tag=vbctl,security_model=none,multidevs=remap"
    -virtfs "local,path=$cds,mount_tag=vbcache,security_model=none,multidevs=remap"
    -device qemu-xhci,id=xhci)
  for ((i = 0; i < slots; i++)); do
    args+=(-chardev "socket,id=usbredir$i,path=$VB_RUN/usb$i.sock,server=on,wait=off"
      -device "usb-redir,chardev=usbredir$i,id=redir$i,bus=xhci.0")
  done
  args+=("$@")
  t0="$(vb_now)"
  qemu-system-x86_64 "${args[@]}" > "$VB_RUN/qemu.log" 2>&1 < /dev/null &
  VB_QEMU_PID=$!
  local limit="${VBENCH_BOOT_TIMEOUT:-600}" waited=0
  while [ ! -f "$VB_CTL/ready" ]; do
    kill -0 "$VB_QEMU_PID" 2>/dev/null || { tail -20 "$VB_RUN/console.log" >&2; cat "$VB_RUN/qemu.log" >&2; vb_die "QEMU exited during boot"; }
    [ "$waited" -ge $((limit * 5)) ] && { tail -20 "$VB_RUN/console.log" >&2; vb_die "the guest was not ready within ${limit} s"; }
    sleep 0.2; waited=$((waited + 1))
  done
  VB_BOOT_SECS="$(vb_secs "$t0" "$(vb_now)")"
  vb_timing "boot to ready (accel $accel)" "$VB_BOOT_SECS"
  vb_log "guest ready in ${VB_BOOT_SECS} s ($(cat "$VB_CTL/ready"))"
}

# vb_monitor COMMAND: one QEMU human-monitor command (device_del, device_add, info usb); prints its answer.
vb_monitor() {
  python3 - "$VB_RUN/monitor.sock" "$*" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
def until_prompt():
    b = b""
    while not b.endswith(b"(qemu) "):
        b += s.recv(4096)
    return b
until_prompt(); s.sendall(sys.argv[2].encode() + b"\n")
print(until_prompt().decode(errors="replace").replace("\r", "").split("\n", 1)[-1].rsplit("(qemu)", 1)[0], end="")
PY
}

# vb_guest_start NAME COMMAND...: starts a command in the guest (a bash script, cwd = the
# repository, modemflash runs the host-built jar); sets VB_ID for vb_guest_wait.
vb_guest_start() {
  local name="$1"; shift
  VB_SEQ=$((VB_SEQ + 1))
  VB_ID="$(printf '%03d-%s' "$VB_SEQ" "$name")"
  printf '%s\n' "$*" > "$VB_CTL/$VB_ID.tmp"
  mv "$VB_CTL/$VB_ID.tmp" "$VB_CTL/$VB_ID.cmd"
  vb_now > "$VB_RUN/.t0-$VB_ID"
}

# vb_guest_wait ID [TIMEOUT_S]: waits for a started command; its output goes to the scenario's
# log and to $VB_OUT; returns its exit code (124 when it outlived TIMEOUT_S).
vb_guest_wait() {
  local id="$1" limit="${2:-600}" n=0
  while [ ! -f "$VB_CTL/$id.rc" ]; do
    if [ "$n" -ge $((limit * 5)) ]; then
      touch "$VB_CTL/$id.kill"; sleep 2
      VB_OUT="$(cat "$VB_CTL/$id.out" 2>/dev/null || true)"
      vb_log "$id: no exit within ${limit} s"
      return 124
    fi
    kill -0 "$VB_QEMU_PID" 2>/dev/null || vb_die "QEMU died while $id ran"
    sleep 0.2; n=$((n + 1))
  done
  local rc; rc="$(cat "$VB_CTL/$id.rc")"
  VB_OUT="$(cat "$VB_CTL/$id.out")"
  VB_SECS="$(vb_secs "$(cat "$VB_RUN/.t0-$id")" "$(vb_now)")"  # host clock, 0.2 s resolution
  vb_timing "$id (exit $rc)" "$VB_SECS"
  { printf '\n=== %s (exit %s, %s s)\n$ %s\n' "$id" "$rc" "$VB_SECS" "$(cat "$VB_CTL/$id.cmd")"; cat "$VB_CTL/$id.out"; } >> "$VB_RUN/guest.log"
  return "$rc"
}

# vb_guest NAME [--timeout S] COMMAND...: runs a command in the guest and returns its exit code;
# its combined output is in $VB_OUT.
vb_guest() {
  local name="$1" limit=600; shift
  if [ "${1:-}" = --timeout ]; then limit="$2"; shift 2; fi
  vb_guest_start "$name" "$@"
  vb_guest_wait "$VB_ID" "$limit"
}

# vb_emulator SLOT PROFILE [ARGS...]: the emulator on the host, attached to usb-redir port SLOT;
# storage in $VB_RUN/storage-SLOT unless ARGS name one; log in $VB_RUN/emulator-SLOT.log.
vb_emulator() {
  local slot="$1" profile="$2"; shift 2
  local storage=(--storage "$VB_RUN/storage-$slot")
  case " $* " in *" --storage "*) storage=() ;; esac
  mkdir -p "$VB_RUN/storage-$slot"
  java -Djna.tmpdir="$vb_top/updater/target/jna" -jar "$VB_JAR" emulate --profile "$profile" \
    --usbredir "$VB_RUN/usb$slot.sock" "${storage[@]}" "$@" >> "$VB_RUN/emulator-$slot.log" 2>&1 &
  VB_EMULATORS[$slot]=$!
}

vb_emulator_stop() {
  local slot="$1" pid="${VB_EMULATORS[$1]:-}"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "VB_EMULATORS[$slot]"
}

# vb_wait_guest NAME TIMEOUT_S CONDITION: polls a shell condition inside the guest (one bash, no JVM).
vb_wait_guest() {
  local name="$1" limit="$2"; shift 2
  vb_guest "$name" --timeout $((limit + 30)) "for i in \$(seq $((limit * 5))); do if $*; then exit 0; fi; sleep 0.2; done; exit 1"
}

# ------------------------------------------------------------------ assertions

VB_FAILED=0
vb_pass() { printf 'ok   %s\n' "$*" | tee -a "$VB_RUN/checks.txt" >&2; }
vb_fail() { printf 'FAIL %s\n' "$*" | tee -a "$VB_RUN/checks.txt" >&2; VB_FAILED=1; }
# vb_check DESCRIPTION COMMAND...: a host-side assertion.
vb_check() {
  local what="$1"; shift
  if "$@"; then vb_pass "$what"; else vb_fail "$what"; fi
}
# vb_expect_exit DESCRIPTION WANTED ACTUAL
vb_expect_exit() {
  if [ "$3" = "$2" ]; then vb_pass "$1 (exit $3)"; else vb_fail "$1: exit $3, wanted $2"; vb_why; fi
}
# vb_why: after a wrong exit, what the last guest command said, so that a CI log tells the story:
# a guest JVM's fatal error (its frame and signal, from the hs_err file the guest agent points
# at the results), else the result's message, else its last lines.
vb_why() {
  local hs msg
  if grep -q 'fatal error has been detected' <<<"${VB_OUT:-}"; then
    printf '     the guest JVM crashed: %s\n' "$(grep -m1 -E '^# +(SIG[A-Z]+|Internal Error)' <<<"$VB_OUT" | sed 's/^# *//')" >&2
    printf '     %s\n' "$(grep -A1 -m1 'Problematic frame' <<<"$VB_OUT" | tail -1 | sed 's/^# *//')" >&2
    hs="$(grep -o "$VB_CTL/hs_err_pid[0-9]*.log" <<<"$VB_OUT" | head -1)"
    if [ -n "$hs" ] && [ -f "$hs" ]; then
      grep -m1 -E '^siginfo:' "$hs" | sed 's/^/     /' >&2
      grep -m1 -A3 -E '^Instructions: ' "$hs" | sed 's/^/     /' >&2
      grep -m1 -E '^(Event: .*(made not entrant|deoptimiz))' "$hs" | sed 's/^/     last: /' >&2 || true
    fi
    return 0
  fi
  msg="$(grep '"event":"result"' <<<"${VB_OUT:-}" | jq -r 'select(.message != null) | .message' 2>/dev/null | tail -1)"
  if [ -n "$msg" ]; then printf '     says: %s\n' "$msg" >&2; else tail -5 <<<"${VB_OUT:-}" | sed 's/^/     | /' >&2; fi
}
vb_contains() { grep -qF -- "$2" <<<"$1"; }

# ------------------------------------------------------------------ running scenarios

vb_cleanup() {
  local slot
  for slot in "${!VB_EMULATORS[@]}"; do vb_emulator_stop "$slot"; done
  if [ -n "${VB_QEMU_PID:-}" ] && kill -0 "$VB_QEMU_PID" 2>/dev/null; then
    touch "$VB_CTL/poweroff"
    local n=0
    while kill -0 "$VB_QEMU_PID" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    kill "$VB_QEMU_PID" 2>/dev/null || true
    wait "$VB_QEMU_PID" 2>/dev/null || true
  fi
}

# One scenario in a child shell: boots, runs, powers off; its verdict is its exit code.
vb_run_one() {
  local name="$1" script="$vb_here/scenarios/$1.sh"
  [ -f "$script" ] || vb_die "no scenario $name (vbench list)"
  VB_RUN="$VB_RESULTS/$name"
  rm -rf "$VB_RUN" && mkdir -p "$VB_RUN"
  (
    trap vb_cleanup EXIT
    trap "exit 143" TERM INT  # so that EXIT cleans up (QEMU, emulators) on a signal too
    set -euo pipefail
    VB_SCENARIO="$name"
    . "$script"
    exit "$VB_FAILED"
  ) > >(tee -a "$VB_RUN/scenario.log") 2>&1
}

vb_run_scenarios() {
  vb_setup
  VB_RESULTS="${VBENCH_RESULTS:-$vb_top/.vbench/results/$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$VB_RESULTS"
  local name t0 secs rc passed=0 failed=0
  for name in "$@"; do
    vb_log "scenario $name (results in $VB_RESULTS/$name)"
    t0="$(vb_now)"
    rc=0; vb_run_one "$name" || rc=$?
    secs="$(vb_secs "$t0" "$(vb_now)")"
    if [ "$rc" -eq 0 ]; then verdict=PASS; passed=$((passed + 1)); else verdict=FAIL; failed=$((failed + 1)); fi
    printf '%-4s %-36s %7ss\n' "$verdict" "$name" "$secs" | tee -a "$VB_RESULTS/summary.txt" >&2
  done
  echo "vbench: $passed passed, $failed failed" | tee -a "$VB_RESULTS/summary.txt" >&2
  [ "$failed" -eq 0 ]
}

# QEMU can start here at all (TCG needs no /dev/kvm): the only reason CI may skip the bench.
vb_qemu_starts() {
  command -v qemu-system-x86_64 >/dev/null || return 1
  timeout 60 qemu-system-x86_64 -machine none -nodefaults -display none -S -monitor none -serial none \
    -qmp stdio <<<'{"execute":"qmp_capabilities"}{"execute":"quit"}' >/dev/null 2>&1
}

# What a scenario usually takes on 2 idle cores under TCG: its "# vbench-seconds: N" line.
vb_cost() { sed -n 's/^# vbench-seconds: *\([0-9][0-9]*\).*/\1/p' "$vb_here/scenarios/$1.sh" | head -1; }

# CI: every scenario in bench/vbench/ci-order (then any other), within VBENCH_CI_BUDGET_S seconds
# when set (.ci/run gives the bench what is left of CI's 45 minutes): a scenario whose usual time
# no longer fits is not started, and says so. Those listed in ./pending (waiting for another
# branch) are reported but do not fail the run. Ends with the plain "N passed, N failed" line.
vb_ci() {
  local start; start="$(date +%s)"  # the budget covers installing and setting up too
  vb_apt_install "${VB_PACKAGES[@]}"
  if ! vb_qemu_starts; then
    echo "vbench: SKIPPED: QEMU cannot start on this machine (qemu-system-x86_64 -machine none failed); no bench scenario ran"
    return 0
  fi
  local -a order=() all=()
  mapfile -t order < <(grep -v '^#' "$vb_here/ci-order" | awk 'NF { print $1 }')
  mapfile -t all < <(vb_list)
  local name
  for name in "${all[@]}"; do
    [[ " ${order[*]} " == *" $name "* ]] || order+=("$name")
  done
  VB_RESULTS="${VBENCH_RESULTS:-$vb_top/.vbench/results/$(date +%Y%m%d-%H%M%S)}"
  export VBENCH_RESULTS="$VB_RESULTS"; mkdir -p "$VB_RESULTS"
  local budget="${VBENCH_CI_BUDGET_S:-}" cost left notrun=0
  for name in "${order[@]}"; do
    if [ -n "$budget" ]; then
      cost="$(vb_cost "$name")"; cost="${cost:-600}"
      left=$((budget - ($(date +%s) - start)))
      if [ "$cost" -gt "$left" ]; then
        echo "vbench: $name not run in CI: it usually takes ${cost} s and ${left} s are left of CI's budget (bench/vbench/vbench run $name runs it)" \
          | tee -a "$VB_RESULTS/not-run.txt"
        notrun=$((notrun + 1)); continue
      fi
    fi
    vb_run_scenarios "$name" || true
  done
  local verdict passed=0 failed=0 waiting=0 reason
  while read -r verdict name _; do
    case "$verdict" in PASS|FAIL) ;; *) continue ;; esac
    reason="$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ +/, ""); print }' "$vb_here/pending")"
    if [ "$verdict" = PASS ]; then
      passed=$((passed + 1))
      [ -n "$reason" ] && echo "vbench: $name passes now: remove it from bench/vbench/pending"
    elif [ -n "$reason" ]; then
      waiting=$((waiting + 1)); echo "vbench: $name FAIL (pending, not counted: $reason)"
    else
      failed=$((failed + 1)); echo "vbench: $name FAIL"
    fi
  done < <(cat "$VB_RESULTS/summary.txt" 2>/dev/null)
  echo "vbench: results in $VB_RESULTS"
  echo "vbench: $passed passed, $failed failed, $waiting pending, $notrun not run (budget)"
  [ "$failed" -eq 0 ]
}

# Interactive: each line read on stdin runs in the guest; its output and exit code are printed.
vb_shell() {
  vb_setup
  VB_RESULTS="${VBENCH_RESULTS:-$vb_top/.vbench/results/shell-$(date +%Y%m%d-%H%M%S)}"
  VB_RUN="$VB_RESULTS"; mkdir -p "$VB_RUN"
  trap vb_cleanup EXIT
  vb_boot "${VBENCH_SLOTS:-1}"
  local line rc
  while IFS= read -r -p 'vbench guest$ ' line; do
    [ -n "$line" ] || continue
    rc=0; vb_guest shell "$line" || rc=$?
    printf '%s\n[exit %s]\n' "$VB_OUT" "$rc"
  done
}

# ------------------------------------------------------------------ samples and storage

# vb_cuse_program: bench/vbench/qcqmi-cuse.c built on the host (the guest runs it from the host
# root); sets VB_CUSE. Needs gcc and libfuse3-dev (installed here when missing).
vb_cuse_program() {
  VB_CUSE="$VB_CACHE/qcqmi-cuse"
  [ -x "$VB_CUSE" ] && [ "$VB_CUSE" -nt "$vb_here/qcqmi-cuse.c" ] && return 0
  vb_apt_install gcc libc6-dev pkg-config libfuse3-dev
  gcc -O2 -Wall -o "$VB_CUSE.tmp" "$vb_here/qcqmi-cuse.c" $(pkg-config --cflags --libs fuse3) -lpthread \
    && mv "$VB_CUSE.tmp" "$VB_CUSE"
}

# vb_samples: the test-vectors sample packages, written once per run under $VB_RESULTS/samples.
vb_samples() {
  VB_SAMPLES="$VB_RESULTS/samples"
  [ -f "$VB_SAMPLES/.done" ] && return 0
  java -cp "$VB_JAR" io.modemflash.vectors.samples.SamplePackages "$VB_SAMPLES" >/dev/null && touch "$VB_SAMPLES/.done"
}

# vb_storage_equals edl PACKAGE_DIR STORAGE_DIR | cwe STORAGE_DIR IMAGE...: byte-for-byte check on the host.
vb_storage_equals() {
  local out rc=0
  out="$(java -cp "$VB_JAR" "$vb_here/StorageCompare.java" "$@" 2>&1)" || rc=$?
  echo "$out" >> "$VB_RUN/storage.txt"
  VB_OUT="$out"
  return "$rc"
}

# Updates in the guest pass --timeout plan=120: the plan stage's 10 s limit (no device I/O,
# cold JIT) was overrun once (10.6 s) in a TCG guest on a loaded machine.

# vb_result: the last per-device result event of $VB_OUT (its message, stage, firmware), or the
# run's overall result (the last line, no device) when there is none.
vb_result() {
  local r; r="$(grep '^{"event":"result","device"' <<<"$VB_OUT" | tail -1)"
  [ -n "$r" ] || r="$(grep '"event":"result"' <<<"$VB_OUT" | tail -1)"
  printf '%s\n' "$r"
}
# vb_result_ok: that result says ok, and so does the run's overall result.
vb_result_ok() {
  vb_result | jq -e '.ok == true' >/dev/null 2>&1 \
    && grep '"event":"result"' <<<"$VB_OUT" | tail -1 | jq -e '.ok == true' >/dev/null 2>&1
}
vb_result_field() { vb_result | jq -r "$1 // empty" 2>/dev/null; }
