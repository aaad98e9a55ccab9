package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.message.Msg;
import org.ftb.net.Connector;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Relay;
import org.ftb.rules.Action;
import org.ftb.rules.Destination;
import org.ftb.rules.Fallback;
import org.ftb.rules.Rule;
import org.ftb.rules.TunnelAuth;
import org.ftb.socks.ConnectRequest;
import org.ftb.socks.ReplyCode;
import org.ftb.ssh.Credentials;
import org.ftb.ssh.TunnelStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link Connection}'s side towards its destination: the way there, opened (stage 3: a socket, an SSH
 * tunnel, or an FTP data connection's way through its session), then what carries the bytes over it
 * (stage 4: a {@link Relay}, or the broker's own {@link FtpSession}). Connection keeps the client, the
 * SOCKS conversation and the decisions; this class keeps what each kind of way needs, so that
 * Connection reads as its list of stages. What opens belongs here until its relay or session takes it
 * over, so that a connection that ends meanwhile closes it; a way that cannot open goes back to the
 * connection as a {@link Failures.Verdict}. Runs on the connection's reactor thread; what DISPLAY, the
 * idle sweep and an FTP session's totals read from other threads is volatile.
 */
final class Way {
    private final Connection connection;
    private final SocksServer server;
    private final SocksSocket socket;
    /** The way to the destination while the success reply is still going out. */
    private Endpoint opened;
    private volatile Relay relay;
    private volatile FtpSession ftp;
    /** Set when this is a data connection of an FTP session. */
    private volatile DataListeners.Announcement dataFor;

    Way(Connection connection, SocksServer server, SocksSocket socket) {
        this.connection = connection;
        this.server = server;
        this.socket = socket;
    }

    // ---- stage 3: opening the way ----

    /** A socket to a resolved destination; the success reply names the broker's end of it. */
    void openDirect(ConnectRequest request, Destination target) {
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByAddress(target.host(), target.address()), target.port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a resolved destination has a valid address", e);
        }
        whenOpen(Connector.connect(address, connection.reactor(), server.timer(), connection.generation().broker().connectTimeout()), upstream -> {
            InetSocketAddress bound;
            try {
                bound = (InetSocketAddress) upstream.channel().getLocalAddress();
            } catch (IOException e) {
                upstream.close(true);
                connection.end("SERVER_RESET", true);
                return;
            }
            server.counters().relayed.incrementAndGet();
            replyThenRelay(ReplyCode.SUCCEEDED.encode(request.version(), bound.getAddress().getAddress(), bound.getPort()), upstream);
        }, error -> connection.failed(Failures.connect(error, connection.generation().broker().connectTimeout().toSeconds()), target));
    }

    /** An SSH tunnel logged in with the SSH host's own USER and KEY; an FTPTUNNEL rule's FTP session then runs over it. */
    void openTunnel(ConnectRequest request, Rule rule) {
        String sshHost = rule.via().orElseThrow();
        InetSocketAddress origin = connection.client().address();
        CompletableFuture<TunnelStream> opening = server.onWorker(() -> connection.generation().openTunnel(server.tunnels(), sshHost,
                new Credentials.HostKey(connection.generation().sshUser(sshHost)), request.host(), request.port(), origin.getHostString(),
                origin.getPort()));
        whenOpen(opening, tunnel -> {
            server.messages().log(Msg.FTB0210I, connection.tag(), Connection.destinationText(request), tunnel.describe());
            server.counters().relayed.incrementAndGet();
            if (rule.action() == Action.FTPTUNNEL) {
                startFtp(request, rule, tunnel);
            } else {
                replyThenRelay(ReplyCode.SUCCEEDED.encode(request.version()), tunnel);
            }
        }, error -> connection.failed(Failures.tunnel(error), Connection.destinationText(request)));
    }

    /**
     * The broker answers the SOCKS request and speaks FTP to the client itself; with AUTH(KEY) the
     * tunnel to the FTP server is open already, with AUTH(FTPLOGIN) the session opens it at PASS.
     */
    void startFtp(ConnectRequest request, Rule rule, TunnelStream openTunnel) {
        if (openTunnel == null) {
            server.counters().relayed.incrementAndGet();
        }
        String via = rule.via().orElseThrow();
        String host = HostPort.canonicalHost(request.host());
        FtpSession.Target target = new FtpSession.Target(host, request.port(), via, rule.name(), connection.client().ip(),
                connection.client().address().getPort(), rule.fallback().orElseThrow() == Fallback.PLAIN,
                connection.generation().sshHostIsDestination(via, host), rule.auth().orElseThrow() == TunnelAuth.KEY ? connection.generation().sshUser(via) : null);
        replyThen(ReplyCode.SUCCEEDED.encode(request.version()), () -> {
            connection.relaying(false);
            opened = null;
            FtpSession session = new FtpSession(connection, server, target, socket.handOver());
            ftp = session;
            session.start(socket.takePipelined(), openTunnel);
        });
    }

    /**
     * A passive data connection's own way to the FTP server, through the session that announced it.
     * {@code request} is null for a data connection made straight to the DATA port, which gets no reply.
     */
    void openData(DataListeners.Announcement announcement, ConnectRequest request) {
        dataFor = announcement;
        announcement.session().dataStarted(connection);
        whenOpen(announcement.session().openData(announcement.serverPort()),
                upstream -> replyThenRelay(request == null ? new byte[0] : ReplyCode.SUCCEEDED.encode(request.version()), upstream),
                error -> connection.failed(Failures.data(error), announcement.destination()));
    }

    /**
     * Continues on the reactor once {@code opening} completes; what opened is kept until a relay or
     * session takes it, or ended as broken ({@link Endpoint#closeBroken}) when the connection has ended
     * meanwhile: the peer must not take a connection whose client is gone for a finished one.
     */
    private <T extends Endpoint> void whenOpen(CompletableFuture<T> opening, Consumer<T> then, Consumer<Throwable> failed) {
        opening.whenComplete((endpoint, error) -> connection.reactor().execute(() -> {
            if (connection.phase() == Connection.Phase.ENDED) {
                if (endpoint != null) {
                    endpoint.closeBroken();
                }
            } else if (error != null) {
                failed.accept(Failures.unwrap(error));
            } else {
                opened = endpoint;
                then.accept(endpoint);
            }
        }));
    }

    /** Sends the success reply, then runs {@code next} once it is out, so no relayed byte overtakes it. */
    private void replyThen(byte[] reply, Runnable next) {
        server.trace().event(connection, "reply: request granted");
        try {
            socket.replyThen(reply, next);
        } catch (IOException e) {
            connection.end("CLIENT_RESET", true);
        }
    }

    // ---- stage 4: the relay over the way ----

    private void replyThenRelay(byte[] reply, Endpoint upstream) {
        replyThen(reply, () -> startRelay(upstream));
    }

    private void startRelay(Endpoint upstream) {
        connection.relaying(true);
        opened = null;
        Relay r = new Relay(socket.handOver(), upstream, server.counters().bytesUp, server.counters().bytesDown,
                System::nanoTime, new Relay.Outcome() {
            @Override
            public void ended() {
                connection.reactor().runHere(() -> connection.end("OK", false));
            }

            @Override
            public void broke(Relay.Side side, Throwable cause) {
                connection.reactor().runHere(() -> relayBroke(side, cause));
            }
        });
        relay = r;
        r.start(socket.takePipelined());
    }

    private void relayBroke(Relay.Side side, Throwable cause) {
        String outcome = Failures.broken(side, cause);
        if (outcome.equals("SSH_LOST")) {
            server.messages().log(Msg.FTB0238E, connection.tag(), cause.getMessage());
            DataListeners.Announcement data = dataFor;
            if (data != null) {
                data.session().tunnelLost();
            }
        }
        connection.end(outcome, true);
    }

    /** On the reactor thread, once: closes what was opened, the relay or the FTP session (with a reset when {@code abort}). */
    void close(boolean abort) {
        Relay r = relay;
        FtpSession session = ftp;
        if (opened != null) {
            opened.closeBroken();
        }
        if (r != null) {
            r.close(abort);
        } else if (session != null) {
            session.close(abort);
        }
    }

    // ---- what other threads read ----

    Relay relay() {
        return relay;
    }

    FtpSession ftp() {
        return ftp;
    }

    DataListeners.Announcement dataFor() {
        return dataFor;
    }

    /** When bytes last moved on this connection, or on any connection of its FTP session. */
    long lastActivityNanos() {
        FtpSession session = ftp;
        long own = session != null ? session.lastActivityNanos() : ownActivityNanos();
        DataListeners.Announcement data = dataFor;
        return data == null ? own : Math.max(own, data.session().lastActivityNanos());
    }

    /** When bytes last moved on this connection's own sockets: the relay's, or the client's handshake. */
    long ownActivityNanos() {
        Relay r = relay;
        return r != null ? r.lastActivityNanos() : socket.lastReadNanos();
    }

    /** Bytes delivered to the client and to the destination, for the FTP session's totals. */
    long bytesCarried() {
        Relay r = relay;
        return r == null ? 0 : r.up() + r.down();
    }
}
