package io.modemflash.qmi.info;

import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiProtocolError;

import java.util.Set;

/**
 * What one query returned: a value, or "unsupported" when the modem answered that it does
 * not implement the message. Modems differ (a generic Qualcomm part has no Sierra SWI
 * messages, an EM7565 has no firmware id): that is information, not a failure.
 */
public sealed interface Answer<T> {

    record Value<T>(T value) implements Answer<T> {
    }

    /** The modem answered with an error that means "not implemented here". */
    record Unsupported<T>(String reason) implements Answer<T> {
    }

    /** Errors that say a message is not available on this modem, rather than a failure. */
    Set<QmiProtocolError> NOT_IMPLEMENTED = Set.of(
            QmiProtocolError.INVALID_QMI_COMMAND, QmiProtocolError.NOT_SUPPORTED,
            QmiProtocolError.NOT_PROVISIONED);

    @FunctionalInterface
    interface Query<T> {
        T run() throws QmiException;
    }

    /** Runs a query; "not implemented" answers become Unsupported, every other failure propagates. */
    static <T> Answer<T> of(Query<T> query) throws QmiException {
        try {
            return new Value<>(query.run());
        } catch (QmiErrorResponseException e) {
            if (e.error().map(NOT_IMPLEMENTED::contains).orElse(false)) {
                return new Unsupported<>(e.error().get().nick());
            }
            throw e;
        }
    }

    default T orNull() {
        return this instanceof Value<T> v ? v.value() : null;
    }
}
