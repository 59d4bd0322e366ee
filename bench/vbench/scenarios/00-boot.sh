# The guest boots, udevd runs, the USB host controller and the modem drivers of the unpacked
# kernel load, and the host-built modemflash runs inside (its JVM start-up is timed).
# vbench-seconds: 70 (the longest measured here, load average 10-20)
vb_boot
vb_guest udevd pidof systemd-udevd && vb_pass "udevd runs" || vb_fail "udevd does not run: $VB_OUT"
vb_guest xhci 'ls /sys/bus/pci/drivers/xhci_hcd/ | grep -q :' && vb_pass "xhci_hcd bound" || vb_fail "xhci_hcd not bound: $VB_OUT"
vb_guest drivers 'modprobe -a qmi_wwan cdc_wdm qcserial option && for m in qmi_wwan cdc_wdm qcserial option usbserial; do test -d /sys/module/$m || { echo "no $m"; exit 1; }; done' \
  && vb_pass "qmi_wwan, cdc_wdm, qcserial, option load" || vb_fail "modem drivers: $VB_OUT"
vb_guest root-ro 'touch /usr/vbench-probe && rm /usr/vbench-probe && grep -q " / overlay " /proc/mounts' \
  && vb_pass "root is an overlay, writable in the guest only" || vb_fail "root overlay: $VB_OUT"
[ ! -e /usr/vbench-probe ] && vb_pass "host root untouched" || vb_fail "the guest wrote through to the host"
vb_guest version ./modemflash --version && vb_pass "modemflash --version in ${VB_SECS} s: $VB_OUT" || vb_fail "modemflash: $VB_OUT"
