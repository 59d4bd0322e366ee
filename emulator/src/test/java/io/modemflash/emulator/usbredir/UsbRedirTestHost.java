package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usb.UsbDescriptors;
import io.modemflash.emulator.usbredir.UsbRedirMessage.AltSettingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.CancelDataPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ConfigurationStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceConnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnectAck;
import io.modemflash.emulator.usbredir.UsbRedirMessage.EpInfo;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Hello;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterfaceInfo;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptReceivingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Malformed;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.SetConfiguration;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StartInterruptReceiving;
import io.modemflash.emulator.usbredir.UsbRedirMessage.StopInterruptReceiving;
import io.modemflash.qdl.link.DeviceGoneException;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.Zlp;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guest side of usbredir for tests, doing what QEMU plus a Linux kernel do to a USB
 * device: hello, enumeration (descriptors, SET_CONFIGURATION, SET_INTERFACE), control,
 * interrupt receiving, bulk transfers with timeouts that cancel, and the cdc-wdm way of
 * talking QMI. {@link #link} gives a qdl {@link Link} over the bulk endpoints, so the host's
 * real download sessions run against the emulated device.
 */
public final class UsbRedirTestHost implements AutoCloseable {
    /** What QEMU 7.2's usb-redir announces. */
    static final int QEMU_CAPS = UsbRedir.bit(UsbRedir.CAP_CONNECT_DEVICE_VERSION) | UsbRedir.bit(UsbRedir.CAP_FILTER)
            | UsbRedir.bit(UsbRedir.CAP_EP_INFO_MAX_PACKET_SIZE) | UsbRedir.bit(UsbRedir.CAP_64BITS_IDS)
            | UsbRedir.bit(UsbRedir.CAP_32BITS_BULK_LENGTH) | UsbRedir.bit(UsbRedir.CAP_BULK_RECEIVING)
            | UsbRedir.bit(UsbRedir.CAP_BULK_STREAMS) | UsbRedir.bit(UsbRedir.CAP_DEVICE_DISCONNECT_ACK);
    static final Duration WAIT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final UsbRedirCodec codec;
    private final Thread reader;
    private final AtomicLong ids = new AtomicLong(1);
    private final Map<Long, CompletableFuture<UsbRedirMessage>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<UsbRedirMessage> events = new LinkedBlockingQueue<>();
    private final Map<Integer, BlockingQueue<InterruptPacket>> interrupts = new ConcurrentHashMap<>();
    final List<UsbRedirMessage> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Hello> hello = new CompletableFuture<>();
    volatile boolean ackDisconnects = true;
    private volatile EpInfo epInfo;
    private volatile InterfaceInfo interfaceInfo;
    private volatile boolean closed;

    private UsbRedirTestHost(SocketChannel channel, int caps) throws IOException {
        this.channel = channel;
        this.codec = new UsbRedirCodec(UsbRedirCodec.Side.GUEST, caps);
        send(new Hello(0, "modemflash test host", caps));
        this.reader = new Thread(this::read, "usbredir-test-host");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Connects to a face that listens. */
    static UsbRedirTestHost connect(Path socket) throws IOException {
        return connect(socket, QEMU_CAPS);
    }

    static UsbRedirTestHost connect(Path socket, int caps) throws IOException {
        return new UsbRedirTestHost(SocketChannel.open(UnixDomainSocketAddress.of(socket)), caps);
    }

    /** Listens, for a face that connects (as QEMU's server=on chardev). */
    static ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        return s;
    }

    static UsbRedirTestHost accept(ServerSocketChannel server) throws IOException {
        return new UsbRedirTestHost(server.accept(), QEMU_CAPS);
    }

    UsbRedirCodec codec() {
        return codec;
    }

    /**
     * For benchmarks: publishes the modem on a listening socket, connects, enumerates it, sends it
     * into download mode, enumerates the download personality and returns a qdl Link on its bulk
     * endpoints (closing the link closes the connection).
     */
    public static Link downloadLink(io.modemflash.emulator.EmulatedModem modem, Path socket) throws Exception {
        modem.publishUsbRedir(new UsbRedirAddress(true, socket), WAIT);
        UsbRedirTestHost host = connect(socket);
        host.enumerate();
        modem.boot().enterDownloadMode();
        host.awaitDisconnect();
        host.enumerate();
        Link link = host.link(0x81, 0x01);
        return new io.modemflash.qdl.link.ForwardingLink(link) {
            @Override
            public void close() throws IOException {
                super.close();
                host.close();
            }
        };
    }

    // ------------------------------------------------------------------ wire

    synchronized void send(UsbRedirMessage m) throws IOException {
        sendRaw(codec.encode(m));
    }

    synchronized void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void read() {
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        try {
            while (!closed) {
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    break;
                }
                for (UsbRedirMessage m : codec.decode(buf.array(), 0, n)) {
                    deliver(m);
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            pending.values().forEach(f -> f.completeExceptionally(new DeviceGoneException("usbredir closed")));
            events.add(new DeviceDisconnect(-1)); // wakes waiters: the connection is gone
        }
    }

    private void deliver(UsbRedirMessage m) throws IOException {
        if (m instanceof Hello h) {
            hello.complete(h);
        } else if (m instanceof EpInfo e) {
            epInfo = e;
            events.add(e);
        } else if (m instanceof InterfaceInfo i) {
            interfaceInfo = i;
            events.add(i);
        } else if (m instanceof DeviceConnect || m instanceof DeviceDisconnect) {
            if (m instanceof DeviceDisconnect && ackDisconnects
                    && codec.negotiated(UsbRedir.CAP_DEVICE_DISCONNECT_ACK)) {
                send(new DeviceDisconnectAck(0));
            }
            events.add(m);
        } else if (m instanceof InterruptPacket p && (p.endpoint() & 0x80) != 0) {
            interrupts.computeIfAbsent(p.endpoint(), k -> new LinkedBlockingQueue<>()).add(p);
        } else if (m instanceof Malformed) {
            unexpected.add(m);
        } else {
            CompletableFuture<UsbRedirMessage> f = pending.remove(m.id());
            if (f == null) {
                unexpected.add(m);
            } else {
                f.complete(m);
            }
        }
    }

    Hello awaitHello() throws Exception {
        return hello.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next unsolicited packet (ep_info, interface_info, device_connect, device_disconnect). */
    UsbRedirMessage nextEvent(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for a device_connect (skipping the info packets before it). */
    DeviceConnect awaitConnect() throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            UsbRedirMessage m = events.poll(50, TimeUnit.MILLISECONDS);
            if (m instanceof DeviceConnect c) {
                return c;
            }
            if (m instanceof DeviceDisconnect d && d.id() == -1) {
                throw new DeviceGoneException("connection closed while waiting for a device");
            }
        }
        throw new TimeoutException("no device_connect");
    }

    void awaitDisconnect() throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (events.poll(50, TimeUnit.MILLISECONDS) instanceof DeviceDisconnect) {
                return;
            }
        }
        throw new TimeoutException("no device_disconnect");
    }

    EpInfo epInfo() {
        return epInfo;
    }

    InterfaceInfo interfaceInfo() {
        return interfaceInfo;
    }

    <T extends UsbRedirMessage> T call(UsbRedirMessage request, Class<T> answer) throws Exception {
        CompletableFuture<UsbRedirMessage> f = submit(request);
        return answer.cast(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    CompletableFuture<UsbRedirMessage> submit(UsbRedirMessage request) throws IOException {
        CompletableFuture<UsbRedirMessage> f = new CompletableFuture<>();
        pending.put(request.id(), f);
        send(request);
        return f;
    }

    long nextId() {
        return ids.getAndIncrement();
    }

    // ------------------------------------------------------------------ requests

    ControlPacket control(int requestType, int request, int value, int index, int length, byte[] data)
            throws Exception {
        int ep = requestType & 0x80;
        boolean in = ep != 0;
        ControlPacket c = new ControlPacket(nextId(), ep, request, requestType, 0, value, index,
                in ? length : data.length, in ? null : data);
        return call(c, ControlPacket.class);
    }

    byte[] descriptor(int type, int index, int length) throws Exception {
        ControlPacket r = control(0x80, 0x06, type << 8 | index, type == UsbDescriptors.STRING && index != 0
                ? UsbDescriptors.LANGUAGE_EN_US : 0, length, null);
        if (r.status() != UsbRedir.STATUS_SUCCESS) {
            throw new IOException("GET_DESCRIPTOR " + type + "/" + index + " failed: status " + r.status());
        }
        return r.data();
    }

    String string(int index) throws Exception {
        byte[] d = descriptor(UsbDescriptors.STRING, index, 255);
        return new String(d, 2, d.length - 2, java.nio.charset.StandardCharsets.UTF_16LE);
    }

    ConfigurationStatus setConfiguration(int value) throws Exception {
        return call(new SetConfiguration(nextId(), value), ConfigurationStatus.class);
    }

    AltSettingStatus setInterface(int iface, int alt) throws Exception {
        return call(new SetAltSetting(nextId(), iface, alt), AltSettingStatus.class);
    }

    /**
     * What the kernel does with a new device: device descriptor (first 64 bytes, then all),
     * configuration (9 bytes, then wTotalLength), language list and strings, SET_CONFIGURATION 1.
     */
    Enumerated enumerate() throws Exception {
        awaitConnect();
        return enumerateConnected();
    }

    /** {@link #enumerate} once device_connect was seen. */
    Enumerated enumerateConnected() throws Exception {
        byte[] dev = descriptor(UsbDescriptors.DEVICE, 0, 64);
        dev = descriptor(UsbDescriptors.DEVICE, 0, 18);
        byte[] head = descriptor(UsbDescriptors.CONFIGURATION, 0, 9);
        int total = (head[2] & 0xff) | (head[3] & 0xff) << 8;
        byte[] config = descriptor(UsbDescriptors.CONFIGURATION, 0, total);
        descriptor(UsbDescriptors.STRING, 0, 255);
        String manufacturer = dev[14] == 0 ? null : string(dev[14]);
        String product = dev[15] == 0 ? null : string(dev[15]);
        String serial = dev[16] == 0 ? null : string(dev[16]);
        ConfigurationStatus cs = setConfiguration(1);
        if (cs.status() != UsbRedir.STATUS_SUCCESS) {
            throw new IOException("SET_CONFIGURATION failed: " + cs);
        }
        return new Enumerated(dev, config, manufacturer, product, serial);
    }

    record Enumerated(byte[] device, byte[] configuration, String manufacturer, String product, String serial) {
        int vendorId() {
            return (device[8] & 0xff) | (device[9] & 0xff) << 8;
        }

        int productId() {
            return (device[10] & 0xff) | (device[11] & 0xff) << 8;
        }

        int interfaces() {
            return configuration[4];
        }
    }

    InterruptReceivingStatus interruptReceiving(int ep, boolean start) throws Exception {
        UsbRedirMessage m = start ? new StartInterruptReceiving(nextId(), ep) : new StopInterruptReceiving(nextId(), ep);
        return call(m, InterruptReceivingStatus.class);
    }

    InterruptPacket interrupt(int ep, Duration timeout) throws InterruptedException {
        return interrupts.computeIfAbsent(ep, k -> new LinkedBlockingQueue<>())
                .poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    BulkPacket bulkOut(int ep, byte[] data) throws Exception {
        return call(new BulkPacket(nextId(), ep, 0, data.length, 0, data), BulkPacket.class);
    }

    CompletableFuture<UsbRedirMessage> submitBulkIn(long id, int ep, int length) throws IOException {
        return submit(new BulkPacket(id, ep, 0, length, 0, null));
    }

    void cancel(long id) throws IOException {
        send(new CancelDataPacket(id));
    }

    /** A QMI request the cdc-wdm way: SEND_ENCAPSULATED_COMMAND, wait for RESPONSE_AVAILABLE, GET. */
    byte[] qmi(int iface, int interruptEp, byte[] frame) throws Exception {
        ControlPacket sent = control(0x21, 0x00, 0, iface, frame.length, frame);
        if (sent.status() != UsbRedir.STATUS_SUCCESS) {
            throw new IOException("SEND_ENCAPSULATED_COMMAND failed: " + sent);
        }
        InterruptPacket n = interrupt(interruptEp, WAIT);
        if (n == null) {
            throw new TimeoutException("no RESPONSE_AVAILABLE");
        }
        return getResponse(iface);
    }

    byte[] getResponse(int iface) throws Exception {
        ControlPacket r = control(0xa1, 0x01, 0, iface, 4096, null);
        if (r.status() != UsbRedir.STATUS_SUCCESS) {
            throw new IOException("GET_ENCAPSULATED_RESPONSE failed: " + r);
        }
        return r.data();
    }

    // ------------------------------------------------------------------ a qdl Link over the bulk endpoints

    /** What usb4java does on a claimed interface: bulk transfers with timeouts, explicit ZLPs. */
    Link link(int inEp, int outEp) {
        return new Link() {
            private volatile boolean zlp;
            private volatile boolean shut;

            @Override
            public void write(byte[] data, int off, int len) throws IOException {
                if (len == 0) {
                    return;
                }
                transferOut(Arrays.copyOfRange(data, off, off + len));
                if (Zlp.needed(len, maxPacketSize(), zlp)) {
                    transferOut(new byte[0]);
                }
            }

            private void transferOut(byte[] d) throws IOException {
                check();
                try {
                    BulkPacket r = bulkOut(outEp, d);
                    if (r.status() != UsbRedir.STATUS_SUCCESS || r.length() != d.length) {
                        throw new DeviceGoneException("bulk OUT failed: " + r);
                    }
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException("bulk OUT: " + e, e);
                }
            }

            @Override
            public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
                check();
                long id = nextId();
                CompletableFuture<UsbRedirMessage> f = submitBulkIn(id, inEp, len);
                BulkPacket r;
                try {
                    try {
                        r = (BulkPacket) f.get(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        cancel(id); // as libusb on a timeout: the answer says whether data came first
                        r = (BulkPacket) f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new DeviceGoneException("bulk IN: " + e.getCause().getMessage());
                } catch (Exception e) {
                    throw new IOException("bulk IN: " + e, e);
                }
                if (r.status() == UsbRedir.STATUS_CANCELLED) {
                    return 0;
                }
                if (r.status() != UsbRedir.STATUS_SUCCESS) {
                    throw new DeviceGoneException("bulk IN failed: " + r);
                }
                System.arraycopy(r.data(), 0, buf, off, r.data().length);
                if (r.data().length == 0) {
                    return read(buf, off, len, timeoutMillis); // a ZLP completion: swallowed
                }
                return r.data().length;
            }

            private void check() throws DeviceGoneException {
                if (shut || closed) {
                    throw new DeviceGoneException("link closed");
                }
            }

            @Override
            public int maxPacketSize() {
                return 512;
            }

            @Override
            public void setZeroLengthPackets(boolean enabled) {
                zlp = enabled;
            }

            @Override
            public boolean zeroLengthPackets() {
                return zlp;
            }

            @Override
            public String describe() {
                return "usbredir test host";
            }

            @Override
            public void close() {
                shut = true;
            }
        };
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
