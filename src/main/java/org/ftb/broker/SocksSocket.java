package org.ftb.broker;

import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;
import org.ftb.socks.SocksServerHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The client's socket while the broker speaks SOCKS on it, until a relay takes it over: request
 * bytes in, replies out, on the reactor thread. A success reply is fully sent before what follows it
 * starts, so no relayed byte can overtake it; a refusal is followed by a half-close, and the input is
 * drained, because closing a socket with unread input sends a reset that may overtake the reply.
 */
final class SocksSocket implements Reactor.Handler {
    /** Twice the longest SOCKS message, so a complete message always fits. */
    private static final int BUFFER = 2 * SocksServerHandshake.MAX_MESSAGE;

    /** What the socket reports to its connection. */
    interface Owner {
        /** Bytes may be read (or, once refused, drained). */
        void readable() throws IOException;

        /** The socket broke. */
        void broke();
    }

    private final SocketChannel channel;
    private final Reactor reactor;
    private final Owner owner;
    private final ByteBuffer inbound = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer outbound = ByteBuffer.allocate(BUFFER);
    private SelectionKey key;
    private boolean reading;
    private boolean refused;
    /** What starts once the reply is out. */
    private Runnable afterReply;

    SocksSocket(SocketChannel channel, Reactor reactor, Owner owner) {
        this.channel = channel;
        this.reactor = reactor;
        this.owner = owner;
        outbound.flip(); // kept in read mode: what remains is what is still to be sent
    }

    /** Registers on the reactor, reading or not; call on the reactor thread. */
    void register(boolean read) throws IOException {
        reading = read;
        key = reactor.register(channel, read ? SelectionKey.OP_READ : 0, this);
    }

    /** Reads what the client sent into {@link #inbound()}; -1 at its end. */
    int read() throws IOException {
        return channel.read(inbound);
    }

    /** The bytes read and not yet taken, in write mode (flip to read them). */
    ByteBuffer inbound() {
        return inbound;
    }

    /** Whether the client is read: not while a worker decides for it, nor once its request is taken. */
    void reading(boolean on) {
        reading = on;
        interest();
    }

    /** Sends {@code bytes} to the client, as far as it takes them now; the rest goes on readiness. */
    void send(byte[] bytes) throws IOException {
        outbound.compact().put(bytes).flip();
        flush();
        interest();
    }

    /** Sends a reply, then runs {@code next} once all of it is out. */
    void replyThen(byte[] reply, Runnable next) throws IOException {
        afterReply = next;
        send(reply);
    }

    /** Sends a refusal, then ends the client's input direction; its output is drained until the connection ends. */
    void refuse(byte[] reply) throws IOException {
        refused = true;
        reading = true;
        afterReply = null;
        send(reply);
    }

    /** Reads and drops what a refused client still sends; true at its end. */
    boolean drain() throws IOException {
        inbound.clear();
        return channel.read(inbound) < 0;
    }

    /** Client bytes that came with the SOCKS request, for the relay to send first. */
    ByteBuffer takePipelined() {
        inbound.flip();
        ByteBuffer pipelined = ByteBuffer.allocate(inbound.remaining()).put(inbound).flip();
        inbound.clear();
        return pipelined;
    }

    /** Hands the socket to a relay. */
    SocketEndpoint handOver() {
        return SocketEndpoint.attach(key, reactor);
    }

    private void flush() throws IOException {
        if (outbound.hasRemaining()) {
            channel.write(outbound);
        }
        if (outbound.hasRemaining()) {
            return;
        }
        if (refused && !channel.socket().isOutputShutdown()) {
            channel.shutdownOutput();
        } else if (afterReply != null) {
            Runnable next = afterReply;
            afterReply = null;
            next.run();
        }
    }

    private void interest() {
        if (key != null && key.isValid() && key.attachment() == this) {
            key.interestOps((reading ? SelectionKey.OP_READ : 0) | (outbound.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        }
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        if (k.isWritable()) {
            flush();
        }
        if (k.isValid() && k.isReadable() && key.attachment() == this) {
            owner.readable();
        }
        interest();
    }

    @Override
    public void failed(Exception cause) {
        owner.broke();
    }
}
