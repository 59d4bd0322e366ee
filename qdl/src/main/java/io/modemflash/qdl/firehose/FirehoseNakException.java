package io.modemflash.qdl.firehose;

import io.modemflash.qdl.ProtocolException;

import java.util.List;

/** The programmer answered NAK; the reason is the ERROR: log that preceded it. */
public class FirehoseNakException extends ProtocolException {
    private final String command;
    private final String reason;
    private final List<String> logs;

    public FirehoseNakException(String command, String reason, List<String> logs) {
        super("programmer refused <" + command + ">: " + reason);
        this.command = command;
        this.reason = reason;
        this.logs = List.copyOf(logs);
    }

    public String command() {
        return command;
    }

    public String reason() {
        return reason;
    }

    /** Every log received with the NAK, for -v output. */
    public List<String> logs() {
        return logs;
    }
}
