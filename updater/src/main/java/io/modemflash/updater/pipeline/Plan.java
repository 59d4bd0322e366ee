package io.modemflash.updater.pipeline;

import io.modemflash.images.Protocol;
import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.qmi.prep.ModemIdentity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an update will do to one modem.
 *
 * @param current        what the modem runs (null when it was found in download mode)
 * @param target         versions to ask for and verify
 * @param alreadyRunning the modem already runs the target (nothing to do without --override-download)
 * @param startAt        first stage that touches the device (download when found in download mode)
 * @param images         image names in flashing order
 * @param skipImages     images a previous run already wrote (resume)
 * @param steps          what would be sent to the device, in order (empty when already running)
 */
public record Plan(ModemIdentity current, FirmwareTarget target, Protocol protocol, boolean alreadyRunning,
                   Stage startAt, List<String> images, List<String> skipImages, List<String> warnings,
                   List<Step> steps) {
    public Plan {
        images = List.copyOf(images);
        skipImages = List.copyOf(skipImages);
        warnings = List.copyOf(warnings);
        steps = List.copyOf(steps);
    }

    /** One thing sent to the device, the stage that sends it, and what follows if the device refuses (or null). */
    public record Step(Stage stage, String send, String ifRefused) {
        Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", stage.label());
            m.put("send", send);
            if (ifRefused != null) {
                m.put("if_refused", ifRefused);
            }
            return m;
        }
    }

    /** A Sierra package (QDL or Firehose): verified by firmware, config and carrier. */
    public boolean sierra() {
        return protocol == Protocol.SIERRA_QDL || protocol == Protocol.SIERRA_FIREHOSE;
    }

    /** Sierra packages ask for a firmware preference when all three versions are known; others never. */
    public FirmwareTarget entryTarget() {
        return sierra() && target.hasPreference() ? target : FirmwareTarget.NONE;
    }

    /** How the download runs: with a reset, skipping what an interrupted run already wrote. */
    public io.modemflash.qdl.download.DownloadOptions downloadOptions(io.modemflash.qdl.download.DownloadOptions base) {
        return base.withReset(true).withSkipImages(new java.util.HashSet<>(skipImages));
    }

    /** Does the modem run the target? Sierra: firmware/config/carrier; others: the revision names the version. */
    public boolean runBy(ModemIdentity id) {
        FirmwareTarget t = target;
        if (sierra()) {
            return java.util.Objects.equals(t.firmwareVersion(), id.firmwareVersion())
                    && (t.configVersion() == null || t.configVersion().equals(id.configVersion()))
                    && (t.carrier() == null || t.carrier().equals(id.carrier()));
        }
        return id.revision() != null && id.revision().contains(t.firmwareVersion());
    }

    /**
     * Whether a device in download mode speaking {@code device} can take a package of {@code pkg}.
     * A device whose id does not tell its protocol (null) fits: the download's detection step decides.
     */
    public static boolean fits(BootProtocol device, Protocol pkg) {
        if (device == null) {
            return true;
        }
        return switch (pkg) {
            case SIERRA_QDL, GOBI_QDL -> device == BootProtocol.SIERRA_QDL;
            case SIERRA_FIREHOSE -> device == BootProtocol.SIERRA_SAHARA_FIREHOSE;
            case QUALCOMM_EDL -> device == BootProtocol.SAHARA;
        };
    }

    /** The same plan from another stage on, with nothing skipped (a resume that has to start over). */
    public Plan restartedAt(Stage s) {
        return new Plan(current, target, protocol, false, s, images, List.of(), warnings, steps);
    }

    /** The same plan, with what it would send. */
    public Plan withSteps(List<Step> s) {
        return new Plan(current, target, protocol, alreadyRunning, startAt, images, skipImages, warnings, s);
    }

    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (current != null) {
            m.put("current", current.fields());
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("firmware", target.firmwareVersion());
        t.put("config", target.configVersion());
        t.put("carrier", target.carrier());
        if (target.storageIndex() != null) {
            t.put("storage_index", target.storageIndex());
        }
        t.put("override_download", target.downloadOverride());
        m.put("target", t);
        m.put("protocol", protocol.label);
        m.put("already_running", alreadyRunning);
        m.put("start_at", startAt.label());
        m.put("images", images);
        if (!skipImages.isEmpty()) {
            m.put("resume_skips", skipImages);
        }
        m.put("steps", steps.stream().map(Step::fields).toList());
        return m;
    }

    /** For humans. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (current != null) {
            sb.append("modem ").append(current.model()).append(" runs ").append(current.firmwareVersion());
            if (current.configVersion() != null) {
                sb.append(" / ").append(current.configVersion()).append(" / ").append(current.carrier());
            }
            sb.append("; ");
        } else {
            sb.append("device in download mode; ");
        }
        sb.append(alreadyRunning ? "already running " : "will flash ").append(target.firmwareVersion());
        if (target.configVersion() != null) {
            sb.append(" / ").append(target.configVersion()).append(" / ").append(target.carrier());
        }
        sb.append(" (").append(protocol.label).append(", ").append(images.size()).append(" image")
                .append(images.size() == 1 ? "" : "s").append(": ").append(String.join(", ", images)).append(')');
        if (!skipImages.isEmpty()) {
            sb.append("; resuming after ").append(String.join(", ", skipImages));
        }
        return sb.toString();
    }

    /** For humans: what would be sent, one numbered line per step. */
    public List<String> describeSteps() {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            out.add(String.format("%3d. %s: %s", i + 1, s.stage().label(), s.send()));
            if (s.ifRefused() != null) {
                out.add("     if refused: " + s.ifRefused());
            }
        }
        return out;
    }
}
