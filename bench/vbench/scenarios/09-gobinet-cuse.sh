# GobiNet through a real character device (issue 11): /dev/qcqmi0 is served in the guest through
# CUSE (bench/vbench/qcqmi-cuse.c), so open/ioctl/poll/read/write are real system calls; the CUSE
# program reaches the emulator's GobiNet driver (emulate --gobinet) over a virtio-serial port. As
# with the vendor driver, qmi_wwan is kept off the modem. `devices` places qcqmi0 on the modem
# (by the VID:PID its driver reports), `info -d /dev/qcqmi0` agrees with the emulator, and
# `update -d /dev/qcqmi0` flashes through real re-enumeration and verifies over GobiNet.
# vbench-seconds: 330 (197 s measured with one TCG thread, quiet; 660 before with one thread per vCPU, load 10-20)
vb_samples
vb_cuse_program || vb_die "cannot build qcqmi-cuse"
port=org.modemflash.gobinet
vb_boot 1 -device virtio-serial-pci -chardev "socket,id=gobinet,path=$VB_RUN/gobinet.sock,server=on,wait=off" \
  -device "virtserialport,chardev=gobinet,name=$port"
vb_emulator 0 em7565 --gobinet "$VB_RUN/gobinet.sock"
vb_wait_guest tty 120 '[ -e /sys/bus/usb/devices/1-1/1-1:1.8 ] && udevadm settle -t 30' || vb_fail "the EM7565 did not appear"
rc=0
vb_guest gobinet-setup "echo 'install qmi_wwan /bin/true' > /etc/modprobe.d/vbench-gobinet.conf
  modprobe -r qmi_wwan 2>&1 || true
  modprobe cuse
  for i in \$(seq 100); do [ -e /dev/virtio-ports/$port ] && break; sleep 0.2; done
  nohup setsid $VB_CUSE --name qcqmi0 --port /dev/virtio-ports/$port -f > /tmp/cuse.log 2>&1 < /dev/null &
  for i in \$(seq 100); do [ -c /dev/qcqmi0 ] && break; sleep 0.2; done
  ls -l /dev/qcqmi0 /dev/virtio-ports/ /sys/class/usbmisc/ 2>&1; cat /tmp/cuse.log; [ -c /dev/qcqmi0 ]" || rc=$?
vb_expect_exit "/dev/qcqmi0 served through CUSE, qmi_wwan off the modem" 0 "$rc"

rc=0; vb_guest devices ./modemflash devices --json || rc=$?
line="$(grep '"event":"device"' <<<"$VB_OUT" | grep '"usb_id":"1199:9091"' || true)"
[ "$(jq -r .qmi <<<"$line" 2>/dev/null)" = /dev/qcqmi0 ] && vb_pass "devices places /dev/qcqmi0 on the EM7565" \
  || vb_fail "devices: $VB_OUT"

rc=0; vb_guest info ./modemflash info -d /dev/qcqmi0 --json || rc=$?
vb_expect_exit "info -d /dev/qcqmi0" 0 "$rc"
info="$(grep '"event":"info"' <<<"$VB_OUT" || true)"
[ "$(jq -r .revision <<<"$info" 2>/dev/null)" = "SWI9X50C_01.08.04.00 dbb5b3 jenkins 2018/08/21 21:40:11" ] \
  && [ "$(jq -r .ids.imei <<<"$info" 2>/dev/null)" = 353906098765432 ] \
  && vb_pass "info over GobiNet: revision and IMEI of the emulated EM7565" || vb_fail "info: $VB_OUT"
[ "$(jq -r '.services | length' <<<"$info" 2>/dev/null)" -gt 0 ] 2>/dev/null \
  && vb_pass "service versions through the Sierra ioctl 0x8BF3" || vb_fail "no service versions: $info"

rc=0; vb_guest update --timeout 900 ./modemflash update "$VB_SAMPLES/em7565" -d /dev/qcqmi0 --json || rc=$?
vb_expect_exit "update -d /dev/qcqmi0" 0 "$rc"
if vb_result_ok && grep -q '"stage":"verify"' <<<"$VB_OUT"; then vb_pass "update over GobiNet verified $(vb_result_field .running)"
else vb_fail "update: $(vb_result)"; fi
vb_storage_equals cwe "$VB_RUN/storage-0" "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00.cwe" \
  "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu" \
  && vb_pass "storage equals the package" || vb_fail "storage: $VB_OUT"
vb_guest cuse-log 'cat /tmp/cuse.log' || true
