package org.ftb.net;

import org.ftb.relay.Endpoint;
import org.ftb.relay.ReadSize;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking socket as an {@link Endpoint}. A read or write is first tried at once on the calling
 * thread, whichever it is (no hand-off when the socket is ready, which is the common case); only when
 * the socket is not ready does the reactor take over and complete it on readiness. Interest is changed
 * on the reactor thread only.
 */
public final class SocketEndpoint implements Endpoint, Reactor.Handler {
    private final SocketChannel channel;
    private final Reactor reactor;
    // Used by the thread with the read in flight; a read that fills it leaves its bytes to the reader and a larger one here.
    private ByteBuffer readBuffer = ByteBuffer.allocate(ReadSize.SMALL);
    private SelectionKey key;
    private int interest;
    // A read or write waiting for readiness; set before the reactor is asked to wait for it.
    private Reader reader;
    private ByteBuffer writeData;
    private Writer writer;

    private SocketEndpoint(SocketChannel channel, Reactor reactor) {
        this.channel = channel;
        this.reactor = reactor;
    }

    /** Takes over a socket already registered on {@code reactor}; call on the reactor thread. */
    public static SocketEndpoint attach(SelectionKey key, Reactor reactor) {
        SocketEndpoint endpoint = new SocketEndpoint((SocketChannel) key.channel(), reactor);
        endpoint.key = key;
        key.interestOps(0);
        key.attach(endpoint);
        return endpoint;
    }

    /** Registers a connected socket on {@code reactor}; call on the reactor thread. */
    public static SocketEndpoint register(SocketChannel channel, Reactor reactor) throws IOException {
        SocketEndpoint endpoint = new SocketEndpoint(channel, reactor);
        endpoint.key = reactor.register(channel, 0, endpoint);
        return endpoint;
    }

    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void read(Reader r) {
        readBuffer.clear();
        int n;
        try {
            n = channel.read(readBuffer);
        } catch (IOException e) {
            r.failed(e);
            return;
        }
        if (n > 0) {
            ByteBuffer data = readBuffer.flip();
            int capacity = ReadSize.next(data.capacity(), n);
            if (capacity != data.capacity()) {
                readBuffer = ByteBuffer.allocate(capacity);
            }
            r.received(data);
        } else if (n < 0) {
            r.ended();
        } else {
            reader = r;
            arm(SelectionKey.OP_READ);
        }
    }

    @Override
    public void write(ByteBuffer data, Writer w) {
        int n;
        try {
            n = channel.write(data);
        } catch (IOException e) {
            w.failed(e);
            return;
        }
        if (!data.hasRemaining()) {
            w.written();
            return;
        }
        if (n > 0) {
            w.progressed(n);
        }
        writeData = data;
        writer = w;
        arm(SelectionKey.OP_WRITE);
    }

    private void arm(int op) {
        if (reactor.inReactor()) {
            setInterest(interest | op);
        } else {
            reactor.execute(() -> setInterest(interest | op));
        }
    }

    private void setInterest(int ops) {
        interest = ops;
        if (key.isValid()) {
            key.interestOps(ops);
        } else {
            failPending(new ClosedChannelException());
        }
    }

    @Override
    public void ready(SelectionKey k) {
        if (k.isWritable() && writer != null) {
            Writer w = writer;
            ByteBuffer data = writeData;
            writer = null;
            writeData = null;
            setInterest(interest & ~SelectionKey.OP_WRITE);
            write(data, w);
        }
        if (k.isValid() && k.isReadable() && reader != null) {
            Reader r = reader;
            reader = null;
            setInterest(interest & ~SelectionKey.OP_READ);
            read(r);
        }
    }

    @Override
    public void failed(Exception cause) {
        failPending(cause);
        close(true);
    }

    private void failPending(Throwable cause) {
        Reader r = reader;
        Writer w = writer;
        reader = null;
        writer = null;
        writeData = null;
        if (r != null) {
            r.failed(cause);
        }
        if (w != null) {
            w.failed(cause);
        }
    }

    @Override
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // The peer is gone: the other direction sees it and ends the connection.
        }
    }

    @Override
    public void close(boolean abort) {
        // On the reactor, so that the close happens now (not at the next select) and a waiting read or write is failed.
        reactor.execute(() -> {
            closeNow(channel, abort);
            failPending(new ClosedChannelException());
        });
    }

    /** Closes a socket; {@code abort} sends a reset instead of a FIN. */
    public static void closeNow(SocketChannel channel, boolean abort) {
        try {
            if (abort && channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            // not connected: a plain close is all there is
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing is best effort; the connection is over either way
        }
    }
}
