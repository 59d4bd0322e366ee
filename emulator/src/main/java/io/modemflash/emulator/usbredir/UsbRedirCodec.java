package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usbredir.UsbRedirMessage.AltSettingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.CancelDataPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ConfigurationStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceConnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnectAck;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Endpoint;
import io.modemflash.emulator.usbredir.UsbRedirMessage.EpInfo;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Hello;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Interface;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterfaceInfo;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptReceivingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Malformed;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Other;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Reset;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StartInterruptReceiving;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StopInterruptReceiving;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.modemflash.emulator.usbredir.UsbRedir.*;

/**
 * The usbredir wire format, both directions, no I/O: {@link #encode} turns a message into the
 * bytes one side sends, {@link #decode} turns the bytes the other side sent into messages,
 * keeping a partial packet for the next call. Field sizes depend on the capabilities both
 * sides announced in their hellos (header ids 32 or 64 bits, bulk lengths 16 or 32 bits,
 * optional ep_info and device_connect fields), so one codec serves one connection: it learns
 * the peer's capabilities from the peer hello it decodes.
 *
 * <p>Malformed input never throws: an unknown type, a packet sent in the wrong direction or a
 * length that contradicts the packet's own header is skipped whole (by the header's length,
 * as the reference parser does) and reported as {@link Malformed}.
 */
public final class UsbRedirCodec {
    /** Which end of the connection this codec speaks for. */
    public enum Side {
        /** The usb-host: has the device (the emulator). Receives requests, sends answers. */
        DEVICE,
        /** The usb-guest: uses the device (QEMU, or a test host). */
        GUEST
    }

    static final int HEADER_32 = 12;
    static final int HEADER_64 = 16;
    static final int VERSION_LENGTH = 64;
    /** The largest packet the reference parser accepts: a maximal bulk transfer and its headers. */
    static final long MAX_PACKET = MAX_BULK_LENGTH + 1024;

    private final Side side;
    private final int ourCaps;
    private volatile int peerCaps;
    private volatile boolean peerKnown;

    // decoder state
    private final byte[] header = new byte[HEADER_64];
    private int headerHave;
    private int headerNeed;
    private int type;
    private long length;
    private long id;
    private byte[] typeHeader;
    private int typeHeaderHave;
    private byte[] data;
    private int dataHave;
    private long skip;
    private boolean inPacket;

    public UsbRedirCodec(Side side, int ourCaps) {
        this.side = side;
        this.ourCaps = ourCaps;
    }

    public Side side() {
        return side;
    }

    /** True once the peer's hello was decoded (its capabilities are known). */
    public boolean peerKnown() {
        return peerKnown;
    }

    public int peerCaps() {
        return peerCaps;
    }

    /** Learns the peer's capabilities (done by {@link #decode} when a hello arrives). */
    public void peerHello(int caps) {
        peerCaps = caps;
        peerKnown = true;
    }

    /** True when both sides announced the capability. */
    public boolean negotiated(int cap) {
        return peerKnown && (ourCaps & bit(cap)) != 0 && (peerCaps & bit(cap)) != 0;
    }

    private int headerLength() {
        return negotiated(CAP_64BITS_IDS) ? HEADER_64 : HEADER_32;
    }

    // ================================================================== encoding

    /** The whole packet. */
    public byte[] encode(UsbRedirMessage m) {
        byte[] head = encodeHead(m);
        byte[] d = payload(m);
        if (d.length == 0) {
            return head;
        }
        byte[] out = Arrays.copyOf(head, head.length + d.length);
        System.arraycopy(d, 0, out, head.length, d.length);
        return out;
    }

    /**
     * Header and type header only; the packet's data ({@link #payload}) follows on the wire.
     * Lets a sender gather a large bulk payload without copying it.
     */
    public byte[] encodeHead(UsbRedirMessage m) {
        int t = typeOf(m);
        byte[] th = typeHeader(m);
        byte[] d = payload(m);
        int hl = t == HELLO ? HEADER_32 : headerLength();
        ByteBuffer b = le(hl + th.length);
        b.putInt(t);
        b.putInt(th.length + d.length);
        if (hl == HEADER_64) {
            b.putLong(m.id());
        } else {
            b.putInt((int) m.id());
        }
        b.put(th);
        return b.array();
    }

    /** The data that follows the type header (capabilities for a hello). */
    public byte[] payload(UsbRedirMessage m) {
        if (m instanceof Hello h) {
            return le(4).putInt(h.caps()).array();
        } else if (m instanceof ControlPacket c) {
            return c.data();
        } else if (m instanceof BulkPacket p) {
            return p.data();
        } else if (m instanceof InterruptPacket p) {
            return p.data();
        } else if (m instanceof Other o) {
            return o.data();
        }
        return new byte[0];
    }

    private static int typeOf(UsbRedirMessage m) {
        if (m instanceof Hello) {
            return HELLO;
        }
        if (m instanceof DeviceConnect) {
            return DEVICE_CONNECT;
        }
        if (m instanceof DeviceDisconnect) {
            return DEVICE_DISCONNECT;
        }
        if (m instanceof DeviceDisconnectAck) {
            return DEVICE_DISCONNECT_ACK;
        }
        if (m instanceof Reset) {
            return RESET;
        }
        if (m instanceof InterfaceInfo) {
            return INTERFACE_INFO;
        }
        if (m instanceof EpInfo) {
            return EP_INFO;
        }
        if (m instanceof SetConfiguration) {
            return SET_CONFIGURATION;
        }
        if (m instanceof GetConfiguration) {
            return GET_CONFIGURATION;
        }
        if (m instanceof ConfigurationStatus) {
            return CONFIGURATION_STATUS;
        }
        if (m instanceof SetAltSetting) {
            return SET_ALT_SETTING;
        }
        if (m instanceof GetAltSetting) {
            return GET_ALT_SETTING;
        }
        if (m instanceof AltSettingStatus) {
            return ALT_SETTING_STATUS;
        }
        if (m instanceof StartInterruptReceiving) {
            return START_INTERRUPT_RECEIVING;
        }
        if (m instanceof StopInterruptReceiving) {
            return STOP_INTERRUPT_RECEIVING;
        }
        if (m instanceof InterruptReceivingStatus) {
            return INTERRUPT_RECEIVING_STATUS;
        }
        if (m instanceof CancelDataPacket) {
            return CANCEL_DATA_PACKET;
        }
        if (m instanceof ControlPacket) {
            return CONTROL_PACKET;
        }
        if (m instanceof BulkPacket) {
            return BULK_PACKET;
        }
        if (m instanceof InterruptPacket) {
            return INTERRUPT_PACKET;
        }
        if (m instanceof Other o) {
            return o.type();
        }
        throw new IllegalArgumentException("a malformed packet cannot be encoded");
    }

    private byte[] typeHeader(UsbRedirMessage m) {
        if (m instanceof Hello h) {
            byte[] v = new byte[VERSION_LENGTH];
            byte[] s = h.version().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(s, 0, v, 0, Math.min(s.length, VERSION_LENGTH - 1)); // stays NUL-terminated
            return v;
        } else if (m instanceof DeviceConnect d) {
            boolean version = negotiated(CAP_CONNECT_DEVICE_VERSION);
            ByteBuffer b = le(version ? 10 : 8);
            b.put((byte) d.speed()).put((byte) d.deviceClass()).put((byte) d.deviceSubClass())
                    .put((byte) d.deviceProtocol()).putShort((short) d.vendorId()).putShort((short) d.productId());
            if (version) {
                b.putShort((short) d.bcdDevice());
            }
            return b.array();
        } else if (m instanceof InterfaceInfo i) {
            ByteBuffer b = le(4 + 4 * 32);
            b.putInt(i.interfaces().size());
            List<Interface> l = i.interfaces();
            for (int k = 0; k < 32; k++) {
                b.put(k < l.size() ? (byte) l.get(k).number() : 0);
            }
            for (int k = 0; k < 32; k++) {
                b.put(k < l.size() ? (byte) l.get(k).cls() : 0);
            }
            for (int k = 0; k < 32; k++) {
                b.put(k < l.size() ? (byte) l.get(k).subClass() : 0);
            }
            for (int k = 0; k < 32; k++) {
                b.put(k < l.size() ? (byte) l.get(k).protocol() : 0);
            }
            return b.array();
        } else if (m instanceof EpInfo e) {
            boolean mps = negotiated(CAP_EP_INFO_MAX_PACKET_SIZE);
            boolean streams = mps && negotiated(CAP_BULK_STREAMS);
            ByteBuffer b = le(96 + (mps ? 64 : 0) + (streams ? 128 : 0));
            e.endpoints().forEach(x -> b.put((byte) x.type()));
            e.endpoints().forEach(x -> b.put((byte) x.interval()));
            e.endpoints().forEach(x -> b.put((byte) x.interfaceNumber()));
            if (mps) {
                e.endpoints().forEach(x -> b.putShort((short) x.maxPacketSize()));
            }
            // max_streams stay 0: the emulated devices are USB 2
            return b.array();
        } else if (m instanceof SetConfiguration s) {
            return new byte[] {(byte) s.configuration()};
        } else if (m instanceof ConfigurationStatus c) {
            return new byte[] {(byte) c.status(), (byte) c.configuration()};
        } else if (m instanceof SetAltSetting s) {
            return new byte[] {(byte) s.interfaceNumber(), (byte) s.alt()};
        } else if (m instanceof GetAltSetting g) {
            return new byte[] {(byte) g.interfaceNumber()};
        } else if (m instanceof AltSettingStatus a) {
            return new byte[] {(byte) a.status(), (byte) a.interfaceNumber(), (byte) a.alt()};
        } else if (m instanceof StartInterruptReceiving s) {
            return new byte[] {(byte) s.endpoint()};
        } else if (m instanceof StopInterruptReceiving s) {
            return new byte[] {(byte) s.endpoint()};
        } else if (m instanceof InterruptReceivingStatus s) {
            return new byte[] {(byte) s.status(), (byte) s.endpoint()};
        } else if (m instanceof ControlPacket c) {
            return le(10).put((byte) c.endpoint()).put((byte) c.request()).put((byte) c.requestType())
                    .put((byte) c.status()).putShort((short) c.value()).putShort((short) c.index())
                    .putShort((short) c.length()).array();
        } else if (m instanceof BulkPacket p) {
            boolean wide = negotiated(CAP_32BITS_BULK_LENGTH);
            if (!wide && (p.length() & 0xFFFF0000) != 0) {
                throw new IllegalArgumentException("bulk length " + p.length()
                        + " needs the 32bits_bulk_length capability");
            }
            ByteBuffer b = le(wide ? 10 : 8);
            b.put((byte) p.endpoint()).put((byte) p.status()).putShort((short) p.length()).putInt(p.streamId());
            if (wide) {
                b.putShort((short) (p.length() >>> 16));
            }
            return b.array();
        } else if (m instanceof InterruptPacket p) {
            return le(4).put((byte) p.endpoint()).put((byte) p.status()).putShort((short) p.length()).array();
        } else if (m instanceof Other o) {
            return o.typeHeader();
        }
        return new byte[0]; // disconnect, ack, reset, get_configuration, cancel: header only
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ================================================================== decoding

    /**
     * Decodes what the peer sent; returns the messages completed by these bytes (possibly
     * none). A packet may span calls; several may come in one.
     */
    public List<UsbRedirMessage> decode(byte[] b, int off, int len) {
        List<UsbRedirMessage> out = new ArrayList<>();
        int end = off + len;
        int p = off;
        while (p < end) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - p);
                skip -= n;
                p += n;
                continue;
            }
            if (!inPacket) {
                if (headerHave == 0) {
                    headerNeed = peerKnown ? headerLength() : HEADER_32;
                }
                int n = Math.min(headerNeed - headerHave, end - p);
                System.arraycopy(b, p, header, headerHave, n);
                headerHave += n;
                p += n;
                if (headerHave < headerNeed) {
                    break;
                }
                headerHave = 0;
                UsbRedirMessage bad = startPacket();
                if (bad != null) {
                    out.add(bad);
                    continue;
                }
                if (typeHeader.length == 0 && data.length == 0) {
                    out.add(finishPacket());
                }
                continue;
            }
            if (typeHeaderHave < typeHeader.length) {
                int n = Math.min(typeHeader.length - typeHeaderHave, end - p);
                System.arraycopy(b, p, typeHeader, typeHeaderHave, n);
                typeHeaderHave += n;
                p += n;
            } else {
                int n = Math.min(data.length - dataHave, end - p);
                System.arraycopy(b, p, data, dataHave, n);
                dataHave += n;
                p += n;
            }
            if (typeHeaderHave == typeHeader.length && dataHave == data.length) {
                out.add(finishPacket());
            }
        }
        return out;
    }

    /** True when a packet has begun and not yet completed (for a peer that closes mid-packet). */
    public boolean midPacket() {
        return inPacket || headerHave > 0 || skip > 0;
    }

    private UsbRedirMessage startPacket() {
        ByteBuffer h = ByteBuffer.wrap(header, 0, headerNeed).order(ByteOrder.LITTLE_ENDIAN);
        type = h.getInt();
        length = h.getInt() & 0xFFFFFFFFL;
        id = headerNeed == HEADER_64 ? h.getLong() : h.getInt() & 0xFFFFFFFFL;
        int thl = typeHeaderLength(type);
        String bad = null;
        if (thl < 0) {
            bad = "unknown packet type " + type + " (or not one a " + (side == Side.DEVICE ? "guest" : "device")
                    + " sends)";
        } else if (length > MAX_PACKET) {
            bad = UsbRedir.typeName(type) + " of " + length + " bytes is larger than the protocol allows";
        } else if (length < thl) {
            bad = UsbRedir.typeName(type) + " of " + length + " bytes is shorter than its " + thl + "-byte header";
        } else if (length > thl && !carriesData(type)) {
            bad = UsbRedir.typeName(type) + " of " + length + " bytes carries data after its " + thl + "-byte header";
        }
        if (bad != null) {
            skip = length;
            return new Malformed(id, type, bad, length);
        }
        typeHeader = new byte[thl];
        typeHeaderHave = 0;
        data = new byte[(int) (length - thl)];
        dataHave = 0;
        inPacket = true;
        return null;
    }

    private UsbRedirMessage finishPacket() {
        inPacket = false;
        byte[] th = typeHeader;
        byte[] d = data;
        typeHeader = null;
        data = null;
        try {
            return message(type, id, th, d);
        } catch (RuntimeException e) {
            return new Malformed(id, type, e.getMessage(), 0);
        }
    }

    /** The type header length of a packet this side may receive; -1 for types the peer never sends. */
    int typeHeaderLength(int t) {
        boolean fromGuest = side == Side.DEVICE;
        return switch (t) {
            case HELLO -> VERSION_LENGTH;
            case CONTROL_PACKET -> 10;
            case BULK_PACKET -> negotiated(CAP_32BITS_BULK_LENGTH) ? 10 : 8;
            case ISO_PACKET, INTERRUPT_PACKET -> 4;
            case FILTER_FILTER -> 0;
            // guest -> device
            case RESET, GET_CONFIGURATION, CANCEL_DATA_PACKET, FILTER_REJECT, DEVICE_DISCONNECT_ACK -> fromGuest ? 0 : -1;
            case SET_CONFIGURATION, GET_ALT_SETTING, STOP_ISO_STREAM, START_INTERRUPT_RECEIVING,
                    STOP_INTERRUPT_RECEIVING -> fromGuest ? 1 : -1;
            case SET_ALT_SETTING -> fromGuest ? 2 : -1;
            case START_ISO_STREAM -> fromGuest ? 3 : -1;
            case ALLOC_BULK_STREAMS -> fromGuest ? 8 : -1;
            case FREE_BULK_STREAMS -> fromGuest ? 4 : -1;
            case START_BULK_RECEIVING -> fromGuest ? 10 : -1;
            case STOP_BULK_RECEIVING -> fromGuest ? 5 : -1;
            // device -> guest
            case DEVICE_CONNECT -> fromGuest ? -1 : negotiated(CAP_CONNECT_DEVICE_VERSION) ? 10 : 8;
            case DEVICE_DISCONNECT -> fromGuest ? -1 : 0;
            case INTERFACE_INFO -> fromGuest ? -1 : 4 + 4 * 32;
            case EP_INFO -> fromGuest ? -1 : negotiated(CAP_EP_INFO_MAX_PACKET_SIZE)
                    ? (negotiated(CAP_BULK_STREAMS) ? 288 : 160) : 96;
            case CONFIGURATION_STATUS, ISO_STREAM_STATUS, INTERRUPT_RECEIVING_STATUS -> fromGuest ? -1 : 2;
            case ALT_SETTING_STATUS -> fromGuest ? -1 : 3;
            case BULK_STREAMS_STATUS -> fromGuest ? -1 : 9;
            case BULK_RECEIVING_STATUS -> fromGuest ? -1 : 6;
            case BUFFERED_BULK_PACKET -> fromGuest ? -1 : 10;
            default -> -1;
        };
    }

    private static boolean carriesData(int t) {
        return t == HELLO || t == FILTER_FILTER || t == CONTROL_PACKET || t == BULK_PACKET || t == ISO_PACKET
                || t == INTERRUPT_PACKET || t == BUFFERED_BULK_PACKET;
    }

    /** True when a data packet on this endpoint carries its data in the direction being decoded. */
    private boolean dataExpected(int endpoint) {
        boolean in = (endpoint & 0x80) != 0;
        return side == Side.DEVICE ? !in : in;
    }

    private UsbRedirMessage message(int t, long id, byte[] th, byte[] d) {
        ByteBuffer h = ByteBuffer.wrap(th).order(ByteOrder.LITTLE_ENDIAN);
        switch (t) {
            case HELLO: {
                int nul = 0;
                while (nul < th.length && th[nul] != 0) {
                    nul++;
                }
                int caps = d.length >= 4 ? ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getInt() : 0;
                if (!peerKnown) {
                    peerHello(caps);
                } else {
                    return new Malformed(id, t, "second hello ignored", 0);
                }
                return new Hello(id, new String(th, 0, nul, StandardCharsets.UTF_8), caps);
            }
            case CONTROL_PACKET: {
                int ep = u8(h);
                int request = u8(h);
                int requestType = u8(h);
                int status = u8(h);
                int value = u16(h);
                int index = u16(h);
                int len = u16(h);
                String why = dataCheck(ep, len, d);
                if (why != null) {
                    return new Malformed(id, t, why, 0);
                }
                return new ControlPacket(id, ep, request, requestType, status, value, index, len, d);
            }
            case BULK_PACKET: {
                int ep = u8(h);
                int status = u8(h);
                int lo = u16(h);
                int stream = h.getInt();
                long len = th.length == 10 ? ((long) u16(h) << 16) | lo : lo;
                if (len > MAX_BULK_LENGTH) {
                    return new Malformed(id, t, "bulk length " + len + " is larger than the protocol allows", 0);
                }
                String why = dataCheck(ep, len, d);
                if (why != null) {
                    return new Malformed(id, t, why, 0);
                }
                return new BulkPacket(id, ep, status, (int) len, stream, d);
            }
            case INTERRUPT_PACKET: {
                int ep = u8(h);
                int status = u8(h);
                int len = u16(h);
                String why = dataCheck(ep, len, d);
                if (why != null) {
                    return new Malformed(id, t, why, 0);
                }
                return new InterruptPacket(id, ep, status, len, d);
            }
            case RESET:
                return new Reset(id);
            case GET_CONFIGURATION:
                return new GetConfiguration(id);
            case CANCEL_DATA_PACKET:
                return new CancelDataPacket(id);
            case DEVICE_DISCONNECT_ACK:
                return new DeviceDisconnectAck(id);
            case SET_CONFIGURATION:
                return new SetConfiguration(id, u8(h));
            case GET_ALT_SETTING:
                return new GetAltSetting(id, u8(h));
            case SET_ALT_SETTING:
                return new SetAltSetting(id, u8(h), u8(h));
            case START_INTERRUPT_RECEIVING:
            case STOP_INTERRUPT_RECEIVING: {
                int ep = u8(h);
                if ((ep & 0x80) == 0) {
                    return new Malformed(id, t, String.format("%s on OUT endpoint %02x", UsbRedir.typeName(t), ep), 0);
                }
                return t == START_INTERRUPT_RECEIVING ? new StartInterruptReceiving(id, ep)
                        : new StopInterruptReceiving(id, ep);
            }
            case DEVICE_CONNECT: {
                int speed = u8(h);
                int cls = u8(h);
                int sub = u8(h);
                int proto = u8(h);
                int vid = u16(h);
                int pid = u16(h);
                int bcd = th.length == 10 ? u16(h) : -1;
                return new DeviceConnect(id, speed, cls, sub, proto, vid, pid, bcd);
            }
            case DEVICE_DISCONNECT:
                return new DeviceDisconnect(id);
            case INTERFACE_INFO: {
                long count = h.getInt() & 0xFFFFFFFFL;
                if (count > 32) {
                    return new Malformed(id, t, "interface_count " + count + " > 32", 0);
                }
                List<Interface> l = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    l.add(new Interface(th[4 + k] & 0xFF, th[36 + k] & 0xFF, th[68 + k] & 0xFF, th[100 + k] & 0xFF));
                }
                return new InterfaceInfo(id, l);
            }
            case EP_INFO: {
                List<Endpoint> l = new ArrayList<>();
                for (int k = 0; k < ENDPOINTS; k++) {
                    int mps = th.length >= 160 ? (th[96 + 2 * k] & 0xFF) | (th[97 + 2 * k] & 0xFF) << 8 : 0;
                    l.add(new Endpoint(th[k] & 0xFF, th[32 + k] & 0xFF, th[64 + k] & 0xFF, mps));
                }
                return new EpInfo(id, l);
            }
            case CONFIGURATION_STATUS:
                return new ConfigurationStatus(id, u8(h), u8(h));
            case ALT_SETTING_STATUS:
                return new AltSettingStatus(id, u8(h), u8(h), u8(h));
            case INTERRUPT_RECEIVING_STATUS:
                return new InterruptReceivingStatus(id, u8(h), u8(h));
            default:
                return new Other(id, t, th, d);
        }
    }

    /** The reference parser's rule: data travels in one direction only, and exactly as long as announced. */
    private String dataCheck(int endpoint, long length, byte[] d) {
        if (dataExpected(endpoint)) {
            if (d.length != length) {
                return String.format("endpoint %02x: %d data bytes, header says %d", endpoint, d.length, length);
            }
        } else if (d.length != 0) {
            return String.format("endpoint %02x: unexpected %d data bytes in this direction", endpoint, d.length);
        }
        return null;
    }

    private static int u8(ByteBuffer b) {
        return b.get() & 0xFF;
    }

    private static int u16(ByteBuffer b) {
        return b.getShort() & 0xFFFF;
    }
}
