# A stuck device: the update's JVM is killed (SIGKILL) in the middle of the image transfer, so
# the device is left mid-protocol (Sierra QDL between chunks; Firehose in raw mode, the
# programmer running). The same command recovers it without a power cycle: QDL by resyncing
# HDLC, Firehose by probing the running programmer; it completes, storage equals the package
# and the modem comes back verified. MC7455 and the EDL part.
# vbench-seconds: 640 (the longest measured here, load average 10-20)
vb_samples
vb_boot 2
vb_emulator 0 mc7455
vb_emulator 1 edl
vb_wait_guest nodes 120 '[ $(ls /sys/class/usbmisc 2>/dev/null | grep -c cdc-wdm) -ge 2 ] && udevadm settle -t 30' \
  || vb_fail "two cdc-wdm nodes did not appear"
node_of() { vb_guest "node-$1" "ls /sys/bus/usb/devices/1-$1/*/usbmisc/"; echo "/dev/$(tail -1 <<<"$VB_OUT")"; }

recover() {  # recover NAME SLOT PACKAGE
  local name="$1" slot="$2" pkg="$3" node rc
  node="$(node_of $((slot + 1)))"
  # the JVM runs in the background of one guest command: it is killed with SIGKILL as soon as
  # its JSON says an image transfer is under way (the first progress event)
  rc=0; vb_guest "$name-killed" --timeout 900 "./modemflash update $pkg -d $node --json --timeout plan=120 > /tmp/$name.json 2>&1 &
    pid=\$!
    for i in \$(seq 3000); do grep -q '\"event\":\"progress\"\|\"what\":\"started\"' /tmp/$name.json && break; sleep 0.1; done
    kill -KILL \$pid; wait \$pid; echo \"exit \$?\"; cat /tmp/$name.json" || rc=$?
  vb_contains "$VB_OUT" "exit 137" && vb_pass "$name: killed mid-transfer" || vb_fail "$name: not killed mid-transfer: $VB_OUT"
  rc=0; vb_guest "$name-again" --timeout 900 ./modemflash update "$pkg" -d "$node" --json --timeout plan=120 || rc=$?
  vb_expect_exit "$name: the same command after SIGKILL" 0 "$rc"
  vb_result_ok && vb_pass "$name: result ok" || vb_fail "$name: $(vb_result)"
  grep -q '"stage":"verify","ok":true' <<<"$VB_OUT" && vb_pass "$name: verified" || vb_fail "$name: not verified"
}

recover mc7455 0 "$VB_SAMPLES/mc7455"
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk" \
  && vb_pass "mc7455 storage equals the package" || vb_fail "mc7455 storage: $VB_OUT"
recover edl 1 "$VB_SAMPLES/edl"
vb_storage_equals edl "$VB_SAMPLES/edl" "$VB_RUN/storage-1" \
  && vb_pass "edl storage equals ExpectedStorage" || vb_fail "edl storage: $VB_OUT"
