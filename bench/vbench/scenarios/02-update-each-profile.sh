# `modemflash update` of each profile's sample package through real re-enumeration in the
# guest: MC7455 into boot-and-hold 1199:9070 over the qcserial tty (Sierra QDL), EM7565 into
# 1199:9090 (Sahara command mode + Firehose, claimed over USB), the EDL part into 05c6:9008
# (Sahara programmer upload + Firehose over usb4java, qcserial detached); with a boot-and-hold
# option of the emulator, also the MC7455 staying 1199:9071 with one ff/ff/ff interface.
# Storage equals the package byte for byte; the modem comes back on the new firmware.
vb_samples
vb_boot 3
vb_emulator 0 mc7455
vb_emulator 1 em7565
vb_emulator 2 edl
vb_wait_guest nodes 120 '[ $(ls /sys/class/usbmisc 2>/dev/null | grep -c cdc-wdm) -ge 3 ] && udevadm settle -t 30' \
  || vb_fail "three cdc-wdm nodes did not appear"

# which cdc-wdm is which modem: by USB port (slot N is xhci port N+1, bus 1)
node_of() { vb_guest "node-$1" "ls /sys/bus/usb/devices/1-$1/*/usbmisc/"; echo "/dev/$(tail -1 <<<"$VB_OUT")"; }

update() {  # update NAME SLOT PACKAGE: one update in the guest; its output in $VB_OUT
  local name="$1" slot="$2" pkg="$3" node
  node="$(node_of $((slot + 1)))"
  vb_guest "update-$name" --timeout 900 ./modemflash update "$pkg" -d "$node" --json
  local rc=$?
  vb_expect_exit "update $name ($node, $(basename "$pkg"))" 0 "$rc"
  if vb_result_ok; then vb_pass "$name: result ok, stage $(vb_result_field .stage)"; else vb_fail "$name: result not ok: $(grep '"event":"result"' <<<"$VB_OUT" | tail -1)"; fi
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

# MC7455 that keeps its application id in boot-and-hold: the emulator's option, when it has one
hold_opt="$(java -jar "$VB_JAR" emulate --help 2>&1 | grep -oE -- '--boot-and-hold[a-z-]*' | head -1 || true)"
if [ -n "$hold_opt" ]; then
  vb_emulator_stop 0
  rm -rf "$VB_RUN/storage-0"
  vb_emulator 0 mc7455 "$hold_opt"
  vb_wait_guest replug 120 '[ -e /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc ] && udevadm settle -t 30' || vb_fail "mc7455 did not come back"
  update mc7455-9071 0 "$VB_SAMPLES/mc7455"
  grep -q '"usb_id":"1199:9071","mode":"download"\|1199:9071.*download' <<<"$VB_OUT" && vb_pass "mc7455 seen in download mode as 1199:9071" || vb_fail "mc7455 never seen in download mode as 1199:9071"
  vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk" \
    && vb_pass "mc7455 (9071) storage equals the package" || vb_fail "mc7455 (9071) storage: $VB_OUT"
else
  vb_fail "the emulator has no boot-and-hold option keeping the application id yet (usbredir milestone): 1199:9071 not run"
fi
