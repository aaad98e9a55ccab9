package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.config.DataSettings;
import org.ftb.ftp.DataPorts;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.Reactor;
import org.ftb.net.SocketEndpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * FTP passive data ports the broker has announced in rewritten 227/229 replies. Each announcement
 * gets its own listener on the DATA address; the client may connect to it directly or through SOCKS
 * (to the rewritten address, to the control connection's host, or to the original PASV address).
 * Only the control connection's client may use it, only once, and only for a while; then the data
 * goes through the FTP session's own way to the control connection's server.
 */
final class DataListeners {
    /** How long an announced data port waits for the client. */
    static final Duration EXPIRY = Duration.ofSeconds(60);

    /** A data port announced to one FTP session, for one data connection to {@code serverPort}. */
    static final class Announcement {
        private final int port;
        private final FtpSession session;
        private final Set<String> hosts;
        private final int serverPort;
        private ServerSocketChannel listener;
        private ScheduledFuture<?> expiry;

        Announcement(int port, FtpSession session, Set<String> hosts, int serverPort) {
            this.port = port;
            this.session = session;
            this.hosts = hosts;
            this.serverPort = serverPort;
        }

        FtpSession session() {
            return session;
        }

        int serverPort() {
            return serverPort;
        }

        /** The FTP server's data port as host:port, for logs and the audit record. */
        String destination() {
            return IpAddress.hostForPort(session.target().host()) + ":" + serverPort;
        }
    }

    private final DataSettings settings;
    private final SocksServer server;
    private final ScheduledExecutorService timer;
    private final MessageLog messages;
    private final Map<Integer, Announcement> byPort = new ConcurrentHashMap<>();

    DataListeners(DataSettings settings, SocksServer server, ScheduledExecutorService timer, MessageLog messages) {
        this.settings = settings;
        this.server = server;
        this.timer = timer;
        this.messages = messages;
    }

    /** The data ports of one FTP session, opened on its reactor thread, as its state machine asks for them. */
    DataPorts portsFor(FtpSession session, Reactor reactor) {
        return new DataPorts() {
            @Override
            public int announce(int serverPort, Optional<String> hintAddress) throws IOException {
                return DataListeners.this.announce(session, serverPort, hintAddress, reactor);
            }

            @Override
            public byte[] address() {
                return DataListeners.this.address();
            }
        };
    }

    /** The DATA address as bytes, for 227 replies. */
    byte[] address() {
        return IpAddress.parse(settings.listen()).orElseThrow();
    }

    /**
     * Opens a listener for one data connection of {@code session}, on the caller's reactor thread;
     * returns its port.
     */
    int announce(FtpSession session, int serverPort, Optional<String> hint, Reactor reactor) throws IOException {
        // A new passive reply replaces the session's unused port, as the FTP server's own PASV does: one open port a session.
        forget(session);
        ServerSocketChannel listener = bind();
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Set<String> hosts = new HashSet<>();
        hint.ifPresent(hosts::add);
        hosts.add(session.target().host());
        hosts.add(settings.listen());
        Announcement a = new Announcement(port, session, Set.copyOf(hosts), serverPort);
        a.listener = listener;
        byPort.put(port, a);
        reactor.register(listener, SelectionKey.OP_ACCEPT, new Reactor.Handler() {
            @Override
            public void ready(SelectionKey key) throws IOException {
                SocketChannel channel = listener.accept();
                if (channel == null) {
                    return;
                }
                String peer = ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
                if (!HostPort.canonicalHost(peer).equals(session.target().clientIp())) {
                    messages.log(Msg.FTB0231W, session.controlTag(), port, peer);
                    SocketEndpoint.closeNow(channel, true);
                    return;
                }
                if (byPort.remove(port, a)) {
                    retire(a);
                    server.acceptData(channel, a, reactor);
                } else {
                    SocketEndpoint.closeNow(channel, true);
                }
            }

            @Override
            public void failed(Exception cause) {
                retire(a);
                byPort.remove(port, a);
            }
        });
        a.expiry = timer.schedule(() -> {
            if (byPort.remove(port, a)) {
                messages.log(Msg.FTB0232W, session.controlTag(), port, EXPIRY.toSeconds());
                reactor.execute(() -> retire(a));
            }
        }, EXPIRY.toMillis(), TimeUnit.MILLISECONDS);
        return port;
    }

    private ServerSocketChannel bind() throws IOException {
        InetAddress address = InetAddress.getByAddress(address());
        if (settings.ports().from() == 1 && settings.ports().to() == 65535) {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(address, 0), 1);
            return listener;
        }
        for (int port = settings.ports().from(); port <= settings.ports().to(); port++) {
            if (byPort.containsKey(port)) {
                continue;
            }
            ServerSocketChannel listener = ServerSocketChannel.open();
            try {
                listener.bind(new InetSocketAddress(address, port), 1);
                return listener;
            } catch (IOException e) {
                listener.close(); // in use by someone else: try the next
            }
        }
        throw new IOException("every DATA port in " + settings.ports().text() + " is in use");
    }

    /**
     * A SOCKS CONNECT from {@code clientIp} to {@code host:port} that matches an announcement, which
     * it then uses up.
     */
    Optional<Announcement> claim(String clientIp, String host, int port) {
        Announcement a = byPort.get(port);
        if (a == null || !a.session.target().clientIp().equals(clientIp) || !a.hosts.contains(HostPort.canonicalHost(host))
                || !byPort.remove(port, a)) {
            return Optional.empty();
        }
        retire(a);
        return Optional.of(a);
    }

    /** Ends every announcement of a session that has ended. */
    void forget(FtpSession session) {
        byPort.values().removeIf(a -> {
            if (a.session == session) {
                retire(a);
                return true;
            }
            return false;
        });
    }

    private static void retire(Announcement a) {
        if (a.expiry != null) {
            a.expiry.cancel(false);
        }
        try {
            a.listener.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
