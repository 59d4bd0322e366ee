# Unplug mid-download: once part of the image arrived the emulator is pulled off the bus (a
# real usbredir device_disconnect) and plugged back 2 s later in download mode
# (--fault unplug:download:N:2, the emulator's unplug control). The interrupted update exits 10 saying the
# device disconnected during download and that the same command continues; the same command
# run again (its -d node is gone: the journal's USB port leads to the device) completes,
# storage equals the package and the modem comes back verified. MC7455 (QDL on the tty) and
# the EDL part (Firehose over USB).
# vbench-seconds: 620 (the longest measured here, load average 10-20)
vb_samples
vb_boot 2
vb_emulator 0 mc7455 --fault unplug:download:100000:2
vb_emulator 1 edl --fault unplug:download:300000:2
vb_wait_guest nodes 120 '[ $(ls /sys/class/usbmisc 2>/dev/null | grep -c cdc-wdm) -ge 2 ] && udevadm settle -t 30' \
  || vb_fail "two cdc-wdm nodes did not appear"
node_of() { vb_guest "node-$1" "ls /sys/bus/usb/devices/1-$1/*/usbmisc/"; echo "/dev/$(tail -1 <<<"$VB_OUT")"; }

resume() {  # resume NAME SLOT PACKAGE
  local name="$1" slot="$2" pkg="$3" node rc
  node="$(node_of $((slot + 1)))"
  rc=0; vb_guest "$name-interrupted" --timeout 900 ./modemflash update "$pkg" -d "$node" --json --timeout plan=120 || rc=$?
  vb_expect_exit "$name: the interrupted update" 10 "$rc"
  msg="$(vb_result_field .message)"
  if vb_contains "$msg" "disconnected during download" && vb_contains "$msg" "same command"; then
    vb_pass "$name: says '$msg'"
  else
    vb_fail "$name: message '$msg' does not say the device disconnected during download and that the same command continues"
  fi
  rc=0; vb_guest "$name-again" --timeout 900 ./modemflash update "$pkg" -d "$node" --json --timeout plan=120 || rc=$?
  vb_expect_exit "$name: the same command again" 0 "$rc"
  vb_result_ok && vb_pass "$name: result ok" || vb_fail "$name: $(vb_result)"
  grep -q '"stage":"verify","ok":true' <<<"$VB_OUT" && vb_pass "$name: verified" || vb_fail "$name: not verified"
}

resume mc7455 0 "$VB_SAMPLES/mc7455"
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk" \
  && vb_pass "mc7455 storage equals the package" || vb_fail "mc7455 storage: $VB_OUT"
resume edl 1 "$VB_SAMPLES/edl"
vb_storage_equals edl "$VB_SAMPLES/edl" "$VB_RUN/storage-1" \
  && vb_pass "edl storage equals ExpectedStorage" || vb_fail "edl storage: $VB_OUT"
