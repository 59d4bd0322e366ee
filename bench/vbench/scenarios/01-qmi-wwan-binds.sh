# The real qmi_wwan binds the emulated MC7455, EM7565 and EDL part (each on its own usb-redir
# port); `modemflash devices` lists all three in application mode with their cdc-wdm node, and
# `modemflash info` of each agrees with Debian's qmicli (revision, IMEI, model).
# vbench-seconds: 300 (178 s measured with one TCG thread, quiet; 450 before with one thread per vCPU, load 10-20)
profiles=(mc7455 em7565 edl)
vb_boot 3
for i in 0 1 2; do vb_emulator "$i" "${profiles[$i]}"; done
vb_wait_guest nodes 120 '[ $(ls /sys/class/usbmisc 2>/dev/null | grep -c cdc-wdm) -ge 3 ] && udevadm settle -t 30' \
  || vb_fail "three cdc-wdm nodes did not appear: $(vb_guest ls 'ls -l /sys/class/usbmisc /dev/ttyUSB* 2>&1; lsusb 2>&1'; echo "$VB_OUT")"
# which driver took which interface (one grep: a shell loop over sysfs costs a minute under TCG)
vb_guest usb-tree 'grep -H . /sys/bus/usb/devices/*/idProduct /sys/bus/usb/devices/*:*/bInterfaceClass; ls -l /sys/bus/usb/devices/*:*/driver' || true
echo "$VB_OUT" > "$VB_RUN/usb-tree.txt"

vb_guest devices ./modemflash devices --json || vb_fail "devices: $VB_OUT"
devices="$VB_OUT"
for want in 1199:9071 1199:9091 05c6:90db; do
  line="$(grep '"event":"device"' <<<"$devices" | grep "\"usb_id\":\"$want\"" || true)"
  if [ -n "$line" ] && jq -e '.mode == "application" and (.qmi | startswith("/dev/cdc-wdm"))' <<<"$line" >/dev/null; then
    vb_pass "devices lists $want in application mode with $(jq -r .qmi <<<"$line")"
  else
    vb_fail "devices does not list $want in application mode with a cdc-wdm node: $devices"
  fi
done

for node in $(grep '"event":"device"' <<<"$devices" | jq -r 'select(.qmi != null) | .qmi'); do
  # one guest command per modem: qmicli first (directly, nothing else holds the port), then info
  vb_guest "info-$(basename "$node")" "set -e
    qmicli --device-open-qmi -d $node --dms-get-revision > /tmp/rev.txt
    qmicli --device-open-qmi -d $node --dms-get-ids > /tmp/ids.txt
    qmicli --device-open-qmi -d $node --dms-get-model > /tmp/model.txt
    cat /tmp/rev.txt /tmp/ids.txt /tmp/model.txt
    echo '--- modemflash'
    ./modemflash info -d $node --json" || { vb_fail "info/qmicli on $node: $VB_OUT"; continue; }
  q() { sed -n "s/^[[:space:]]*$1: '\\(.*\\)'\$/\\1/p" <<<"$VB_OUT" | head -1; }
  info="$(sed -n '/^--- modemflash/,$p' <<<"$VB_OUT" | grep '"event":"info"' || true)"
  for f in revision:Revision ids.imei:IMEI model:Model; do
    key="${f%%:*}" label="${f#*:}"
    mine="$(jq -r ".$key // empty" <<<"$info")" theirs="$(q "$label")"
    if [ -n "$mine" ] && [ "$mine" = "$theirs" ]; then vb_pass "$node $label: '$mine' (qmicli agrees)"
    else vb_fail "$node $label: modemflash '$mine', qmicli '$theirs'"; fi
  done
done
