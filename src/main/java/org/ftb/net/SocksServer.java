package org.ftb.net;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.auth.UserDirectory;
import org.ftb.config.BrokerSettings;
import org.ftb.config.SocksAuth;
import org.ftb.config.SocksSettings;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.rules.RuleSet;
import org.ftb.status.SessionView;
import org.ftb.status.Totals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The SOCKS listeners and the connections they accept. All socket I/O runs on one asynchronous
 * channel group with a fixed, small number of threads, whatever the number of connections.
 */
public final class SocksServer {
    /** Connections accepted beyond MAXSESSIONS only to be told "busy"; past this they are closed at once. */
    static final int BUSY_ALLOWANCE = 64;
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(500);

    /** The shared machinery a server runs on; the broker owns and shuts it down. */
    public record Services(AsynchronousChannelGroup group, ScheduledExecutorService timer, ExecutorService workers,
                          Resolver resolver) {
    }

    private final BrokerSettings broker;
    private final SocksSettings settings;
    private final RuleSet rules;
    private final Services services;
    private final MessageLog messages;
    private final Consumer<SessionView> audit;
    private final Counters counters = new Counters();
    private final Map<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final List<AsynchronousServerSocketChannel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> boundAddresses = new ArrayList<>();
    private volatile boolean accepting;
    private ScheduledFuture<?> sweeper;

    public SocksServer(BrokerSettings broker, SocksSettings settings, RuleSet rules, Services services,
                       MessageLog messages, Consumer<SessionView> audit) {
        this.broker = broker;
        this.settings = settings;
        this.rules = rules;
        this.services = services;
        this.messages = messages;
        this.audit = audit;
    }

    /** Binds every LISTEN address; on failure, closes what was bound and throws naming the address. */
    public void start() throws ListenException {
        for (HostPort address : settings.listen()) {
            InetSocketAddress socketAddress;
            try {
                socketAddress = new InetSocketAddress(InetAddress.getByAddress(IpAddress.parse(address.host()).orElseThrow()), address.port());
                AsynchronousServerSocketChannel listener = AsynchronousServerSocketChannel.open(services.group());
                listeners.add(listener);
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(socketAddress, 1024);
                boundAddresses.add((InetSocketAddress) listener.getLocalAddress());
            } catch (IOException e) {
                stopAccepting();
                throw new ListenException(address, e);
            }
        }
        accepting = true;
        for (AsynchronousServerSocketChannel listener : listeners) {
            accept(listener);
        }
        sweeper = services.timer().scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL.toMillis(), SWEEP_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A LISTEN address that could not be bound. */
    public static final class ListenException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient HostPort address;

        ListenException(HostPort address, IOException cause) {
            super(cause.getMessage(), cause);
            this.address = address;
        }

        public HostPort address() {
            return address;
        }
    }

    /** The addresses actually bound (with the real port when LISTEN asked for port 0 in tests). */
    public List<InetSocketAddress> listenAddresses() {
        return List.copyOf(boundAddresses);
    }

    private void accept(AsynchronousServerSocketChannel listener) {
        listener.accept(null, Completion.of(channel -> {
            accept(listener);
            onAccepted(channel);
        }, cause -> {
            if (cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException || !accepting) {
                return;
            }
            // Out of file descriptors and the like: say so and try again shortly, never spin.
            messages.log(Msg.FTB0010E, "accept on " + listenAddresses(), String.valueOf(cause));
            services.timer().schedule(() -> accept(listener), 100, TimeUnit.MILLISECONDS);
        }));
    }

    private void onAccepted(AsynchronousSocketChannel channel) {
        counters.accepted.incrementAndGet();
        String clientText;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
            clientText = IpAddress.hostForPort(IpAddress.format(remote.getAddress().getAddress())) + ":" + remote.getPort();
        } catch (IOException e) {
            ClientSession.closeQuietly(channel);
            return;
        }
        if (!accepting) {
            ClientSession.closeQuietly(channel);
            return;
        }
        int active = sessions.size();
        long id = nextId.incrementAndGet();
        if (active >= broker.maxSessions() + BUSY_ALLOWANCE) {
            counters.busy.incrementAndGet();
            messages.log(Msg.FTB0201W, "C" + id + " " + clientText, broker.maxSessions());
            ClientSession.closeQuietly(channel);
            return;
        }
        ClientSession session = new ClientSession(this, id, channel, clientText, active >= broker.maxSessions());
        sessions.put(id, session);
        counters.peak.accumulateAndGet(sessions.size(), Math::max);
        session.start();
    }

    private void sweep() {
        long now = System.nanoTime();
        long handshakeLimit = broker.handshakeTimeout().toNanos();
        long idleLimit = broker.idleTimeout().toNanos();
        for (ClientSession session : sessions.values()) {
            ClientSession.Phase phase = session.phase();
            if (phase == ClientSession.Phase.HANDSHAKE && now - session.startNanos() > handshakeLimit) {
                messages.log(Msg.FTB0202W, "C" + session.id(), broker.handshakeTimeout().toSeconds());
                session.abort("HANDSHAKE_TIMEOUT");
            } else if (phase == ClientSession.Phase.RELAY && idleLimit > 0 && now - session.lastActivityNanos() > idleLimit) {
                messages.log(Msg.FTB0207I, "C" + session.id(), broker.idleTimeout().toSeconds());
                session.abort("IDLE");
            }
        }
    }

    void ended(ClientSession session) {
        if (sessions.remove(session.id()) != null) {
            SessionView view = session.view();
            audit.accept(view);
        }
    }

    /** Closes the listeners; connections already accepted carry on. */
    public void stopAccepting() {
        accepting = false;
        for (AsynchronousServerSocketChannel listener : listeners) {
            try {
                listener.close();
            } catch (IOException e) {
                // the listener is gone either way
            }
        }
        if (sweeper != null && sessions.isEmpty()) {
            sweeper.cancel(false);
        }
    }

    /** Ends every connection at once, with a reset; returns how many there were. */
    public int abortAll(String outcome) {
        List<ClientSession> all = new ArrayList<>(sessions.values());
        all.forEach(s -> s.abort(outcome));
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        return all.size();
    }

    public int activeSessions() {
        return sessions.size();
    }

    public List<SessionView> sessions() {
        return sessions.values().stream().map(ClientSession::view).sorted(Comparator.comparingLong(SessionView::id)).toList();
    }

    public Totals totals() {
        return counters.snapshot();
    }

    public SocksSettings settings() {
        return settings;
    }

    // ---- for sessions ----

    boolean passwordRequired() {
        return settings.auth() == SocksAuth.USERPASS;
    }

    UserDirectory users() {
        return settings.users().orElseThrow(() -> new IllegalStateException("AUTH(USERPASS) without a loaded USERS file"));
    }

    int maxSessions() {
        return broker.maxSessions();
    }

    Duration connectTimeout() {
        return broker.connectTimeout();
    }

    RuleSet rules() {
        return rules;
    }

    Resolver resolver() {
        return services.resolver();
    }

    ExecutorService workers() {
        return services.workers();
    }

    ScheduledExecutorService timer() {
        return services.timer();
    }

    MessageLog messages() {
        return messages;
    }

    Counters counters() {
        return counters;
    }

    AsynchronousSocketChannel openChannel() throws IOException {
        AsynchronousSocketChannel channel = AsynchronousSocketChannel.open(services.group());
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        return channel;
    }
}
