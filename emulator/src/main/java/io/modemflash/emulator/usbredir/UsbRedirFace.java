package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.boot.UsbPort;
import io.modemflash.emulator.mbim.MbimFunction;
import io.modemflash.emulator.serial.AtResponder;
import io.modemflash.emulator.serial.QcdmResponder;
import io.modemflash.emulator.usb.Cdc;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.AltSettingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ConfigurationStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnectAck;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Hello;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptReceivingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Malformed;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StartInterruptReceiving;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StopInterruptReceiving;
import io.modemflash.qdl.link.Link;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The usbredir face: the emulated modem as a USB device behind a usbredir connection (the
 * device, "usb-host" side of the protocol), e.g. attached to a QEMU guest with
 * {@code -device qemu-xhci -device usb-redir,chardev=X -chardev socket,id=X,path=SOCK,server=on,wait=off}
 * so that the guest's real kernel enumerates it and binds qmi_wwan and qcserial.
 *
 * <p>After both hellos the device is announced (ep_info, interface_info, device_connect) at
 * high speed. It re-enumerates on the same connection for the boot side ({@link UsbPort}):
 * device_disconnect, wait for the guest's device_disconnect_ack, then the new identity. A
 * guest that goes away loses its pending requests only; the modem keeps its state and is
 * announced again to the next guest (listen mode accepts it, connect mode reconnects).
 */
public final class UsbRedirFace implements UsbPort, Closeable {
    /** How long the guest gets to acknowledge a disconnect. */
    static final long DISCONNECT_ACK_MILLIS = 2_000;
    /** How long a modem that resets gives the host to fetch the answer that asked for it. */
    static final long RESET_LINGER_MILLIS = 1_000;
    /**
     * How long firmware takes to go down after the host fetched that answer. Dropping off the bus
     * the instant the kernel fetched it let cdc-wdm report the hangup before libqmi had read the
     * buffered answer (qmi-firmware-update: "couldn't set operating mode: endpoint hangup"); no
     * modem resets that fast.
     */
    static final long RESET_SHUTDOWN_MILLIS = 300;
    private static final long RECONNECT_POLL_MILLIS = 200;

    private final EmulatedModem modem;
    private final UsbRedirAddress address;
    private final Consumer<String> log;
    private final Object lock = new Object();
    private final Thread thread;
    private ServerSocketChannel server;
    private RedirConnection connection;
    private RedirDevice device;
    private CountDownLatch disconnectAck = new CountDownLatch(0);
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile long connections;

    private UsbRedirFace(EmulatedModem modem, UsbRedirAddress address, Consumer<String> log) {
        this.modem = modem;
        this.address = address;
        this.log = log;
        this.thread = new Thread(this::serve, "emulator-usbredir");
        this.thread.setDaemon(true);
    }

    /**
     * Starts serving the modem at address. Listen mode: returns once the socket listens.
     * Connect mode: returns once connected, retrying while the socket does not exist or
     * refuses, and fails with a clear IOException after {@code connectTimeout}.
     */
    public static UsbRedirFace publish(EmulatedModem modem, UsbRedirAddress address, Duration connectTimeout,
                                       Consumer<String> log) throws IOException {
        UsbRedirFace face = new UsbRedirFace(modem, address, log);
        face.device = face.applicationDevice();
        RedirConnection first = null;
        if (address.listen()) {
            face.server = listen(address);
        } else {
            first = connect(address, connectTimeout);
        }
        face.connection = first;
        face.thread.start();
        return face;
    }

    public UsbRedirAddress address() {
        return address;
    }

    /** Set when serving stopped on an unexpected error (null while healthy). */
    public Throwable failure() {
        return failure;
    }

    /** Guests that connected so far. */
    public long connections() {
        return connections;
    }

    /** True while a guest is connected and has said hello. */
    public boolean connected() {
        synchronized (lock) {
            return connection != null && connection.ready();
        }
    }

    /** "usbredir SOCK" or "usbredir listen:SOCK". */
    public String describe() {
        return "usbredir " + address;
    }

    // ------------------------------------------------------------------ sockets

    private static ServerSocketChannel listen(UsbRedirAddress a) throws IOException {
        if (Files.exists(a.path(), LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes attrs = Files.readAttributes(a.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isOther()) {
                throw new IOException(a.path() + " exists and is not a socket");
            }
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(a.path()))) {
                throw new IOException("something already listens on " + a.path());
            } catch (IOException refused) {
                if (refused.getMessage() != null && refused.getMessage().startsWith("something already listens")) {
                    throw refused;
                }
                Files.deleteIfExists(a.path()); // a stale socket of a process that died
            }
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(a.path()));
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + a.path() + ": " + e.getMessage(), e);
        }
        return s;
    }

    private static RedirConnection connect(UsbRedirAddress a, Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        IOException last;
        while (true) {
            try {
                return new RedirConnection(SocketChannel.open(UnixDomainSocketAddress.of(a.path())));
            } catch (IOException e) {
                last = e;
            }
            if (System.nanoTime() > end) {
                String why = Files.exists(a.path()) ? "it refuses connections (" + last.getMessage() + ")"
                        : "it does not exist";
                throw new IOException("no usbredir peer at " + a.path() + " after " + timeout.toSeconds() + " s: " + why
                        + " (start QEMU with -chardev socket,path=" + a.path() + ",server=on,wait=off first, or use"
                        + " --usbredir " + UsbRedirAddress.LISTEN_PREFIX + a.path() + ")", last);
            }
            try {
                Thread.sleep(RECONNECT_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for " + a.path());
            }
        }
    }

    /** Serves one guest after the other until closed. */
    private void serve() {
        try {
            RedirConnection c;
            synchronized (lock) {
                c = connection;
            }
            boolean announcedWait = false;
            while (!closed) {
                if (c == null) {
                    c = nextConnection(announcedWait);
                    announcedWait = true;
                    if (c == null) {
                        continue;
                    }
                }
                announcedWait = false;
                serveConnection(c);
                c = null;
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failure = e;
                log.accept("emulator: usbredir face stopped: " + e);
            }
        }
    }

    private RedirConnection nextConnection(boolean quiet) throws IOException {
        if (server != null) {
            SocketChannel ch = server.accept(); // closing the server ends it
            return new RedirConnection(ch);
        }
        if (!quiet) {
            log.accept("emulator: usbredir peer " + address.path() + " gone; reconnecting when it is back");
        }
        try {
            return new RedirConnection(SocketChannel.open(UnixDomainSocketAddress.of(address.path())));
        } catch (IOException e) {
            try {
                Thread.sleep(RECONNECT_POLL_MILLIS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                closed = true;
            }
            return null;
        }
    }

    private void serveConnection(RedirConnection c) {
        synchronized (lock) {
            connection = c;
        }
        connections++;
        try {
            c.sendHello();
            while (!closed) {
                List<UsbRedirMessage> ms = c.read();
                if (ms == null) {
                    break;
                }
                for (UsbRedirMessage m : ms) {
                    dispatch(c, m);
                }
            }
        } catch (IOException e) {
            if (!closed) {
                log.accept("emulator: usbredir connection lost: " + e.getMessage());
            }
        } finally {
            RedirDevice d;
            synchronized (lock) {
                connection = null;
                d = device;
                disconnectAck.countDown();
            }
            if (d != null) {
                d.forgetHost();
            }
            try {
                c.close();
            } catch (IOException ignored) {
                // gone anyway
            }
        }
    }

    private void dispatch(RedirConnection c, UsbRedirMessage m) {
        if (m instanceof Hello h) {
            synchronized (lock) {
                if (device != null) {
                    device.announce();
                }
            }
            return;
        }
        if (m instanceof DeviceDisconnectAck) {
            synchronized (lock) {
                disconnectAck.countDown();
            }
            return;
        }
        if (m instanceof Malformed bad) {
            log.accept("emulator: usbredir: bad packet from the guest (" + bad.reason() + "); skipped");
            return;
        }
        if (!c.ready()) {
            log.accept("emulator: usbredir: " + m + " before the guest's hello; ignored");
            return;
        }
        RedirDevice d;
        synchronized (lock) {
            d = device;
        }
        if (d == null) {
            answerWithoutDevice(m);
        } else {
            d.handle(m);
        }
    }

    /** Packets that were on their way while the device left the bus: failed, as a usb-host reports them. */
    private void answerWithoutDevice(UsbRedirMessage m) {
        int err = UsbRedir.STATUS_IOERROR;
        if (m instanceof ControlPacket p) {
            send(new ControlPacket(p.id(), p.endpoint(), p.request(), p.requestType(), err, p.value(), p.index(), 0,
                    null));
        } else if (m instanceof BulkPacket p) {
            send(new BulkPacket(p.id(), p.endpoint(), err, 0, p.streamId(), null));
        } else if (m instanceof InterruptPacket p) {
            send(new InterruptPacket(p.id(), p.endpoint(), err, 0, null));
        } else if (m instanceof SetConfiguration || m instanceof GetConfiguration) {
            send(new ConfigurationStatus(m.id(), err, 0));
        } else if (m instanceof SetAltSetting s) {
            send(new AltSettingStatus(s.id(), err, s.interfaceNumber(), 0));
        } else if (m instanceof GetAltSetting g) {
            send(new AltSettingStatus(g.id(), err, g.interfaceNumber(), 0));
        } else if (m instanceof StartInterruptReceiving s) {
            send(new InterruptReceivingStatus(s.id(), err, s.endpoint()));
        } else if (m instanceof StopInterruptReceiving s) {
            send(new InterruptReceivingStatus(s.id(), err, s.endpoint()));
        }
    }

    /** Sends on the current connection; dropped when there is none (the guest's requests went with it). */
    private void send(UsbRedirMessage m) {
        RedirConnection c;
        synchronized (lock) {
            c = connection;
        }
        if (c == null || !c.ready()) {
            return;
        }
        try {
            c.send(m);
        } catch (IOException e) {
            // the reader sees the closed socket and ends the connection
        }
    }

    // ------------------------------------------------------------------ devices

    private RedirDevice applicationDevice() {
        Profile.Usb usb = modem.profile().usb();
        UsbDeviceModel model = UsbDeviceModel.application(usb);
        List<UsbFunction> fs = new ArrayList<>();
        DownloadMode.Kind boot = modem.boot().mode().kind();
        boolean sierra = boot == DownloadMode.Kind.SIERRA_QDL || boot == DownloadMode.Kind.SIERRA_FIREHOSE;
        Runnable enterDownload = modem.boot()::enterDownloadMode;
        for (UsbDeviceModel.Interface i : model.interfaces()) {
            switch (i.function()) {
                case QMI -> fs.add(Cdc.isMbim(i)
                        ? new MbimControlFunction(i, this::send, new MbimFunction(modem.qmi(), log))
                        : new QmiFunction(i, this::send, modem.qmi()));
                case NETWORK_DATA -> {
                    if (!i.endpoints().isEmpty()) { // one function for the data interface: the setting with the bulk pair
                        fs.add(new UsbFunction(i, this::send));
                    }
                }
                case AT -> fs.add(new SerialFunction(i, this::send, new AtResponder(modem.profile(),
                        modem.qmi()::revision, sierra ? enterDownload : null)));
                case DM -> fs.add(new SerialFunction(i, this::send, new QcdmResponder(modem.profile(),
                        modem.qmi()::revision, boot == DownloadMode.Kind.EDL ? enterDownload : null)));
                default -> fs.add(new SerialFunction(i, this::send, null));
            }
        }
        return new RedirDevice(model, this::send, fs, log);
    }

    private void attach(RedirDevice d) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException(describe() + " is closed");
            }
            device = d;
            if (connection != null && connection.ready()) {
                d.announce();
            }
        }
    }

    /** The current device leaves the bus: pending requests cancelled, device_disconnect, the guest's ack. */
    private void detach() {
        RedirDevice d;
        RedirConnection c;
        CountDownLatch ack;
        synchronized (lock) {
            d = device;
            device = null;
            c = connection;
            ack = new CountDownLatch(1);
            disconnectAck = ack;
        }
        if (d == null) {
            return;
        }
        d.disconnect();
        if (c == null || !c.ready()) {
            return; // nobody to tell: the next guest just sees what is there then
        }
        send(new DeviceDisconnect(0));
        if (c.codec().negotiated(UsbRedir.CAP_DEVICE_DISCONNECT_ACK)) {
            try {
                if (!ack.await(DISCONNECT_ACK_MILLIS, TimeUnit.MILLISECONDS)) {
                    log.accept("emulator: usbredir guest did not acknowledge the disconnect within "
                            + DISCONNECT_ACK_MILLIS + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The functions of the device on the bus now (none between enumerations). */
    private List<UsbFunction> functions() {
        synchronized (lock) {
            List<UsbFunction> out = new ArrayList<>();
            if (device != null) {
                device.model().interfaces().stream().mapToInt(UsbDeviceModel.Interface::number).distinct()
                        .forEach(n -> out.add(device.function(n)));
            }
            return out;
        }
    }

    /**
     * A modem that resets gives the host up to {@link #RESET_LINGER_MILLIS} to fetch the answer
     * that asked for it (QMI reset, AT!BOOTHOLD's OK, the echoed QCDM EDL command).
     */
    private void lingerForAnswers() {
        long end = System.nanoTime() + RESET_LINGER_MILLIS * 1_000_000L;
        try {
            for (UsbFunction f : functions()) {
                long left = Math.max(0, (end - System.nanoTime()) / 1_000_000L);
                if (f instanceof QmiFunction q) {
                    q.awaitFetched(left);
                } else if (f instanceof SerialFunction s && s.unread() > 0) {
                    s.awaitDrained(left);
                }
            }
            Thread.sleep(RESET_SHUTDOWN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The download function on the bus now, or null (tests count the ZLPs it swallowed). */
    DownloadFunction downloadFunction() {
        synchronized (lock) {
            return device != null && device.function(0) instanceof DownloadFunction f ? f : null;
        }
    }

    /** The USB device on the bus now (null between enumerations). */
    public UsbDeviceModel currentDevice() {
        synchronized (lock) {
            return device == null ? null : device.model();
        }
    }

    // ------------------------------------------------------------------ UsbPort (re-enumeration)

    @Override
    public void detachApplication() {
        lingerForAnswers();
        detach();
    }

    @Override
    public Link attachDownload(DownloadMode mode) throws IOException {
        UsbDeviceModel model = UsbDeviceModel.download(mode);
        DownloadFunction f = new DownloadFunction(model.interfaces().get(0), this::send,
                "usbredir " + model.vidPid() + " at " + address);
        attach(new RedirDevice(model, this::send, List.of(f), log));
        return f;
    }

    @Override
    public void detachDownload() {
        detach();
    }

    @Override
    public void attachApplication() throws IOException {
        attach(applicationDevice());
    }

    @Override
    public void unplugging() {
        detach(); // an injected disconnect: off the bus now, mid-transfer
    }

    @Override
    public boolean keepsTransferBoundaries() {
        return true;
    }

    @Override
    public boolean deviceSeesPackets() {
        return true;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        detach();
        closed = true;
        RedirConnection c;
        synchronized (lock) {
            c = connection;
        }
        if (c != null) {
            c.close();
        }
        if (server != null) {
            server.close();
            Files.deleteIfExists(address.path());
        }
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
