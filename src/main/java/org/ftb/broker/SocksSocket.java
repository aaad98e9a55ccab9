package org.ftb.broker;

import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.Step;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The client's socket while the broker speaks SOCKS on it, until a relay takes it over: it feeds the
 * {@link SocksServerHandshake} what the client sends, answers the negotiation itself, and hands its
 * owner the steps that need a decision (a password to check, a request, a refusal), on the reactor
 * thread. A success reply is fully sent before what follows it starts, so no relayed byte can
 * overtake it; a refusal is followed by a half-close, and the input is drained, because closing a
 * socket with unread input sends a reset that may overtake the reply.
 */
final class SocksSocket implements Reactor.Handler {
    /** Twice the longest SOCKS message, so a complete message always fits. */
    private static final int BUFFER = 2 * SocksServerHandshake.MAX_MESSAGE;

    /** What the socket reports to its connection. */
    interface Owner {
        /** A step that needs the owner: Authenticate (answer with {@link #authenticated}), Connect or Refuse. */
        void step(Step step);

        /** The client closed its end: before its request, or after a refusal. */
        void clientClosed();

        /** The socket broke. */
        void broke();
    }

    private final SocketChannel channel;
    private final Reactor reactor;
    private final Owner owner;
    private final SocksServerHandshake handshake;
    private final ByteBuffer inbound = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer outbound = ByteBuffer.allocate(BUFFER);
    private SelectionKey key;
    /** A password is being checked: the client is not read meanwhile. */
    private boolean paused;
    /** The request is taken (or refused): the handshake reads no more. */
    private boolean decided;
    private boolean refused;
    private volatile long lastReadNanos = System.nanoTime();
    /** What starts once the reply is out. */
    private Runnable afterReply;

    SocksSocket(SocketChannel channel, Reactor reactor, SocksServerHandshake handshake, Owner owner) {
        this.channel = channel;
        this.reactor = reactor;
        this.handshake = handshake;
        this.owner = owner;
        outbound.flip(); // kept in read mode: what remains is what is still to be sent
    }

    /** Registers on the reactor, reading the SOCKS request or, for a data connection that has none, not; on the reactor thread. */
    void register(boolean read) throws IOException {
        decided = !read;
        key = reactor.register(channel, read ? SelectionKey.OP_READ : 0, this);
    }

    /** When the client last sent handshake bytes. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** The answer to an Authenticate step; the handshake goes on. */
    void authenticated(boolean ok) throws IOException {
        paused = false;
        take(handshake.authenticated(ok));
        advance();
        interest();
    }

    private void readRequest() throws IOException {
        if (channel.read(inbound) < 0) {
            owner.clientClosed();
            return;
        }
        lastReadNanos = System.nanoTime();
        advance();
    }

    /** Feeds buffered bytes to the handshake until it needs more, waits for its owner, or is decided. */
    private void advance() throws IOException {
        while (!paused && !decided) {
            inbound.flip();
            Step step;
            try {
                step = handshake.next(inbound);
            } finally {
                inbound.compact();
            }
            if (step instanceof Step.NeedMore) {
                return;
            }
            take(step);
        }
    }

    private void take(Step step) throws IOException {
        if (step instanceof Step.Reply reply) {
            send(reply.bytes());
            return;
        }
        paused = step instanceof Step.Authenticate;
        decided = !paused;
        owner.step(step);
    }

    /** Sends {@code bytes} to the client, as far as it takes them now; the rest goes on readiness. */
    private void send(byte[] bytes) throws IOException {
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
        afterReply = null;
        send(reply);
    }

    private void drain() throws IOException {
        inbound.clear();
        if (channel.read(inbound) < 0) {
            owner.clientClosed();
        }
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

    /** The client is read for its request, unless a password is being checked; and drained once refused. */
    private boolean reading() {
        return refused || !paused && !decided;
    }

    private void interest() {
        if (key != null && key.isValid() && key.attachment() == this) {
            key.interestOps((reading() ? SelectionKey.OP_READ : 0) | (outbound.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        }
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        if (k.isWritable()) {
            flush();
        }
        if (k.isValid() && k.isReadable() && key.attachment() == this) {
            if (refused) {
                drain();
            } else if (reading()) {
                readRequest();
            }
        }
        interest();
    }

    @Override
    public void failed(Exception cause) {
        owner.broke();
    }
}
