package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.message.Msg;
import org.ftb.net.Connector;
import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Relay;
import org.ftb.rules.Action;
import org.ftb.rules.Destination;
import org.ftb.rules.Fallback;
import org.ftb.rules.Match;
import org.ftb.rules.Rule;
import org.ftb.rules.TunnelAuth;
import org.ftb.socks.ConnectRequest;
import org.ftb.socks.ReplyCode;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.SocksVersion;
import org.ftb.socks.Step;
import org.ftb.ssh.Credentials;
import org.ftb.ssh.TunnelStream;
import org.ftb.status.SessionView;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One client connection, in stages readable in {@link #onConnectRequest}: SOCKS handshake, rule
 * decision, opening the way to the destination (a socket, an SSH tunnel, or an FTP session), then the
 * relay. Until the relay starts, all of its state belongs to its reactor thread; name resolution,
 * password checks and SSH logins run on the worker pool and hand their result back to that thread.
 * Fields that DISPLAY reads from other threads are volatile.
 */
final class Connection implements SocksSocket.Owner {
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
    private final SocksSocket socket;
    private final long startNanos = System.nanoTime();
    private volatile Phase phase = Phase.HANDSHAKE;
    private volatile ConnectRequest request;
    private volatile Destination destination;
    private volatile Match match;
    private volatile String result = "";
    private volatile String via = "-";
    private volatile Relay relay;
    private volatile FtpSession ftp;
    /** Set when this is a data connection of an FTP session. */
    private volatile DataListeners.Announcement dataFor;
    private ScheduledFuture<?> timer;
    /** The way to the destination while the reply is still going out; the connection closes it if it ends first. */
    private Endpoint opened;

    Connection(SocksServer server, Reactor reactor, long id, SocketChannel client, String clientText, boolean overLimit) {
        this.server = server;
        this.reactor = reactor;
        this.id = id;
        this.client = client;
        this.clientText = clientText;
        this.overLimit = overLimit;
        this.handshake = new SocksServerHandshake(server.settings().versions(), server.passwordRequired());
        this.socket = new SocksSocket(client, reactor, handshake, this);
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

    Reactor reactor() {
        return reactor;
    }

    String tag() {
        return "C" + id + " " + clientText;
    }

    /** When bytes last moved on this connection, or on any connection of its FTP session. */
    long lastActivityNanos() {
        FtpSession session = ftp;
        long own = session != null ? session.lastActivityNanos() : ownActivityNanos();
        DataListeners.Announcement data = dataFor;
        return data == null ? own : Math.max(own, data.session().lastActivityNanos());
    }

    /** When bytes last moved on this connection's own sockets. */
    long ownActivityNanos() {
        Relay r = relay;
        return r != null ? r.lastActivityNanos() : socket.lastReadNanos();
    }

    /** Bytes delivered to the client and to the destination, for the FTP session's totals. */
    long bytesCarried() {
        Relay r = relay;
        return r == null ? 0 : r.up() + r.down();
    }

    /** On the reactor thread: registers the client and starts the handshake. */
    void start() {
        try {
            socket.register(true);
        } catch (IOException e) {
            end("CLIENT_RESET", true);
        }
    }

    /** On the reactor thread: a data connection accepted on an announced port, with no SOCKS handshake. */
    void startData(DataListeners.Announcement announcement) {
        try {
            socket.register(false);
        } catch (IOException e) {
            end("CLIENT_RESET", true);
            return;
        }
        openData(announcement, false);
    }

    // ---- stage 1: the SOCKS handshake, driven by the socket ----

    @Override
    public void step(Step step) {
        if (step instanceof Step.Authenticate auth) {
            offload(() -> server.users().verify(auth.user(), auth.password()), ok -> {
                try {
                    socket.authenticated(ok);
                } catch (IOException e) {
                    end("CLIENT_RESET", true);
                }
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

    @Override
    public void clientClosed() {
        end(phase == Phase.CLOSING ? result : "CLIENT_CLOSED", false);
    }

    @Override
    public void broke() {
        end("CLIENT_RESET", true);
    }

    /**
     * Runs blocking work (DNS, password hashing, SSH logins) on the worker pool and continues with its
     * result on the reactor thread; meanwhile the client is not read. A full queue refuses the client.
     */
    private <T> void offload(Supplier<T> work, Consumer<T> then) {
        try {
            server.workers().execute(() -> {
                T value = work.get();
                reactor.execute(() -> {
                    if (phase != Phase.ENDED) {
                        then.accept(value);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            server.messages().log(Msg.FTB0209E, tag());
            server.counters().failed.incrementAndGet();
            refuse(failureReply(ReplyCode.GENERAL_FAILURE), "BUSY");
        }
    }

    /**
     * Continues on the reactor once {@code opening} completes. The connection owns what opened until a
     * relay or session takes it, so that it is closed if the connection ends first.
     */
    private <T extends Endpoint> void whenOpen(CompletableFuture<T> opening, Consumer<T> then, Consumer<Throwable> failed) {
        opening.whenComplete((endpoint, error) -> reactor.execute(() -> {
            if (phase == Phase.ENDED) {
                if (endpoint != null) {
                    endpoint.close(true);
                }
            } else if (error != null) {
                failed.accept(Failures.unwrap(error));
            } else {
                opened = endpoint;
                then.accept(endpoint);
            }
        }));
    }

    // ---- stage 2: decision ----

    private void onConnectRequest(ConnectRequest connect) {
        request = connect;
        phase = Phase.CONNECTING;
        if (overLimit) {
            server.messages().log(Msg.FTB0201W, tag(), server.maxSessions());
            server.counters().busy.incrementAndGet();
            refuse(failureReply(ReplyCode.GENERAL_FAILURE), "BUSY");
            return;
        }
        var data = server.dataListeners().claim(clientIp(), connect.host(), connect.port());
        if (data.isPresent()) {
            openData(data.get(), true);
        } else if (connect.address() != null) {
            decide(Destination.ofAddress(connect.address(), connect.port()), false);
        } else {
            offload(() -> {
                try {
                    return server.resolver().resolve(connect.host()).getAddress();
                } catch (UnknownHostException e) {
                    return null;
                }
            }, address -> decide(Destination.ofName(connect.host(), address, connect.port()), address == null));
        }
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
                    openDirect(target);
                }
            }
            case TUNNEL -> openTunnel(decision.rule().orElseThrow());
            case FTPTUNNEL -> {
                Rule rule = decision.rule().orElseThrow();
                if (rule.auth().orElseThrow() == TunnelAuth.KEY) {
                    openTunnel(rule);
                } else {
                    startFtp(rule, null);
                }
            }
        }
    }

    // ---- stage 3: the way to the destination ----

    private void openDirect(Destination target) {
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByAddress(target.host(), target.address()), target.port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a resolved destination has a valid address", e);
        }
        whenOpen(Connector.connect(address, reactor, server.timer(), server.connectTimeout()), upstream -> {
            InetSocketAddress bound;
            try {
                bound = (InetSocketAddress) upstream.channel().getLocalAddress();
            } catch (IOException e) {
                upstream.close(true);
                end("SERVER_RESET", true);
                return;
            }
            server.counters().relayed.incrementAndGet();
            replyThen(ReplyCode.SUCCEEDED.encode(request.version(), bound.getAddress().getAddress(), bound.getPort()),
                    () -> startRelay(upstream));
        }, error -> {
            Failures.Verdict verdict = Failures.connect(error, server.connectTimeout().toSeconds());
            server.messages().log(verdict.message(), tag(), destination, verdict.reason());
            server.counters().failed.incrementAndGet();
            refuse(failureReply(verdict.socksReply()), verdict.result());
        });
    }

    private void openTunnel(Rule rule) {
        String sshHost = rule.via().orElseThrow();
        via = sshHost;
        ConnectRequest req = request;
        InetSocketAddress origin = clientAddress();
        CompletableFuture<TunnelStream> opening = server.onWorker(() -> server.tunnels().open(sshHost,
                new Credentials.HostKey(server.sshUser(sshHost)), req.host(), req.port(), origin.getHostString(), origin.getPort()));
        whenOpen(opening, tunnel -> {
            server.messages().log(Msg.FTB0210I, tag(), destinationText(), tunnel.describe());
            server.counters().relayed.incrementAndGet();
            if (match.action() == Action.FTPTUNNEL) {
                startFtp(rule, tunnel);
            } else {
                replyThen(ReplyCode.SUCCEEDED.encode(request.version()), () -> startRelay(tunnel));
            }
        }, error -> {
            Failures.Verdict verdict = Failures.tunnel(error);
            server.messages().log(verdict.message(), tag(), destinationText(), verdict.reason());
            server.counters().failed.incrementAndGet();
            refuse(failureReply(verdict.socksReply()), verdict.result());
        });
    }

    /** The broker answers the SOCKS request and speaks FTP to the client; with AUTH(KEY) the tunnel is open already. */
    private void startFtp(Rule rule, TunnelStream openTunnel) {
        via = rule.via().orElseThrow();
        if (openTunnel == null) {
            server.counters().relayed.incrementAndGet();
        }
        String host = HostPort.canonicalHost(request.host());
        FtpSession.Target target = new FtpSession.Target(host, request.port(), via, rule.name(), clientIp(), clientAddress().getPort(),
                rule.fallback().orElseThrow() == Fallback.PLAIN, server.sshHostIsDestination(via, host),
                rule.auth().orElseThrow() == TunnelAuth.KEY ? server.sshUser(via) : null);
        replyThen(ReplyCode.SUCCEEDED.encode(request.version()), () -> {
            phase = Phase.RELAY;
            opened = null;
            FtpSession session = new FtpSession(this, server, target, socket.handOver());
            ftp = session;
            session.start(socket.takePipelined(), openTunnel);
        });
    }

    /** A passive data connection its FTP session announced: open its own way to the FTP server and relay. */
    private void openData(DataListeners.Announcement announcement, boolean viaSocks) {
        phase = Phase.CONNECTING;
        dataFor = announcement;
        via = announcement.session().via();
        whenOpen(announcement.session().openData(announcement.serverPort()), upstream -> {
            byte[] reply = viaSocks ? ReplyCode.SUCCEEDED.encode(request.version()) : new byte[0];
            replyThen(reply, () -> startRelay(upstream));
        }, error -> {
            server.messages().log(Msg.FTB0227E, tag(), announcement.destination(), String.valueOf(error.getMessage()));
            server.counters().failed.incrementAndGet();
            if (viaSocks) {
                refuse(failureReply(ReplyCode.GENERAL_FAILURE), "TUNNEL_FAILED");
            } else {
                end("TUNNEL_FAILED", true);
            }
        });
    }

    /** Sends the success reply, then runs {@code next} once it is out. */
    private void replyThen(byte[] reply, Runnable next) {
        try {
            socket.replyThen(reply, next);
        } catch (IOException e) {
            end("CLIENT_RESET", true);
        }
    }

    // ---- stage 4: the relay ----

    private void startRelay(Endpoint upstream) {
        phase = Phase.RELAY;
        opened = null;
        Relay r = new Relay(socket.handOver(), upstream, server.counters().bytesUp, server.counters().bytesDown,
                System::nanoTime, new Relay.Outcome() {
            @Override
            public void ended() {
                onReactor(() -> end("OK", false));
            }

            @Override
            public void broke(Relay.Side side, Throwable cause) {
                onReactor(() -> relayBroke(side, cause));
            }
        });
        relay = r;
        DataListeners.Announcement data = dataFor;
        if (data != null) {
            data.session().dataStarted(this);
        }
        r.start(socket.takePipelined());
    }

    private void relayBroke(Relay.Side side, Throwable cause) {
        String outcome = Failures.broken(side, cause);
        if (outcome.equals("SSH_LOST")) {
            server.messages().log(Msg.FTB0238E, tag(), cause.getMessage());
            DataListeners.Announcement data = dataFor;
            if (data != null) {
                data.session().tunnelLost(cause.getMessage());
            }
        }
        end(outcome, true);
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
        try {
            socket.refuse(reply);
        } catch (IOException e) {
            end("CLIENT_RESET", true);
        }
        if (phase == Phase.ENDED) {
            return;
        }
        timer = server.timer().schedule(() -> reactor.execute(() -> end(outcome, false)), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Ends the connection once, on the reactor thread: closes the client (with a reset when
     * {@code abort}, so that a broken relay never looks like a finished transfer) and whatever carries
     * it on, and reports it.
     */
    void end(String outcome, boolean abort) {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        if (result.isEmpty()) {
            result = outcome;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        Relay r = relay;
        FtpSession session = ftp;
        if (opened != null) {
            opened.close(true);
        }
        if (r != null) {
            r.close(abort);
        } else if (session != null) {
            session.close(abort);
        }
        SocketEndpoint.closeNow(client, abort);
        DataListeners.Announcement data = dataFor;
        if (data != null) {
            data.session().dataEnded(this);
        }
        server.ended(this);
    }

    /**
     * Runs {@code task} now when on the reactor thread, else hands it over: an end seen on the reactor
     * is recorded before any later task, such as a STOP's, can overtake it.
     */
    private void onReactor(Runnable task) {
        if (reactor.inReactor()) {
            task.run();
        } else {
            reactor.execute(task);
        }
    }

    /** From any thread: ends the connection with a reset, recording why (a timeout, a STOP, a lost tunnel). */
    void abort(String outcome) {
        reactor.execute(() -> {
            if (phase != Phase.ENDED) {
                result = outcome;
                end(outcome, true);
            }
        });
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

    private String destinationText() {
        return IpAddress.hostForPort(HostPort.canonicalHost(request.host())) + ":" + request.port();
    }

    SessionView view() {
        long now = System.nanoTime();
        ConnectRequest req = request;
        Destination dest = destination;
        Match m = match;
        DataListeners.Announcement data = dataFor;
        FtpSession session = ftp;
        Relay r = relay;
        SocksVersion version = handshake.version();
        byte[] address = dest == null ? null : dest.address();
        String user = handshake.user().isEmpty() ? "-" : SocksServerHandshake.printable(handshake.user());
        if (session != null && !session.ftpUser().isEmpty()) {
            user = user + "/ftp:" + SocksServerHandshake.printable(session.ftpUser());
        }
        long up = r != null ? r.up() : session != null ? session.up() : 0;
        long down = r != null ? r.down() : session != null ? session.down() : 0;
        String details = session != null ? session.details()
                : m != null && m.action() == Action.TUNNEL
                ? "sshuser=" + server.sshUser(via) + (server.sshHostIsDestination(via, HostPort.canonicalHost(req.host())) ? "" : " lastleg=CLEAR-from-" + via)
                : "";
        return new SessionView(id, clientText,
                req != null ? req.protocol() : data != null ? "DATA" : version == null ? "-" : "SOCKS" + version.code(),
                user,
                data != null ? data.destination() : req == null ? "-" : IpAddress.hostForPort(HostPort.canonicalHost(req.host())) + ":" + req.port(),
                address == null ? "-" : IpAddress.format(address),
                data != null ? data.session().ruleName() : m == null ? "-" : m.ruleName(),
                data != null ? "FTPDATA(" + data.session().controlTag() + ")" : m == null ? "-" : m.action().name(), via, phase.name(),
                session != null && phase == Phase.ENDED ? session.result(result) : result,
                up, down, Duration.ofNanos(now - startNanos), Duration.ofNanos(Math.max(0, now - lastActivityNanos())), details);
    }
}
