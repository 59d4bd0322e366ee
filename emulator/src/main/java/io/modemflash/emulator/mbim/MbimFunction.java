package io.modemflash.emulator.mbim;

import io.modemflash.emulator.Profile;
import io.modemflash.emulator.qmi.ControlStream;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.qmi.MessageKind;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.mbim.MbimFormatException;
import io.modemflash.qmi.mbim.MbimFragments;
import io.modemflash.qmi.mbim.MbimInformation;
import io.modemflash.qmi.mbim.MbimMessage;
import io.modemflash.qmi.mbim.MbimStatus;
import io.modemflash.qmi.mbim.MbimStreamFramer;
import io.modemflash.qmi.mbim.MbimUuid;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The device side of an MBIM control channel (a cdc_mbim function): OPEN/CLOSE, fragments
 * both ways, the QMI service (PROTOCOLS.md 8.2: CID 1 carries whole QMUX frames to and from
 * the {@link QmiEngine}), and the Basic Connect queries a host asks after opening (device
 * caps, subscriber ready status, radio state, device services, the device service subscribe
 * list). Strict like firmware: commands before OPEN get FUNCTION_ERROR NotOpened, fragments out
 * of sequence FragmentOutOfSequence, a message that does not decode LengthMismatch; bytes
 * that cannot start a message (or one longer than the function's own largest control
 * message, which cdc-wdm would have cut) are dropped; unknown services and CIDs are answered
 * NoDeviceSupport. Responses are
 * fragmented to the host's MaxControlTransfer from its OPEN. QMI indications are sent only
 * after the host subscribed to QMI CID 1.
 */
public final class MbimFunction implements ControlStream {
    /** wMaxControlMessage of the emulated function. */
    public static final int MAX_CONTROL_MESSAGE = 4096;

    static final int CID_DEVICE_CAPS = 1;
    static final int CID_SUBSCRIBER_READY_STATUS = 2;
    static final int CID_RADIO_STATE = 3;
    static final int CID_DEVICE_SERVICES = 16;
    static final int CID_DEVICE_SERVICE_SUBSCRIBE_LIST = 19;
    static final int QMI_MSG = 1;

    private final QmiEngine engine;
    private final Profile profile;
    private final Consumer<String> log;
    private final MbimStreamFramer framer = new MbimStreamFramer(MAX_CONTROL_MESSAGE);
    private final MbimFragments.Assembler assembler = new MbimFragments.Assembler();
    private boolean open;
    private int hostMax = MAX_CONTROL_MESSAGE;
    private boolean qmiIndications;

    public MbimFunction(QmiEngine engine, Consumer<String> log) {
        this.engine = engine;
        this.profile = engine.profile();
        this.log = log;
    }

    @Override
    public List<byte[]> feed(byte[] data, int off, int len) {
        List<byte[]> out = new ArrayList<>();
        for (MbimStreamFramer.Chunk c : framer.feed(data, off, len)) {
            if (c instanceof MbimStreamFramer.Garbage g) {
                log.accept("emulator: MBIM: ignored " + g.bytes().length + " byte(s) that are not an MBIM message");
                continue;
            }
            byte[] wire = c.bytes();
            int tid = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
            byte[] whole;
            try {
                whole = assembler.add(wire);
            } catch (MbimFormatException e) {
                out.add(new MbimMessage.Error(true, tid, MbimStatus.ERROR_FRAGMENT_OUT_OF_SEQUENCE).encode());
                continue;
            }
            if (whole == null) {
                continue;
            }
            MbimMessage m;
            try {
                m = MbimMessage.decode(whole);
            } catch (MbimFormatException e) {
                out.add(new MbimMessage.Error(true, tid, MbimStatus.ERROR_LENGTH_MISMATCH).encode());
                continue;
            }
            for (MbimMessage r : handle(m)) {
                out.addAll(MbimFragments.split(r.encode(), hostMax));
            }
        }
        return out;
    }

    private List<MbimMessage> handle(MbimMessage m) {
        if (m instanceof MbimMessage.Open o) {
            open = true;
            hostMax = Math.max(64, Math.min(o.maxControlTransfer(), 1 << 16));
            qmiIndications = false;
            return List.of(new MbimMessage.OpenDone(o.transactionId(), MbimStatus.SUCCESS));
        }
        if (m instanceof MbimMessage.Close c) {
            open = false;
            qmiIndications = false;
            return List.of(new MbimMessage.CloseDone(c.transactionId(), MbimStatus.SUCCESS));
        }
        if (m instanceof MbimMessage.Command c) {
            if (!open) {
                return List.of(new MbimMessage.Error(true, c.transactionId(), MbimStatus.ERROR_NOT_OPENED));
            }
            if (c.service().equals(MbimUuid.QMI)) {
                return qmi(c);
            }
            if (c.service().equals(MbimUuid.BASIC_CONNECT)) {
                return List.of(basicConnect(c));
            }
            return List.of(done(c, MbimStatus.NO_DEVICE_SUPPORT, new byte[0]));
        }
        if (m instanceof MbimMessage.Error e) {
            log.accept("emulator: MBIM: host error " + MbimStatus.errorName(e.errorCode()));
            return List.of();
        }
        // a function never receives *_DONE or INDICATE_STATUS
        return List.of(new MbimMessage.Error(true, m.transactionId(), MbimStatus.ERROR_UNKNOWN));
    }

    /** QMI CID 1 set: the buffer is one QMUX frame; its response comes back in COMMAND_DONE. */
    private List<MbimMessage> qmi(MbimMessage.Command c) {
        if (c.cid() != QMI_MSG || c.commandType() != MbimMessage.SET) {
            return List.of(done(c, MbimStatus.NO_DEVICE_SUPPORT, new byte[0]));
        }
        List<MbimMessage> out = new ArrayList<>();
        byte[] response = null;
        for (byte[] frame : engine.handleFrame(c.buffer())) {
            boolean indication = isIndication(frame);
            if (response == null && !indication) {
                response = frame;
            } else if (indication && qmiIndications) {
                out.add(new MbimMessage.IndicateStatus(0, MbimUuid.QMI, QMI_MSG, frame));
            }
        }
        if (response == null) {
            return out; // the engine does not answer (a dropped message): neither does the function
        }
        out.add(0, done(c, MbimStatus.SUCCESS, response));
        return out;
    }

    private static boolean isIndication(byte[] frame) {
        try {
            return QmiMessage.decode(frame).kind() == MessageKind.INDICATION;
        } catch (QmiFormatException e) {
            return false;
        }
    }

    private MbimMessage basicConnect(MbimMessage.Command c) {
        boolean query = c.commandType() == MbimMessage.QUERY;
        return switch (c.cid()) {
            case CID_DEVICE_CAPS -> query ? done(c, MbimStatus.SUCCESS, deviceCaps()) : unsupported(c);
            case CID_SUBSCRIBER_READY_STATUS -> query ? done(c, MbimStatus.SUCCESS, subscriberReady()) : unsupported(c);
            case CID_RADIO_STATE -> query
                    ? done(c, MbimStatus.SUCCESS, new MbimInformation.Writer().u32(1).u32(1).build())
                    : unsupported(c);
            case CID_DEVICE_SERVICES -> query ? done(c, MbimStatus.SUCCESS, deviceServices()) : unsupported(c);
            case CID_DEVICE_SERVICE_SUBSCRIBE_LIST -> query ? unsupported(c) : subscribe(c);
            default -> unsupported(c);
        };
    }

    private static MbimMessage unsupported(MbimMessage.Command c) {
        return done(c, MbimStatus.NO_DEVICE_SUPPORT, new byte[0]);
    }

    private static MbimMessage.CommandDone done(MbimMessage.Command c, int status, byte[] buffer) {
        return new MbimMessage.CommandDone(c.transactionId(), c.service(), c.cid(), status, buffer);
    }

    /** MBIM_DEVICE_CAPS_INFO: a remote (embedded) GSM-class modem, LTE, with the IMEI and firmware it runs. */
    private byte[] deviceCaps() {
        Profile.Identity id = profile.identity();
        return new MbimInformation.Writer()
                .u32(1)            // DeviceType: embedded
                .u32(1)            // CellularClass: GSM
                .u32(1)            // VoiceClass: no voice
                .u32(2)            // SimClass: removable
                .u32(0x3F)         // DataClass: GPRS .. LTE
                .u32(0x3)          // SmsCaps: PDU receive + send
                .u32(0x1)          // ControlCaps: manual registration
                .u32(8)            // MaxSessions
                .string(null)      // CustomDataClass
                .string(id.imei()) // DeviceId
                .string(firmwareInfo())
                .string(id.model())
                .build();
    }

    /** The short firmware name the running revision starts with ("SWI9X50C_01.08.04.00"). */
    private String firmwareInfo() {
        String r = engine.revision();
        int space = r.indexOf(' ');
        return space < 0 ? r : r.substring(0, space);
    }

    /** MBIM_SUBSCRIBER_READY_INFO: SIM not inserted, no numbers. */
    private static byte[] subscriberReady() {
        return new MbimInformation.Writer().u32(1).string(null).string(null).u32(0).u32(0).build();
    }

    /** MBIM_DEVICE_SERVICES_INFO: Basic Connect (CIDs 1-3, 16, 19) and QMI (CID 1). */
    private static byte[] deviceServices() {
        byte[] basic = element(MbimUuid.BASIC_CONNECT, 0, 0, CID_DEVICE_CAPS, CID_SUBSCRIBER_READY_STATUS,
                CID_RADIO_STATE, CID_DEVICE_SERVICES, CID_DEVICE_SERVICE_SUBSCRIBE_LIST);
        byte[] qmi = element(MbimUuid.QMI, 0, 0, QMI_MSG);
        return new MbimInformation.Writer().u32(2).u32(0).data(basic).data(qmi).build();
    }

    private static byte[] element(MbimUuid service, int dss, int maxDss, int... cids) {
        ByteBuffer b = ByteBuffer.allocate(16 + 12 + 4 * cids.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(service.bytes()).putInt(dss).putInt(maxDss).putInt(cids.length);
        for (int cid : cids) {
            b.putInt(cid);
        }
        return b.array();
    }

    /** Device service subscribe list set: remembers whether QMI CID 1 is in it; echoes the list. */
    private MbimMessage subscribe(MbimMessage.Command c) {
        byte[] buf = c.buffer();
        try {
            MbimInformation.Reader r = new MbimInformation.Reader(buf);
            long n = r.u32();
            boolean qmi = false;
            for (long i = 0; i < n; i++) {
                byte[] e = r.data();
                if (e.length < 20) {
                    return done(c, MbimStatus.INVALID_PARAMETERS, new byte[0]);
                }
                ByteBuffer eb = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
                byte[] uuid = new byte[16];
                eb.get(uuid);
                int count = eb.getInt();
                if (e.length < 20 + 4L * count) {
                    return done(c, MbimStatus.INVALID_PARAMETERS, new byte[0]);
                }
                boolean isQmi = java.util.Arrays.equals(uuid, MbimUuid.QMI.bytes());
                for (int k = 0; k < count; k++) {
                    qmi |= isQmi && eb.getInt() == QMI_MSG;
                }
                qmi |= isQmi && count == 0; // no CIDs listed: all of the service's
            }
            qmiIndications = qmi;
            return done(c, MbimStatus.SUCCESS, buf);
        } catch (MbimFormatException e) {
            return done(c, MbimStatus.INVALID_PARAMETERS, new byte[0]);
        }
    }

    /** Forgets a partial message (the host closed the port mid-message); the function stays open, as a real one. */
    @Override
    public void reset() {
        framer.reset();
        assembler.reset();
    }

    /** A function reset (CDC MBIM RESET_FUNCTION): closed again, nothing subscribed, partial input dropped. */
    public void resetFunction() {
        open = false;
        qmiIndications = false;
        hostMax = MAX_CONTROL_MESSAGE;
        reset();
    }

    public boolean isOpen() {
        return open;
    }
}
