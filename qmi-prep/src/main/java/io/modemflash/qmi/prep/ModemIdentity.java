package io.modemflash.qmi.prep;

import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a modem says about itself over DMS: model, revision, IDs, and, where the family has
 * them, Sierra's current firmware and the firmware preference. Messages a family does not
 * implement (error response) are left null; other failures propagate. A Sierra modem that
 * does not answer SWI Get Current Firmware still names its firmware, config and carrier in
 * its firmware preference or its stored images (the running ones): {@link #source()} says
 * which answer the versions came from.
 */
public record ModemIdentity(String model, String revision, String imei, SwiGetCurrentFirmware.Response swi,
                            List<ImageId> firmwarePreference, ListStoredImages.Response storedImages) {

    public ModemIdentity(String model, String revision, String imei, SwiGetCurrentFirmware.Response swi,
                         List<ImageId> firmwarePreference) {
        this(model, revision, imei, swi, firmwarePreference, null);
    }

    /** Firmware, config and carrier, and the QMI answer they were read from. */
    private record Versions(String firmware, String config, String carrier, String source) {
    }

    /** "SWI9X30C_02.33.03.00" -> "02.33.03.00". */
    private static final Pattern SIERRA_VERSION = Pattern.compile("SWI9\\w+?_(\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{2})");

    public static ModemIdentity read(DmsClient dms) throws QmiException {
        String model = dms.getModel();
        String revision = dms.getRevision();
        String imei = null;
        try {
            GetIds.Response ids = dms.getIds();
            imei = ids.imei();
        } catch (QmiErrorResponseException e) {
            // some parts refuse Get IDs without a SIM or in low power
        }
        SwiGetCurrentFirmware.Response swi = null;
        try {
            swi = dms.swiGetCurrentFirmware();
        } catch (QmiErrorResponseException e) {
            // not a Sierra part
        }
        List<ImageId> pref = null;
        try {
            pref = dms.getFirmwarePreference();
        } catch (QmiErrorResponseException e) {
            // no firmware preference on this family
        }
        ListStoredImages.Response stored = null;
        if (swi == null && model != null) {
            try {
                stored = dms.listStoredImages();
            } catch (QmiErrorResponseException e) {
                // no stored images either
            }
        }
        return new ModemIdentity(model, revision, imei, swi, pref == null ? null : List.copyOf(pref), stored);
    }

    private Versions versions() {
        if (swi != null && swi.amssVersion() != null) {
            return new Versions(sierraVersion(swi.amssVersion()), swi.configVersion(), swi.carrier(),
                    "SWI Get Current Firmware");
        }
        Versions v = fromImages(firmwarePreference == null ? null : modemAndPri(firmwarePreference),
                "Get Firmware Preference");
        if (v == null && storedImages != null) {
            v = fromImages(runningStored(storedImages), "List Stored Images");
        }
        return v != null ? v : new Versions(revision == null ? null : sierraVersion(revision), null, null,
                "Get Revision");
    }

    /** Modem build id "02.38.00.00_?" gives the firmware; PRI unique id the config, its build id "..._GENERIC" the carrier. */
    private static Versions fromImages(ImageId[] modemAndPri, String source) {
        if (modemAndPri == null || modemAndPri[0] == null) {
            return null;
        }
        String modemBuild = modemAndPri[0].buildId();
        String fw = modemBuild.contains("_") ? modemBuild.substring(0, modemBuild.indexOf('_')) : modemBuild;
        if (!fw.matches("\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{2}")) {
            return null;
        }
        String config = null;
        String carrier = null;
        if (modemAndPri[1] != null) {
            config = modemAndPri[1].uniqueIdText().strip();
            String b = modemAndPri[1].buildId();
            carrier = b.contains("_") ? b.substring(b.indexOf('_') + 1) : null;
        }
        return new Versions(fw, config == null || config.isEmpty() ? null : config, carrier, source);
    }

    private static ImageId[] modemAndPri(List<ImageId> ids) {
        ImageId[] out = new ImageId[2];
        for (ImageId i : ids) {
            if (i.type() == ImageId.TYPE_MODEM || i.type() == ImageId.TYPE_PRI) {
                out[i.type()] = i;
            }
        }
        return out;
    }

    private static ImageId[] runningStored(ListStoredImages.Response r) {
        ImageId[] out = new ImageId[2];
        for (ListStoredImages.ImageList l : r.lists()) {
            if ((l.type() == ImageId.TYPE_MODEM || l.type() == ImageId.TYPE_PRI) && l.runningIndex() >= 0
                    && l.runningIndex() < l.images().size()) {
                ListStoredImages.StoredImage i = l.images().get(l.runningIndex());
                out[l.type()] = new ImageId(l.type(), i.uniqueId(), i.buildId());
            }
        }
        return out;
    }

    private static String sierraVersion(String src) {
        Matcher m = SIERRA_VERSION.matcher(src);
        return m.find() ? m.group(1) : src.trim();
    }

    /** Which QMI answer the firmware, config and carrier come from, e.g. "Get Firmware Preference". */
    public String source() {
        return versions().source();
    }

    /** The running firmware version as packages name it (Sierra "02.33.03.00"); the revision otherwise. */
    public String firmwareVersion() {
        return versions().firmware();
    }

    /** The Sierra product of the running firmware ("9X30"), or null. */
    public String sierraProduct() {
        String src = swi != null && swi.amssVersion() != null ? swi.amssVersion() : revision;
        if (src == null) {
            return null;
        }
        Matcher m = Pattern.compile("SWI(9X\\d\\d)").matcher(src.toUpperCase(java.util.Locale.ROOT));
        return m.find() ? m.group(1) : null;
    }

    public String configVersion() {
        return versions().config();
    }

    public String carrier() {
        return versions().carrier();
    }

    /** For JSON events and the plan. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("revision", revision);
        m.put("firmware", firmwareVersion());
        if (swi == null && configVersion() != null) {
            m.put("versions_from", source()); // SWI Get Current Firmware unsupported: say where they came from
        }
        if (imei != null) {
            m.put("imei", imei);
        }
        if (configVersion() != null) {
            m.put("config", configVersion());
        }
        if (carrier() != null) {
            m.put("carrier", carrier());
        }
        if (firmwarePreference != null) {
            m.put("firmware_preference", firmwarePreference.stream().map(ImageId::toString).toList());
        }
        return m;
    }
}
