package io.modemflash.qdl.sahara;

/** Sahara status codes (END_OF_IMAGE_TX, HELLO_RESP). Names from the protocol, not edl's shifted table. */
public enum SaharaStatus {
    SUCCESS(0x00, "success"),
    INVALID_CMD(0x01, "invalid command"),
    PROTOCOL_MISMATCH(0x02, "protocol mismatch"),
    INVALID_TARGET_PROTOCOL(0x03, "invalid target protocol"),
    INVALID_HOST_PROTOCOL(0x04, "invalid host protocol"),
    INVALID_PACKET_SIZE(0x05, "invalid packet size"),
    UNEXPECTED_IMAGE_ID(0x06, "unexpected image id"),
    INVALID_HEADER_SIZE(0x07, "invalid header size"),
    INVALID_DATA_SIZE(0x08, "invalid data size"),
    INVALID_IMAGE_TYPE(0x09, "invalid image type"),
    INVALID_TX_LENGTH(0x0A, "invalid tx length"),
    INVALID_RX_LENGTH(0x0B, "invalid rx length"),
    GENERAL_TX_RX_ERROR(0x0C, "general tx/rx error"),
    READ_DATA_ERROR(0x0D, "read data error"),
    UNSUPPORTED_NUM_PHDRS(0x0E, "unsupported number of program headers"),
    INVALID_PHDR_SIZE(0x0F, "invalid program header size"),
    MULTIPLE_SHARED_SEG(0x10, "multiple shared segments"),
    UNINIT_PHDR_LOC(0x11, "uninitialised program header location"),
    INVALID_DEST_ADDR(0x12, "invalid destination address"),
    INVALID_IMG_HDR_DATA_SIZE(0x13, "invalid image header data size"),
    INVALID_ELF_HDR(0x14, "invalid ELF header"),
    UNKNOWN_HOST_ERROR(0x15, "unknown host error"),
    TIMEOUT_RX(0x16, "timeout on receive"),
    TIMEOUT_TX(0x17, "timeout on transmit"),
    INVALID_HOST_MODE(0x18, "invalid host mode"),
    INVALID_MEMORY_READ(0x19, "invalid memory read"),
    INVALID_DATA_SIZE_REQUEST(0x1A, "invalid data size request"),
    MEMORY_DEBUG_NOT_SUPPORTED(0x1B, "memory debug not supported"),
    INVALID_MODE_SWITCH(0x1C, "invalid mode switch"),
    CMD_EXEC_FAILURE(0x1D, "command execution failure"),
    EXEC_CMD_INVALID_PARAM(0x1E, "execute command invalid parameter"),
    EXEC_CMD_UNSUPPORTED(0x1F, "execute command unsupported"),
    EXEC_DATA_INVALID_CLIENT_CMD(0x20, "execute data invalid client command"),
    HASH_TABLE_AUTH_FAILURE(0x21, "hash table auth failure"),
    HASH_VERIFICATION_FAILURE(0x22, "hash verification failure"),
    HASH_TABLE_NOT_FOUND(0x23, "hash table not found"),
    TARGET_INIT_FAILURE(0x24, "target init failure"),
    IMAGE_AUTH_FAILURE(0x25, "image auth failure"),
    INVALID_IMG_HASH_TABLE_SIZE(0x26, "invalid image hash table size");

    public final int code;
    public final String description;

    SaharaStatus(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public static SaharaStatus of(long code) {
        return code >= 0 && code < values().length ? values()[(int) code] : null;
    }

    /** "hash table auth failure (0x21)" or "unknown status 0x99". */
    public static String describe(long code) {
        SaharaStatus s = of(code);
        return s == null ? String.format("unknown status 0x%X", code) : String.format("%s (0x%02X)", s.description, code);
    }
}
