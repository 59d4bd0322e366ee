# Does the boot tty reach raw mode before the device's first bytes meet the line discipline?
# QEMU's usb-serial (an FTDI part, driven by ftdi_sio through the same usb-serial tty layer as
# qcserial) delivers a Sahara HELLO queued by the host on the first read URB after open. Each
# round starts from the kernel's cooked defaults; the host counts the bytes echoed back.
# Measured: open then raw mode (TtyLink before), raw mode by the system call right after open
# (no better: the kernel runs the line discipline on the first bytes inside open()), a minor
# left raw by an earlier open of the same device (usb-serial keeps its termios: must be clean),
# and the same across a re-enumeration (the kernel resets the minor's termios for the new
# device: echoes again). Hence update claims devices that speak first over USB (LinkChoiceTest).
# vbench-seconds: 190 (the longest measured here, load average 10-20)
rounds="${VBENCH_ECHO_ROUNDS:-12}"
hello=010000003000000002000000010000000004000000000000000000000000000000000000000000000000000000000000
vb_boot 0 -chardev "socket,id=ser0,path=$VB_RUN/serial.sock,server=on,wait=off" -device usb-serial,chardev=ser0,bus=xhci.0,id=ftdi
sync="$VB_CTL/echo"; mkdir -p "$sync"
python3 "$vb_here/tty-echo-device.py" "$VB_RUN/serial.sock" "$sync" "$hello" "$VB_RUN/echo.txt" $((rounds * 4)) "$VB_RUN/monitor.sock" \
  > "$VB_RUN/device.log" 2>&1 &
player=$!
vb_wait_guest tty 60 '[ -e /dev/ttyUSB0 ]' || vb_fail "no /dev/ttyUSB0 for QEMU's usb-serial"
cp="$vb_top/updater/target/modemflash.jar:$vb_top/qdl/target/test-classes"
for method in open-then-raw raw-on-open primed primed-replug; do
  vb_guest "probe-$method" --timeout 900 java -cp "$cp" io.modemflash.qdl.link.TtyOpenEchoProbe /dev/ttyUSB0 "$rounds" \
    "$method" "$sync" "$hello" || vb_fail "$method probe: $VB_OUT"
  intact="$(grep -c " intact " <<<"$VB_OUT" || true)"
  echoed="$(awk -v m="$method-" 'index($1, m) == 1 && $3 > 0' "$VB_RUN/echo.txt" | wc -l)"
  echo "$method: $rounds rounds, HELLO intact in $intact, echo seen by the device in $echoed" | tee -a "$VB_RUN/figures.txt" >&2
  case "$method" in primed)
    [ "$intact" = "$rounds" ] && vb_pass "$method: every HELLO read intact" || vb_fail "$method: HELLO intact in $intact of $rounds"
    [ "$echoed" = 0 ] && vb_pass "$method: nothing echoed" || vb_fail "$method: echo in $echoed of $rounds rounds" ;;
  esac
done
wait "$player" 2>/dev/null || true
