package io.modemflash.qdl.sahara;

import io.modemflash.qdl.Decoded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Explains captured Sahara bytes: consecutive packets cut by their length fields. */
public final class SaharaDescriber {
    private SaharaDescriber() {
    }

    public static List<Decoded> describe(byte[] bytes) {
        List<Decoded> out = new ArrayList<>();
        int off = 0;
        while (off < bytes.length) {
            int left = bytes.length - off;
            try {
                int len = SaharaCodec.packetLength(bytes, off, left);
                if (len < 0 || len > left) {
                    out.add(Decoded.bad(off, left, "incomplete Sahara packet: " + left + " bytes"
                            + (len < 0 ? ", need an 8-byte header" : " of " + len)));
                    return out;
                }
                SaharaPacket p = SaharaCodec.decode(bytes, off, len);
                out.add(Decoded.ok(off, len, SaharaCodec.nameOf(p.command()), fields(p)));
                off += len;
            } catch (SaharaPacketException e) {
                out.add(Decoded.bad(off, left, e.getMessage()));
                return out;
            }
        }
        return out;
    }

    private static Map<String, Object> fields(SaharaPacket p) {
        Map<String, Object> f = Decoded.fieldsOf((Record) p);
        if (p instanceof SaharaPacket.EndOfImageTx e) {
            f.put("status_name", SaharaStatus.describe(e.status()));
        } else if (p instanceof SaharaPacket.HelloResp h) {
            f.put("status_name", SaharaStatus.describe(h.status()));
            f.put("mode_name", mode(h.mode()));
        } else if (p instanceof SaharaPacket.Hello h) {
            f.put("mode_name", mode(h.mode()));
        } else if (p instanceof SaharaPacket.SwitchMode s) {
            f.put("mode_name", mode(s.mode()));
        } else if (p instanceof SaharaPacket.DoneResp d) {
            f.put("meaning", d.imageTxStatus() == 1 ? "transfer complete" : "more images wanted");
        } else if (p instanceof SaharaPacket.Execute e) {
            f.put("command_name", command(e.clientCommand()));
        } else if (p instanceof SaharaPacket.ExecuteResp e) {
            f.put("command_name", command(e.clientCommand()));
        } else if (p instanceof SaharaPacket.ExecuteData e) {
            f.put("command_name", command(e.clientCommand()));
        }
        return f;
    }

    static String mode(long mode) {
        return switch ((int) mode) {
            case SaharaPacket.MODE_IMAGE_TX_PENDING -> "image transfer pending";
            case SaharaPacket.MODE_IMAGE_TX_COMPLETE -> "image transfer complete";
            case SaharaPacket.MODE_MEMORY_DEBUG -> "memory debug";
            case SaharaPacket.MODE_COMMAND -> "command";
            default -> "unknown mode " + mode;
        };
    }

    static String command(long cmd) {
        return switch ((int) cmd) {
            case SaharaCommands.SERIAL_NUMBER -> "serial number";
            case SaharaCommands.MSM_HW_ID -> "MSM HW id";
            case SaharaCommands.OEM_PK_HASH -> "OEM PK hash";
            case SaharaCommands.SBL_VERSION -> "SBL version";
            case SaharaCommands.CHIP_ID_V3 -> "chip id v3";
            case SaharaCommands.SIERRA_SWITCH_TO_FIREHOSE -> "Sierra switch to Firehose";
            default -> String.format("client command 0x%X", cmd);
        };
    }
}
