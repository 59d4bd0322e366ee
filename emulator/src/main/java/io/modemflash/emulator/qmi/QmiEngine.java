package io.modemflash.emulator.qmi;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profile.ImageSlot;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiMessageNames;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.dms.GetFirmwarePreference;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetModel;
import io.modemflash.qmi.dms.GetOperatingMode;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwareId;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The device side of QMI: takes whole QMUX frames from the host and returns what the modem
 * sends back. Strict like firmware: wrong lengths and undecodable TLVs get MalformedMessage,
 * missing mandatory TLVs MissingArgument, unknown messages InvalidQmiCommand, requests on a
 * client id that was not allocated InvalidClientId; frames that are not host requests, and
 * requests for services the modem does not have, get no answer at all.
 *
 * <p>Thread-safe: every frame is handled under the engine's lock; events are delivered after
 * the lock is released, in order, on the thread that delivered the frame.
 */
public final class QmiEngine {

    /** Which personality the device shows. Only APPLICATION answers QMI. */
    public enum Phase { APPLICATION, DOWNLOAD, OFF }

    /** One handled request, for tests: what came in and how it was answered. */
    public record Exchange(int service, int clientId, int messageId, String name, String outcome) {
    }

    /** Non-QMUX bytes the qmi-garbage fault puts before a response (no 0x01, so no fake frame start). */
    static final byte[] GARBAGE = {(byte) 0xFE, (byte) 0xED, 0x00, 0x7E, 0x55, (byte) 0xAA};

    private static final Set<Long> HANDLED = Set.of(
            key(QmiService.CTL, GetVersionInfo.ID), key(QmiService.CTL, AllocateClientId.ID),
            key(QmiService.CTL, ReleaseClientId.ID), key(QmiService.CTL, Sync.ID),
            key(QmiService.DMS, DmsIds.GET_MANUFACTURER), key(QmiService.DMS, GetModel.ID),
            key(QmiService.DMS, GetRevision.ID), key(QmiService.DMS, GetIds.ID),
            key(QmiService.DMS, GetOperatingMode.ID), key(QmiService.DMS, SetOperatingMode.ID),
            key(QmiService.DMS, SetFirmwareId.ID), key(QmiService.DMS, GetFirmwarePreference.ID),
            key(QmiService.DMS, SetFirmwarePreference.ID), key(QmiService.DMS, ListStoredImages.ID),
            key(QmiService.DMS, SetBootImageDownloadMode.ID), key(QmiService.DMS, SwiGetCurrentFirmware.ID),
            key(QmiService.DMS, DmsIds.GET_CAPABILITIES), key(QmiService.NAS, NasIds.GET_TECHNOLOGY_PREFERENCE),
            key(QmiService.NAS, NasIds.GET_SYSTEM_SELECTION_PREFERENCE), key(WdaIds.SERVICE, WdaIds.GET_DATA_FORMAT));

    /** Message ids with no typed class in qmi-prep. */
    static final class DmsIds {
        static final int GET_CAPABILITIES = 0x0020;
        static final int GET_MANUFACTURER = 0x0021;
    }

    /**
     * What ModemManager asks while it probes and initialises a QMI modem, beyond DMS identity
     * (DESIGN.md 6): without answers to these it does not expose the modem.
     */
    static final class NasIds {
        static final int GET_TECHNOLOGY_PREFERENCE = 0x002B;
        static final int GET_SYSTEM_SELECTION_PREFERENCE = 0x0034;
    }

    static final class WdaIds {
        static final int SERVICE = 0x1A;
        static final int GET_DATA_FORMAT = 0x0021;
    }

    /** NAS mode preference bits: GSM, UMTS, LTE. */
    static final int MODE_PREFERENCE_GSM_UMTS_LTE = 0x04 | 0x08 | 0x10;
    /** NAS radio technology preference bits: 3GPP, AMPS-or-GSM, CDMA-or-WCDMA, LTE. */
    static final int TECHNOLOGY_3GPP_GSM_WCDMA_LTE = 0x02 | 0x04 | 0x08 | 0x20;

    private final Profile profile;
    private final FaultPlan faults;
    private final ClientIdPool pool;
    private final List<Consumer<ModemEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Most recent exchanges only, so a long benchmark run does not grow without bound. */
    static final int HISTORY_LIMIT = 10_000;
    private final java.util.ArrayDeque<Exchange> history = new java.util.ArrayDeque<>();
    private final List<ModemEvent> pendingEvents = new ArrayList<>();
    private final Map<Long, Integer> droppedSoFar = new java.util.HashMap<>();
    private final Object eventLock = new Object();

    private Phase phase = Phase.APPLICATION;
    private int operatingMode = OperatingMode.ONLINE.code();
    private List<ImageId> preference;
    private List<Integer> pendingDownload = List.of();
    private boolean firmwareIdSet;
    private int bootImageDownloadMode = SetBootImageDownloadMode.NORMAL;
    private final int[] runningIndex;
    /** What the running firmware reports; changes when the boot side installs new firmware. */
    private Profile.Identity identity;
    private SwiGetCurrentFirmware.Response swiFirmware;
    private List<ImageSlot> storedImages;

    public QmiEngine(Profile profile, FaultPlan faults) {
        this.profile = profile;
        this.faults = faults;
        this.pool = new ClientIdPool(profile.qmi().clientIdsPerService());
        this.preference = profile.qmi().firmwarePreference();
        List<ImageSlot> slots = profile.qmi().storedImages();
        this.identity = profile.identity();
        this.swiFirmware = profile.qmi().swiFirmware();
        this.storedImages = new ArrayList<>(slots);
        this.runningIndex = new int[slots.size()];
        for (int i = 0; i < slots.size(); i++) {
            runningIndex[i] = slots.get(i).runningIndex();
        }
        for (String name : faults.qmiMessageNames()) {
            if (HANDLED.stream().noneMatch(k -> FaultPlan.matches(name, (int) (k >>> 16), (int) (k & 0xFFFF)))) {
                throw new IllegalArgumentException("fault names unknown QMI message '" + name + "'; known: "
                        + String.join(", ", handledNames()));
            }
        }
    }

    /** Names of the messages the engine implements, e.g. "dms-get-revision". */
    public static List<String> handledNames() {
        List<String> out = new ArrayList<>();
        for (long k : HANDLED) {
            out.add(QmiMessageNames.messageName((int) (k >>> 16), (int) (k & 0xFFFF))
                    .toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
        }
        Collections.sort(out);
        return out;
    }

    public Profile profile() {
        return profile;
    }

    public void addListener(Consumer<ModemEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Handles one whole QMUX frame from the host; returns the byte chunks the modem writes
     * back (usually one response frame; none when it does not answer).
     */
    public List<byte[]> handleFrame(byte[] frame) {
        List<byte[]> out;
        synchronized (this) {
            out = handleLocked(frame);
        }
        deliverPending();
        return out;
    }

    // ---------------------------------------------------------------- state inspection

    public synchronized Phase phase() {
        return phase;
    }

    public synchronized int operatingMode() {
        return operatingMode;
    }

    public synchronized SortedSet<Integer> allocatedClientIds(int service) {
        return pool.allocated(service);
    }

    public synchronized Map<Integer, SortedSet<Integer>> allocatedClientIds() {
        return pool.snapshot();
    }

    public synchronized int totalAllocatedClientIds() {
        return pool.totalAllocated();
    }

    /** Current firmware preference; null when the profile has none. */
    public synchronized List<ImageId> firmwarePreference() {
        return preference;
    }

    /** Image types the last Set Firmware Preference asked to download (empty: nothing pending). */
    public synchronized List<Integer> pendingDownload() {
        return pendingDownload;
    }

    public synchronized boolean firmwareIdSet() {
        return firmwareIdSet;
    }

    public synchronized int bootImageDownloadMode() {
        return bootImageDownloadMode;
    }

    /** Running index into the profile's stored-image slot i. */
    public synchronized int runningIndex(int slot) {
        return runningIndex[slot];
    }

    /** The last (up to 10 000) requests and how they were answered, oldest first. */
    public synchronized List<Exchange> history() {
        return List.copyOf(history);
    }

    /**
     * The boot side calls this when the download personality is done: the modem comes back in
     * application mode (fresh client-id pool, online, download requests cleared).
     */
    public void bootToApplication() {
        synchronized (this) {
            reboot();
        }
        deliverPending();
    }

    /** The revision string Get Revision answers now. */
    public synchronized String revision() {
        return identity.revision();
    }

    /** What SWI Get Current Firmware answers now (null when the part has no SWI messages). */
    public synchronized SwiGetCurrentFirmware.Response swiFirmware() {
        return swiFirmware;
    }

    /** The stored-image slots List Stored Images reports now. */
    public synchronized List<ImageSlot> storedImages() {
        return List.copyOf(storedImages);
    }

    /** Generic parts: the firmware now running reports this revision (e.g. its QC_IMAGE_VERSION_STRING). */
    public synchronized void installRevision(String revision) {
        identity = new Profile.Identity(identity.manufacturer(), identity.model(), revision, identity.esn(),
                identity.imei(), identity.meid(), identity.imeiSv());
    }

    /**
     * Sierra parts: the firmware now running is {@code firmware} (e.g. "02.38.00.00") with that
     * config and carrier (null = unchanged). Revision, SWI current firmware, the stored images
     * and their running indexes follow; the preference becomes what now runs.
     */
    public synchronized void installSierraFirmware(String firmware, String config, String carrier) {
        String rev = identity.revision();
        int us = rev.indexOf('_');
        int sp = rev.indexOf(' ');
        String prefix = us > 0 && (sp < 0 || us < sp) ? rev.substring(0, us + 1) : "";
        String build = prefix + firmware;
        installRevision(build + (sp > 0 ? rev.substring(sp) : ""));
        if (swiFirmware != null) {
            SwiGetCurrentFirmware.Response o = swiFirmware;
            swiFirmware = new SwiGetCurrentFirmware.Response(o.model(), build, build, o.skuId(), o.packageId(),
                    o.carrierId(), o.priVersion(), carrier == null ? o.carrier() : carrier,
                    config == null ? o.configVersion() : config);
            carrier = swiFirmware.carrier();
            config = swiFirmware.configVersion();
        }
        if (!profile.qmi().hasFirmwarePreference()) {
            return;
        }
        ImageId modem = ImageId.of(ImageId.TYPE_MODEM, "?_?", firmware + "_?");
        List<ImageId> now = new ArrayList<>(List.of(modem));
        if (config != null && carrier != null) {
            now.add(ImageId.of(ImageId.TYPE_PRI, config, firmware + "_" + carrier));
        }
        for (ImageId img : now) {
            for (int s = 0; s < storedImages.size(); s++) {
                ImageSlot slot = storedImages.get(s);
                if (slot.type() != img.type()) {
                    continue;
                }
                List<ImageId> imgs = new ArrayList<>(slot.images());
                int idx = imgs.indexOf(img);
                if (idx < 0) {
                    imgs.add(0, img); // newest first, as the modem lists them
                    idx = 0;
                    while (imgs.size() > Math.max(1, slot.maxImages())) {
                        imgs.remove(imgs.size() - 1); // a full slot drops its oldest image
                    }
                }
                storedImages.set(s, new ImageSlot(slot.type(), slot.maxImages(), idx, imgs));
                runningIndex[s] = idx;
            }
        }
        preference = List.copyOf(now);
    }

    /** Delivers an event of the boot side to the listeners. */
    public void emit(ModemEvent event) {
        synchronized (eventLock) {
            for (Consumer<ModemEvent> l : listeners) {
                l.accept(event);
            }
        }
    }

    private void deliverPending() {
        List<ModemEvent> events;
        synchronized (this) {
            events = new ArrayList<>(pendingEvents);
            pendingEvents.clear();
        }
        synchronized (eventLock) {
            for (ModemEvent e : events) {
                for (Consumer<ModemEvent> l : listeners) {
                    l.accept(e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- frame handling

    /** Thrown by handlers: answer with this error. */
    private static final class Reject extends Exception {
        final QmiProtocolError error;

        Reject(QmiProtocolError error) {
            super(error.nick(), null, false, false);
            this.error = error;
        }
    }

    private static long key(int service, int messageId) {
        return ((long) service << 16) | messageId;
    }

    private List<byte[]> handleLocked(byte[] frame) {
        if (phase != Phase.APPLICATION) {
            return List.of(); // the QMI function is gone (download mode or powered off)
        }
        Header h = Header.peek(frame);
        if (h == null || h.fromModem() || h.sduFlags() != 0) {
            return List.of(); // not a host request: firmware ignores it
        }
        String name = QmiMessageNames.messageName(h.service(), h.messageId());
        if (h.service() != QmiService.CTL && !providesService(h.service())) {
            record(h, name, "ignored: no such service");
            return List.of();
        }
        QmiMessage request;
        try {
            request = QmiMessage.decode(frame);
        } catch (QmiFormatException e) {
            return answer(h, name, error(h, QmiProtocolError.MALFORMED_MESSAGE));
        }
        if (h.service() != QmiService.CTL && !pool.isAllocated(h.service(), h.clientId())) {
            return answer(h, name, error(h, QmiProtocolError.INVALID_CLIENT_ID));
        }
        if (dropByFault(h)) {
            record(h, name, "dropped (fault)");
            return List.of();
        }
        var injected = faults.errorFor(h.service(), h.messageId());
        if (injected.isPresent()) {
            return answer(h, name, error(h, injected.get()));
        }
        QmiMessage response;
        try {
            response = request.respond(QmiResult.SUCCESS, dispatch(request));
        } catch (Reject r) {
            response = error(h, r.error);
        } catch (QmiFormatException e) {
            response = error(h, QmiProtocolError.MALFORMED_MESSAGE);
        }
        List<byte[]> out = answer(h, name, response);
        afterResponse(request, response);
        return out;
    }

    /** qmi-drop: every request of the message, or only its first N (counted per message). */
    private boolean dropByFault(Header h) {
        OptionalInt limit = faults.dropLimit(h.service(), h.messageId());
        if (limit.isEmpty()) {
            return false;
        }
        int n = droppedSoFar.merge(key(h.service(), h.messageId()), 1, Integer::sum);
        return limit.getAsInt() < 0 || n <= limit.getAsInt();
    }

    private List<byte[]> answer(Header h, String name, QmiMessage response) {
        QmiResult r;
        try {
            r = response.result().orElse(QmiResult.SUCCESS);
        } catch (QmiFormatException e) {
            r = QmiResult.SUCCESS;
        }
        var malformed = faults.malformationFor(h.service(), h.messageId());
        record(h, name, r.describe() + malformed.map(m -> " (fault: " + m.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-') + ")").orElse(""));
        List<byte[]> out = new ArrayList<>(2);
        if (faults.garbage()) {
            out.add(GARBAGE.clone());
        }
        out.add(malformed.isPresent() ? Malformed.apply(malformed.get(), response) : response.encode());
        return out;
    }

    private void record(Header h, String name, String outcome) {
        if (history.size() == HISTORY_LIMIT) {
            history.removeFirst();
        }
        history.addLast(new Exchange(h.service(), h.clientId(), h.messageId(), name, outcome));
    }

    private static QmiMessage error(Header h, QmiProtocolError e) {
        return QmiMessage.response(h.service(), h.clientId(), h.tid(), h.messageId(),
                List.of(QmiResult.failure(e).toTlv()));
    }

    private boolean providesService(int service) {
        return profile.services().stream().anyMatch(s -> s.service() == service);
    }

    private List<Tlv> dispatch(QmiMessage m) throws Reject, QmiFormatException {
        List<Tlv> t = m.tlvs();
        if (m.service() == QmiService.CTL) {
            return switch (m.messageId()) {
                case GetVersionInfo.ID -> new GetVersionInfo.Response(profile.services()).toTlvs();
                case AllocateClientId.ID -> allocate(t);
                case ReleaseClientId.ID -> release(t);
                case Sync.ID -> sync();
                default -> throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
            };
        }
        if (m.service() == QmiService.NAS) {
            return switch (m.messageId()) {
                // active preference 3GPP: GSM, WCDMA, LTE; permanent
                case NasIds.GET_TECHNOLOGY_PREFERENCE -> List.of(new TlvWriter(0x01)
                        .u16(TECHNOLOGY_3GPP_GSM_WCDMA_LTE).u8(0).build());
                // emergency mode off, mode preference GSM+UMTS+LTE, automatic network selection
                case NasIds.GET_SYSTEM_SELECTION_PREFERENCE -> List.of(new TlvWriter(0x10).u8(0).build(),
                        new TlvWriter(0x11).u16(MODE_PREFERENCE_GSM_UMTS_LTE).build(),
                        new TlvWriter(0x16).u8(0).build());
                default -> throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
            };
        }
        if (m.service() == WdaIds.SERVICE) {
            if (m.messageId() != WdaIds.GET_DATA_FORMAT) {
                throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
            }
            // no QoS header, 802.3 link layer (qmi_wwan's default), no aggregation
            return List.of(new TlvWriter(0x10).u8(0).build(), new TlvWriter(0x11).u32(1).build(),
                    new TlvWriter(0x12).u32(0).build(), new TlvWriter(0x13).u32(0).build());
        }
        if (m.service() != QmiService.DMS) {
            throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
        }
        Profile.Identity id = identity;
        return switch (m.messageId()) {
            // 150 Mbit/s up, 300 down; simultaneous CS+PS; SIM supported; GSM, UMTS, LTE
            case DmsIds.GET_CAPABILITIES -> List.of(new TlvWriter(0x01).u32(150_000_000L).u32(300_000_000L)
                    .u8(3).u8(2).u8(3).u8(4).u8(5).u8(8).build());
            case DmsIds.GET_MANUFACTURER -> List.of(string(0x01, id.manufacturer()));
            case GetModel.ID -> List.of(string(0x01, id.model()));
            case GetRevision.ID -> List.of(string(0x01, id.revision()));
            case GetIds.ID -> strings(new GetIds.Response(id.esn(), id.imei(), id.meid(), id.imeiSv()).toTlvs());
            case GetOperatingMode.ID -> getOperatingMode();
            case SetOperatingMode.ID -> setOperatingMode(t);
            case SetFirmwareId.ID -> setFirmwareId();
            case GetFirmwarePreference.ID -> {
                requireFirmwarePreference();
                yield new GetFirmwarePreference.Response(preference).toTlvs();
            }
            case SetFirmwarePreference.ID -> setFirmwarePreference(t);
            case ListStoredImages.ID -> listStoredImages();
            case SetBootImageDownloadMode.ID -> setBootImageDownloadMode(t);
            case SwiGetCurrentFirmware.ID -> {
                if (!profile.qmi().hasSwiMessages()) {
                    throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
                }
                yield strings(swiFirmware.toTlvs());
            }
            default -> throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
        };
    }

    /** The TLV must be present (MissingArgument) and, when length >= 0, exactly that long (MalformedMessage). */
    private static Tlv require(List<Tlv> tlvs, int type, int length) throws Reject {
        Tlv t = Tlvs.find(tlvs, type).orElseThrow(() -> new Reject(QmiProtocolError.MISSING_ARGUMENT));
        checkLength(t, length);
        return t;
    }

    private static void checkLength(Tlv t, int length) throws Reject {
        if (length >= 0 && t.length() != length) {
            throw new Reject(QmiProtocolError.MALFORMED_MESSAGE);
        }
    }

    // ---------------------------------------------------------------- CTL

    private List<Tlv> allocate(List<Tlv> tlvs) throws Reject, QmiFormatException {
        int service = require(tlvs, 0x01, 1).reader().u8();
        if (service == QmiService.CTL || !providesService(service)) {
            throw new Reject(QmiProtocolError.INVALID_SERVICE_TYPE);
        }
        OptionalInt cid = pool.allocate(service);
        if (cid.isEmpty()) {
            throw new Reject(QmiProtocolError.CLIENT_IDS_EXHAUSTED);
        }
        pendingEvents.add(new ModemEvent.ClientIdAllocated(service, cid.getAsInt()));
        return new AllocateClientId.Response(service, cid.getAsInt()).toTlvs();
    }

    private List<Tlv> release(List<Tlv> tlvs) throws Reject, QmiFormatException {
        var r = require(tlvs, 0x01, 2).reader();
        int service = r.u8();
        int cid = r.u8();
        if (!pool.release(service, cid)) {
            throw new Reject(QmiProtocolError.INVALID_CLIENT_ID);
        }
        pendingEvents.add(new ModemEvent.ClientIdReleased(service, cid));
        return new ReleaseClientId.Response(service, cid).toTlvs();
    }

    private List<Tlv> sync() {
        int n = pool.totalAllocated();
        pool.clear();
        pendingEvents.add(new ModemEvent.ClientIdsDropped(n));
        return new Sync.Response().toTlvs();
    }

    // ---------------------------------------------------------------- DMS

    private Tlv string(int type, String value) throws Reject {
        if (value == null) {
            throw new Reject(QmiProtocolError.NOT_SUPPORTED);
        }
        return strings(List.of(TlvWriter.ofString(type, value))).get(0);
    }

    /** MC7455-style firmware ends every string TLV with a NUL; clients must strip it. */
    private List<Tlv> strings(List<Tlv> tlvs) {
        if (!profile.qmi().nulTerminatedStrings()) {
            return tlvs;
        }
        List<Tlv> out = new ArrayList<>(tlvs.size());
        for (Tlv t : tlvs) {
            out.add(new Tlv(t.type(), Arrays.copyOf(t.value(), t.length() + 1)));
        }
        return out;
    }

    private List<Tlv> getOperatingMode() {
        List<Tlv> out = new ArrayList<>(new GetOperatingMode.Response(operatingMode).toTlvs());
        out.add(TlvWriter.ofU8(0x11, 0)); // hardware restricted: no
        return out;
    }

    private List<Tlv> setOperatingMode(List<Tlv> tlvs) throws Reject, QmiFormatException {
        int mode = require(tlvs, 0x01, 1).reader().u8();
        OperatingMode m = OperatingMode.fromCode(mode).orElseThrow(() -> new Reject(QmiProtocolError.INVALID_ARGUMENT));
        int cur = operatingMode;
        switch (m) {
            case UNKNOWN, FACTORY_TEST -> throw new Reject(QmiProtocolError.INVALID_ARGUMENT);
            case RESET -> {
                // firmware resets only from offline
                if (cur != OperatingMode.OFFLINE.code()) {
                    throw new Reject(QmiProtocolError.INVALID_TRANSITION);
                }
            }
            case ONLINE, LOW_POWER, PERSISTENT_LOW_POWER, MODE_ONLY_LOW_POWER -> {
                // leaving offline needs a reset
                if (cur == OperatingMode.OFFLINE.code()) {
                    throw new Reject(QmiProtocolError.INVALID_TRANSITION);
                }
            }
            case OFFLINE, SHUTTING_DOWN -> {
            }
        }
        if (mode != cur) {
            operatingMode = mode;
            pendingEvents.add(new ModemEvent.OperatingModeChanged(cur, mode));
        }
        return List.of();
    }

    private List<Tlv> setFirmwareId() throws Reject {
        switch (profile.qmi().setFirmwareId()) {
            case ACCEPT -> {
                firmwareIdSet = true;
                pendingEvents.add(new ModemEvent.FirmwareIdSet());
                return List.of();
            }
            case MISSING_ARGUMENT -> throw new Reject(QmiProtocolError.MISSING_ARGUMENT);
            default -> throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
        }
    }

    private void requireFirmwarePreference() throws Reject {
        if (!profile.qmi().hasFirmwarePreference()) {
            throw new Reject(QmiProtocolError.INVALID_QMI_COMMAND);
        }
    }

    private List<Tlv> setFirmwarePreference(List<Tlv> tlvs) throws Reject, QmiFormatException {
        requireFirmwarePreference();
        Tlv list = require(tlvs, 0x01, -1);
        var override = Tlvs.find(tlvs, 0x10);
        var index = Tlvs.find(tlvs, 0x11);
        if (override.isPresent()) {
            checkLength(override.get(), 1);
        }
        if (index.isPresent()) {
            checkLength(index.get(), 1);
        }
        SetFirmwarePreference.Request req = SetFirmwarePreference.Request.decode(tlvs);
        // the image list must fill its TLV exactly: re-encoding gives its true length
        Tlv reencoded = new SetFirmwarePreference.Request(req.images()).toTlvs().get(0);
        checkLength(list, reencoded.length());
        Set<Integer> types = new LinkedHashSet<>();
        for (ImageId i : req.images()) {
            if ((i.type() != ImageId.TYPE_MODEM && i.type() != ImageId.TYPE_PRI) || !types.add(i.type())) {
                throw new Reject(QmiProtocolError.INVALID_ARGUMENT);
            }
        }
        if (req.modemStorageIndex() != null) {
            int max = slot(ImageId.TYPE_MODEM).map(ImageSlot::maxImages).orElse(0);
            int si = req.modemStorageIndex();
            if (si != 0xFF && (si < 1 || si > max)) {
                throw new Reject(QmiProtocolError.INVALID_ARGUMENT);
            }
        }
        boolean force = Boolean.TRUE.equals(req.downloadOverride());
        List<Integer> toDownload = new ArrayList<>();
        for (ImageId i : req.images()) {
            if (force || !isStored(i)) {
                toDownload.add(i.type());
            }
        }
        preference = req.images();
        pendingDownload = List.copyOf(toDownload);
        pendingEvents.add(new ModemEvent.FirmwarePreferenceSet(req.images(), toDownload, force, req.modemStorageIndex()));
        return new SetFirmwarePreference.Response(toDownload).toTlvs();
    }

    private java.util.Optional<ImageSlot> slot(int type) {
        return storedImages.stream().filter(s -> s.type() == type).findFirst();
    }

    private boolean isStored(ImageId image) {
        return slot(image.type()).map(s -> s.images().contains(image)).orElse(false);
    }

    private List<Tlv> listStoredImages() throws Reject {
        requireFirmwarePreference();
        List<ImageSlot> slots = storedImages;
        List<ListStoredImages.ImageList> lists = new ArrayList<>();
        for (int s = 0; s < slots.size(); s++) {
            ImageSlot slot = slots.get(s);
            List<ListStoredImages.StoredImage> images = new ArrayList<>();
            for (int i = 0; i < slot.images().size(); i++) {
                ImageId img = slot.images().get(i);
                images.add(new ListStoredImages.StoredImage(i + 1, 0, img.uniqueId(), img.buildId()));
            }
            lists.add(new ListStoredImages.ImageList(slot.type(), slot.maxImages(), runningIndex[s], images));
        }
        return new ListStoredImages.Response(lists).toTlvs();
    }

    private List<Tlv> setBootImageDownloadMode(List<Tlv> tlvs) throws Reject, QmiFormatException {
        int mode = require(tlvs, 0x01, 1).reader().u8();
        if (mode != SetBootImageDownloadMode.NORMAL && mode != SetBootImageDownloadMode.BOOT_AND_RECOVERY) {
            throw new Reject(QmiProtocolError.INVALID_ARGUMENT);
        }
        bootImageDownloadMode = mode;
        pendingEvents.add(new ModemEvent.BootImageDownloadModeSet(mode));
        return List.of();
    }

    // ---------------------------------------------------------------- reset

    private void afterResponse(QmiMessage request, QmiMessage response) {
        if (request.service() != QmiService.DMS || request.messageId() != SetOperatingMode.ID) {
            return;
        }
        try {
            if (!response.result().map(QmiResult::isSuccess).orElse(false)) {
                return;
            }
        } catch (QmiFormatException e) {
            return;
        }
        if (operatingMode == OperatingMode.SHUTTING_DOWN.code()) {
            phase = Phase.OFF;
            return;
        }
        if (operatingMode != OperatingMode.RESET.code()) {
            return;
        }
        List<String> why = new ArrayList<>();
        if (!pendingDownload.isEmpty()) {
            List<String> names = new ArrayList<>();
            pendingDownload.forEach(t -> names.add(ImageId.typeName(t)));
            why.add("firmware preference needs " + String.join("+", names));
        }
        if (firmwareIdSet) {
            why.add("Set Firmware ID");
        }
        if (bootImageDownloadMode == SetBootImageDownloadMode.BOOT_AND_RECOVERY) {
            why.add("boot image download mode");
        }
        if (!why.isEmpty()) {
            int dropped = pool.totalAllocated();
            pool.clear();
            phase = Phase.DOWNLOAD;
            pendingEvents.add(new ModemEvent.ClientIdsDropped(dropped));
            pendingEvents.add(new ModemEvent.ResetRequested(true, String.join(", ", why)));
        } else {
            pendingEvents.add(new ModemEvent.ResetRequested(false, "reboot into the stored images"));
            // a stored preferred image becomes the running one
            if (preference != null) {
                List<ImageSlot> slots = storedImages;
                for (ImageId want : preference) {
                    for (int s = 0; s < slots.size(); s++) {
                        int idx = slots.get(s).images().indexOf(want);
                        if (slots.get(s).type() == want.type() && idx >= 0) {
                            runningIndex[s] = idx;
                        }
                    }
                }
            }
            reboot();
        }
    }

    private void reboot() {
        int dropped = pool.totalAllocated();
        pool.clear();
        phase = Phase.APPLICATION;
        operatingMode = OperatingMode.ONLINE.code();
        pendingDownload = List.of();
        firmwareIdSet = false;
        bootImageDownloadMode = SetBootImageDownloadMode.NORMAL;
        if (dropped > 0) {
            pendingEvents.add(new ModemEvent.ClientIdsDropped(dropped));
        }
        pendingEvents.add(new ModemEvent.Rebooted());
    }

    /** QMUX + SDU header fields read without decoding the TLVs, so even a malformed request can be answered. */
    record Header(boolean fromModem, int service, int clientId, int sduFlags, int tid, int messageId) {
        static Header peek(byte[] f) {
            int service = f.length > 4 ? f[4] & 0xFF : -1;
            int need = QmiMessage.QMUX_HEADER_LENGTH + (service == QmiService.CTL ? 4 : 5);
            if (service < 0 || f.length < need) {
                return null;
            }
            int p = QmiMessage.QMUX_HEADER_LENGTH;
            int flags = f[p++] & 0xFF;
            int tid;
            if (service == QmiService.CTL) {
                tid = f[p++] & 0xFF;
            } else {
                tid = (f[p] & 0xFF) | (f[p + 1] & 0xFF) << 8;
                p += 2;
            }
            int msg = (f[p] & 0xFF) | (f[p + 1] & 0xFF) << 8;
            return new Header((f[3] & 0xFF) == QmiMessage.QMUX_FLAG_FROM_MODEM, service, f[5] & 0xFF, flags, tid, msg);
        }
    }
}
