package io.modemflash.emulator.usbredir;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One usbredir connection of the device side: a connected unix socket and its codec. Sends
 * are serialized (any thread); reading is for one thread. A large bulk payload is written
 * straight from its array behind its header (gathering write), not copied.
 */
final class RedirConnection implements Closeable {
    static final String VERSION = "modemflash emulator usbredir face";
    private static final int READ_CHUNK = 256 * 1024;

    private final SocketChannel channel;
    private final UsbRedirCodec codec = new UsbRedirCodec(UsbRedirCodec.Side.DEVICE, UsbRedir.DEVICE_CAPS);
    private final ByteBuffer in = ByteBuffer.allocate(READ_CHUNK);
    private final Object writeLock = new Object();

    RedirConnection(SocketChannel channel) {
        this.channel = channel;
    }

    UsbRedirCodec codec() {
        return codec;
    }

    /** True once the guest's hello arrived: only then may anything but our hello be sent. */
    boolean ready() {
        return codec.peerKnown();
    }

    void sendHello() throws IOException {
        send(new UsbRedirMessage.Hello(0, VERSION, UsbRedir.DEVICE_CAPS));
    }

    void send(UsbRedirMessage m) throws IOException {
        synchronized (writeLock) {
            ByteBuffer head = ByteBuffer.wrap(codec.encodeHead(m));
            ByteBuffer data = ByteBuffer.wrap(codec.payload(m));
            ByteBuffer[] both = {head, data};
            while (head.hasRemaining() || data.hasRemaining()) {
                channel.write(both);
            }
        }
    }

    /** The next messages (blocking); null once the peer closed. */
    List<UsbRedirMessage> read() throws IOException {
        in.clear();
        int n = channel.read(in);
        if (n < 0) {
            return null;
        }
        return codec.decode(in.array(), 0, n);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
