package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.message.Msg;
import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;
import org.ftb.rules.Destination;
import org.ftb.rules.Match;
import org.ftb.rules.Rule;
import org.ftb.rules.TunnelAuth;
import org.ftb.socks.ConnectRequest;
import org.ftb.socks.ReplyCode;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.SocksVersion;
import org.ftb.socks.Step;
import org.ftb.status.SessionView;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One client connection, in stages readable in {@link #onConnectRequest}: SOCKS handshake, rule
 * decision, opening the way to the destination (a socket, an SSH tunnel, or an FTP session), then the
 * relay. This class keeps the client's side and the decisions; its {@link Way} opens the way and
 * carries the bytes, and its {@link ConnectionView} is what DISPLAY shows. Until the relay starts, all of its state belongs to its reactor thread; name
 * resolution, password checks and SSH logins run on the worker pool and hand their result back to
 * that thread. Fields that DISPLAY reads from other threads are volatile.
 */
final class Connection implements SocksSocket.Owner {
    /** How long a refused client may keep its end open to read the reply. */
    private static final long LINGER_MILLIS = 2000;

    enum Phase { HANDSHAKE, CONNECTING, RELAY, CLOSING, ENDED }

    private final SocksServer server;
    private final Generation generation;
    private final Reactor reactor;
    private final long id;
    private final SocketChannel client;
    private final String clientText;
    private final boolean overLimit;
    private final SocksServerHandshake handshake;
    private final ClientEnd clientEnd;
    private final SocksSocket socket;
    private final Way way;
    private final ConnectionView view;
    private final long startNanos = System.nanoTime();
    private volatile Phase phase = Phase.HANDSHAKE;
    private volatile ConnectRequest request;
    private volatile String result = "";
    private ScheduledFuture<?> timer;
    /** The data port whose claim by this connection is being checked, or null; reactor thread only. */
    private DataListeners.Announcement claimChecked;

    /** @param handshake takes what {@code generation} takes, and maybe more (see {@link #beyondItsConfiguration}) */
    Connection(SocksServer server, Generation generation, SocksServerHandshake handshake, Reactor reactor, long id, SocketChannel client,
               String clientText, boolean overLimit) {
        this.server = server;
        this.generation = generation;
        server.opened(generation);
        this.reactor = reactor;
        this.id = id;
        this.client = client;
        this.clientText = clientText;
        this.overLimit = overLimit;
        this.handshake = handshake;
        this.clientEnd = new ClientEnd(client, handshake);
        this.socket = new SocksSocket(client, reactor, handshake, this);
        this.way = new Way(this, server, socket);
        this.view = new ConnectionView(this, clientText, handshake, way, server);
    }

    long id() {
        return id;
    }

    /** The configuration this connection lives by: the one in force when it was accepted. */
    Generation generation() {
        return generation;
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
        return way.lastActivityNanos();
    }

    /** When bytes last moved on this connection's own sockets. */
    long ownActivityNanos() {
        return way.ownActivityNanos();
    }

    /** Bytes delivered to the client and to the destination, for the FTP session's totals. */
    long bytesCarried() {
        return way.bytesCarried();
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
        claimData(announcement);
    }

    // ---- stage 1: the SOCKS handshake, driven by the socket ----

    @Override
    public void step(Step step) {
        if (step instanceof Step.Authenticate auth) {
            offload(() -> generation.users().verify(auth.user(), auth.password()), ok -> {
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
                server.messages().log(Msg.FTB0204W, tag(), handshake.user());
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

    // ---- stage 2: decision ----

    private void onConnectRequest(ConnectRequest connect) {
        request = connect;
        server.trace().event(this, "request: " + connect);
        phase = Phase.CONNECTING;
        if (overLimit) {
            server.messages().log(Msg.FTB0201W, tag(), generation.broker().maxSessions());
            server.counters().busy.incrementAndGet();
            refuse(failureReply(ReplyCode.GENERAL_FAILURE), "BUSY");
            return;
        }
        // From here the broker works for the client (a name, a connect, an SSH login): it keeps its place.
        loginUnderway(true);
        var data = server.dataListeners().find(connect.host(), connect.address(), connect.port());
        if (data.isPresent()) {
            claimData(data.get());
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
        // A name for the DATA address is still a claim of its port, never a way around the owner check.
        var data = server.dataListeners().find(target.host(), target.address(), target.port());
        if (data.isPresent()) {
            claimData(data.get());
            return;
        }
        Optional<String> beyond = beyondItsConfiguration();
        if (beyond.isPresent()) {
            server.messages().log(Msg.FTB0247W, tag(), beyond.get());
            server.counters().refused.incrementAndGet();
            refuse(failureReply(ReplyCode.NOT_ALLOWED_BY_RULESET), beyond.get().contains("VERSIONS") ? "PROTOCOL_ERROR" : "AUTH_FAILED");
            return;
        }
        if (server.draining()) {
            server.messages().log(Msg.FTB0245I, tag(), Connection.destinationText(request));
            server.counters().refused.incrementAndGet();
            refuse(failureReply(ReplyCode.GENERAL_FAILURE), "DRAINING");
            return;
        }
        Match decision = generation.rules().match(target);
        server.hit(decision.ruleName());
        view.decided(target, decision);
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
                    way.openDirect(request, target);
                }
            }
            case TUNNEL -> way.openTunnel(request, tunnelRule(decision));
            case FTPTUNNEL -> {
                Rule rule = tunnelRule(decision);
                if (rule.auth().orElseThrow() == TunnelAuth.KEY) {
                    way.openTunnel(request, rule);
                } else {
                    way.startFtp(request, rule, null);
                }
            }
        }
    }

    /**
     * What of its SOCKS handshake this connection's configuration does not take: a handshake takes what a
     * configuration from before a RELOAD took while that one has sessions (see SocksServer#handshake),
     * for their data connections only. Empty when the configuration takes it all.
     */
    private Optional<String> beyondItsConfiguration() {
        if (!generation.socks().versions().contains(request.version())) {
            return Optional.of("SOCKS " + request.version().code() + " is not in SOCKS VERSIONS");
        }
        if (generation.passwordRequired() && !handshake.passwordChecked()) {
            return Optional.of("SOCKS AUTH(USERPASS) needs a SOCKS login");
        }
        return Optional.empty();
    }

    /** The rule of a tunnel decision; its SSH host carries the connection from now on. */
    private Rule tunnelRule(Match decision) {
        Rule rule = decision.rule().orElseThrow();
        view.via(rule.via().orElseThrow());
        return rule;
    }

    /**
     * A connection to an announced data port: only the session's owner may have it, which may take
     * reading system tables, so the check runs on a worker. A refused claim leaves the port open to
     * its owner; the claimant is refused, or reset when it came straight to the port.
     */
    private void claimData(DataListeners.Announcement announcement) {
        phase = Phase.CONNECTING;
        if (!announcement.startCheck()) {
            server.counters().refused.incrementAndGet();
            refuseClaim();
            return;
        }
        claimChecked = announcement;
        Connection control = announcement.session().control();
        offload(() -> server.dataOwnership().refusal(control, this, request != null), refusal -> {
            endClaimCheck();
            String why = refusal.isPresent() ? refusal.get() + "; the port stays open to its owner"
                    : server.dataListeners().take(announcement) ? null : "the port was used or expired meanwhile";
            if (why == null) {
                loggedIn(); // its session logged in: the data connection is that session's, not a new login
                openData(announcement);
                return;
            }
            server.messages().log(Msg.FTB0231W, announcement.session().controlTag(), announcement.port(), tag(), why);
            server.counters().refused.incrementAndGet();
            refuseClaim();
        });
    }

    /** A refused claim: "not allowed" through SOCKS, a reset straight to the port, which sent no request. */
    private void refuseClaim() {
        if (request == null) {
            end("NOT_OWNER", true);
        } else {
            refuse(failureReply(ReplyCode.NOT_ALLOWED_BY_RULESET), "NOT_OWNER");
        }
    }

    private void endClaimCheck() {
        if (claimChecked != null) {
            claimChecked.endCheck();
            claimChecked = null;
        }
    }

    /** A passive data connection its FTP session announced: it goes the session's way, whatever the rules say. */
    private void openData(DataListeners.Announcement announcement) {
        phase = Phase.CONNECTING;
        view.via(announcement.session().target().sshHost());
        way.openData(announcement, request);
    }

    // ---- stages 3 and 4, the way and the relay over it, are the Way's; what it reports back ----

    /**
     * The success reply is out and the relay or the FTP session has the client.
     *
     * @param loggedIn false for an FTP session, which logs in only when its FTP login succeeds
     */
    void relaying(boolean loggedIn) {
        phase = Phase.RELAY;
        if (loggedIn) {
            loggedIn();
        } else {
            loginUnderway(false); // the FTP session now waits for the client's FTP login
        }
    }

    /** No login is outstanding any more (see {@link SocksServer#loggedIn}). */
    void loggedIn() {
        server.loggedIn(this);
    }

    /** The broker starts or ends work on this connection's login (see {@link LoginQueue}). */
    void loginUnderway(boolean working) {
        server.loginUnderway(this, working);
    }

    /**
     * From any thread: the connection did not log in within LOGINTIMEOUT. An FTP session's client is
     * told why in a 421; any other connection is reset.
     */
    void loginFailed(String outcome, String text) {
        reactor.execute(() -> {
            if (phase == Phase.ENDED) {
                return;
            }
            result = outcome;
            FtpSession session = way.ftp();
            if (session == null) {
                end(outcome, true);
            } else {
                session.endWithoutLogin(outcome, text);
            }
        });
    }

    /**
     * A way that could not be opened: reported once, and the client refused; a data connection made
     * straight to its DATA port sent no request, so it waits for no reply and is reset instead.
     */
    void failed(Failures.Verdict verdict, Object destinationText) {
        server.messages().log(verdict.message(), tag(), destinationText, verdict.reason());
        server.counters().failed.incrementAndGet();
        if (request == null) {
            end(verdict.result(), true);
        } else {
            refuse(failureReply(verdict.socksReply()), verdict.result());
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
        server.trace().event(this, "reply: refused, " + outcome);
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
        endClaimCheck();
        way.close(abort);
        SocketEndpoint.closeNow(client, abort);
        DataListeners.Announcement data = way.dataFor();
        if (data != null) {
            data.session().dataEnded(this);
        }
        server.ended(this);
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

    /** How the connection ended, for its audit record; empty while it lasts. */
    String result() {
        return result;
    }

    /** Who is at the client's end: address, SOCKS user, local user. */
    ClientEnd client() {
        return clientEnd;
    }

    /** Host and port as the client asked for them, for messages and DISPLAY. */
    static String destinationText(ConnectRequest request) {
        return IpAddress.hostForPort(HostPort.canonicalHost(request.host())) + ":" + request.port();
    }

    /** What DISPLAY and the audit record show, from any thread. */
    SessionView view() {
        return view.snapshot(request, result);
    }
}
