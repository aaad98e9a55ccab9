package org.ftb.net;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.config.DataSettings;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.ssh.TunnelStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * FTP passive data connections the broker has announced in rewritten 227/229 replies. Each
 * announcement gets its own listener on the DATA address; the client may connect to it directly or
 * through SOCKS (to the rewritten address, to the control connection's host, or to the original
 * PASV address). Only the control connection's client may use it, only once, and only for a
 * while; then the data goes through a new tunnel to the control connection's server.
 */
final class DataConnections {
    /** How long an announced data port waits for the client. */
    static final Duration EXPIRY = Duration.ofSeconds(60);

    /** A data port announced to one control connection. */
    static final class Announcement {
        final int port;
        final String controlTag;
        final String clientIp;
        final Set<String> hosts;
        final String destination;
        final String rule;
        final String via;
        final Supplier<CompletableFuture<TunnelStream>> opener;
        /** Bytes of this control connection's data connections, both ways, counted as they end. */
        final java.util.concurrent.atomic.AtomicLong dataBytes;
        ServerSocketChannel listener;
        ScheduledFuture<?> expiry;

        Announcement(int port, String controlTag, String clientIp, Set<String> hosts, String destination, String rule, String via,
                     Supplier<CompletableFuture<TunnelStream>> opener, java.util.concurrent.atomic.AtomicLong dataBytes) {
            this.port = port;
            this.dataBytes = dataBytes;
            this.controlTag = controlTag;
            this.clientIp = clientIp;
            this.hosts = hosts;
            this.destination = destination;
            this.rule = rule;
            this.via = via;
            this.opener = opener;
        }
    }

    /** What an announcing control connection supplies. */
    record Request(String controlTag, String clientIp, Set<String> hosts, String destination, String rule, String via,
                   Supplier<CompletableFuture<TunnelStream>> opener, java.util.concurrent.atomic.AtomicLong dataBytes) {
    }

    private final DataSettings settings;
    private final SocksServer server;
    private final ScheduledExecutorService timer;
    private final MessageLog messages;
    private final Map<Integer, Announcement> byPort = new ConcurrentHashMap<>();

    DataConnections(DataSettings settings, SocksServer server, ScheduledExecutorService timer, MessageLog messages) {
        this.settings = settings;
        this.server = server;
        this.timer = timer;
        this.messages = messages;
    }

    /** The DATA address as bytes, for 227 replies. */
    byte[] address() {
        return IpAddress.parse(settings.listen()).orElseThrow();
    }

    /** Opens a listener for one data connection, on the caller's reactor thread; returns its port. */
    int announce(Request request, Reactor reactor) throws IOException {
        ServerSocketChannel listener = bind();
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Set<String> hosts = new java.util.HashSet<>(request.hosts());
        hosts.add(settings.listen());
        Announcement a = new Announcement(port, request.controlTag(), request.clientIp(), Set.copyOf(hosts), request.destination(),
                request.rule(), request.via(), request.opener(), request.dataBytes());
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
                if (!HostPort.canonicalHost(peer).equals(a.clientIp)) {
                    messages.log(Msg.FTB0231W, a.controlTag, port, peer);
                    ClientSession.close(channel, true);
                    return;
                }
                if (byPort.remove(port, a)) {
                    retire(a);
                    server.acceptData(channel, a, reactor);
                } else {
                    ClientSession.close(channel, true);
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
                messages.log(Msg.FTB0232W, a.controlTag, port, EXPIRY.toSeconds());
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
        if (a == null || !a.clientIp.equals(clientIp) || !a.hosts.contains(HostPort.canonicalHost(host)) || !byPort.remove(port, a)) {
            return Optional.empty();
        }
        retire(a);
        return Optional.of(a);
    }

    /** Ends every announcement of a control connection that has ended. */
    void forget(String controlTag) {
        byPort.values().removeIf(a -> {
            if (a.controlTag.equals(controlTag)) {
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
        ClientSession.closeQuietly(a.listener);
    }
}
