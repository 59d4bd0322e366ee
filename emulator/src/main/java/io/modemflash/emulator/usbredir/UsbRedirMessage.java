package io.modemflash.emulator.usbredir;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One usbredir packet, decoded. {@code id} is the header id: the guest's request id echoed in
 * the answer, 0 for unsolicited packets (hello, device_connect, ...). Byte arrays are owned by
 * the message (the codec copies nothing more).
 */
public sealed interface UsbRedirMessage {
    long id();

    /** First packet of both sides; caps is the first capability word. */
    record Hello(long id, String version, int caps) implements UsbRedirMessage {
    }

    /** bcdDevice is sent only when both sides have the connect_device_version capability. */
    record DeviceConnect(long id, int speed, int deviceClass, int deviceSubClass, int deviceProtocol,
                         int vendorId, int productId, int bcdDevice) implements UsbRedirMessage {
    }

    record DeviceDisconnect(long id) implements UsbRedirMessage {
    }

    record DeviceDisconnectAck(long id) implements UsbRedirMessage {
    }

    record Reset(long id) implements UsbRedirMessage {
    }

    /** One interface of the active configuration. */
    record Interface(int number, int cls, int subClass, int protocol) {
    }

    record InterfaceInfo(long id, List<Interface> interfaces) implements UsbRedirMessage {
        public InterfaceInfo {
            interfaces = List.copyOf(interfaces);
            if (interfaces.size() > 32) {
                throw new IllegalArgumentException("at most 32 interfaces");
            }
        }
    }

    /** One ep_info slot (OUT 0-15, then IN 0-15); maxPacketSize only with its capability. */
    record Endpoint(int type, int interval, int interfaceNumber, int maxPacketSize) {
        public static final Endpoint INVALID = new Endpoint(UsbRedir.EP_INVALID, 0, 0, 0);
    }

    record EpInfo(long id, List<Endpoint> endpoints) implements UsbRedirMessage {
        public EpInfo {
            endpoints = List.copyOf(endpoints);
            if (endpoints.size() != UsbRedir.ENDPOINTS) {
                throw new IllegalArgumentException("ep_info has exactly 32 slots");
            }
        }
    }

    record SetConfiguration(long id, int configuration) implements UsbRedirMessage {
    }

    record GetConfiguration(long id) implements UsbRedirMessage {
    }

    record ConfigurationStatus(long id, int status, int configuration) implements UsbRedirMessage {
    }

    record SetAltSetting(long id, int interfaceNumber, int alt) implements UsbRedirMessage {
    }

    record GetAltSetting(long id, int interfaceNumber) implements UsbRedirMessage {
    }

    record AltSettingStatus(long id, int status, int interfaceNumber, int alt) implements UsbRedirMessage {
    }

    record StartInterruptReceiving(long id, int endpoint) implements UsbRedirMessage {
    }

    record StopInterruptReceiving(long id, int endpoint) implements UsbRedirMessage {
    }

    record InterruptReceivingStatus(long id, int status, int endpoint) implements UsbRedirMessage {
    }

    record CancelDataPacket(long id) implements UsbRedirMessage {
    }

    /**
     * A control transfer. From the guest: the setup packet (and for OUT the data). From the
     * device: the same fields with status and length updated (and for IN the data).
     */
    record ControlPacket(long id, int endpoint, int request, int requestType, int status, int value, int index,
                         int length, byte[] data) implements UsbRedirMessage {
        public ControlPacket {
            data = data == null ? new byte[0] : data;
        }

        public boolean in() {
            return (requestType & 0x80) != 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ControlPacket c && c.id == id && c.endpoint == endpoint && c.request == request
                    && c.requestType == requestType && c.status == status && c.value == value && c.index == index
                    && c.length == length && Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, request, value, index, length) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return String.format("ControlPacket[id=%d, ep=%02x, type=%02x, req=%02x, value=%04x, index=%04x, length=%d,"
                    + " status=%d, data=%d bytes]", id, endpoint, requestType, request, value, index, length, status,
                    data.length);
        }
    }

    /** A bulk transfer: OUT data from the guest, IN data from the device (the other way only length). */
    record BulkPacket(long id, int endpoint, int status, int length, int streamId, byte[] data)
            implements UsbRedirMessage {
        public BulkPacket {
            data = data == null ? new byte[0] : data;
        }

        public boolean in() {
            return (endpoint & 0x80) != 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BulkPacket b && b.id == id && b.endpoint == endpoint && b.status == status
                    && b.length == length && b.streamId == streamId && Arrays.equals(b.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, endpoint, status, length) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return String.format("BulkPacket[id=%d, ep=%02x, status=%d, length=%d, data=%d bytes]", id, endpoint,
                    status, length, data.length);
        }
    }

    /** An interrupt transfer; from the device on an IN endpoint once receiving was started. */
    record InterruptPacket(long id, int endpoint, int status, int length, byte[] data) implements UsbRedirMessage {
        public InterruptPacket {
            data = data == null ? new byte[0] : data;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InterruptPacket p && p.id == id && p.endpoint == endpoint && p.status == status
                    && p.length == length && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, endpoint, status, length) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return String.format("InterruptPacket[id=%d, ep=%02x, status=%d, data=%d bytes]", id, endpoint, status,
                    data.length);
        }
    }

    /**
     * A packet the emulator does not serve (iso streams, bulk streams, buffered bulk, filters):
     * well-formed, kept as raw type header and data so the session can answer it as a device
     * without those features would.
     */
    record Other(long id, int type, byte[] typeHeader, byte[] data) implements UsbRedirMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Other p && p.id == id && p.type == type && Arrays.equals(p.typeHeader, typeHeader)
                    && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, type) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Other[" + UsbRedir.typeName(type) + ", id=" + id + "]";
        }
    }

    /** Bytes that are not a valid packet for this side; the decoder skipped {@code skipped} bytes of it. */
    record Malformed(long id, int type, String reason, long skipped) implements UsbRedirMessage {
    }
}
