#!/usr/bin/env python3
"""Device player for scenario 07-tty-echo: the far end of QEMU's usb-serial (FTDI) chardev.
For each round the guest asks for (SYNC/arm-R), stream Sahara HELLOs back to back until the
guest is done (QEMU's FTDI model drops what was queued before the open: ftdi_sio resets the
receive FIFO in open), so the first read URB after open returns data at once; then count
the bytes the guest's line discipline echoed back.
SYNC/replug-R: unplug and plug the FTDI device back (QEMU monitor) so that it re-enumerates.
usage: tty-echo-device.py SOCKET SYNC_DIR HELLO_HEX RESULTS_FILE ROUNDS_TOTAL MONITOR_SOCKET"""
import os, socket, sys, time

sock_path, sync, hello_hex, results, total, monitor = sys.argv[1:7]

def hmp(cmd):
    m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    m.connect(monitor)
    b = b""
    while not b.endswith(b"(qemu) "):
        b += m.recv(4096)
    m.sendall(cmd.encode() + b"\n")
    b = b""
    while not b.endswith(b"(qemu) "):
        b += m.recv(4096)
    m.close()
    return b.decode(errors="replace")

def replug():
    hmp("device_del ftdi")
    while "ftdi" in hmp("info usb") or "FTDI" in hmp("info usb"):
        time.sleep(0.1)
    time.sleep(1)
    hmp("device_add usb-serial,chardev=ser0,bus=xhci.0,id=ftdi")
hello = bytes.fromhex(hello_hex)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for _ in range(100):
    try:
        s.connect(sock_path)
        break
    except OSError:
        time.sleep(0.1)
s.setblocking(False)

def drain(seconds):
    got, end = b"", time.time() + seconds
    while time.time() < end:
        try:
            b = s.recv(4096)
            if not b:
                sys.exit("QEMU closed the chardev")
            got += b
        except BlockingIOError:
            time.sleep(0.02)
    return got

done = 0
seen = set()
with open(results, "a") as out:
    while done < int(total):
        for f in sorted(os.listdir(sync)):
            if f.startswith("replug-") and f not in seen:
                seen.add(f)
                replug()
                open(os.path.join(sync, "replugged-" + f[len("replug-"):]), "w").close()
        arms = sorted(f for f in os.listdir(sync) if f.startswith("arm-") and f not in seen)
        if not arms:
            time.sleep(0.05)
            continue
        arm = arms[0]
        seen.add(arm)
        r = arm[len("arm-"):]
        drain(0.1)
        open(os.path.join(sync, "armed-" + r), "w").close()
        echo = b""
        while not os.path.exists(os.path.join(sync, "done-" + r)):
            try:
                s.send(hello)
            except BlockingIOError:
                pass
            echo += drain(0.005)
        echo += drain(0.5)
        out.write("%s echoed %d %s\n" % (r, len(echo), echo.hex()))
        out.flush()
        done += 1
