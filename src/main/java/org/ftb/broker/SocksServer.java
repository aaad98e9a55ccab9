package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.auth.UserDirectory;
import org.ftb.config.BrokerSettings;
import org.ftb.config.DataSettings;
import org.ftb.config.SocksAuth;
import org.ftb.config.SocksSettings;
import org.ftb.config.SshHostSettings;
import org.ftb.ssh.SshTunnels;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.Reactor;
import org.ftb.net.Resolver;
import org.ftb.net.SocketEndpoint;
import org.ftb.platform.SocketOwners;
import org.ftb.rules.RuleSet;
import org.ftb.status.SessionView;
import org.ftb.status.Totals;
import org.ftb.status.TransferView;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.ftb.ssh.TunnelFailure;

/**
 * The SOCKS listeners and the connections they accept. Sockets are served by a few reactors (one
 * selector thread each), whatever the number of connections; each connection stays on one reactor.
 */
public final class SocksServer {
    /** Connections accepted beyond MAXSESSIONS only to be told "busy"; past this they are closed at once. */
    static final int BUSY_ALLOWANCE = 64;
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(500);
    private static final Duration REFUSAL_REPORT = Duration.ofSeconds(10);

    /** The shared machinery a server runs on; the broker owns it and shuts it down. */
    public record Services(ThreadFactory reactorThreads, int reactorCount, ScheduledExecutorService timer,
                           ExecutorService workers, Resolver resolver, SshTunnels tunnels, SocketOwners socketOwners) {
    }

    private final BrokerSettings broker;
    private final SocksSettings settings;
    private final RuleSet rules;
    private final Services services;
    private final MessageLog messages;
    private final Consumer<SessionView> audit;
    private final Consumer<TransferView> transferAudit;
    private final Counters counters = new Counters();
    private final DataListeners dataListeners;
    private final DataOwnership dataOwnership;
    private final HeldUploads heldUploads;
    private final Map<String, SshHostSettings> sshHosts = new java.util.HashMap<>();
    private final Map<Long, Connection> sessions = new ConcurrentHashMap<>();
    private final LoginQueue loginQueue;
    /** Connections refused by {@link #loginsFullRefused} since it last logged, and when that was. */
    private int refusedSinceReport;
    private long lastRefusalReport;
    private final AtomicLong nextId = new AtomicLong();
    private final List<Reactor> reactors = new ArrayList<>();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> boundAddresses = new ArrayList<>();
    private final List<Acceptor> acceptors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean accepting;
    private ScheduledFuture<?> sweeper;

    public SocksServer(BrokerSettings broker, SocksSettings settings, RuleSet rules, List<SshHostSettings> sshHosts,
                       DataSettings data, Services services, MessageLog messages, Consumer<SessionView> audit,
                       Consumer<TransferView> transferAudit) {
        this.broker = broker;
        this.loginQueue = new LoginQueue(broker.maxPreLogin());
        this.dataListeners = new DataListeners(data, this, services.timer(), messages);
        this.dataOwnership = new DataOwnership(services.socketOwners(), settings.auth() == SocksAuth.USERPASS);
        this.heldUploads = new HeldUploads(services.timer(), data.holdTimeout(), broker.maxSessions(), messages);
        sshHosts.forEach(h -> this.sshHosts.put(h.name(), h));
        this.settings = settings;
        this.rules = rules;
        this.services = services;
        this.messages = messages;
        this.audit = audit;
        this.transferAudit = transferAudit;
    }

    /** Binds every LISTEN address; on failure, releases everything and throws naming the address. */
    public void start() throws ListenException, IOException {
        for (int i = 0; i < services.reactorCount(); i++) {
            reactors.add(new Reactor(services.reactorThreads(), messages));
        }
        for (HostPort address : settings.listen()) {
            try {
                ServerSocketChannel listener = ServerSocketChannel.open();
                listeners.add(listener);
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(InetAddress.getByAddress(IpAddress.parse(address.host()).orElseThrow()),
                        address.port()), 1024);
                boundAddresses.add((InetSocketAddress) listener.getLocalAddress());
            } catch (IOException e) {
                stopAccepting();
                reactors.forEach(Reactor::shutdown);
                throw new ListenException(address, e);
            }
        }
        accepting = true;
        Reactor acceptor = reactors.get(0);
        for (ServerSocketChannel listener : listeners) {
            acceptor.execute(() -> registerListener(acceptor, listener));
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

    /** A listener's address as every message and DISPLAY show it: {@code 127.0.0.1:1080}, {@code [::1]:1080}. */
    public static String text(InetSocketAddress address) {
        return IpAddress.hostForPort(IpAddress.format(address.getAddress().getAddress())) + ":" + address.getPort();
    }

    /** The addresses actually bound (with the real port when a test asked for port 0). */
    public List<InetSocketAddress> listenAddresses() {
        return List.copyOf(boundAddresses);
    }

    private void registerListener(Reactor acceptor, ServerSocketChannel listener) {
        try {
            Acceptor handler = new Acceptor(acceptor, listener, text((InetSocketAddress) listener.getLocalAddress()));
            acceptors.add(handler);
            handler.key = acceptor.register(listener, SelectionKey.OP_ACCEPT, handler);
        } catch (IOException e) {
            messages.log(Msg.FTB0010E, "listen on " + listenAddresses(), String.valueOf(e));
        }
    }

    /**
     * Accepts a listener's connections. A failing accept (out of file descriptors, a TCP/IP stack that
     * went away) is an action message, once, cleared when the listener has again taken every client
     * waiting; meanwhile it is tried once a second, since an accept that failed at once fails again at once.
     */
    private final class Acceptor implements Reactor.Handler {
        private static final long RETRY_MILLIS = 1000;
        private final Reactor reactor;
        private final ServerSocketChannel listener;
        private final String address;
        private SelectionKey key;
        private volatile boolean lost;

        Acceptor(Reactor reactor, ServerSocketChannel listener, String address) {
            this.reactor = reactor;
            this.listener = listener;
            this.address = address;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            SocketChannel channel;
            while (accepting && (channel = listener.accept()) != null) {
                onAccepted(channel);
            }
            // Cleared only when every waiting client was taken: one accept between failures is no recovery.
            if (lost && accepting) {
                lost = false;
                messages.log(Msg.FTB0014I, address);
            }
        }

        @Override
        public void failed(Exception cause) {
            if (!accepting || !key.isValid()) {
                return;
            }
            if (!lost) {
                lost = true;
                messages.log(Msg.FTB0013A, address, String.valueOf(cause));
            }
            key.interestOps(0);
            try {
                services.timer().schedule(() -> reactor.execute(() -> {
                    if (accepting && key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                }), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The broker is stopping: there is nothing left to accept for.
            }
        }
    }

    private void onAccepted(SocketChannel channel) {
        counters.accepted.incrementAndGet();
        String clientText;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            // Urgent data stays in the stream: ftplib and others send "ABOR\r\n" with MSG_OOB, and its last byte must not be lost.
            channel.socket().setOOBInline(true);
            InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
            clientText = IpAddress.hostForPort(IpAddress.format(remote.getAddress().getAddress())) + ":" + remote.getPort();
        } catch (IOException e) {
            SocketEndpoint.closeNow(channel, false);
            return;
        }
        int active = sessions.size();
        long id = nextId.incrementAndGet();
        if (active >= broker.maxSessions() + BUSY_ALLOWANCE) {
            counters.busy.incrementAndGet();
            messages.log(Msg.FTB0201W, "C" + id + " " + clientText, broker.maxSessions());
            SocketEndpoint.closeNow(channel, false);
            return;
        }
        Reactor reactor = reactors.get((int) (id % reactors.size()));
        boolean overLimit = active >= broker.maxSessions();
        Connection session = new Connection(this, reactor, id, channel, clientText, overLimit);
        sessions.put(id, session);
        counters.peak.accumulateAndGet(sessions.size(), Math::max);
        if (!overLimit) {
            LoginQueue.Admission admission = loginQueue.admit(session, System.nanoTime());
            Connection displaced = admission.displaced();
            if (displaced != null) {
                messages.log(Msg.FTB0212W, displaced.tag(), Duration.ofNanos(System.nanoTime() - displaced.startNanos()).toSeconds(),
                        broker.maxPreLogin());
                counters.busy.incrementAndGet();
                // A reset, not a 421 and a wait for the client to close: the place must be free at once.
                displaced.abort("PRELOGIN_LIMIT");
            }
            if (!admission.admitted()) {
                loginsFullRefused(session);
                counters.busy.incrementAndGet();
                sessions.remove(id);
                SocketEndpoint.closeNow(channel, false);
                return;
            }
        }
        reactor.execute(session::start);
    }

    /** Said once, then at most every {@link #REFUSAL_REPORT}, with how many since: a flood must not flood the log too. */
    private synchronized void loginsFullRefused(Connection session) {
        refusedSinceReport++;
        long now = System.nanoTime();
        if (lastRefusalReport == 0 || now - lastRefusalReport >= REFUSAL_REPORT.toNanos()) {
            messages.log(Msg.FTB0213W, session.tag(), broker.maxPreLogin(), refusedSinceReport);
            refusedSinceReport = 0;
            lastRefusalReport = now;
        }
    }

    /** The broker starts or ends work on a connection's login (see {@link LoginQueue}). */
    void loginUnderway(Connection session, boolean working) {
        loginQueue.underway(session, working, System.nanoTime());
    }

    /** The connection logged in (or needs no login): it no longer counts against MAXPRELOGIN. */
    void loggedIn(Connection session) {
        loginQueue.done(session);
    }

    /** Connections not yet logged in, for DISPLAY. */
    public int preLoginSessions() {
        return loginQueue.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        long loginLimit = broker.loginTimeout().toNanos();
        // Measured from the accept: a client that trickles bytes to keep its idle clock young still runs out of time.
        for (Connection session : loginQueue.expired(now, loginLimit)) {
            messages.log(Msg.FTB0211W, session.tag(), broker.loginTimeout().toSeconds());
            session.loginFailed("LOGIN_TIMEOUT", "Login not complete within " + broker.loginTimeout().toSeconds() + " s");
        }
        long handshakeLimit = broker.handshakeTimeout().toNanos();
        long idleLimit = broker.idleTimeout().toNanos();
        for (Connection session : sessions.values()) {
            Connection.Phase phase = session.phase();
            if (phase == Connection.Phase.HANDSHAKE && now - session.startNanos() > handshakeLimit) {
                messages.log(Msg.FTB0202W, "C" + session.id(), broker.handshakeTimeout().toSeconds());
                session.abort("HANDSHAKE_TIMEOUT");
            } else if (phase == Connection.Phase.RELAY && idleLimit > 0 && now - session.lastActivityNanos() > idleLimit) {
                messages.log(Msg.FTB0207I, "C" + session.id(), broker.idleTimeout().toSeconds());
                session.abort("IDLE");
            }
        }
    }

    void ended(Connection session) {
        loggedIn(session);
        if (sessions.remove(session.id()) != null) {
            audit.accept(session.view());
        }
    }

    /** An FTP transfer has ended: it is counted and audited. */
    void transferEnded(TransferView transfer) {
        counters.transfers.incrementAndGet();
        transferAudit.accept(transfer);
    }

    /** Closes the listeners; connections already accepted carry on. */
    public void stopAccepting() {
        accepting = false;
        // A lost listener's action message would otherwise stay on the console for a listener that is gone.
        acceptors.stream().filter(a -> a.lost).forEach(a -> messages.log(Msg.FTB0021I, a.address));
        for (ServerSocketChannel listener : listeners) {
            if (reactors.isEmpty()) {
                closeQuietly(listener);
            } else {
                reactors.get(0).closeNow(listener);
            }
        }
    }

    /**
     * Ends one connection at once, with a reset, as {@link #abortAll} does: its client sees a failure,
     * never a clean end, and its audit records (the session's and those of transfers under way) say
     * {@code outcome}. An FTP session's data connections are reset with it.
     *
     * @param sessionId the connection's id, as in {@code C17}
     * @return false when no connection has that id (it never existed, or it has ended)
     */
    public boolean abort(long sessionId, String outcome) {
        Connection session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        session.abort(outcome);
        return true;
    }

    /** Ends every connection at once, with a reset; returns how many there were. */
    public int abortAll(String outcome) {
        List<Connection> all = new ArrayList<>(sessions.values());
        all.forEach(s -> s.abort(outcome));
        return all.size();
    }

    /** Stops the reactors (after the work already queued on them) and the sweeper, waiting up to {@code wait}. */
    public void shutdown(Duration wait) {
        stopAccepting();
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        reactors.forEach(Reactor::shutdown);
        long deadline = System.nanoTime() + wait.toNanos();
        for (Reactor reactor : reactors) {
            reactor.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    public int activeSessions() {
        return sessions.size();
    }

    public List<SessionView> sessions() {
        return sessions.values().stream().map(Connection::view).sorted(Comparator.comparingLong(SessionView::id)).toList();
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

    HeldUploads heldUploads() {
        return heldUploads;
    }

    /** Broken uploads whose data channel is held now (see {@link HeldUploads}); STOP waits for them too. */
    public int heldUploadCount() {
        return heldUploads.count();
    }

    /** Closes every held upload channel now, at the end of a STOP. */
    public void releaseHeldUploads() {
        heldUploads.releaseAll("by the stop");
    }

    RuleSet rules() {
        return rules;
    }

    DataListeners dataListeners() {
        return dataListeners;
    }

    DataOwnership dataOwnership() {
        return dataOwnership;
    }

    /** A connection accepted on an announced DATA port, straight to the broker (not through SOCKS), to be checked. */
    void acceptData(SocketChannel channel, DataListeners.Announcement announcement, Reactor reactor) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        long id = nextId.incrementAndGet();
        counters.accepted.incrementAndGet();
        Connection session = new Connection(this, reactor, id, channel,
                IpAddress.hostForPort(IpAddress.format(remote.getAddress().getAddress())) + ":" + remote.getPort(), false);
        sessions.put(id, session);
        counters.peak.accumulateAndGet(sessions.size(), Math::max);
        session.startData(announcement);
    }

    SshTunnels tunnels() {
        return services.tunnels();
    }

    /** True when the SSH host is the destination itself (HOST(*) or the same host), so no leg runs in clear text. */
    boolean sshHostIsDestination(String sshHost, String destination) {
        return sshHosts.get(sshHost).host().map(h -> h.equals(destination)).orElse(true);
    }

    /** The SSH user of an SSH host's AUTH(KEY) tunnels; the configuration guarantees one. */
    String sshUser(String sshHost) {
        return sshHosts.get(sshHost).user().orElseThrow();
    }

    /**
     * Runs {@code work}, which may block (DNS, key files, starting an SSH login), on the worker pool;
     * a full queue fails the future at once instead of waiting.
     */
    <T> CompletableFuture<T> onWorker(Supplier<CompletableFuture<T>> work) {
        try {
            return CompletableFuture.supplyAsync(work, services.workers()).thenCompose(f -> f);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.OTHER, "the broker's worker queue is full", e));
        }
    }

    private static void closeQuietly(ServerSocketChannel listener) {
        try {
            listener.close();
        } catch (IOException e) {
            // closing is best effort
        }
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
}
