package org.ftb.broker;

import org.ftb.ftp.ControlSession;
import org.ftb.ftp.Effect;
import org.ftb.ftp.FtpReply;
import org.ftb.message.Msg;
import org.ftb.message.Printable;
import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Outbox;
import org.ftb.relay.Pump;
import org.ftb.relay.Relay;
import org.ftb.ssh.TunnelStream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One FTP session of an FTPTUNNEL rule: its control connection (client socket, {@link ServerLeg} to
 * the server, the {@link ControlSession} that reads every line), its data connections (with
 * {@link HeldUploads} for their channels), its idle clock, the details of its audit record and its
 * {@link Transfers}, each with a record of its own. The session is idle only when all of its connections are. When
 * the way to the server breaks, the client gets a 421 and every data connection is reset; when the
 * session ends, its ways to the server are closed at once, so the FTP server does not keep them.
 * State belongs to the control connection's reactor thread; the counters are read from others.
 */
final class FtpSession {
    /** How long a client that was told to go may take to close its end. */
    private static final long LINGER_MILLIS = 2000;
    /** Connections a silent FTP server gets within CONNECTTIMEOUT, one at each such part of it. */
    static final int SERVER_CONNECTIONS = 3;

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
    private final SessionStore store;
    private final ServerLeg leg;
    private final Transfers transfers;
    private ControlSession machine;
    private volatile Pump fromClient;
    /** A client chunk not yet acknowledged, because commands wait for the way to the server. */
    private Endpoint.Writer heldClient;
    private final long startNanos = System.nanoTime();
    private volatile String failure;
    private boolean clientEnded;
    private boolean clientOutputEnded;
    private boolean closing;
    private volatile boolean closed;
    /** Counts the starts of the server's reading, so that the checks of an earlier one (a refused login's) stay quiet. */
    private int serverWatch;

    FtpSession(Connection control, SocksServer server, Target target, SocketEndpoint client) {
        this.control = control;
        this.server = server;
        this.target = target;
        this.reactor = control.reactor();
        this.client = client;
        this.toClient = new Outbox(client, reactor, server.counters().bytesDown, System::nanoTime,
                cause -> broke(Relay.Side.CLIENT, cause));
        this.leg = new ServerLeg(reactor, server.counters().bytesUp);
        this.transfers = new Transfers(control.id(), server::transferEnded);
        this.store = new SessionStore(() -> "SSH_LOST".equals(failure), () -> !closing, () -> machine, port -> {
            apply(machine.storeBroken(port));
            return true;
        });
    }

    /** Starts the session: with {@code openTunnel} (AUTH(KEY)) from the server's greeting, else with the broker's. */
    void start(ByteBuffer pipelined, TunnelStream openTunnel) {
        if (openTunnel == null) {
            machine = ControlSession.loginFirst(server.dataListeners().portsFor(this, reactor), serverText(), target.sshHost());
        } else {
            machine = ControlSession.overOpenServer(server.dataListeners().portsFor(this, reactor), serverText());
            startServer(attachServer(ServerWay.over(openTunnel, target)));
        }
        apply(machine.start());
        Pump reader = new ControlFeed(reactor, this::fromClient, this::clientEnded, (pump, cause) -> broke(Relay.Side.CLIENT, cause))
                .pumpFrom(client);
        fromClient = reader;
        reader.start(pipelined);
    }

    // ---- what the connection and the data ports ask ----

    Target target() {
        return target;
    }

    Connection control() {
        return control;
    }

    /** Data connections of this session claimed and not yet ended. */
    int dataPortsHeld() {
        return data.count();
    }

    String controlTag() {
        return "C" + control.id();
    }

    /** What the session does now, for DISPLAY: LOGIN until the FTP login succeeded, then TRANSFER or IDLE. */
    String state() {
        ControlSession m = machine;
        return m == null || !m.loggedIn() ? "LOGIN" : transfers.activity().isEmpty() ? "IDLE" : "TRANSFER";
    }

    /** The transfer under way ("RETR PAY.JAN"), or empty. */
    String activity() {
        return transfers.activity();
    }

    String ftpUser() {
        ControlSession m = machine;
        return m == null ? "" : m.user();
    }

    long up() {
        return leg.up();
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
        return Math.max(Math.max(latest, leg.lastActivityNanos()), data.lastActivityNanos());
    }

    /** The audit result: a failure of the session's own if there was one, else how its dialogue went. */
    String result(String connectionOutcome) {
        String f = failure;
        if (f != null) {
            return f;
        }
        return connectionOutcome.equals("OK") ? machine.result() : connectionOutcome;
    }

    /** The FTP user as the audit records show it: printable, at most 64 characters, {@code -} for none. */
    private String ftpUserField() {
        return ftpUser().isEmpty() ? "-" : Printable.of(ftpUser(), 64);
    }

    /**
     * The FTP fields of the audit record and DISPLAY: users, transfers, data bytes, and how the last
     * leg to the FTP server travels (over SSH, in clear text from the SSH host, or all in plaintext).
     */
    String details() {
        String user = ftpUserField();
        boolean plaintext = leg.wasPlaintext();
        String lastLeg = plaintext ? "PLAINTEXT" : target.sshHostIsFtpHost() ? "ssh" : "CLEAR-from-" + target.sshHost();
        String sshUser = plaintext ? "-" : target.keyUser() != null ? target.keyUser() : user;
        long carried = data.bytes();
        ControlSession m = machine;
        return "ftpuser=" + user.replace(' ', '_') + " sshuser=" + sshUser.replace(' ', '_') + " transfers=" + (m == null ? 0 : m.transfers())
                + " databytes=" + carried + " lastleg=" + lastLeg
                // Only when the log left lines out (Fault99): how many the client or server caused beyond the caps.
                + unlogged(m);
    }

    /** {@code " unlogged=n"}: the log lines and transfer records the caps left out (Fault99, Fault100); empty when none were. */
    private String unlogged(ControlSession m) {
        int n = (m == null ? 0 : m.unlogged()) + transfers.unrecorded();
        return n > 0 ? " unlogged=" + n : "";
    }

    /**
     * The way to the FTP server's data port, through the same SSH connection (or in plaintext after a
     * fallback, where a reset reaches the server as it is).
     */
    CompletableFuture<Endpoint> openData(int serverPort) {
        CompletableFuture<Endpoint> opening = leg.openData(serverPort);
        return leg.plaintextNow() ? opening : opening.thenApply(channel -> server.heldUploads().guard(channel, reactor, control.tag(), store));
    }

    /** From the data connection's thread: it claimed the session's latest data port. */
    void dataStarted(Connection connection) {
        data.started(connection);
        int port = store.announcement();
        reactor.execute(() -> {
            if (closed) {
                connection.abort("SESSION_ENDED");
            } else {
                transfers.dataStarted(port, connection);
            }
        });
    }

    /** From the data connection's thread. */
    void dataEnded(Connection connection) {
        data.ended(connection);
        reactor.execute(() -> transfers.dataEnded(connection));
    }

    /** A data connection lost its SSH connection (FTB0238E says why): the control connection's is gone too. */
    void tunnelLost() {
        reactor.runHere(this::lost);
    }

    // ---- control connection plumbing ----

    /** Client bytes go into the state machine; the client is read again once they are taken. */
    private void fromClient(ByteBuffer bytes, Endpoint.Writer ack) {
        if (discardWhenClosing(bytes, ack)) {
            return;
        }
        apply(machine.fromClient(bytes));
        heldClient = ack;
        resumeClient();
    }

    private void clientEnded() {
        clientEnded = true;
        if (closing) {
            endIfDone();
        } else {
            apply(machine.clientEnded());
        }
    }

    /**
     * Server bytes go into the state machine; the server is read again once the client's queue is short.
     * Bytes from a further connection to a silent server make it the session's way; from one that
     * spoke after another, they are dropped with it.
     */
    private void fromServer(ServerWay from, ByteBuffer bytes, Endpoint.Writer ack) {
        if (!leg.carries(from) && !leg.promote(from, this::serverBroke)) {
            bytes.position(bytes.limit());
            ack.written();
            return;
        }
        leg.spoke();
        if (!discardWhenClosing(bytes, ack)) {
            apply(machine.fromServer(bytes));
            toClient.whenBelowHighWater(ack::written);
        }
    }

    private void serverEnded(ServerWay from) {
        if (!leg.carries(from)) {
            leg.letGo(from);
        } else if (!closing && !leg.replaceSilent(this::serverBroke)) {
            apply(machine.serverEnded());
        }
    }

    /** A session that is ending takes no more input; the pump is let go on. */
    private boolean discardWhenClosing(ByteBuffer bytes, Endpoint.Writer ack) {
        if (closing) {
            bytes.position(bytes.limit());
            ack.written();
        }
        return closing;
    }

    /**
     * Reads the client again once the machine takes commands and both the client's queue and the server's
     * have room: the broker answers some commands itself (534, 502, 500), and a client that never reads
     * those answers must stop being read rather than have them pile up (Fault91).
     */
    private void resumeClient() {
        Endpoint.Writer held = heldClient;
        if (held == null || machine.holdsClient()) {
            return;
        }
        heldClient = null;
        toClient.whenBelowHighWater(() -> leg.whenBelowHighWater(held::written));
    }

    /**
     * Takes the way to the server; returns its reader, to start once the state machine knows the way is
     * open. The reader of a way dropped after a refused login is no longer heard.
     */
    private Pump attachServer(ServerWay opened) {
        Pump reader = readerOf(opened);
        leg.attach(opened, reader, this::serverBroke);
        return reader;
    }

    private Pump readerOf(ServerWay way) {
        return new ControlFeed(reactor, (bytes, ack) -> fromServer(way, bytes, ack), () -> serverEnded(way), (pump, cause) -> {
            if (leg.reads(pump)) {
                if (!leg.replaceSilent(this::serverBroke)) {
                    serverBroke(cause);
                }
            } else {
                leg.letGo(way);
            }
        }).pumpFrom(way.endpoint());
    }

    private void serverBroke(Throwable cause) {
        broke(Relay.Side.SERVER, cause);
    }

    /**
     * Starts reading the server, which speaks first. A server that stays silent has most likely never
     * seen the connection: a listen queue that overflowed answers with SYN cookies and then drops the
     * handshake, and the server, which must speak first, never accepts it. So while nothing has passed
     * either way, the broker connects again at each {@link #SERVER_CONNECTIONS}th of CONNECTTIMEOUT
     * (FTB0248W), keeping the connections it has, and the first whose server speaks is the session's.
     * Past CONNECTTIMEOUT the client gets 421 instead of waiting for ever.
     */
    private void startServer(Pump reader) {
        int watch = ++serverWatch;
        Duration connectTimeout = control.generation().broker().connectTimeout();
        leg.start(reader);
        for (int n = 1; n <= SERVER_CONNECTIONS; n++) {
            int part = n;
            server.timer().schedule(() -> reactor.runHere(() -> {
                if (watch == serverWatch) {
                    serverSilent(connectTimeout, part);
                }
            }), connectTimeout.toNanos() * n / SERVER_CONNECTIONS, TimeUnit.NANOSECONDS);
        }
    }

    /** The server has said nothing for {@code part} {@link #SERVER_CONNECTIONS}ths of CONNECTTIMEOUT. */
    private void serverSilent(Duration connectTimeout, int part) {
        if (closing || !leg.attached() || !machine.awaitsServer()) {
            return;
        }
        if (part < SERVER_CONNECTIONS) {
            if (leg.silent()) {
                connectAgain(connectTimeout.multipliedBy(part).dividedBy(SERVER_CONNECTIONS), part + 1);
            }
            return;
        }
        String reason = "the FTP server did not answer within " + connectTimeout.toSeconds() + " s";
        failure = "SERVER_TIMEOUT";
        server.messages().log(Msg.FTB0234E, control.tag(), serverText(), reason);
        tellClientAndClose(421, "Service not available: " + reason);
    }

    private void connectAgain(Duration silentFor, int connection) {
        server.messages().log(Msg.FTB0248W, control.tag(), serverText(), silentFor.toMillis() / 1000.0, connection, SERVER_CONNECTIONS);
        int watch = serverWatch;
        leg.openAnother(target.port()).whenComplete((spare, error) -> reactor.runHere(() -> {
            if (error != null) {
                // The connections made already may still be answered; CONNECTTIMEOUT ends the wait.
                return;
            }
            if (watch != serverWatch || closing || !leg.silent()) {
                spare.endpoint().close(false);
            } else {
                leg.standBy(spare, readerOf(spare));
            }
        }));
    }

    private void apply(List<Effect> effects) {
        for (Effect effect : effects) {
            if (effect instanceof Effect.ToClient c) {
                server.trace().ftp(control, "to client", c.bytes());
                toClient.send(c.bytes());
            } else if (effect instanceof Effect.ToServer s) {
                server.trace().ftp(control, "to server", s.bytes());
                leg.send(s.bytes());
            } else if (effect instanceof Effect.OpenServer o) {
                login(o.user(), o.password());
            } else if (effect instanceof Effect.DropServer) {
                leg.drop();
            } else if (effect instanceof Effect.EndServerOutput) {
                leg.finish();
            } else if (effect instanceof Effect.Close) {
                closeGently();
            } else if (effect instanceof Effect.LoginAttempt a) {
                control.loginUnderway(a.underway());
            } else if (effect instanceof Effect.LoggedIn l) {
                control.loggedIn();
                server.messages().log(Msg.FTB0230I, control.tag(), l.user(), target.host() + ":" + target.port(), leg.description());
            } else if (effect instanceof Effect.TransferStarted t) {
                transfers.started(t, ftpUserField());
            } else if (effect instanceof Effect.TransferEnded t) {
                transfers.replied(t);
            } else if (effect instanceof Effect.Log l) {
                List<Object> args = new ArrayList<>(l.args());
                args.add(0, control.tag());
                server.messages().log(l.msg(), args.toArray());
            }
        }
        store.update(machine.dataTransfer());
        server.heldUploads().update(store);
        resumeClient();
    }

    // ---- login (AUTH(FTPLOGIN)) ----

    private void login(String user, char[] password) {
        ServerWay.login(server, control.generation(), target, control.tag(), reactor, user, password).whenComplete((way, error) -> reactor.runHere(() -> {
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
            lost();
        } else if (side == Relay.Side.SERVER) {
            failure = outcome;
            tellClientAndClose(421, "Connection to the FTP server broken; closing control connection");
        } else {
            control.end(outcome, true);
        }
    }

    /** The client did not log in within LOGINTIMEOUT: a 421 says so, then the session closes. */
    void endWithoutLogin(String outcome, String text) {
        if (!closing) {
            failure = outcome;
            tellClientAndClose(421, text);
        }
    }

    /** The client is told no more than that: FTB0238E has the SSH connection, user included. */
    private void lost() {
        if (closed || "SSH_LOST".equals(failure)) {
            return;
        }
        failure = "SSH_LOST";
        data.abortAll("SSH_LOST");
        tellClientAndClose(421, "Service not available: the SSH connection to the FTP server was lost");
    }

    /** A last reply to the client, then a clean close once it is written, so that the client reads it. */
    private void tellClientAndClose(int code, String text) {
        closing = true;
        leg.drop();
        toClient.send(FtpReply.of(code, text).raw());
        finishClient();
    }

    /** The dialogue is over (QUIT, 421, the server ended): the client's end closes after what it still gets. */
    private void closeGently() {
        if (closing) {
            return;
        }
        closing = true;
        leg.drop();
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
        transfers.sessionEnded(result(control.result()));
        store.ended();
        server.heldUploads().update(store);
        closing = true;
        server.dataListeners().forget(this);
        leg.close(abort);
        if (abort) {
            data.abortAll(failure == null ? "SESSION_ENDED" : failure);
        }
        client.close(abort);
    }

    private String serverText() {
        return target.host() + ":" + target.port();
    }
}
