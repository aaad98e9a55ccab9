package org.ftb.net;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.message.Msg;
import org.ftb.rules.Destination;
import org.ftb.rules.Match;
import org.ftb.socks.ConnectRequest;
import org.ftb.socks.ReplyCode;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.SocksVersion;
import org.ftb.socks.Step;
import org.ftb.rules.Rule;
import org.ftb.rules.TunnelAuth;
import org.ftb.ssh.Credentials;
import org.ftb.ssh.TunnelFailure;
import org.ftb.ssh.TunnelStream;
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
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One client connection: SOCKS handshake, rule decision, outbound connect, then the relay. All of its
 * state belongs to one reactor thread; name resolution and password checks run on the worker pool
 * and hand their result back to that thread.
 */
final class ClientSession {
    /** Twice the longest SOCKS message, so a complete message always fits. */
    private static final int HANDSHAKE_BUFFER = 2 * SocksServerHandshake.MAX_MESSAGE;
    /** How long a refused client may keep its end open to read the reply. */
    private static final long LINGER_MILLIS = 2000;

    enum Phase { HANDSHAKE, CONNECTING, RELAY, CLOSING, ENDED }

    private final SocksServer server;
    private final Reactor reactor;
    private final long id;
    private final SocketChannel client;
    private final String clientText;
    private final boolean overLimit;
    private final SocksServerHandshake handshake;
    private final ByteBuffer inbound = ByteBuffer.allocate(HANDSHAKE_BUFFER);
    private final ByteBuffer outbound = ByteBuffer.allocate(HANDSHAKE_BUFFER);
    private final long startNanos = System.nanoTime();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private volatile long lastActivityNanos = startNanos;
    private volatile Phase phase = Phase.HANDSHAKE;
    private volatile ConnectRequest request;
    private volatile Destination destination;
    private volatile Match match;
    private volatile String result = "";
    private SelectionKey clientKey;
    private SocketChannel upstream;
    private SelectionKey upstreamKey;
    private ScheduledFuture<?> timer;
    private boolean waiting;
    /** The relay made once the destination is connected, started when the success reply is out. */
    private Relay pendingRelay;
    private Relay relay;
    private volatile String via = "-";
    private volatile DataConnections.Announcement dataFor;
    private volatile FtpControlRelay ftpControl;
    private final Relay.Owner relayOwner = new Relay.Owner() {
        @Override
        public void activity() {
            ClientSession.this.activity();
        }

        @Override
        public void changed() {
            if (phase == Phase.RELAY) {
                checkRelayFinished();
                if (phase != Phase.ENDED) {
                    updateInterest();
                }
            }
        }

        @Override
        public void failed(Throwable cause) {
            end("RESET", true);
        }
    };

    ClientSession(SocksServer server, Reactor reactor, long id, SocketChannel client, String clientText, boolean overLimit) {
        this.server = server;
        this.reactor = reactor;
        this.id = id;
        this.client = client;
        this.clientText = clientText;
        this.overLimit = overLimit;
        this.handshake = new SocksServerHandshake(server.settings().versions(), server.passwordRequired());
        outbound.flip(); // kept in read mode: what remains is what is still to be sent
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

    /** On the reactor thread: registers the client and starts the handshake. */
    void start() {
        try {
            clientKey = reactor.register(client, SelectionKey.OP_READ, new Side(this::clientReady));
        } catch (IOException e) {
            end("CLIENT_RESET", true);
        }
    }

    /** On the reactor thread: a data connection accepted on an announced port, with no SOCKS handshake. */
    void startData(DataConnections.Announcement announcement) {
        try {
            clientKey = reactor.register(client, 0, new Side(this::clientReady));
        } catch (IOException e) {
            end("CLIENT_RESET", true);
            return;
        }
        openData(announcement, false);
    }

    /** Readiness of one of the session's two sockets. */
    private final class Side implements Reactor.Handler {
        private final IoAction action;

        Side(IoAction action) {
            this.action = action;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            action.run(key);
            if (phase != Phase.ENDED) {
                updateInterest();
            }
        }

        @Override
        public void failed(Exception cause) {
            end(phase == Phase.RELAY ? "RESET" : "CLIENT_RESET", true);
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run(SelectionKey key) throws IOException;
    }

    private void clientReady(SelectionKey key) throws IOException {
        if (key.isWritable()) {
            if (phase != Phase.RELAY) {
                flush();
                if (pendingRelay != null) {
                    startRelayOnceReplied();
                }
            }
        }
        if (phase == Phase.RELAY) {
            relay.clientReady(key);
        } else if (key.isValid() && key.isReadable()) {
            if (phase == Phase.HANDSHAKE) {
                readHandshake();
            } else if (phase == Phase.CLOSING) {
                drainRefused();
            }
        }
        checkRelayFinished();
    }

    private void upstreamReady(SelectionKey key) throws IOException {
        if (phase == Phase.CONNECTING && key.isConnectable()) {
            finishConnect();
            return;
        }
        if (phase == Phase.RELAY) {
            relay.upstreamReady(key);
            checkRelayFinished();
        }
    }

    /** Interest follows state: read while a buffer has room, write while one has bytes waiting. */
    private void updateInterest() {
        int clientOps = 0;
        int upstreamOps = 0;
        switch (phase) {
            case HANDSHAKE, CLOSING -> clientOps = (waiting ? 0 : SelectionKey.OP_READ)
                    | (outbound.hasRemaining() ? SelectionKey.OP_WRITE : 0);
            case CONNECTING -> {
                clientOps = outbound.hasRemaining() ? SelectionKey.OP_WRITE : 0;
                upstreamOps = upstreamKey == null || pendingRelay != null ? 0 : SelectionKey.OP_CONNECT;
            }
            case RELAY -> {
                clientOps = relay.clientInterest();
                upstreamOps = relay.upstreamInterest();
            }
            case ENDED -> {
                return;
            }
        }
        if (clientKey != null && clientKey.isValid()) {
            clientKey.interestOps(clientOps);
        }
        if (upstreamKey != null && upstreamKey.isValid()) {
            upstreamKey.interestOps(upstreamOps);
        }
    }

    // ---- handshake ----

    private void readHandshake() throws IOException {
        int n = client.read(inbound);
        if (n < 0) {
            end("CLIENT_CLOSED", false);
            return;
        }
        activity();
        advance();
    }

    /** Feeds buffered bytes to the handshake until it needs more, waits for a worker, or is done. */
    private void advance() {
        while (phase == Phase.HANDSHAKE && !waiting) {
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
            handle(step);
        }
    }

    private void handle(Step step) {
        if (step instanceof Step.Reply reply) {
            send(reply.bytes());
        } else if (step instanceof Step.Authenticate auth) {
            offload(() -> server.users().verify(auth.user(), auth.password()), ok -> {
                handle(handshake.authenticated(ok));
                advance();
            });
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

    /** Queues bytes for the client and writes what it takes now. */
    private void send(byte[] bytes) {
        outbound.compact().put(bytes).flip();
        try {
            flush();
        } catch (IOException e) {
            end("CLIENT_RESET", true);
        }
    }

    private void flush() throws IOException {
        if (outbound.hasRemaining()) {
            client.write(outbound);
        }
        if (!outbound.hasRemaining() && phase == Phase.CLOSING && !client.socket().isOutputShutdown()) {
            client.shutdownOutput();
        }
    }

    /**
     * Runs blocking work (DNS, password hashing) on the worker pool and continues with its result on
     * the reactor thread; meanwhile the client is not read. A full queue refuses the client.
     */
    private <T> void offload(Supplier<T> work, java.util.function.Consumer<T> then) {
        waiting = true;
        try {
            server.workers().execute(() -> {
                T value = work.get();
                reactor.execute(() -> {
                    waiting = false;
                    if (phase != Phase.ENDED) {
                        then.accept(value);
                        if (phase != Phase.ENDED) {
                            updateInterest();
                        }
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            waiting = false;
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
        var data = server.dataConnections().claim(clientIp(), connect.host(), connect.port());
        if (data.isPresent()) {
            openData(data.get(), true);
            return;
        }
        if (connect.address() != null) {
            decide(Destination.ofAddress(connect.address(), connect.port()), false);
            return;
        }
        offload(() -> {
            try {
                return server.resolver().resolve(connect.host()).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }, address -> decide(Destination.ofName(connect.host(), address, connect.port()), address == null));
    }

    private void decide(Destination target, boolean unresolved) {
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
                if (unresolved) {
                    server.messages().log(Msg.FTB0208W, tag(), target.host(), "unknown host");
                    server.counters().failed.incrementAndGet();
                    refuse(failureReply(ReplyCode.HOST_UNREACHABLE), "UNRESOLVED");
                } else {
                    connect(target);
                }
            }
            case TUNNEL -> openTunnel(decision.rule().orElseThrow());
            case FTPTUNNEL -> {
                Rule rule = decision.rule().orElseThrow();
                if (rule.auth().orElseThrow() == TunnelAuth.KEY) {
                    openTunnel(rule);
                } else {
                    startFtp(rule);
                }
            }
        }
    }

    // ---- outbound connect ----

    private void connect(Destination target) {
        try {
            upstream = SocketChannel.open();
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            upstream.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            upstreamKey = reactor.register(upstream, 0, new Side(this::upstreamReady));
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(target.host(), target.address()), target.port());
            if (upstream.connect(address)) {
                connected();
                updateInterest();
                return;
            }
        } catch (IOException e) {
            connectFailed(e, false);
            return;
        }
        Duration limit = server.connectTimeout();
        timer = server.timer().schedule(() -> reactor.execute(() -> {
            if (phase == Phase.CONNECTING) {
                connectFailed(null, true);
            }
        }), limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finishConnect() {
        try {
            if (upstream.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            connectFailed(e, false);
        }
    }

    private void connectFailed(IOException cause, boolean timedOut) {
        cancelTimer();
        ReplyCode code;
        String reason;
        if (timedOut) {
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
        closeUpstream(false);
        server.messages().log(Msg.FTB0206W, tag(), destination, reason);
        server.counters().failed.incrementAndGet();
        refuse(failureReply(code), "CONNECT_FAILED");
    }

    private void connected() throws IOException {
        cancelTimer();
        InetSocketAddress bound = (InetSocketAddress) upstream.getLocalAddress();
        server.counters().relayed.incrementAndGet();
        send(ReplyCode.SUCCEEDED.encode(request.version(), bound.getAddress().getAddress(), bound.getPort()));
        pendingRelay = new SocketRelay(client, upstream, server.counters(), bytesUp, bytesDown, relayOwner);
        startRelayOnceReplied();
    }

    /** The relay starts only when the reply is out, so no relayed byte can overtake it. */
    private void startRelayOnceReplied() throws IOException {
        if (phase != Phase.CONNECTING || outbound.hasRemaining()) {
            return;
        }
        phase = Phase.RELAY;
        relay = pendingRelay;
        pendingRelay = null;
        inbound.flip();
        relay.begin(inbound);
    }

    // ---- SSH tunnel ----

    private void openTunnel(Rule rule) {
        String sshHost = rule.via().orElseThrow();
        via = sshHost;
        ConnectRequest req = request;
        InetSocketAddress origin = clientAddress();
        offload(() -> server.tunnels().open(sshHost, new Credentials.HostKey(server.sshUser(sshHost)), req.host(), req.port(),
                origin.getHostString(), origin.getPort()), opening -> whenOpen(opening, this::tunnelOpened, this::tunnelFailed));
    }

    // ---- FTP ----

    /** The broker answers the SOCKS request itself and speaks FTP to the client from here on. */
    private void startFtp(Rule rule) {
        via = rule.via().orElseThrow();
        FtpControlRelay ftp = new FtpControlRelay(client, reactor, server, ftpTarget(rule), bytesUp, bytesDown, relayOwner);
        ftpControl = ftp;
        server.counters().relayed.incrementAndGet();
        send(ReplyCode.SUCCEEDED.encode(request.version()));
        relayOnceReplied(ftp);
    }

    private FtpControlRelay.Target ftpTarget(Rule rule) {
        return new FtpControlRelay.Target("C" + id, HostPort.canonicalHost(request.host()), request.port(), rule.via().orElseThrow(),
                rule.name(), clientIp(), clientAddress().getPort(), rule.fallback().orElseThrow() == org.ftb.rules.Fallback.PLAIN,
                server.sshHostIsDestination(rule.via().orElseThrow(), HostPort.canonicalHost(request.host())),
                rule.auth().orElseThrow() == TunnelAuth.KEY ? Optional.of(server.sshUser(rule.via().orElseThrow())) : Optional.empty());
    }

    /** A passive data connection the control connection announced: tunnel it to the FTP server. */
    void openData(DataConnections.Announcement announcement, boolean viaSocks) {
        phase = Phase.CONNECTING;
        dataFor = announcement;
        via = announcement.via;
        whenOpen(announcement.opener.get(), stream -> dataTunnelOpened(stream, viaSocks), cause -> {
            server.messages().log(Msg.FTB0227E, tag(), announcement.destination, String.valueOf(cause.getMessage()));
            server.counters().failed.incrementAndGet();
            if (viaSocks) {
                refuse(failureReply(ReplyCode.GENERAL_FAILURE), "TUNNEL_FAILED");
            } else {
                end("TUNNEL_FAILED", true);
            }
        });
        if (!viaSocks) {
            updateInterest();
        }
    }

    private void dataTunnelOpened(TunnelStream stream, boolean viaSocks) {
        if (viaSocks) {
            send(ReplyCode.SUCCEEDED.encode(request.version()));
        }
        relayOnceReplied(new TunnelRelay(client, stream, reactor, server.counters(), bytesUp, bytesDown, relayOwner));
    }

    /** Starts {@code next} as soon as the SOCKS reply (if any) is out. */
    private void relayOnceReplied(Relay next) {
        pendingRelay = next;
        try {
            startRelayOnceReplied();
        } catch (IOException e) {
            end("RESET", true);
            return;
        }
        if (phase != Phase.ENDED) {
            updateInterest();
        }
    }

    /**
     * Continues on the reactor once a tunnel is open or has failed; a tunnel that opens after the
     * session ended is closed at once.
     */
    private void whenOpen(java.util.concurrent.CompletableFuture<TunnelStream> opening, java.util.function.Consumer<TunnelStream> opened,
                          java.util.function.Consumer<Throwable> failed) {
        opening.whenComplete((stream, error) -> reactor.execute(() -> {
            if (phase == Phase.ENDED) {
                if (stream != null) {
                    stream.close(true);
                }
            } else if (error != null) {
                failed.accept(error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
            } else {
                opened.accept(stream);
            }
        }));
    }

    private String clientIp() {
        return HostPort.canonicalHost(clientAddress().getAddress().getHostAddress());
    }

    private InetSocketAddress clientAddress() {
        try {
            return (InetSocketAddress) client.getRemoteAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    private void tunnelOpened(TunnelStream stream) {
        server.messages().log(Msg.FTB0210I, tag(), destinationText(), stream.describe());
        server.counters().relayed.incrementAndGet();
        send(ReplyCode.SUCCEEDED.encode(request.version()));
        if (match.action() == org.ftb.rules.Action.FTPTUNNEL) {
            FtpControlRelay ftp = FtpControlRelay.overOpenTunnel(client, reactor, server, ftpTarget(match.rule().orElseThrow()),
                    bytesUp, bytesDown, relayOwner, stream);
            ftpControl = ftp;
            relayOnceReplied(ftp);
        } else {
            relayOnceReplied(new TunnelRelay(client, stream, reactor, server.counters(), bytesUp, bytesDown, relayOwner));
        }
    }

    private void tunnelFailed(Throwable error) {
        TunnelFailure failure = error instanceof TunnelFailure f ? f
                : new TunnelFailure(TunnelFailure.Kind.OTHER, String.valueOf(error.getMessage()), error);
        ReplyCode code = switch (failure.kind()) {
            case SSH_UNREACHABLE -> ReplyCode.NETWORK_UNREACHABLE;
            case CHANNEL_PROHIBITED -> ReplyCode.NOT_ALLOWED_BY_RULESET;
            case DESTINATION_REFUSED -> ReplyCode.CONNECTION_REFUSED;
            case DESTINATION_UNREACHABLE -> ReplyCode.HOST_UNREACHABLE;
            case HOST_KEY_REFUSED, LOGIN_REFUSED, KEY_UNUSABLE, OTHER -> ReplyCode.GENERAL_FAILURE;
        };
        Msg msg = switch (failure.kind()) {
            case SSH_UNREACHABLE -> Msg.FTB0221E;
            case HOST_KEY_REFUSED -> Msg.FTB0222E;
            case LOGIN_REFUSED -> Msg.FTB0223E;
            case KEY_UNUSABLE -> Msg.FTB0224E;
            case CHANNEL_PROHIBITED -> Msg.FTB0225E;
            case DESTINATION_REFUSED, DESTINATION_UNREACHABLE -> Msg.FTB0226W;
            case OTHER -> Msg.FTB0227E;
        };
        server.messages().log(msg, tag(), destinationText(), failure.getMessage());
        server.counters().failed.incrementAndGet();
        refuse(failureReply(code), "TUNNEL_FAILED");
    }

    private String destinationText() {
        return IpAddress.hostForPort(HostPort.canonicalHost(request.host())) + ":" + request.port();
    }

    // ---- relay ----

    private void activity() {
        lastActivityNanos = System.nanoTime();
    }

    private void checkRelayFinished() {
        if (phase == Phase.RELAY && relay.finished()) {
            end("OK", false);
        }
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
        send(reply);
        if (phase == Phase.ENDED) {
            return;
        }
        timer = server.timer().schedule(() -> reactor.execute(() -> end(outcome, false)), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        updateInterest();
    }

    private void drainRefused() throws IOException {
        inbound.clear();
        if (client.read(inbound) < 0) {
            end(result, false);
        }
    }

    /**
     * Ends the session once, on the reactor thread: closes both sockets (with a reset when
     * {@code abort}, so that a broken relay never looks like a finished transfer) and reports it.
     */
    void end(String outcome, boolean abort) {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        if (result.isEmpty()) {
            result = outcome;
        }
        cancelTimer();
        if (dataFor != null) {
            dataFor.dataBytes.addAndGet(bytesUp.get() + bytesDown.get());
        }
        close(client, abort);
        if (relay != null) {
            relay.close(abort);
        }
        closeUpstream(abort);
        server.ended(this);
    }

    /** From any thread: ends the session with a reset, recording why (a timeout, a STOP). */
    void abort(String outcome) {
        reactor.execute(() -> {
            if (phase != Phase.ENDED) {
                result = outcome;
                end(outcome, true);
            }
        });
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void closeUpstream(boolean abort) {
        if (upstream != null) {
            close(upstream, abort);
        }
    }

    static void close(SocketChannel channel, boolean abort) {
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
            // closing is best effort; the session is over either way
        }
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }

    SessionView view() {
        long now = System.nanoTime();
        ConnectRequest req = request;
        Destination dest = destination;
        Match m = match;
        DataConnections.Announcement data = dataFor;
        FtpControlRelay ftp = ftpControl;
        SocksVersion version = handshake.version();
        byte[] address = dest == null ? null : dest.address();
        String user = handshake.user().isEmpty() ? "-" : SocksServerHandshake.printable(handshake.user());
        if (ftp != null && !ftp.ftpUser().isEmpty()) {
            user = user + "/ftp:" + SocksServerHandshake.printable(ftp.ftpUser());
        }
        return new SessionView(id, clientText,
                req != null ? req.protocol() : data != null ? "DATA" : version == null ? "-" : "SOCKS" + version.code(),
                user,
                data != null ? data.destination : req == null ? "-" : IpAddress.hostForPort(HostPort.canonicalHost(req.host())) + ":" + req.port(),
                address == null ? "-" : IpAddress.format(address),
                data != null ? data.rule : m == null ? "-" : m.ruleName(),
                data != null ? "FTPDATA(" + data.controlTag + ")" : m == null ? "-" : m.action().name(), via, phase.name(), result,
                bytesUp.get(), bytesDown.get(), Duration.ofNanos(now - startNanos), Duration.ofNanos(now - lastActivityNanos),
                ftp != null ? ftp.details() : m != null && m.action() == org.ftb.rules.Action.TUNNEL
                        ? "sshuser=" + server.sshUser(via) + (server.sshHostIsDestination(via, HostPort.canonicalHost(req.host())) ? "" : " lastleg=CLEAR-from-" + via)
                        : "");
    }
}
