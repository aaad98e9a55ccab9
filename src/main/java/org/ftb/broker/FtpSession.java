package org.ftb.broker;

import org.ftb.ftp.ControlSession;
import org.ftb.ftp.Effect;
import org.ftb.ftp.FtpReply;
import org.ftb.message.Msg;
import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Outbox;
import org.ftb.relay.Pump;
import org.ftb.relay.Relay;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.ssh.TunnelStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One FTP session of an FTPTUNNEL rule: its control connection (client socket, way to the server,
 * the {@link ControlSession} that reads every line), its data connections, its idle clock and the
 * details of its one audit record. The session is idle only when all of its connections are. When
 * the way to the server breaks, the client gets a 421 and every data connection is reset; when the
 * session ends, its ways to the server are closed at once, so the FTP server does not keep them.
 * State belongs to the control connection's reactor thread; the counters are read from others.
 */
final class FtpSession implements org.ftb.ftp.DataPorts {
    /** How long a client that was told to go may take to close its end. */
    private static final long LINGER_MILLIS = 2000;

    /** Where the session goes and how. {@code keyUser} is the SSH user of AUTH(KEY), or null for AUTH(FTPLOGIN). */
    record Target(String host, int port, String sshHost, String rule, String clientIp, int clientPort, boolean plainFallback,
                  boolean sshHostIsFtpHost, String keyUser) {
    }

    private final Connection control;
    private final SocksServer server;
    private final Target target;
    private final Reactor reactor;
    private final SocketEndpoint client;
    private final Outbox toClient;
    private final DataConnections data = new DataConnections();
    private final HeldUploads heldUploads;
    private final AtomicLong notCounted = new AtomicLong();
    private ControlSession machine;
    private Pump fromClient;
    /** The way to the server while there is one; its endpoint is the control connection's server end. */
    private volatile ServerWay way;
    private Outbox toServer;
    private Pump fromServer;
    /** A client chunk not yet acknowledged, because commands wait for the way to the server. */
    private Endpoint.Writer heldClient;
    private final long startNanos = System.nanoTime();
    private volatile String failure;
    private volatile boolean plaintext;
    private volatile long up;
    private volatile long down;
    private boolean clientEnded;
    private boolean clientOutputEnded;
    private boolean closing;
    private boolean closed;

    FtpSession(Connection control, SocksServer server, Target target, SocketEndpoint client) {
        this.control = control;
        this.server = server;
        this.target = target;
        this.reactor = control.reactor();
        this.client = client;
        this.toClient = new Outbox(client, reactor, server.counters().bytesDown, System::nanoTime,
                cause -> broke(Relay.Side.CLIENT, cause));
        this.heldUploads = new HeldUploads(new HeldUploads.Session() {
            @Override
            public boolean storeInProgress() {
                return machine.storeDue() && !"SSH_LOST".equals(failure);
            }

            @Override
            public boolean abortStore() {
                if (closing) {
                    return false;
                }
                apply(machine.storeBroken());
                return true;
            }

            @Override
            public void onReactor(Runnable task) {
                FtpSession.this.onReactor(task);
            }
        }, server.timer(), server.uploadHold(), server.messages(), control.tag());
    }

    /** Starts the session: with {@code openTunnel} (AUTH(KEY)) from the server's greeting, else with the broker's. */
    void start(ByteBuffer pipelined, TunnelStream openTunnel) {
        if (openTunnel == null) {
            machine = ControlSession.loginFirst(this, serverText(), target.sshHost());
        } else {
            machine = ControlSession.overOpenServer(this, serverText());
            startServer(attachServer(ServerWay.over(openTunnel, target)));
        }
        apply(machine.start());
        fromClient = new Pump(client, new Feed(true), notCounted, System::nanoTime, new ControlPumps(Relay.Side.CLIENT));
        fromClient.start(pipelined);
    }

    // ---- what the connection and the data ports ask ----

    String serverHost() {
        return target.host();
    }

    String clientIp() {
        return target.clientIp();
    }

    String controlTag() {
        return "C" + control.id();
    }

    String via() {
        return target.sshHost();
    }

    String ruleName() {
        return target.rule();
    }

    String ftpUser() {
        ControlSession m = machine;
        return m == null ? "" : m.user();
    }

    long up() {
        return toServer == null ? up : up + toServer.delivered();
    }

    long down() {
        return toClient.delivered();
    }

    long lastActivityNanos() {
        long latest = Math.max(startNanos, toClient.lastActivityNanos());
        Pump in = fromClient;
        if (in != null) {
            latest = Math.max(latest, in.lastActivityNanos());
        }
        Pump out = fromServer;
        if (out != null) {
            latest = Math.max(latest, out.lastActivityNanos());
        }
        return Math.max(latest, data.lastActivityNanos());
    }

    /** The audit result: a failure of the session's own if there was one, else how its dialogue went. */
    String result(String connectionOutcome) {
        String f = failure;
        if (f != null) {
            return f;
        }
        return connectionOutcome.equals("OK") ? machine.result() : connectionOutcome;
    }

    /**
     * The FTP fields of the audit record and DISPLAY: users, transfers, data bytes, and how the last
     * leg to the FTP server travels (over SSH, in clear text from the SSH host, or all in plaintext).
     */
    String details() {
        String user = ftpUser();
        String lastLeg = plaintext ? "PLAINTEXT" : target.sshHostIsFtpHost() ? "ssh" : "CLEAR-from-" + target.sshHost();
        String sshUser = plaintext ? "-" : target.keyUser() != null ? target.keyUser() : user.isEmpty() ? "-" : user;
        long carried = data.bytes();
        ControlSession m = machine;
        return "ftpuser=" + (user.isEmpty() ? "-" : SocksServerHandshake.printable(user).replace(' ', '_'))
                + " sshuser=" + sshUser.replace(' ', '_') + " transfers=" + (m == null ? 0 : m.transfers()) + " databytes=" + carried
                + " lastleg=" + lastLeg;
    }

    @Override
    public int announce(int serverPort, Optional<String> hintAddress) throws IOException {
        return server.dataListeners().announce(this, serverPort, hintAddress, reactor);
    }

    @Override
    public byte[] address() {
        return server.dataListeners().address();
    }

    /**
     * The way to the FTP server's data port, through the same SSH connection (or in plaintext after a
     * fallback, where a reset reaches the server as it is).
     */
    CompletableFuture<Endpoint> openData(int serverPort) {
        ServerWay w = way;
        if (w == null) {
            return CompletableFuture.failedFuture(new IOException("the FTP session has no way to its server"));
        }
        CompletableFuture<Endpoint> opening = w.data().apply(serverPort);
        return w.plaintext() ? opening : opening.thenApply(heldUploads::guard);
    }

    void dataStarted(Connection connection) {
        data.started(connection);
        reactor.execute(() -> {
            if (closed) {
                connection.abort("SESSION_ENDED");
            }
        });
    }

    void dataEnded(Connection connection) {
        data.ended(connection);
    }

    /** A data connection lost its SSH connection: the control connection's is gone too. */
    void tunnelLost(String reason) {
        onReactor(() -> lost(reason));
    }

    // ---- control connection plumbing ----

    /** Client or server bytes go into the state machine, on the reactor thread; the source is read again once they are taken. */
    private final class Feed implements Endpoint {
        private final boolean clientSide;

        Feed(boolean clientSide) {
            this.clientSide = clientSide;
        }

        @Override
        public void write(ByteBuffer data, Writer writer) {
            onReactor(() -> {
                if (closing) {
                    data.position(data.limit());
                    writer.written(); // ignored: the session is ending
                    return;
                }
                apply(clientSide ? machine.fromClient(data) : machine.fromServer(data));
                if (clientSide) {
                    heldClient = writer;
                    resumeClient();
                } else {
                    toClient.whenBelowHighWater(writer::written);
                }
            });
        }

        @Override
        public void shutdownOutput() {
            onReactor(() -> {
                if (clientSide) {
                    clientEnded = true;
                    if (closing) {
                        endIfDone();
                    } else {
                        apply(machine.clientEnded());
                    }
                } else if (!closing) {
                    apply(machine.serverEnded());
                }
            });
        }

        @Override
        public void read(Reader reader) {
            reader.failed(new IllegalStateException("the FTP state machine is written to, never read"));
        }

        @Override
        public void close(boolean abort) {
            // nothing of its own to close
        }
    }

    /** Reads the client again once the machine takes commands and the server's queue has room. */
    private void resumeClient() {
        Endpoint.Writer held = heldClient;
        if (held == null || machine.holdsClient()) {
            return;
        }
        heldClient = null;
        if (toServer == null) {
            held.written();
        } else {
            toServer.whenBelowHighWater(held::written);
        }
    }

    /** Failures of the control connection's pumps; a server pump replaced after a failed login is no longer heard. */
    private final class ControlPumps implements Pump.Listener {
        private final Relay.Side side;

        ControlPumps(Relay.Side side) {
            this.side = side;
        }

        @Override
        public void ended(Pump pump) {
            // the end reached the state machine through Feed.shutdownOutput
        }

        @Override
        public void failed(Pump pump, boolean atSource, Throwable cause) {
            onReactor(() -> {
                if (side == Relay.Side.CLIENT || pump == fromServer) {
                    broke(side, cause);
                }
            });
        }
    }

    /**
     * Takes the way to the server; returns its reader, which the caller starts once the machine knows
     * the way is open, since the server's first reply may be read at once on this very thread.
     */
    private Pump attachServer(ServerWay opened) {
        way = opened;
        plaintext |= opened.plaintext();
        Endpoint end = opened.endpoint();
        toServer = new Outbox(end, reactor, server.counters().bytesUp, System::nanoTime, cause -> {
            if (way == opened) {
                broke(Relay.Side.SERVER, cause);
            }
        });
        Pump pump = new Pump(end, new Feed(false), notCounted, System::nanoTime, new ControlPumps(Relay.Side.SERVER));
        fromServer = pump;
        return pump;
    }

    /**
     * Starts reading the server, which speaks first. A server that stays silent past CONNECTTIMEOUT has
     * most likely never seen the connection (a listen queue that overflowed answers with SYN cookies
     * and then drops the handshake), so the client gets 421 instead of waiting for ever.
     */
    private void startServer(Pump reader) {
        reader.start(ByteBuffer.allocate(0));
        long limit = server.connectTimeout().toMillis();
        server.timer().schedule(() -> onReactor(() -> {
            if (!closing && fromServer == reader && machine.awaitsServer()) {
                String reason = "the FTP server did not answer within " + server.connectTimeout().toSeconds() + " s";
                failure = "SERVER_TIMEOUT";
                server.messages().log(Msg.FTB0234E, control.tag(), serverText(), reason);
                tellClientAndClose(421, "Service not available: " + reason);
            }
        }), limit, TimeUnit.MILLISECONDS);
    }

    /** Lets the way to the server go; forgotten first, since closing it fails its pending read on this very thread. */
    private void dropServer() {
        ServerWay dropped = way;
        if (dropped != null) {
            up += toServer.delivered();
        }
        way = null;
        toServer = null;
        fromServer = null;
        if (dropped != null) {
            dropped.endpoint().close(false);
        }
    }

    private void apply(List<Effect> effects) {
        for (Effect effect : effects) {
            if (effect instanceof Effect.ToClient c) {
                toClient.send(c.bytes());
            } else if (effect instanceof Effect.ToServer s) {
                toServer.send(s.bytes());
            } else if (effect instanceof Effect.OpenServer o) {
                login(o.user(), o.password());
            } else if (effect instanceof Effect.DropServer) {
                dropServer();
            } else if (effect instanceof Effect.EndServerOutput) {
                toServer.finish(() -> { });
            } else if (effect instanceof Effect.Close) {
                closeGently();
            } else if (effect instanceof Effect.LoggedIn l) {
                server.messages().log(Msg.FTB0230I, control.tag(), l.user(), target.host() + ":" + target.port(), describeServer());
            } else if (effect instanceof Effect.Log l) {
                List<Object> args = new ArrayList<>(l.args());
                args.add(0, control.tag());
                server.messages().log(l.msg(), args.toArray());
            }
        }
        if (!machine.storeDue()) {
            heldUploads.releaseAll();
        }
        resumeClient();
    }

    private String describeServer() {
        ServerWay w = way;
        return w == null ? "-" : w.description();
    }

    // ---- login (AUTH(FTPLOGIN)) ----

    private void login(String user, char[] password) {
        ServerWay.login(server, target, control.tag(), reactor, user, password).whenComplete((way, error) -> onReactor(() -> {
            if (closing) {
                if (way != null) {
                    way.endpoint().close(true);
                }
            } else if (error == null) {
                Pump reader = attachServer(way);
                apply(machine.serverOpened());
                startServer(reader);
            } else {
                ServerWay.Refused refused = (ServerWay.Refused) Failures.unwrap(error);
                if (!refused.loginRefusal) {
                    failure = refused.result;
                }
                apply(machine.serverFailed(refused.loginRefusal, refused.getMessage()));
            }
        }));
    }

    // ---- endings ----

    /** A side broke: the client reset (nothing to tell it), or the way to the server broke (421, then close). */
    private void broke(Relay.Side side, Throwable cause) {
        if (closed) {
            return;
        }
        String outcome = Failures.broken(side, cause);
        if (outcome.equals("SSH_LOST")) {
            server.messages().log(Msg.FTB0238E, control.tag(), cause.getMessage());
            lost(cause.getMessage());
        } else if (side == Relay.Side.SERVER) {
            failure = outcome;
            tellClientAndClose(421, "Connection to the FTP server broken; closing control connection");
        } else {
            control.end(outcome, true);
        }
    }

    private void lost(String reason) {
        if (closed || "SSH_LOST".equals(failure)) {
            return;
        }
        failure = "SSH_LOST";
        data.abortAll("SSH_LOST");
        tellClientAndClose(421, "Service not available: the SSH connection to the FTP server was lost (" + reason + ")");
    }

    /** A last reply to the client, then a clean close once it is written, so that the client reads it. */
    private void tellClientAndClose(int code, String text) {
        closing = true;
        dropServer();
        toClient.send(FtpReply.of(code, text).raw());
        finishClient();
    }

    /** The dialogue is over (QUIT, 421, the server ended): the client's end closes after what it still gets. */
    private void closeGently() {
        if (closing) {
            return;
        }
        closing = true;
        dropServer();
        finishClient();
    }

    private void finishClient() {
        toClient.finish(() -> {
            clientOutputEnded = true;
            endIfDone();
        });
        server.timer().schedule(() -> reactor.execute(() -> control.end("OK", false)), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void endIfDone() {
        if (clientEnded && clientOutputEnded) {
            control.end("OK", false);
        }
    }

    /** The control connection ended: close the way to the server at once and reset the data connections if aborted. */
    void close(boolean abort) {
        closed = true;
        closing = true;
        server.dataListeners().forget(this);
        ServerWay w = way;
        if (w != null) {
            w.endpoint().close(abort);
        }
        if (abort) {
            data.abortAll(failure == null ? "SESSION_ENDED" : failure);
        }
        client.close(abort);
    }

    private void onReactor(Runnable task) {
        if (reactor.inReactor()) {
            task.run();
        } else {
            reactor.execute(task);
        }
    }

    private String serverText() {
        return target.host() + ":" + target.port();
    }
}
