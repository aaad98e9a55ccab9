package org.ftb.net;

import org.ftb.address.IpAddress;
import org.ftb.message.Msg;
import org.ftb.rules.Destination;
import org.ftb.rules.Match;
import org.ftb.socks.ConnectRequest;
import org.ftb.socks.ReplyCode;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.SocksVersion;
import org.ftb.socks.Step;
import org.ftb.status.SessionView;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection: SOCKS handshake, rule decision, outbound connect, then the relay. Every step
 * runs on a completion of the step before it, so the session never blocks an I/O thread; name
 * resolution and password checks go to the worker pool.
 */
final class ClientSession implements Pump.Listener {
    /** Twice the longest SOCKS message, so a complete message always fits. */
    private static final int HANDSHAKE_BUFFER = 2 * SocksServerHandshake.MAX_MESSAGE;
    /** How long a refused client may keep its end open to read the reply. */
    private static final long LINGER_MILLIS = 2000;

    enum Phase { HANDSHAKE, CONNECTING, RELAY, CLOSING }

    private final SocksServer server;
    private final long id;
    private final AsynchronousSocketChannel client;
    private final String clientText;
    private final boolean overLimit;
    private final SocksServerHandshake handshake;
    private final ByteBuffer inbound = ByteBuffer.allocate(HANDSHAKE_BUFFER);
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicBoolean connectTimedOut = new AtomicBoolean();
    private volatile long lastActivityNanos = startNanos;
    private volatile Phase phase = Phase.HANDSHAKE;
    private volatile ConnectRequest request;
    private volatile Destination destination;
    private volatile Match match;
    private volatile AsynchronousSocketChannel upstream;
    private volatile String result = "";
    private int pumpsEnded;

    ClientSession(SocksServer server, long id, AsynchronousSocketChannel client, String clientText, boolean overLimit) {
        this.server = server;
        this.id = id;
        this.client = client;
        this.clientText = clientText;
        this.overLimit = overLimit;
        this.handshake = new SocksServerHandshake(server.settings().versions(), server.passwordRequired());
    }

    long id() {
        return id;
    }

    Phase phase() {
        return phase;
    }

    long startNanos() {
        return startNanos;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    private String tag() {
        return "C" + id + " " + clientText;
    }

    void start() {
        read();
    }

    // ---- handshake ----

    private void read() {
        client.read(inbound, null, Completion.of(this::onRead, this::onHandshakeFailure));
    }

    private void onRead(int n) {
        if (n < 0) {
            end("CLIENT_CLOSED", false);
            return;
        }
        activity();
        advance();
    }

    private void advance() {
        if (ended.get()) {
            return;
        }
        inbound.flip();
        Step step;
        try {
            step = handshake.next(inbound);
        } finally {
            inbound.compact();
        }
        handle(step);
    }

    private void handle(Step step) {
        if (step instanceof Step.NeedMore) {
            read();
        } else if (step instanceof Step.Reply reply) {
            write(reply.bytes(), this::advance);
        } else if (step instanceof Step.Authenticate auth) {
            offload(() -> handle(handshake.authenticated(server.users().verify(auth.user(), auth.password()))));
        } else if (step instanceof Step.Connect connect) {
            onConnectRequest(connect.request());
        } else if (step instanceof Step.Refuse refuse) {
            boolean authFailure = handshake.version() == SocksVersion.V5 && refuse.reply().length == 2 && refuse.reply()[0] == 1;
            if (authFailure) {
                server.messages().log(Msg.FTB0204W, tag(), SocksServerHandshake.printable(handshake.user()));
            } else {
                server.messages().log(Msg.FTB0203W, tag(), refuse.reason());
            }
            server.counters().refused.incrementAndGet();
            refuse(refuse.reply(), authFailure ? "AUTH_FAILED" : "PROTOCOL_ERROR");
        }
    }

    private void onHandshakeFailure(Throwable cause) {
        end("CLIENT_RESET", true);
    }

    /** Runs blocking work (DNS, password hashing) on the worker pool; a full queue refuses the client. */
    private void offload(Runnable work) {
        try {
            server.workers().execute(() -> {
                if (!ended.get()) {
                    work.run();
                }
            });
        } catch (RejectedExecutionException e) {
            server.messages().log(Msg.FTB0209E, tag());
            server.counters().failed.incrementAndGet();
            refuse(failureReply(ReplyCode.GENERAL_FAILURE), "BUSY");
        }
    }

    // ---- decision ----

    private void onConnectRequest(ConnectRequest connect) {
        request = connect;
        phase = Phase.CONNECTING;
        if (overLimit) {
            server.messages().log(Msg.FTB0201W, tag(), server.maxSessions());
            server.counters().busy.incrementAndGet();
            refuse(failureReply(ReplyCode.GENERAL_FAILURE), "BUSY");
            return;
        }
        if (connect.address() != null) {
            decide(Destination.ofAddress(connect.address(), connect.port()), null);
            return;
        }
        offload(() -> {
            try {
                InetAddress resolved = server.resolver().resolve(connect.host());
                decide(Destination.ofName(connect.host(), resolved.getAddress(), connect.port()), null);
            } catch (UnknownHostException e) {
                decide(Destination.ofName(connect.host(), null, connect.port()), e);
            }
        });
    }

    private void decide(Destination target, UnknownHostException unresolved) {
        destination = target;
        Match decision = server.rules().match(target);
        match = decision;
        switch (decision.action()) {
            case DENY -> {
                server.messages().log(Msg.FTB0205I, tag(), decision.reason());
                server.counters().denied.incrementAndGet();
                refuse(failureReply(ReplyCode.NOT_ALLOWED_BY_RULESET), "DENIED");
            }
            case DIRECT -> {
                if (unresolved != null) {
                    server.messages().log(Msg.FTB0208W, tag(), target.host(), "unknown host");
                    server.counters().failed.incrementAndGet();
                    refuse(failureReply(ReplyCode.HOST_UNREACHABLE), "UNRESOLVED");
                } else {
                    connect(target);
                }
            }
            case TUNNEL, FTPTUNNEL -> {
                // The broker refuses to start with such rules; this guards a configuration built in code.
                server.messages().log(Msg.FTB0206W, tag(), target, "ACTION(" + decision.action() + ") is not available in this release");
                server.counters().failed.incrementAndGet();
                refuse(failureReply(ReplyCode.GENERAL_FAILURE), "NOT_AVAILABLE");
            }
        }
    }

    // ---- outbound connect ----

    private void connect(Destination target) {
        AsynchronousSocketChannel channel;
        InetSocketAddress address;
        try {
            channel = server.openChannel();
            upstream = channel;
            address = new InetSocketAddress(InetAddress.getByAddress(target.host(), target.address()), target.port());
        } catch (IOException e) {
            connectFailed(target, e);
            return;
        }
        if (ended.get()) {
            closeQuietly(channel); // a STOP or a timeout ended the session while it was being decided
            return;
        }
        Duration timeout = server.connectTimeout();
        ScheduledFuture<?> timer = server.timer().schedule(() -> {
            connectTimedOut.set(true);
            closeQuietly(channel);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        channel.connect(address, null, Completion.of(ignored -> {
            timer.cancel(false);
            connected(channel);
        }, cause -> {
            timer.cancel(false);
            connectFailed(target, cause);
        }));
    }

    private void connectFailed(Destination target, Throwable cause) {
        if (ended.get()) {
            return;
        }
        ReplyCode code;
        String reason;
        if (connectTimedOut.get()) {
            code = ReplyCode.TTL_EXPIRED;
            reason = "no answer within CONNECTTIMEOUT(" + server.connectTimeout().toSeconds() + ")";
        } else if (cause instanceof ConnectException) {
            code = ReplyCode.CONNECTION_REFUSED;
            reason = "connection refused";
        } else if (cause instanceof NoRouteToHostException) {
            code = ReplyCode.HOST_UNREACHABLE;
            reason = "no route to host";
        } else if (cause instanceof SocketException && String.valueOf(cause.getMessage()).contains("unreachable")) {
            code = ReplyCode.NETWORK_UNREACHABLE;
            reason = "network unreachable";
        } else {
            code = ReplyCode.GENERAL_FAILURE;
            reason = String.valueOf(cause.getMessage());
        }
        server.messages().log(Msg.FTB0206W, tag(), target, reason);
        server.counters().failed.incrementAndGet();
        refuse(failureReply(code), "CONNECT_FAILED");
    }

    private void connected(AsynchronousSocketChannel channel) {
        if (ended.get()) {
            closeQuietly(channel);
            return;
        }
        byte[] reply;
        try {
            InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
            reply = ReplyCode.SUCCEEDED.encode(request.version(), bound.getAddress().getAddress(), bound.getPort());
        } catch (IOException e) {
            end("CONNECT_FAILED", true);
            return;
        }
        server.counters().relayed.incrementAndGet();
        write(reply, () -> startRelay(channel));
    }

    // ---- relay ----

    private void startRelay(AsynchronousSocketChannel channel) {
        phase = Phase.RELAY;
        inbound.flip();
        Pump up = new Pump(client, channel, bytesUp, server.counters().bytesUp, this);
        Pump down = new Pump(channel, client, bytesDown, server.counters().bytesDown, this);
        up.start(inbound);
        down.start(ByteBuffer.allocate(0));
    }

    @Override
    public void activity() {
        lastActivityNanos = System.nanoTime();
    }

    @Override
    public void ended(Pump pump) {
        boolean both;
        synchronized (this) {
            both = ++pumpsEnded == 2;
        }
        if (both) {
            end("OK", false);
        }
    }

    @Override
    public void failed(Pump pump, Throwable cause) {
        end("RESET", true);
    }

    // ---- endings ----

    private byte[] failureReply(ReplyCode code) {
        return code.encode(request == null ? handshake.version() : request.version());
    }

    /**
     * Sends a refusal and closes without losing it: output is shut down after the reply and input is
     * drained briefly, because closing a socket with unread input sends a reset that may overtake the
     * reply.
     */
    private void refuse(byte[] reply, String outcome) {
        phase = Phase.CLOSING;
        result = outcome;
        write(reply, () -> {
            try {
                client.shutdownOutput();
            } catch (IOException e) {
                end(outcome, false);
                return;
            }
            server.timer().schedule(() -> end(outcome, false), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            drain(outcome);
        });
    }

    private void drain(String outcome) {
        inbound.clear();
        client.read(inbound, null, Completion.of(n -> {
            if (n < 0) {
                end(outcome, false);
            } else {
                drain(outcome);
            }
        }, cause -> end(outcome, false)));
    }

    private void write(byte[] bytes, Runnable then) {
        writeFully(ByteBuffer.wrap(bytes), then);
    }

    private void writeFully(ByteBuffer out, Runnable then) {
        if (!out.hasRemaining()) {
            then.run();
            return;
        }
        client.write(out, null, Completion.of(n -> writeFully(out, then), cause -> end("CLIENT_RESET", true)));
    }

    /**
     * Ends the session once: closes both sockets (with a reset when {@code abort}, so that a broken
     * relay never looks like a finished transfer) and writes the audit record.
     */
    void end(String outcome, boolean abort) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (result.isEmpty()) {
            result = outcome;
        }
        AsynchronousSocketChannel up = upstream;
        if (abort) {
            resetOnClose(client);
            if (up != null) {
                resetOnClose(up);
            }
        }
        closeQuietly(client);
        if (up != null) {
            closeQuietly(up);
        }
        server.ended(this);
    }

    /** Ends the session with a reset, recording why (a timeout, a STOP). */
    void abort(String outcome) {
        if (!ended.get()) {
            result = outcome;
            end(outcome, true);
        }
    }

    String result() {
        return result;
    }

    private static void resetOnClose(AsynchronousSocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // already closed: nothing to reset
        }
    }

    static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is best effort; the session is over either way
        }
    }

    SessionView view() {
        long now = System.nanoTime();
        ConnectRequest req = request;
        Destination dest = destination;
        Match m = match;
        SocksVersion version = handshake.version();
        byte[] address = dest == null ? null : dest.address();
        return new SessionView(id, clientText,
                req != null ? req.protocol() : version == null ? "-" : "SOCKS" + version.code(),
                handshake.user().isEmpty() ? "-" : SocksServerHandshake.printable(handshake.user()),
                req == null ? "-" : IpAddress.hostForPort(req.host()) + ":" + req.port(),
                address == null ? "-" : IpAddress.format(address),
                m == null ? "-" : m.ruleName(), m == null ? "-" : m.action().name(), phase.name(), result,
                bytesUp.get(), bytesDown.get(), Duration.ofNanos(now - startNanos), Duration.ofNanos(now - lastActivityNanos));
    }
}
