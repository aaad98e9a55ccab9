package org.ftb.broker;

import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Outbox;
import org.ftb.relay.Pump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The FTP control connection's leg to the server: the way there (a tunnel, or plaintext after a
 * fallback), the queue of what goes to the server, and the pump that reads its replies. A login the
 * server refuses drops the leg and a later login attaches another, so a failure is heeded only from
 * the leg attached now. A server silent since the leg was attached may get further connections
 * ({@link #standBy}); the first of them to speak replaces the silent one. Driven on the session's
 * reactor thread; what DISPLAY reads is volatile.
 */
final class ServerLeg {
    private final Reactor reactor;
    private final AtomicLong bytesUp;
    private volatile ServerWay way;
    private volatile Outbox toServer;
    private volatile Pump fromServer;
    /** Bytes that dropped legs delivered to the server. */
    private volatile long droppedUp;
    private volatile boolean plaintext;
    /** Something came from the server on the attached way. */
    private boolean heard;
    /** The session ended: no spare takes the attached way's place any more. */
    private boolean closed;
    /** Further connections to a silent server, each with its started reader. */
    private final Map<ServerWay, Pump> standby = new LinkedHashMap<>();

    /** @param bytesUp the broker-wide count of bytes delivered towards servers */
    ServerLeg(Reactor reactor, AtomicLong bytesUp) {
        this.reactor = reactor;
        this.bytesUp = bytesUp;
    }

    /**
     * Takes the way to the server with its reader, which the caller starts once the state machine
     * knows the way is open, since the server's first reply may be read at once on this very thread.
     *
     * @param broke called when writing to the server fails, while this way is the one attached
     */
    void attach(ServerWay opened, Pump reader, Consumer<Throwable> broke) {
        way = opened;
        heard = false;
        plaintext |= opened.plaintext();
        toServer = new Outbox(opened.endpoint(), reactor, bytesUp, System::nanoTime, cause -> {
            if (way == opened) {
                broke.accept(cause);
            }
        });
        fromServer = reader;
    }

    /** Starts reading the server, which speaks first. */
    void start(Pump reader) {
        reader.start(ByteBuffer.allocate(0));
    }

    /** True when {@code pump} reads the leg attached now. */
    boolean reads(Pump pump) {
        return pump == fromServer;
    }

    /** True when {@code w} is the way attached now. */
    boolean carries(ServerWay w) {
        return way == w;
    }

    /** True while nothing has passed either way on the attached way: the server may never have seen it. */
    boolean silent() {
        Outbox out = toServer;
        return out != null && !heard && out.isEmpty() && out.delivered() == 0;
    }

    /** The attached way's server spoke: it is the one, and further connections to it are let go. */
    void spoke() {
        heard = true;
        letGoSpares(false);
    }

    /** Opens a further connection to the server's control port, the same way as the attached one. */
    CompletableFuture<ServerWay> openAnother(int serverPort) {
        ServerWay w = way;
        return w == null ? CompletableFuture.failedFuture(new IOException("the FTP session has no way to its server"))
                : w.data().apply(serverPort).thenApply(w::alongside);
    }

    /** Keeps {@code spare}, a further connection to the silent server, and starts its reader. */
    void standBy(ServerWay spare, Pump reader) {
        standby.put(spare, reader);
        start(reader);
    }

    /**
     * {@code spare} spoke while the attached way is still silent: it becomes the attached way and the
     * silent one is closed; other spares wait on until one of them or it speaks. False, with the spare
     * let go, when something has passed on the attached way meanwhile; false when it is no spare.
     */
    boolean promote(ServerWay spare, Consumer<Throwable> broke) {
        Pump reader = standby.get(spare);
        if (reader == null) {
            return false;
        }
        if (!silent()) {
            letGo(spare);
            return false;
        }
        standby.remove(spare);
        detach();
        attach(spare, reader, broke);
        return true;
    }

    /**
     * The attached way ended or broke before anything passed on it: the oldest spare takes its place,
     * since a server that never saw a connection may end it (a listen queue that overflowed resets).
     * False when there is no spare or something had passed.
     */
    boolean replaceSilent(Consumer<Throwable> broke) {
        return !closed && !standby.isEmpty() && promote(standby.keySet().iterator().next(), broke);
    }

    /** A spare ended or broke before it spoke: it is closed and forgotten. */
    void letGo(ServerWay spare) {
        if (standby.remove(spare) != null) {
            spare.endpoint().close(false);
        }
    }

    boolean attached() {
        return way != null;
    }

    /** Once something went to the server on the attached way, no spare can take its place: they are let go. */
    void send(byte[] bytes) {
        letGoSpares(false);
        toServer.send(bytes);
    }

    /** Ends the server's side of the control connection once all queued is written. */
    void finish() {
        toServer.finish(() -> { });
    }

    /** Runs {@code then} once the queue to the server is short, or at once without a leg. */
    void whenBelowHighWater(Runnable then) {
        Outbox out = toServer;
        if (out == null) {
            then.run();
        } else {
            out.whenBelowHighWater(then);
        }
    }

    /** Lets the leg and its spares go cleanly. */
    void drop() {
        detach();
        letGoSpares(false);
    }

    /** Lets the attached way go cleanly; forgotten first, since closing it fails its pending read on this very thread. */
    private void detach() {
        ServerWay dropped = way;
        Outbox out = toServer;
        if (out != null) {
            droppedUp += out.delivered();
        }
        way = null;
        toServer = null;
        fromServer = null;
        if (dropped != null) {
            dropped.endpoint().close(false);
        }
    }

    /** The session ended: the way to the server closes at once, so the server does not keep it. */
    void close(boolean abort) {
        // Closing the attached way fails its read on this very thread, which must not put a spare in its place.
        closed = true;
        ServerWay w = way;
        if (w != null) {
            w.endpoint().close(abort);
        }
        letGoSpares(abort);
    }

    /** Forgotten first, since closing a spare fails its pending read on this very thread. */
    private void letGoSpares(boolean abort) {
        List<ServerWay> spares = new ArrayList<>(standby.keySet());
        standby.clear();
        spares.forEach(spare -> spare.endpoint().close(abort));
    }

    /** Opens the way to one of the server's data ports, the same way as the control connection. */
    CompletableFuture<Endpoint> openData(int serverPort) {
        ServerWay w = way;
        return w == null ? CompletableFuture.failedFuture(new IOException("the FTP session has no way to its server"))
                : w.data().apply(serverPort);
    }

    /** True while the attached way is a plaintext one (FALLBACK(PLAIN)), where a reset reaches the server as it is. */
    boolean plaintextNow() {
        ServerWay w = way;
        return w != null && w.plaintext();
    }

    /** True once any leg of the session went in plaintext. */
    boolean wasPlaintext() {
        return plaintext;
    }

    /** Bytes delivered to the server. */
    long up() {
        Outbox out = toServer;
        return out == null ? droppedUp : droppedUp + out.delivered();
    }

    long lastActivityNanos() {
        Pump in = fromServer;
        return in == null ? 0 : in.lastActivityNanos();
    }

    /** For logs: the SSH host, user and cipher, or PLAINTEXT; "-" without a leg. */
    String description() {
        ServerWay w = way;
        return w == null ? "-" : w.description();
    }
}
