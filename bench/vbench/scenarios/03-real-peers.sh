# Real peers against the same emulated modems and packages: libqmi's qmi-firmware-update -u
# (MC7455: Sierra QDL on the tty; EM7565: Sahara command mode + Firehose on the tty) and Debian's
# qdl (EDL: programmer upload, rawprogram + patch over libusb, the part sent into 05c6:9008 with
# qmicli). The storage each peer leaves equals the package (mc7455, em7565) or test-vectors'
# ExpectedStorage (edl): what scenario 02 shows modemflash leaving. Debian's qdl refuses <erase>
# on UFS ("got erase tag for non-NAND storage"): it gets the sample's rawprogram without its
# erase lines, which on the emulator's fresh, all-zero storage leaves the same bytes. Debian's
# qdl (2022) knows no sparse images: it writes a sparse="true" file as it is (the bench showed
# the sparse header at LUN 1 sector 8), so it gets each sparse image expanded by simg2img
# (Android's own tool), as its users do; DONT_CARE blocks become zeros, as on fresh storage.
# vbench-seconds: 300 (the longest measured here, load average 10-20)
vb_samples
vb_boot 3
vb_emulator 0 mc7455
vb_emulator 1 em7565
vb_emulator 2 edl
vb_wait_guest nodes 120 '[ $(ls /sys/class/usbmisc 2>/dev/null | grep -c cdc-wdm) -ge 3 ] && udevadm settle -t 30' \
  || vb_fail "three cdc-wdm nodes did not appear"
node_of() { vb_guest "node-$1" "ls /sys/bus/usb/devices/1-$1/*/usbmisc/"; echo "/dev/$(tail -1 <<<"$VB_OUT")"; }
mc="$VB_SAMPLES/mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk"
em=("$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00.cwe" "$VB_SAMPLES/em7565/SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu")

node="$(node_of 1)"
vb_guest qfu-mc7455 --timeout 900 qmi-firmware-update -v -u -w "$node" "$mc"
vb_expect_exit "qmi-firmware-update -u mc7455 on $node" 0 $?
vb_storage_equals cwe "$VB_RUN/storage-0" "$mc" && vb_pass "qmi-firmware-update left the mc7455 package" || vb_fail "mc7455 storage: $VB_OUT"

node="$(node_of 2)"
vb_guest qfu-em7565 --timeout 900 qmi-firmware-update -v -u -w "$node" "${em[@]}"
vb_expect_exit "qmi-firmware-update -u em7565 on $node" 0 $?
vb_storage_equals cwe "$VB_RUN/storage-1" "${em[@]}" && vb_pass "qmi-firmware-update left the em7565 package" || vb_fail "em7565 storage: $VB_OUT"

node="$(node_of 3)"
# the reset drops the device under qmicli, which then fails to release its client: expected
vb_guest edl-enter "qmicli -d $node --dms-set-boot-image-download-mode=boot-and-recovery && qmicli -d $node --dms-set-operating-mode=offline && { qmicli -d $node --dms-set-operating-mode=reset; true; }" \
  || vb_fail "qmicli could not send the part to EDL: $VB_OUT"
vb_wait_guest edl-9008 120 'grep -qx 9008 /sys/bus/usb/devices/1-3/idProduct 2>/dev/null && udevadm settle -t 30' || vb_fail "no 05c6:9008 on 1-3"
qdl_dir="$VB_RUN/qdl-edl"; cp -r "$VB_SAMPLES/edl" "$qdl_dir"
grep -v '<erase' "$VB_SAMPLES/edl/rawprogram0.xml" > "$qdl_dir/rawprogram0.xml"
for sparse in $(sed -n 's/.*filename="\([^"]*\)".*sparse="true".*/\1/p' "$qdl_dir/rawprogram0.xml" | sort -u); do
  simg2img "$VB_SAMPLES/edl/$sparse" "$qdl_dir/$sparse" || vb_fail "simg2img $sparse"
  sed -i "/filename=\"$sparse\"/s/sparse=\"true\"/sparse=\"false\"/" "$qdl_dir/rawprogram0.xml"
done
vb_guest qdl-edl --timeout 900 "cd $qdl_dir && qdl --storage ufs prog_firehose_ddr.elf rawprogram0.xml patch0.xml"
vb_expect_exit "qdl --storage ufs (edl sample)" 0 $?
vb_storage_equals edl "$VB_SAMPLES/edl" "$VB_RUN/storage-2" && vb_pass "qdl left ExpectedStorage" || vb_fail "edl storage after qdl: $VB_OUT"
