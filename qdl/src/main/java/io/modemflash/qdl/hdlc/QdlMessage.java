package io.modemflash.qdl.hdlc;

/**
 * Messages of Sierra QDL (Qualcomm streaming download over HDLC), host and device side.
 * All integers little-endian; see {@link QdlCodec} for the layouts.
 */
public sealed interface QdlMessage {

    int CMD_ACK = 0x02;
    int CMD_HELLO = 0x01;
    int CMD_HELLO_RSP = 0x02;
    int CMD_ERROR = 0x0D;
    int CMD_DIAG_BAD_COMMAND = 0x13;
    int CMD_OPEN_UNFRAMED = 0x25;
    int CMD_OPEN_RSP = 0x26;
    int CMD_WRITE_UNFRAMED = 0x27;
    int CMD_WRITE_RSP = 0x28;
    int CMD_CLOSE = 0x29;
    int CMD_CLOSE_RSP = 0x2A;
    int CMD_RESET = 0x2D;
    int CMD_DLOAD_SDP = 0x70;

    String HOST_MAGIC = "QCOM high speed protocol hst";
    String TARGET_MAGIC = "QCOM high speed protocol tgt";

    /** Image types for open-unframed. */
    int IMAGE_CWE = 0x80;
    int IMAGE_AMSS = 0x05;
    int IMAGE_APPS = 0x06;
    int IMAGE_UQCN = 0x0D;

    /** DLOAD "switch to download protocol" probe, {@code 70 00 00}. */
    record DloadSdp() implements QdlMessage {
    }

    /** DLOAD ACK, the single byte {@code 02}. */
    record DloadAck() implements QdlMessage {
    }

    /** Host hello: magic NUL-padded to 32 bytes, versions, feature bits (0x30). */
    record Hello(String magic, int maxVersion, int minVersion, int features) implements QdlMessage {
        public static Hello forVersion(int version) {
            return new Hello(HOST_MAGIC, version, version, 0x30);
        }
    }

    /** Device hello response: exactly 49 bytes on the wire. */
    record HelloRsp(String magic, int maxVersion, int minVersion, long reserved1, long reserved2, int reserved3,
                    int reserved4, int reserved5, int features) implements QdlMessage {
    }

    /** Device error: code (see {@link QdlError}) and an error-text byte. */
    record Error(long code, int text) implements QdlMessage {
        public String describe() {
            return QdlError.describe(code);
        }
    }

    /** A DIAG port's "bad command" echo: the port is not in download mode. */
    record DiagBadCommand(byte[] echoed) implements QdlMessage {
    }

    /** Open an image for unframed writes; {@code header} is the 400-byte CWE header (or empty). */
    record OpenUnframed(int imageType, long length, int window, long chunkSize, byte[] header) implements QdlMessage {
    }

    record OpenRsp(int status, int window, long chunkSize) implements QdlMessage {
    }

    /** The 13-byte header of an unframed write (CRC over its first 11 bytes); the chunk follows raw. */
    record WriteUnframedHeader(int sequence, long chunkSize) implements QdlMessage {
    }

    record WriteRsp(int sequence, long reserved, int status) implements QdlMessage {
    }

    record CloseUnframed() implements QdlMessage {
    }

    record CloseRsp(int status, int imageType, int errorText) implements QdlMessage {
    }

    record Reset() implements QdlMessage {
    }
}
