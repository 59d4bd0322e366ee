package io.modemflash.qmi.prep;

import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a modem says about itself over DMS: model, revision, IDs, and, where the family has
 * them, Sierra's current firmware and the firmware preference. Messages a family does not
 * implement (error response) are left null; other failures propagate.
 */
public record ModemIdentity(String model, String revision, String imei, SwiGetCurrentFirmware.Response swi,
                            List<ImageId> firmwarePreference) {

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
        return new ModemIdentity(model, revision, imei, swi, pref == null ? null : List.copyOf(pref));
    }

    /** The running firmware version as packages name it (Sierra "02.33.03.00"); the revision otherwise. */
    public String firmwareVersion() {
        String src = swi != null && swi.amssVersion() != null ? swi.amssVersion() : revision;
        if (src == null) {
            return null;
        }
        Matcher m = SIERRA_VERSION.matcher(src);
        return m.find() ? m.group(1) : src.trim();
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
        return swi == null ? null : swi.configVersion();
    }

    public String carrier() {
        return swi == null ? null : swi.carrier();
    }

    /** For JSON events and the plan. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("revision", revision);
        m.put("firmware", firmwareVersion());
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
