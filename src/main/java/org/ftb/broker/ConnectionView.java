package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.message.Printable;
import org.ftb.relay.Relay;
import org.ftb.rules.Action;
import org.ftb.rules.Destination;
import org.ftb.rules.Match;
import org.ftb.socks.ConnectRequest;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.SocksVersion;
import org.ftb.status.SessionView;

import java.time.Duration;

/**
 * What DISPLAY and the audit record show of a {@link Connection}: who the client is, what it asked
 * for, what the rules decided, how far it got and what its {@link Way} carried. What only this view
 * reads (the destination the rules saw, their decision, the SSH host that carries the connection) is
 * kept here, so that Connection holds only what its stages decide by. The connection's reactor thread
 * writes and DISPLAY reads from its own thread, so the fields are volatile.
 */
final class ConnectionView {
    private final Connection connection;
    private final String client;
    private final SocksServerHandshake handshake;
    private final Way way;
    private final SocksServer server;
    private volatile Destination destination;
    private volatile Match match;
    private volatile String via = "-";

    ConnectionView(Connection connection, String client, SocksServerHandshake handshake, Way way, SocksServer server) {
        this.connection = connection;
        this.client = client;
        this.handshake = handshake;
        this.way = way;
        this.server = server;
    }

    /** The rules' decision on where the client asked to go. */
    void decided(Destination target, Match decision) {
        destination = target;
        match = decision;
    }

    /** The SSH host that carries the connection. */
    void via(String sshHost) {
        via = sshHost;
    }

    /**
     * The connection as it stands. {@code request} is null before the SOCKS request and for a data
     * connection made straight to its DATA port; {@code result} is empty while the connection lasts.
     */
    SessionView snapshot(ConnectRequest request, String result) {
        long now = System.nanoTime();
        Connection.Phase phase = connection.phase();
        Destination dest = destination;
        Match m = match;
        String sshHost = via;
        DataListeners.Announcement data = way.dataFor();
        FtpSession session = way.ftp();
        Relay r = way.relay();
        SocksVersion version = handshake.version();
        byte[] address = dest == null ? null : dest.address();
        String user = handshake.user().isEmpty() ? "-" : Printable.of(handshake.user(), 64);
        if (session != null && !session.ftpUser().isEmpty()) {
            user = user + "/ftp:" + Printable.of(session.ftpUser(), 64);
        }
        long up = r != null ? r.up() : session != null ? session.up() : 0;
        long down = r != null ? r.down() : session != null ? session.down() : 0;
        String details = session != null ? session.details()
                // Read from another thread, the request, the decision and the SSH host may be seen one without
                // the others (each is set after the one before): the details wait for all three.
                : request != null && m != null && m.action() == Action.TUNNEL && !sshHost.equals("-")
                ? "sshuser=" + connection.generation().sshUser(sshHost)
                        + (connection.generation().sshHostIsDestination(sshHost, HostPort.canonicalHost(request.host())) ? "" : " lastleg=CLEAR-from-" + sshHost)
                : "";
        return new SessionView(connection.id(), client,
                request != null ? request.protocol() : data != null ? "DATA" : version == null ? "-" : "SOCKS" + version.code(),
                user,
                data != null ? data.destination() : request == null ? "-" : Connection.destinationText(request),
                address == null ? "-" : IpAddress.format(address),
                data != null ? data.session().target().rule() : m == null ? "-" : m.ruleName(),
                data != null ? "FTPDATA(" + data.session().controlTag() + ")" : m == null ? "-" : m.action().name(), sshHost,
                // An FTP session's own state says more than RELAY: still logging in, idle, or moving a file.
                session != null && phase == Connection.Phase.RELAY ? session.state() : phase.name(),
                session != null && phase == Connection.Phase.ENDED ? session.result(result) : result,
                up, down, Duration.ofNanos(now - connection.startNanos()), Duration.ofNanos(Math.max(0, now - connection.lastActivityNanos())),
                details, data != null ? data.session().control().id() : 0, session != null ? session.activity() : "");
    }
}
