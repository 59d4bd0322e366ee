# Real ModemManager 1.20 on the guest's system bus next to modemflash (issue 11):
# - MM running lists the emulated EM7565; `modemflash update` inhibits it through D-Bus for the
#   whole update (MM's log: inhibition set up for the modem's uid, then torn down by the call),
#   flashes, gives it back; `mmcli` lists the modem again with the new revision;
# - modemflash SIGKILLed mid-update: MM tears the inhibition down by itself (its log says the
#   owner disappeared from the bus);
# - MM stopped (it is D-Bus-activatable in the guest: Debian's service file) stays stopped
#   after devices, info, update and download; a Peer.Ping addressed to its name, as libqmi's
#   check does it, starts it (the control: the checks above could have started it).
# vbench-seconds: 650 (381 s measured with one TCG thread, quiet; 698-1560 before with one thread per vCPU)
vb_samples
vb_boot 1
vb_emulator 0 em7565
modem_up() { vb_wait_guest "$1" 120 '[ -e /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc ] && udevadm settle -t 30'; }
modem_up nodes || vb_fail "the EM7565 did not appear"
node="/dev/$(vb_guest node 'ls /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc/' >/dev/null; tail -1 <<<"$VB_OUT")"

# ModemManager as a daemon of its own (no systemd in the guest), debug log in /tmp/mm.log
start_mm() { vb_guest "start-mm$1" 'nohup setsid /usr/sbin/ModemManager --debug >> /tmp/mm.log 2>&1 < /dev/null & sleep 1; pidof ModemManager'; }
mm_lists() {  # mm_lists NAME: waits until mmcli lists a modem; its `mmcli -m any` in $VB_OUT
  vb_wait_guest "$1" 120 'mmcli -L 2>/dev/null | grep -q /Modem/' && vb_guest "$1-show" 'mmcli -m any'
}
mm_log() { vb_guest "mm-log-$1" 'cat /tmp/mm.log'; }

start_mm 1 || vb_fail "ModemManager did not start: $VB_OUT"
if mm_lists mm-lists; then
  vb_pass "ModemManager lists the emulated modem"
  grep -q "SWI9X50C_01.08.04.00" <<<"$VB_OUT" && vb_pass "MM shows revision 01.08.04.00" \
    || vb_fail "MM's revision before the update: $VB_OUT"
else
  vb_fail "ModemManager never listed the modem: $(mm_log listing; tail -40 <<<"$VB_OUT")"
fi

# the update, with ModemManager running: inhibit, flash, give back
rc=0; vb_guest update --timeout 900 ./modemflash update "$VB_SAMPLES/em7565" -d "$node" --json || rc=$?
vb_expect_exit "update with ModemManager running" 0 "$rc"
inhibit="$(grep '"event":"modemmanager"' <<<"$VB_OUT" | tail -1)"
[ "$(jq -r .outcome <<<"$inhibit" 2>/dev/null)" = inhibited ] && vb_pass "update inhibited the modem: $inhibit" \
  || vb_fail "no inhibition event: $VB_OUT"
uid="$(jq -r .uid <<<"$inhibit" 2>/dev/null)"
mm_log after-update
grep -q "device inhibition setup for uid '$uid'" <<<"$VB_OUT" && vb_pass "MM: inhibition set up for $uid" \
  || vb_fail "MM's log has no inhibition setup for $uid"
grep -q "device inhibition teardown for uid '$uid'\$" <<<"$VB_OUT" && vb_pass "MM: inhibition torn down by modemflash" \
  || vb_fail "MM's log has no teardown for $uid: $(grep -i inhibit <<<"$VB_OUT")"
if mm_lists mm-relists; then
  grep -q "SWI9X50C_01.14.04.00" <<<"$VB_OUT" && vb_pass "MM lists the modem again with the new revision 01.14.04.00" \
    || vb_fail "MM's revision after the update: $VB_OUT"
else
  vb_fail "ModemManager did not list the modem after the update"
fi
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00.cwe" \
  "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu" \
  && vb_pass "storage equals the package" || vb_fail "storage: $VB_OUT"

# ModemManager stopped stays stopped, whatever modemflash runs (update asks the bus, then stops
# at its plan: the MC7455 package does not fit the EM7565, exit 9)
vb_guest stop-mm 'kill $(pidof ModemManager); for i in $(seq 50); do pidof ModemManager >/dev/null || exit 0; sleep 0.2; done; exit 1' \
  || vb_fail "ModemManager did not stop"
rc=0
vb_guest stopped-stays-stopped --timeout 900 "./modemflash devices --json; ./modemflash info -d $node; \
  ./modemflash update $VB_SAMPLES/mc7455 -d $node --json | tail -1; \
  ./modemflash download $VB_SAMPLES/em7565 --port 1-1 --json | tail -1; \
  if pidof ModemManager; then echo 'ModemManager was started'; exit 1; fi; \
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.ModemManager1" || rc=$?
if [ "$rc" -eq 0 ] && grep -q "boolean false" <<<"$VB_OUT" && grep -q '"exit_code":9' <<<"$VB_OUT"; then
  vb_pass "ModemManager stayed stopped after devices, info, update (to its plan) and download"
else
  vb_fail "ModemManager was started by a modemflash command, or update did not get to its plan: $VB_OUT"
fi
rc=0; vb_guest control 'dbus-send --system --print-reply --dest=org.freedesktop.ModemManager1 /org/freedesktop/ModemManager1 org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1; for i in $(seq 100); do pidof ModemManager && exit 0; sleep 0.2; done; exit 1' || rc=$?
vb_expect_exit "control: a Peer.Ping addressed to ModemManager's name D-Bus-activates it" 0 "$rc"
vb_guest stop-mm-again 'kill $(pidof ModemManager) 2>/dev/null; for i in $(seq 50); do pidof ModemManager >/dev/null || exit 0; sleep 0.2; done; exit 1' || true

# SIGKILL mid-update: a modem that stalls in its download, ModemManager running (logging again)
vb_emulator_stop 0
rm -rf "$VB_RUN/storage-0"
vb_emulator 0 em7565 --fault stall:program
modem_up replug || vb_fail "the EM7565 did not come back"
: > /dev/null; vb_guest clear-log ': > /tmp/mm.log' || true
start_mm 2 || vb_fail "ModemManager did not start again: $VB_OUT"
mm_lists mm-lists-again >/dev/null || vb_fail "ModemManager did not list the replugged modem"
vb_guest_start update-killed ./modemflash update "$VB_SAMPLES/em7565" -d "$node" --json
killed="$VB_ID"
vb_wait_guest in-download 300 "grep -q '\"stage\":\"download\"' $VB_CTL/$killed.out 2>/dev/null && grep -q 'inhibition setup' /tmp/mm.log" \
  || vb_fail "the update never reached its download with the modem inhibited"
sleep 3
touch "$VB_CTL/$killed.kill"   # the agent SIGKILLs the command's process group
vb_guest_wait "$killed" 60 || true
if vb_wait_guest teardown 60 "grep -q 'teardown.*owner disappeared from bus' /tmp/mm.log"; then
  vb_pass "SIGKILL mid-update: MM ended the inhibition by itself (owner disappeared from bus)"
else
  mm_log teardown >/dev/null || true
  vb_fail "no teardown after the SIGKILL: $(grep -i inhibit <<<"$VB_OUT")"
fi
