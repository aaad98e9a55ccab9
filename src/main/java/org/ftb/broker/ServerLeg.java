package org.ftb.broker;

import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Outbox;
import org.ftb.relay.Pump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The FTP control connection's leg to the server: the way there (a tunnel, or plaintext after a
 * fallback), the queue of what goes to the server, and the pump that reads its replies. A login the
 * server refuses drops the leg and a later login attaches another, so a failure is heeded only from
 * the leg attached now. Driven on the session's reactor thread; what DISPLAY reads is volatile.
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

    /** @param bytesUp the broker-wide count of bytes delivered towards servers */
    ServerLeg(Reactor reactor, AtomicLong bytesUp) {
        this.reactor = reactor;
        this.bytesUp = bytesUp;
    }

    /**
     * Takes the way to the server. Returns its reader, which the caller starts once the state machine
     * knows the way is open, since the server's first reply may be read at once on this very thread.
     *
     * @param replies where the server's bytes go
     * @param broke   called when writing to the server fails, while this way is the one attached
     */
    Pump attach(ServerWay opened, ControlFeed replies, Consumer<Throwable> broke) {
        way = opened;
        plaintext |= opened.plaintext();
        Endpoint end = opened.endpoint();
        toServer = new Outbox(end, reactor, bytesUp, System::nanoTime, cause -> {
            if (way == opened) {
                broke.accept(cause);
            }
        });
        Pump pump = replies.pumpFrom(end);
        fromServer = pump;
        return pump;
    }

    /**
     * Starts reading the server, which speaks first; {@code silent} runs on the reactor thread if this
     * leg is still attached after {@code within}, to check whether the server said anything.
     */
    void start(Pump reader, ScheduledExecutorService timer, Duration within, Runnable silent) {
        reader.start(ByteBuffer.allocate(0));
        timer.schedule(() -> reactor.runHere(() -> {
            if (reads(reader)) {
                silent.run();
            }
        }), within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when {@code pump} reads the leg attached now. */
    boolean reads(Pump pump) {
        return pump == fromServer;
    }

    boolean attached() {
        return way != null;
    }

    void send(byte[] bytes) {
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

    /** Lets the leg go cleanly; forgotten first, since closing it fails its pending read on this very thread. */
    void drop() {
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
        ServerWay w = way;
        if (w != null) {
            w.endpoint().close(abort);
        }
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
