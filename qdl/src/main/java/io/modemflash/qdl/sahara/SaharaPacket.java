package io.modemflash.qdl.sahara;

/**
 * Sahara packets: {@code command u32, length u32} then the body, all little-endian. u32
 * fields are carried as long (unsigned), u64 fields as long.
 */
public sealed interface SaharaPacket {
    int HELLO = 0x01;
    int HELLO_RESP = 0x02;
    int READ_DATA = 0x03;
    int END_OF_IMAGE_TX = 0x04;
    int DONE = 0x05;
    int DONE_RESP = 0x06;
    int RESET = 0x07;
    int RESET_RESP = 0x08;
    int MEMORY_DEBUG = 0x09;
    int MEMORY_READ = 0x0A;
    int CMD_READY = 0x0B;
    int SWITCH_MODE = 0x0C;
    int EXECUTE = 0x0D;
    int EXECUTE_RESP = 0x0E;
    int EXECUTE_DATA = 0x0F;
    int MEMORY_DEBUG64 = 0x10;
    int MEMORY_READ64 = 0x11;
    int READ_DATA64 = 0x12;
    int RESET_STATE_MACHINE = 0x13;

    /** Modes of HELLO / HELLO_RESP / SWITCH_MODE. */
    int MODE_IMAGE_TX_PENDING = 0;
    int MODE_IMAGE_TX_COMPLETE = 1;
    int MODE_MEMORY_DEBUG = 2;
    int MODE_COMMAND = 3;

    /** The command id on the wire. */
    int command();

    record Hello(long version, long compatible, long maxCommandPacketLength, long mode) implements SaharaPacket {
        public int command() {
            return HELLO;
        }
    }

    record HelloResp(long version, long compatible, long status, long mode) implements SaharaPacket {
        public int command() {
            return HELLO_RESP;
        }
    }

    record ReadData(long imageId, long offset, long length) implements SaharaPacket {
        public int command() {
            return READ_DATA;
        }
    }

    record EndOfImageTx(long imageId, long status) implements SaharaPacket {
        public int command() {
            return END_OF_IMAGE_TX;
        }
    }

    record Done() implements SaharaPacket {
        public int command() {
            return DONE;
        }
    }

    /** imageTxStatus: 1 complete, 0 more images wanted. */
    record DoneResp(long imageTxStatus) implements SaharaPacket {
        public int command() {
            return DONE_RESP;
        }
    }

    record Reset() implements SaharaPacket {
        public int command() {
            return RESET;
        }
    }

    record ResetResp() implements SaharaPacket {
        public int command() {
            return RESET_RESP;
        }
    }

    record MemoryDebug(long tableAddress, long tableLength) implements SaharaPacket {
        public int command() {
            return MEMORY_DEBUG;
        }
    }

    record MemoryRead(long address, long length) implements SaharaPacket {
        public int command() {
            return MEMORY_READ;
        }
    }

    record CmdReady() implements SaharaPacket {
        public int command() {
            return CMD_READY;
        }
    }

    record SwitchMode(long mode) implements SaharaPacket {
        public int command() {
            return SWITCH_MODE;
        }
    }

    record Execute(long clientCommand) implements SaharaPacket {
        public int command() {
            return EXECUTE;
        }
    }

    record ExecuteResp(long clientCommand, long dataLength) implements SaharaPacket {
        public int command() {
            return EXECUTE_RESP;
        }
    }

    record ExecuteData(long clientCommand) implements SaharaPacket {
        public int command() {
            return EXECUTE_DATA;
        }
    }

    record MemoryDebug64(long tableAddress, long tableLength) implements SaharaPacket {
        public int command() {
            return MEMORY_DEBUG64;
        }
    }

    record MemoryRead64(long address, long length) implements SaharaPacket {
        public int command() {
            return MEMORY_READ64;
        }
    }

    record ReadData64(long imageId, long offset, long length) implements SaharaPacket {
        public int command() {
            return READ_DATA64;
        }
    }

    record ResetStateMachine() implements SaharaPacket {
        public int command() {
            return RESET_STATE_MACHINE;
        }
    }
}
