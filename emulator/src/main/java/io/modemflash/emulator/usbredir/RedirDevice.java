package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usb.UsbDescriptors;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.AltSettingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.CancelDataPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ConfigurationStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceConnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Endpoint;
import io.modemflash.emulator.usbredir.UsbRedirMessage.EpInfo;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Interface;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterfaceInfo;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptReceivingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Other;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Reset;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StartInterruptReceiving;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StopInterruptReceiving;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One enumeration of the emulated device on a usbredir connection: answers the guest's
 * packets as the device would. Standard requests (descriptors, status, features,
 * configuration, alternate settings) are served here from the {@link UsbDeviceModel}; class
 * requests and the data endpoints go to the interface's {@link UsbFunction}. Whatever the
 * device does not support is answered as a device would (STALL, or "invalid" for features
 * of the protocol it lacks), never ignored.
 */
final class RedirDevice {
    static final int CONFIGURATION_VALUE = 1;

    // standard requests (USB 2.0 table 9-4)
    static final int GET_STATUS = 0x00;
    static final int CLEAR_FEATURE = 0x01;
    static final int SET_FEATURE = 0x03;
    static final int SET_ADDRESS = 0x05;
    static final int GET_DESCRIPTOR = 0x06;
    static final int SET_DESCRIPTOR = 0x07;
    static final int GET_CONFIGURATION = 0x08;
    static final int SET_CONFIGURATION = 0x09;
    static final int GET_INTERFACE = 0x0a;
    static final int SET_INTERFACE = 0x0b;
    static final int FEATURE_ENDPOINT_HALT = 0;
    static final int FEATURE_REMOTE_WAKEUP = 1;

    private final UsbDeviceModel model;
    private final Sender sender;
    private final Consumer<String> log;
    private final Map<Integer, UsbFunction> functions = new LinkedHashMap<>();
    /** The selected alternate setting per interface number (absent: 0). */
    private final Map<Integer, Integer> alternates = new HashMap<>();
    private int configuration = CONFIGURATION_VALUE;
    private boolean remoteWakeup;

    RedirDevice(UsbDeviceModel model, Sender sender, List<UsbFunction> functions, Consumer<String> log) {
        this.model = model;
        this.sender = sender;
        this.log = log;
        for (UsbFunction f : functions) {
            this.functions.put(f.iface().number(), f);
        }
    }

    UsbDeviceModel model() {
        return model;
    }

    UsbFunction function(int iface) {
        return functions.get(iface);
    }

    // ------------------------------------------------------------------ announcing

    /** What a usb-host sends for a device that appears: ep_info, interface_info, then device_connect. */
    synchronized void announce() {
        sendInfo();
        sender.send(new DeviceConnect(0, UsbRedir.SPEED_HIGH, 0, 0, 0, model.vendorId(), model.productId(),
                model.bcdDevice()));
    }

    private void sendInfo() {
        sender.send(epInfo());
        sender.send(interfaceInfo());
    }

    EpInfo epInfo() {
        List<Endpoint> eps = new ArrayList<>();
        for (int slot = 0; slot < UsbRedir.ENDPOINTS; slot++) {
            eps.add(Endpoint.INVALID);
        }
        Endpoint control = new Endpoint(UsbRedir.EP_CONTROL, 0, 0, 64);
        eps.set(UsbRedir.slot(0x00), control);
        eps.set(UsbRedir.slot(0x80), control);
        if (configuration != 0) {
            for (UsbDeviceModel.Interface i : activeInterfaces()) {
                for (UsbDeviceModel.Endpoint e : i.endpoints()) {
                    eps.set(UsbRedir.slot(e.address()), new Endpoint(e.type(), e.interval(), i.number(),
                            e.maxPacketSize()));
                }
            }
        }
        return new EpInfo(0, eps);
    }

    InterfaceInfo interfaceInfo() {
        List<Interface> l = new ArrayList<>();
        if (configuration != 0) {
            for (UsbDeviceModel.Interface i : activeInterfaces()) {
                l.add(new Interface(i.number(), i.cls(), i.subClass(), i.protocol()));
            }
        }
        return new InterfaceInfo(0, l);
    }

    /** The interfaces in their selected alternate settings. */
    private synchronized List<UsbDeviceModel.Interface> activeInterfaces() {
        return model.interfaces().stream().filter(i -> i.alternate() == alternate(i.number())).toList();
    }

    private synchronized int alternate(int iface) {
        return alternates.getOrDefault(iface, 0);
    }

    /** The endpoint in the selected alternate setting of its interface (none before SET_CONFIGURATION). */
    private synchronized Optional<UsbDeviceModel.Endpoint> activeEndpoint(int address) {
        if (configuration == 0) {
            return Optional.empty();
        }
        return activeInterfaces().stream().flatMap(i -> i.endpoints().stream()).filter(e -> e.address() == address)
                .findFirst();
    }

    // ------------------------------------------------------------------ guest packets

    /** Handles one packet of the guest (on the connection's reader thread). */
    void handle(UsbRedirMessage m) {
        if (m instanceof ControlPacket c) {
            control(c);
        } else if (m instanceof BulkPacket b) {
            bulk(b);
        } else if (m instanceof InterruptPacket p) {
            // no interrupt OUT endpoint on a modem
            sender.send(new InterruptPacket(p.id(), p.endpoint(), UsbRedir.STATUS_STALL, 0, null));
        } else if (m instanceof SetConfiguration s) {
            setConfiguration(s);
        } else if (m instanceof GetConfiguration g) {
            synchronized (this) {
                sender.send(new ConfigurationStatus(g.id(), UsbRedir.STATUS_SUCCESS, configuration));
            }
        } else if (m instanceof SetAltSetting s) {
            setAltSetting(s);
        } else if (m instanceof GetAltSetting g) {
            synchronized (this) {
                boolean known = configuration != 0 && functions.containsKey(g.interfaceNumber());
                sender.send(new AltSettingStatus(g.id(), known ? UsbRedir.STATUS_SUCCESS : UsbRedir.STATUS_STALL,
                        g.interfaceNumber(), known ? alternate(g.interfaceNumber()) : 0));
            }
        } else if (m instanceof StartInterruptReceiving s) {
            interruptReceiving(s.id(), s.endpoint(), true);
        } else if (m instanceof StopInterruptReceiving s) {
            interruptReceiving(s.id(), s.endpoint(), false);
        } else if (m instanceof CancelDataPacket c) {
            cancel(c.id());
        } else if (m instanceof Reset) {
            reset();
        } else if (m instanceof Other o) {
            unsupported(o);
        }
    }

    private void control(ControlPacket c) {
        byte[] answer;
        try {
            answer = (c.requestType() & 0x60) == 0 ? standard(c) : classOrVendor(c);
        } catch (RuntimeException e) {
            log.accept("usbredir: " + c + " failed: " + e);
            answer = null;
        }
        if (answer == null) {
            sender.send(new ControlPacket(c.id(), c.endpoint(), c.request(), c.requestType(), UsbRedir.STATUS_STALL,
                    c.value(), c.index(), 0, null));
        } else if (c.in()) {
            byte[] d = answer.length > c.length() ? Arrays.copyOf(answer, c.length()) : answer;
            sender.send(new ControlPacket(c.id(), c.endpoint(), c.request(), c.requestType(), UsbRedir.STATUS_SUCCESS,
                    c.value(), c.index(), d.length, d));
        } else {
            sender.send(new ControlPacket(c.id(), c.endpoint(), c.request(), c.requestType(), UsbRedir.STATUS_SUCCESS,
                    c.value(), c.index(), c.data().length, null));
        }
    }

    /** Standard requests; null STALLs (an unknown request, descriptor or recipient). */
    private synchronized byte[] standard(ControlPacket c) {
        int recipient = c.requestType() & 0x1f;
        switch (c.request()) {
            case GET_DESCRIPTOR:
                return c.in() && recipient == 0 ? descriptor(c.value() >> 8, c.value() & 0xff) : null;
            case GET_STATUS:
                if (recipient == 0) {
                    return new byte[] {(byte) (remoteWakeup ? 2 : 0), 0}; // bus powered
                }
                if (recipient == 1 && functions.containsKey(c.index() & 0xff)) {
                    return new byte[] {0, 0};
                }
                return recipient == 2 && endpointExists(c.index() & 0xff) ? new byte[] {0, 0} : null; // never halted
            case CLEAR_FEATURE:
            case SET_FEATURE:
                if (recipient == 0 && c.value() == FEATURE_REMOTE_WAKEUP) {
                    remoteWakeup = c.request() == SET_FEATURE;
                    return new byte[0];
                }
                if (recipient == 2 && c.value() == FEATURE_ENDPOINT_HALT && endpointExists(c.index() & 0xff)) {
                    return new byte[0]; // usb_clear_halt / libusb_clear_halt: the endpoint is not halted
                }
                return null;
            case SET_ADDRESS:
                return recipient == 0 ? new byte[0] : null; // QEMU does this itself; harmless if it comes
            case GET_CONFIGURATION:
                return recipient == 0 ? new byte[] {(byte) configuration} : null;
            case SET_CONFIGURATION:
                if (recipient == 0 && (c.value() == 0 || c.value() == CONFIGURATION_VALUE)) {
                    configure(c.value());
                    return new byte[0];
                }
                return null;
            case GET_INTERFACE:
                return recipient == 1 && configuration != 0 && functions.containsKey(c.index() & 0xff)
                        ? new byte[] {(byte) alternate(c.index() & 0xff)} : null;
            case SET_INTERFACE:
                return recipient == 1 && selectAlternate(c.index() & 0xff, c.value()) ? new byte[0] : null;
            default:
                return null;
        }
    }

    private byte[] descriptor(int type, int index) {
        return switch (type) {
            case UsbDescriptors.DEVICE -> index == 0 ? UsbDescriptors.device(model) : null;
            case UsbDescriptors.CONFIGURATION -> index == 0 ? UsbDescriptors.configuration(model) : null;
            case UsbDescriptors.STRING -> UsbDescriptors.string(model, index);
            case UsbDescriptors.DEVICE_QUALIFIER -> UsbDescriptors.deviceQualifier(model);
            case UsbDescriptors.OTHER_SPEED_CONFIGURATION -> index == 0 ? UsbDescriptors.otherSpeedConfiguration(model)
                    : null;
            default -> null; // BOS, debug, ...: a USB 2.00 device has none
        };
    }

    private byte[] classOrVendor(ControlPacket c) {
        if ((c.requestType() & 0x1f) != 1) {
            return null; // modems take class requests on their interfaces only
        }
        UsbFunction f = configuration == 0 ? null : functions.get(c.index() & 0xff);
        return f == null ? null : f.control(c);
    }

    private boolean endpointExists(int address) {
        return (address & 0x7f) == 0 || activeEndpoint(address).isPresent();
    }

    private void bulk(BulkPacket b) {
        UsbFunction f = functionOf(b.endpoint());
        boolean bulkEndpoint = activeEndpoint(b.endpoint()).map(e -> e.type() == UsbDeviceModel.BULK).orElse(false);
        if (f == null || !bulkEndpoint) {
            sender.send(new BulkPacket(b.id(), b.endpoint(), UsbRedir.STATUS_INVAL, 0, b.streamId(), null));
            return;
        }
        if (b.in()) {
            f.bulkIn(b);
        } else {
            f.bulkOut(b);
        }
    }

    private synchronized UsbFunction functionOf(int endpoint) {
        if (configuration == 0) {
            return null;
        }
        return model.ifaceOf(endpoint).map(i -> functions.get(i.number())).orElse(null);
    }

    private void interruptReceiving(long id, int endpoint, boolean start) {
        UsbFunction f = functionOf(endpoint);
        boolean interruptEndpoint = activeEndpoint(endpoint).map(e -> e.type() == UsbDeviceModel.INTERRUPT)
                .orElse(false);
        if (f == null || !interruptEndpoint) {
            sender.send(new InterruptReceivingStatus(id, UsbRedir.STATUS_INVAL, endpoint));
            return;
        }
        sender.send(new InterruptReceivingStatus(id, UsbRedir.STATUS_SUCCESS, endpoint));
        f.interruptReceiving(start); // after the status: reports must not overtake it
    }

    private void setConfiguration(SetConfiguration s) {
        synchronized (this) {
            if (s.configuration() != 0 && s.configuration() != CONFIGURATION_VALUE) {
                sender.send(new ConfigurationStatus(s.id(), UsbRedir.STATUS_STALL, configuration));
                return;
            }
            configure(s.configuration());
            sendInfo(); // the protocol wants the new endpoint and interface info before the status
            sender.send(new ConfigurationStatus(s.id(), UsbRedir.STATUS_SUCCESS, configuration));
        }
    }

    /** Selecting a configuration drops what was pending on the old one. */
    private void configure(int value) {
        configuration = value;
        alternates.clear();
        functions.values().forEach(UsbFunction::forgetHost);
    }

    private void setAltSetting(SetAltSetting s) {
        synchronized (this) {
            if (!selectAlternate(s.interfaceNumber(), s.alt())) {
                sender.send(new AltSettingStatus(s.id(), UsbRedir.STATUS_STALL, s.interfaceNumber(),
                        alternate(s.interfaceNumber())));
                return;
            }
            sendInfo(); // the endpoints of the new setting before the status, as for a configuration
            sender.send(new AltSettingStatus(s.id(), UsbRedir.STATUS_SUCCESS, s.interfaceNumber(), s.alt()));
        }
    }

    /**
     * SET_INTERFACE: selects an alternate setting the model has; what was pending on the
     * interface is dropped (its endpoints are reset). False (STALL) for a setting it lacks.
     */
    private synchronized boolean selectAlternate(int iface, int alternate) {
        UsbFunction f = configuration == 0 ? null : functions.get(iface);
        if (f == null || model.iface(iface, alternate).isEmpty()) {
            return false;
        }
        alternates.put(iface, alternate);
        f.forgetHost();
        return true;
    }

    private void cancel(long id) {
        for (UsbFunction f : functions.values()) {
            if (f.cancel(id)) {
                return;
            }
        }
        // already answered: the guest gets nothing more for it
    }

    /** A USB port reset: the device keeps its configuration (as usbredir hosts re-apply it). */
    private void reset() {
        functions.values().forEach(UsbFunction::forgetHost);
    }

    private void unsupported(Other o) {
        ByteBuffer th = ByteBuffer.wrap(o.typeHeader()).order(ByteOrder.LITTLE_ENDIAN);
        switch (o.type()) {
            case UsbRedir.ALLOC_BULK_STREAMS, UsbRedir.FREE_BULK_STREAMS -> {
                ByteBuffer r = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
                r.putInt(th.getInt(0)).putInt(0).put((byte) UsbRedir.STATUS_INVAL);
                sender.send(new Other(o.id(), UsbRedir.BULK_STREAMS_STATUS, r.array(), new byte[0]));
            }
            case UsbRedir.START_ISO_STREAM, UsbRedir.STOP_ISO_STREAM -> {
                int ep = o.typeHeader()[0] & 0xff;
                sender.send(new Other(o.id(), UsbRedir.ISO_STREAM_STATUS,
                        new byte[] {(byte) UsbRedir.STATUS_INVAL, (byte) ep}, new byte[0]));
            }
            case UsbRedir.START_BULK_RECEIVING, UsbRedir.STOP_BULK_RECEIVING -> {
                ByteBuffer r = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
                int ep = o.type() == UsbRedir.START_BULK_RECEIVING ? o.typeHeader()[8] : o.typeHeader()[4];
                r.putInt(th.getInt(0)).put((byte) ep).put((byte) UsbRedir.STATUS_INVAL);
                sender.send(new Other(o.id(), UsbRedir.BULK_RECEIVING_STATUS, r.array(), new byte[0]));
            }
            default -> log.accept("usbredir: ignoring " + UsbRedir.typeName(o.type()) + " (not supported by this device)");
        }
    }

    // ------------------------------------------------------------------ connection and bus events

    /** The connection went away: every request of that guest is void. */
    void forgetHost() {
        functions.values().forEach(UsbFunction::forgetHost);
    }

    /** The device leaves the bus: pending requests are answered "cancelled". */
    void disconnect() {
        functions.values().forEach(UsbFunction::disconnect);
    }
}
