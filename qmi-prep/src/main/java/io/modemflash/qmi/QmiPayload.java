package io.modemflash.qmi;

import java.util.List;
import java.util.Map;

/**
 * The typed content of one QMI request, response or indication. Encoding and decoding live
 * together so the host and the emulator use the same code for both directions. Responses
 * exclude the result TLV 0x02, which the framing code adds and checks.
 */
public interface QmiPayload {
    List<Tlv> toTlvs();

    /** Named fields for technicians (describer, JSON), in wire order. */
    Map<String, Object> fields();
}
