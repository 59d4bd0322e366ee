# The EM7565 in its MBIM composition as a real USB device (issue 11; emulate --mbim --usbredir):
# the guest kernel's cdc_mbim binds its CDC MBIM function (functional descriptors, NCM requests,
# the data interface's alternate setting 1), `mbimcli -d /dev/cdc-wdmN --query-device-caps`
# works through it, `modemflash info -d /dev/cdc-wdmN` reads the modem over QMI inside MBIM, and
# `modemflash update` flashes the sample package through real re-enumeration (MBIM -> download
# mode -> MBIM again), verifies over MBIM, and the storage equals the package byte for byte.
# vbench-seconds: 341
vb_samples
vb_boot 1
vb_emulator 0 em7565 --mbim
mbim_up() {  # mbim_up NAME: the MBIM control interface bound to cdc_mbim with its cdc-wdm node
  vb_wait_guest "$1" 120 '[ -e /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc ] && udevadm settle -t 30'
}
mbim_up nodes || vb_fail "the EM7565 (MBIM) did not get a cdc-wdm node"

vb_guest drivers 'for i in 8 9; do printf "%s " "$i"; basename "$(readlink /sys/bus/usb/devices/1-1/1-1:1.$i/driver)"; done
  ls /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc/; cat /sys/bus/usb/devices/1-1/1-1:1.9/bAlternateSetting' || true
if grep -qx "8 cdc_mbim" <<<"$VB_OUT" && grep -qx "9 cdc_mbim" <<<"$VB_OUT"; then
  vb_pass "cdc_mbim binds the MBIM control interface 8 and its data interface 9"
else
  vb_fail "drivers of interfaces 8 and 9: $VB_OUT"
fi
node="/dev/$(grep -m1 '^cdc-wdm' <<<"$VB_OUT" || true)"

rc=0; vb_guest mbimcli "mbimcli -d $node --query-device-caps" || rc=$?
vb_expect_exit "mbimcli -d $node --query-device-caps" 0 "$rc"
grep -q "SWI9X50C_01.08.04.00" <<<"$VB_OUT" && grep -q "353906098765432" <<<"$VB_OUT" \
  && vb_pass "mbimcli reads the firmware and IMEI of the emulated EM7565" || vb_fail "mbimcli: $VB_OUT"

rc=0; vb_guest info ./modemflash info -d "$node" --json || rc=$?
vb_expect_exit "info -d $node over MBIM" 0 "$rc"
info="$(grep '"event":"info"' <<<"$VB_OUT" || true)"
[ "$(jq -r .revision <<<"$info" 2>/dev/null)" = "SWI9X50C_01.08.04.00 dbb5b3 jenkins 2018/08/21 21:40:11" ] \
  && [ "$(jq -r .ids.imei <<<"$info" 2>/dev/null)" = 353906098765432 ] \
  && vb_pass "info over MBIM: revision and IMEI of the emulated EM7565" || vb_fail "info: $VB_OUT"

rc=0
vb_guest update --timeout 900 ./modemflash update "$VB_SAMPLES/em7565" -d "$node" --json --timeout plan=120 || rc=$?
vb_expect_exit "update -d $node over MBIM" 0 "$rc"
device_result="$(grep '"event":"result","device"' <<<"$VB_OUT" | tail -1)"
if vb_result_ok && grep -q '"stage":"verify","ok":true' <<<"$VB_OUT" \
  && [ "$(jq -r .running <<<"$device_result" 2>/dev/null)" = 01.14.04.00 ]; then
  vb_pass "update over MBIM verified: the modem runs 01.14.04.00"
else
  vb_fail "update: $(grep '"event":"result"' <<<"$VB_OUT" | tail -2)"
fi
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00.cwe" \
  "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu" \
  && vb_pass "storage equals the package" || vb_fail "storage: $VB_OUT"

# back in its MBIM composition after the update: cdc_mbim again, the new firmware over MBIM
mbim_up back || vb_fail "the EM7565 did not come back in MBIM mode"
rc=0; vb_guest mbimcli-after "mbimcli -d /dev/\$(ls /sys/bus/usb/devices/1-1/1-1:1.8/usbmisc/) --query-device-caps" || rc=$?
grep -q "SWI9X50C_01.14.04.00" <<<"$VB_OUT" && vb_pass "mbimcli after the update: firmware 01.14.04.00" \
  || vb_fail "mbimcli after the update (exit $rc): $VB_OUT"
