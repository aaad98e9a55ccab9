package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.config.DataSettings;
import org.ftb.ftp.DataPorts;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.Listeners;
import org.ftb.net.Reactor;
import org.ftb.rules.PortRange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FTP passive data ports the broker has announced in rewritten 227/229 replies. Each announcement
 * gets its own listener on the DATA address, on a port chosen at random so that it cannot be guessed;
 * the client may connect to it directly or through SOCKS (to the rewritten address, to the control
 * connection's host, or to the original PASV address). Only the owner of the control connection may
 * use it (see {@link DataOwnership}), only once, and only for a while; then the data goes through the
 * FTP session's own way to the control connection's server.
 */
final class DataListeners {
    /** How long an announced data port waits for the client. */
    static final Duration EXPIRY = Duration.ofSeconds(60);
    /**
     * Data ports one FTP session may hold at once, announced or connected. FTP moves one file at a time
     * on a control connection (RFC 959 3.2), so more than a few is a client leaking them or a flood.
     */
    static final int PER_SESSION = 4;
    /** PORTS(*) draws from the dynamic ports of RFC 6335 section 6, which no service registers. */
    private static final PortRange DYNAMIC = new PortRange(49152, 65535);
    /** Draws for PORTS(*) before the system is asked to choose. */
    private static final int RANDOM_TRIES = 64;
    /**
     * Claims of one port checked at once; more are refused unchecked, so that a flood of connects to
     * a port holds a few connections and a few worker turns, not thousands.
     */
    static final int CHECKS_AT_ONCE = 8;

    /** A data port announced to one FTP session, for one data connection to {@code serverPort}. */
    static final class Announcement {
        private final int port;
        private final FtpSession session;
        private final Set<String> hosts;
        private final int serverPort;
        private ServerSocketChannel listener;
        private ScheduledFuture<?> expiry;
        private final AtomicInteger checking = new AtomicInteger();
        private final AtomicInteger unchecked = new AtomicInteger();

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

        int port() {
            return port;
        }

        /** Room to check one more claim; false (and counted) when {@link #CHECKS_AT_ONCE} are under way. */
        boolean startCheck() {
            if (checking.incrementAndGet() > CHECKS_AT_ONCE) {
                checking.decrementAndGet();
                unchecked.incrementAndGet();
                return false;
            }
            return true;
        }

        void endCheck() {
            checking.decrementAndGet();
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
    private final SecureRandom random = new SecureRandom();

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
        if (session.dataPortsHeld() >= PER_SESSION) {
            throw new IOException("the session has " + PER_SESSION + " data connections open already");
        }
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
                // Every connection is checked; one that is refused leaves the port open to its owner.
                for (SocketChannel channel; (channel = listener.accept()) != null; ) {
                    server.acceptData(channel, a, reactor);
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

    /** A listener on a port drawn at random from PORTS, so that no other local user can be waiting on it. */
    private ServerSocketChannel bind() throws IOException {
        InetAddress address = InetAddress.getByAddress(address());
        PortRange range = settings.ports().equals(PortRange.ALL) ? DYNAMIC : settings.ports();
        int size = range.to() - range.from() + 1;
        // A range of the operator's is searched whole from a random start, so that "in use" is the truth.
        boolean whole = range != DYNAMIC;
        int start = random.nextInt(size);
        for (int i = 0; i < (whole ? size : RANDOM_TRIES); i++) {
            int port = range.from() + (whole ? (start + i) % size : random.nextInt(size));
            if (byPort.containsKey(port)) {
                continue;
            }
            ServerSocketChannel listener = Listeners.open(address);
            try {
                listener.bind(new InetSocketAddress(address, port), 1);
                return listener;
            } catch (IOException e) {
                listener.close(); // in use by someone else: try the next
            }
        }
        if (!whole) {
            // The dynamic ports are that busy: the system's own choice is still one no one asked for.
            ServerSocketChannel listener = Listeners.open(address);
            listener.bind(new InetSocketAddress(address, 0), 1);
            return listener;
        }
        throw new IOException("every DATA port in " + settings.ports().text() + " is in use");
    }

    /**
     * The announcement a SOCKS CONNECT to {@code host:port} asks for: its port, and a host it was
     * announced for or, once resolved, any address of this host. A connection the broker made to its
     * own data port on a client's behalf would pass every owner check as the broker itself, so however
     * the client names this host (0.0.0.0, ::ffff:127.0.0.1, a name), it is that client's claim. Whether
     * the client may have it is {@link DataOwnership}'s to say; {@link #take} then uses it up.
     */
    Optional<Announcement> find(String host, byte[] address, int port) {
        Announcement a = byPort.get(port);
        boolean named = a != null && (a.hosts.contains(HostPort.canonicalHost(host)) || address != null && isThisHost(address));
        return named ? Optional.of(a) : Optional.empty();
    }

    /** True when a connection to {@code address} reaches this host: loopback, unspecified, or one of its interfaces'. */
    private static boolean isThisHost(byte[] address) {
        try {
            InetAddress a = InetAddress.getByAddress(IpAddress.unmapped(address));
            return a.isAnyLocalAddress() || a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return true; // in doubt, the owner check decides
        }
    }

    /** Uses up an announcement for its owner's data connection; false when it expired or was used meanwhile. */
    boolean take(Announcement a) {
        if (!byPort.remove(a.port, a)) {
            return false;
        }
        retire(a);
        return true;
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

    private void retire(Announcement a) {
        int refused = a.unchecked.getAndSet(0);
        if (refused > 0) {
            messages.log(Msg.FTB0214W, a.session.controlTag(), a.port, refused, CHECKS_AT_ONCE);
        }
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
