# `modemflash update` of each profile's sample package through real re-enumeration in the
# guest: MC7455 into boot-and-hold 1199:9070 over the qcserial tty (Sierra QDL), EM7565 into
# 1199:9090 (Sahara command mode + Firehose, claimed over USB), the EDL part into 05c6:9008
# (Sahara programmer upload + Firehose over usb4java, qcserial detached); then the MC7455
# staying 1199:9071 in boot-and-hold with one ff/ff/ff interface (emulate --boot-id app).
# Storage equals the package byte for byte; the modem comes back on the new firmware.
# vbench-seconds: 640 (the longest measured here, load average 10-20)
vb_samples
vb_boot 3
# strict-echo: a boot target answers bytes of its own coming back (a tty in cooked mode) as a
# strict boot ROM would, with an error
vb_emulator 0 mc7455 --fault strict-echo
vb_emulator 1 em7565 --fault strict-echo
vb_emulator 2 edl --fault strict-echo
vb_wait_guest nodes 120 '[ $(ls /sys/class/usbmisc 2>/dev/null | grep -c cdc-wdm) -ge 3 ] && udevadm settle -t 30' \
  || vb_fail "three cdc-wdm nodes did not appear"

# which cdc-wdm is which modem: by USB port (slot N is xhci port N+1, bus 1)
node_of() { vb_guest "node-$1" "ls /sys/bus/usb/devices/1-$1/*/usbmisc/"; echo "/dev/$(tail -1 <<<"$VB_OUT")"; }

update() {  # update NAME SLOT PACKAGE: one update in the guest; its output in $VB_OUT
  local name="$1" slot="$2" pkg="$3" node
  node="$(node_of $((slot + 1)))"
  vb_guest "update-$name" --timeout 900 ./modemflash update "$pkg" -d "$node" --json --timeout plan=120
  local rc=$?
  vb_expect_exit "update $name ($node, $(basename "$pkg"))" 0 "$rc"
  if vb_result_ok; then vb_pass "$name: result ok, stage $(vb_result_field .stage)"; else vb_fail "$name: result not ok: $(vb_result)"; fi
  grep -q '"stage":"verify"' <<<"$VB_OUT" && vb_pass "$name: verify stage ran" || vb_fail "$name: no verify stage"
}

update mc7455-9070 0 "$VB_SAMPLES/mc7455"
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk" \
  && vb_pass "mc7455 storage equals the package" || vb_fail "mc7455 storage: $VB_OUT"

update em7565 1 "$VB_SAMPLES/em7565"
vb_storage_equals cwe "$VB_RUN/storage-1" "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00.cwe" \
  "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu" \
  && vb_pass "em7565 storage equals the package" || vb_fail "em7565 storage: $VB_OUT"

update edl 2 "$VB_SAMPLES/edl"
vb_storage_equals edl "$VB_SAMPLES/edl" "$VB_RUN/storage-2" \
  && vb_pass "edl storage equals ExpectedStorage" || vb_fail "edl storage: $VB_OUT"

# MC7455 that keeps its application id in boot-and-hold (emulate --boot-id app)
vb_emulator_stop 0
rm -rf "$VB_RUN/storage-0"
vb_emulator 0 mc7455 --boot-id app --fault strict-echo
vb_wait_guest replug 120 '[ -e /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc ] && udevadm settle -t 30' || vb_fail "mc7455 did not come back"
update mc7455-9071 0 "$VB_SAMPLES/mc7455"
grep '"stage":"await-download-device"' <<<"$VB_OUT" | grep -q '"usb_id":"1199:9071","mode":"download"' \
  && vb_pass "mc7455 found in download mode as 1199:9071" || vb_fail "mc7455 not found in download mode as 1199:9071"
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk" \
  && vb_pass "mc7455 (9071) storage equals the package" || vb_fail "mc7455 (9071) storage: $VB_OUT"

# no device byte echoed back by a tty in any of these runs (the emulator notices and logs it)
if grep -q "echoed the device's own output" "$VB_RUN"/emulator-*.log; then vb_fail "a device saw its own bytes echoed: $(grep -h "echoed the device's own output" "$VB_RUN"/emulator-*.log | head -3)"
else vb_pass "no device saw its bytes echoed"; fi
