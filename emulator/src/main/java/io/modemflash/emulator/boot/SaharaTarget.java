package io.modemflash.emulator.boot;

import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaCommands;
import io.modemflash.qdl.sahara.SaharaLengthException;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qdl.sahara.SaharaPacketException;
import io.modemflash.qdl.sahara.SaharaStatus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The device side of Sahara as a primary boot loader speaks it: HELLO, then either image
 * transfer (it parses the programmer ELF itself, asking for the ELF header, the program
 * headers, the hash segment and the loadable segments in its own order) or command mode
 * (chip identity; Sierra's 0xFF00 switch to the built-in Firehose).
 */
final class SaharaTarget {
    static final long PROGRAMMER_IMAGE_ID = 13;
    private static final int MAX_PHDRS = 64;
    /** Segment pieces per READ_DATA: small enough that the requests jump around. */
    private static final int PIECE = 0x2000;
    /** How long bytes from the host are given to complete a packet before they count as a poke. */
    private static final long POKE_IDLE_MS = 100;

    /**
     * @param sierra       9x50 boot-and-hold: command mode only, 0xFF00 switches to Firehose,
     *                     and writing before the HELLO makes 0xFF00 fail
     * @param helloDelayMs how long after enumeration the HELLO comes (Sierra: the host must wait)
     */
    record Config(boolean sierra, long helloDelayMs, long serial, long hwId, byte[] pkHash, long sblVersion) {
    }

    /**
     * A crashed modem (05c6:900e): HELLO in memory-debug mode, the region table through
     * MEMORY_DEBUG64, MEMORY_READ(64) of the table and regions (anything else 0x19), until
     * the host sends RESET; then the modem reboots into application mode.
     */
    void runMemoryDebug() throws IOException, BootExit {
        io.stage("hello");
        io.watchEcho(echoAnswer());
        sendHello(SaharaPacket.MODE_MEMORY_DEBUG);
        while (true) {
            SaharaPacket p = readPacket();
            if (p == null) {
                sendHello(SaharaPacket.MODE_MEMORY_DEBUG);
            } else if (p instanceof SaharaPacket.HelloResp r) {
                if (r.mode() != SaharaPacket.MODE_MEMORY_DEBUG) {
                    error(0, SaharaStatus.INVALID_HOST_MODE);
                } else {
                    io.stopWatchingEcho();
                    send(new SaharaPacket.MemoryDebug64(CrashDump.TABLE_ADDRESS, CrashDump.table().length));
                }
            } else if (p instanceof SaharaPacket.MemoryRead64 m) {
                memoryRead(m.address(), m.length());
            } else if (p instanceof SaharaPacket.MemoryRead m) {
                memoryRead(m.address(), m.length());
            } else if (p instanceof SaharaPacket.Reset) {
                send(new SaharaPacket.ResetResp());
                io.stage("reset");
                throw new BootExit(BootExit.Outcome.APPLICATION, "reset after the memory dump");
            } else {
                error(0, SaharaStatus.INVALID_CMD);
            }
        }
    }

    private void memoryRead(long address, long length) throws IOException, BootExit {
        if (length <= 0 || length > (1 << 20) || !CrashDump.readable(address, length)) {
            error(0, SaharaStatus.INVALID_MEMORY_READ);
            return;
        }
        io.write(CrashDump.read(address, (int) length));
    }

    /** How Sahara ended. */
    enum Result { PROGRAMMER_LOADED, SWITCHED_TO_FIREHOSE }

    private final DeviceIo io;
    private final Config config;
    private boolean helloEaten;
    private boolean hostWroteFirst;

    SaharaTarget(DeviceIo io, Config config) {
        this.io = io;
        this.config = config;
    }

    Result run() throws IOException, BootExit {
        io.stage("hello");
        io.watchEcho(echoAnswer());
        if (config.helloDelayMs() > 0) {
            byte[] early = new byte[4096];
            long end = System.nanoTime() + config.helloDelayMs() * 1_000_000L;
            for (long left; (left = (end - System.nanoTime()) / 1_000_000L) > 0; ) {
                if (io.read(early, 0, early.length, left) > 0) {
                    hostWroteFirst = true; // swallowed, as the boot loader was not listening yet
                }
            }
        }
        if (io.faults().eatHello() && !helloEaten) {
            helloEaten = true; // something else read it: the host only sees it after a poke
        } else {
            sendHello(SaharaPacket.MODE_IMAGE_TX_PENDING);
        }
        while (true) {
            SaharaPacket p = readPacket();
            if (p == null) {
                sendHello(SaharaPacket.MODE_IMAGE_TX_PENDING); // a poke: say HELLO again
                continue;
            }
            if (p instanceof SaharaPacket.Reset) {
                send(new SaharaPacket.ResetResp());
                throw new BootExit(BootExit.Outcome.DOWNLOAD, "Sahara reset");
            }
            if (p instanceof SaharaPacket.ResetStateMachine) {
                sendHello(SaharaPacket.MODE_IMAGE_TX_PENDING);
                continue;
            }
            if (!(p instanceof SaharaPacket.HelloResp r)) {
                error(0, SaharaStatus.INVALID_CMD);
                continue;
            }
            if (r.status() != 0) {
                error(0, SaharaStatus.INVALID_HOST_PROTOCOL);
                continue;
            }
            io.stopWatchingEcho();
            if (r.mode() == SaharaPacket.MODE_COMMAND) {
                if (commandMode()) {
                    return Result.SWITCHED_TO_FIREHOSE;
                }
                continue; // SWITCH_MODE back to image transfer: HELLO was sent again
            }
            if (config.sierra() || r.mode() != SaharaPacket.MODE_IMAGE_TX_PENDING) {
                error(0, SaharaStatus.INVALID_HOST_MODE);
                continue;
            }
            if (loadProgrammer()) {
                return Result.PROGRAMMER_LOADED;
            }
        }
    }

    /** What a strict PBL says to bytes that are no packet where HELLO_RESP belongs (tty echo). */
    private static byte[] echoAnswer() {
        return SaharaCodec.encode(new SaharaPacket.EndOfImageTx(0, SaharaStatus.INVALID_CMD.code));
    }

    private void sendHello(long mode) throws IOException, BootExit {
        send(new SaharaPacket.Hello(2, 1, 0x400, mode));
    }

    // ------------------------------------------------------------------ image transfer

    /** True when the programmer is loaded and DONE answered; false after an error (state kept). */
    private boolean loadProgrammer() throws IOException, BootExit {
        io.stage("programmer");
        long id = PROGRAMMER_IMAGE_ID;
        byte[] ident = fetch(id, 0, 0x34);
        if (ident == null) {
            return false;
        }
        if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F'
                || (ident[4] != 1 && ident[4] != 2) || ident[5] != 1) {
            return error(id, SaharaStatus.INVALID_ELF_HDR);
        }
        boolean is64 = ident[4] == 2;
        byte[] eh = is64 ? fetch(id, 0, 0x40) : ident;
        if (eh == null) {
            return false;
        }
        ByteBuffer h = ByteBuffer.wrap(eh).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
        int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(h.getShort(is64 ? 56 : 44));
        if (phentsize != (is64 ? 56 : 32)) {
            return error(id, SaharaStatus.INVALID_PHDR_SIZE);
        }
        if (phnum == 0 || phnum > MAX_PHDRS) {
            return error(id, SaharaStatus.UNSUPPORTED_NUM_PHDRS);
        }
        if (phoff < eh.length || phoff > 0x10000) {
            return error(id, SaharaStatus.UNINIT_PHDR_LOC);
        }
        byte[] ph = fetch(id, phoff, phnum * phentsize);
        if (ph == null) {
            return false;
        }
        ByteBuffer p = ByteBuffer.wrap(ph).order(ByteOrder.LITTLE_ENDIAN);
        record Seg(int index, long type, long flags, long offset, long size) {
        }
        List<Seg> segs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int o = i * phentsize;
            segs.add(is64
                    ? new Seg(i, Integer.toUnsignedLong(p.getInt(o)), Integer.toUnsignedLong(p.getInt(o + 4)),
                    p.getLong(o + 8), p.getLong(o + 32))
                    : new Seg(i, Integer.toUnsignedLong(p.getInt(o)), Integer.toUnsignedLong(p.getInt(o + 24)),
                    Integer.toUnsignedLong(p.getInt(o + 4)), Integer.toUnsignedLong(p.getInt(o + 16))));
        }
        for (Seg s : segs) {
            if (s.size() < 0 || s.offset() < 0 || s.size() > (64L << 20) || s.offset() > (1L << 32)) {
                return error(id, SaharaStatus.INVALID_DATA_SIZE_REQUEST);
            }
        }
        // Qualcomm segment type in p_flags bits 24-26: 2 = hash table
        Seg hash = segs.stream().filter(s -> ((s.flags() >>> 24) & 7) == 2).findFirst().orElse(null);
        if (hash == null || hash.size() == 0) {
            return error(id, SaharaStatus.HASH_TABLE_NOT_FOUND);
        }
        if (fetch(id, hash.offset(), (int) hash.size()) == null) {
            return false;
        }
        if (io.faults().rejectProgrammer()) {
            return error(id, SaharaStatus.HASH_TABLE_AUTH_FAILURE);
        }
        // loadable segments, last first, each in pieces: requests jump forward and back
        List<Seg> loads = new ArrayList<>(segs.stream().filter(s -> s.type() == 1 && s.size() > 0
                && ((s.flags() >>> 24) & 7) != 2).toList());
        loads.sort(Comparator.comparingLong(Seg::offset).reversed());
        for (Seg s : loads) {
            for (long at = 0; at < s.size(); at += PIECE) {
                if (fetch(id, s.offset() + at, (int) Math.min(PIECE, s.size() - at)) == null) {
                    return false;
                }
            }
        }
        send(new SaharaPacket.EndOfImageTx(id, 0));
        SaharaPacket done = readPacket();
        if (!(done instanceof SaharaPacket.Done)) {
            return error(id, SaharaStatus.INVALID_CMD);
        }
        send(new SaharaPacket.DoneResp(1));
        return true;
    }

    /** READ_DATA and the answer: exactly length bytes. Null after a reported error. */
    private byte[] fetch(long id, long offset, int length) throws IOException, BootExit {
        send(new SaharaPacket.ReadData(id, offset, length));
        byte[] b = new byte[length];
        io.readFully(b, 0, length);
        if (length >= 8 && looksLikeSahara(b)) {
            // the host answered with a packet (an error report, HELLO_RESP again...) instead of data
            error(id, SaharaStatus.INVALID_DATA_SIZE);
            return null;
        }
        return b;
    }

    private static boolean looksLikeSahara(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int cmd = bb.getInt(0);
        int len = bb.getInt(4);
        return cmd > 0 && cmd < 0x14 && len == b.length && SaharaCodec.lengthOf(cmd) == len;
    }

    // ------------------------------------------------------------------ command mode

    /** True when the Sierra switch to Firehose was confirmed; false after SWITCH_MODE back to image transfer. */
    private boolean commandMode() throws IOException, BootExit {
        send(new SaharaPacket.CmdReady());
        while (true) {
            SaharaPacket p = readPacket();
            if (p instanceof SaharaPacket.Execute e) {
                byte[] data = answer(e.clientCommand());
                if (data == null) {
                    error(0, SaharaStatus.EXEC_CMD_UNSUPPORTED);
                    continue;
                }
                send(new SaharaPacket.ExecuteResp(e.clientCommand(), data.length));
                SaharaPacket d = readPacket();
                if (!(d instanceof SaharaPacket.ExecuteData ed) || ed.clientCommand() != e.clientCommand()) {
                    error(0, SaharaStatus.EXEC_DATA_INVALID_CLIENT_CMD);
                    continue;
                }
                io.write(data);
                if (e.clientCommand() == SaharaCommands.SIERRA_SWITCH_TO_FIREHOSE) {
                    return true;
                }
            } else if (p instanceof SaharaPacket.SwitchMode s) {
                if (s.mode() == SaharaPacket.MODE_COMMAND) {
                    send(new SaharaPacket.CmdReady());
                } else if (s.mode() == SaharaPacket.MODE_IMAGE_TX_PENDING) {
                    sendHello(SaharaPacket.MODE_IMAGE_TX_PENDING);
                    return false;
                } else {
                    error(0, SaharaStatus.INVALID_MODE_SWITCH);
                }
            } else if (p instanceof SaharaPacket.Reset) {
                send(new SaharaPacket.ResetResp());
                throw new BootExit(BootExit.Outcome.DOWNLOAD, "Sahara reset");
            } else {
                error(0, SaharaStatus.INVALID_CMD);
            }
        }
    }

    private byte[] answer(long cmd) {
        ByteBuffer b;
        if (config.sierra()) {
            if (cmd != SaharaCommands.SIERRA_SWITCH_TO_FIREHOSE) {
                return null;
            }
            // on real parts 0xFF00 fails when the host wrote before the HELLO
            return hostWroteFirst ? null : "confirmed".getBytes(StandardCharsets.US_ASCII);
        }
        switch ((int) cmd) {
            case SaharaCommands.SERIAL_NUMBER -> {
                b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) config.serial());
            }
            case SaharaCommands.MSM_HW_ID -> {
                b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(config.hwId());
            }
            case SaharaCommands.OEM_PK_HASH -> {
                b = ByteBuffer.allocate(config.pkHash().length * 2).put(config.pkHash()).put(config.pkHash());
            }
            case SaharaCommands.SBL_VERSION -> {
                b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) config.sblVersion());
            }
            case SaharaCommands.CHIP_ID_V3 -> {
                b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(36, (int) (config.hwId() >>> 32));
                b.putShort(40, (short) (config.hwId() >>> 16));
                b.putShort(42, (short) config.hwId());
            }
            default -> {
                return null;
            }
        }
        return b.array();
    }

    // ------------------------------------------------------------------ packets

    private void send(SaharaPacket p) throws IOException, BootExit {
        io.write(SaharaCodec.encode(p));
    }

    /** Reports an error with END_OF_IMAGE_TX (how Sahara reports every error); returns false. */
    private boolean error(long id, SaharaStatus status) throws IOException, BootExit {
        send(new SaharaPacket.EndOfImageTx(id, status.code));
        return false;
    }

    /**
     * The next packet; null when the host sent a few bytes that are not a packet and then
     * went quiet (a poke, which most PBLs answer with a fresh HELLO).
     */
    private SaharaPacket readPacket() throws IOException, BootExit {
        while (true) {
            byte[] hdr = new byte[SaharaCodec.HEADER];
            int got = io.read(hdr, 0, hdr.length);
            while (got < hdr.length) {
                int n = io.read(hdr, got, hdr.length - got, POKE_IDLE_MS);
                if (n == 0) {
                    return null;
                }
                got += n;
            }
            int len;
            try {
                len = SaharaCodec.packetLength(hdr, 0, hdr.length);
            } catch (SaharaLengthException e) {
                error(0, SaharaStatus.INVALID_PACKET_SIZE);
                continue;
            } catch (SaharaPacketException e) {
                error(0, SaharaStatus.INVALID_CMD);
                continue;
            }
            byte[] pkt = new byte[len];
            System.arraycopy(hdr, 0, pkt, 0, hdr.length);
            io.readFully(pkt, hdr.length, len - hdr.length);
            try {
                return SaharaCodec.decode(pkt);
            } catch (SaharaPacketException e) {
                error(0, SaharaStatus.INVALID_CMD);
            }
        }
    }
}
