package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.config.BrokerSettings;
import org.ftb.config.DataSettings;
import org.ftb.ssh.SshTunnels;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.socks.SocksServerHandshake;
import org.ftb.socks.SocksVersion;
import org.ftb.net.Reactor;
import org.ftb.net.Resolver;
import org.ftb.net.SocketEndpoint;
import org.ftb.platform.SocketOwners;
import org.ftb.status.SessionView;
import org.ftb.status.Totals;
import org.ftb.status.TransferView;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
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

    private final Services services;
    private final MessageLog messages;
    private final Consumer<SessionView> audit;
    private final Consumer<TransferView> transferAudit;
    private final Counters counters = new Counters();
    private final DataListeners dataListeners;
    private final DataOwnership dataOwnership;
    private final HeldUploads heldUploads;
    private final Map<Long, Connection> sessions = new ConcurrentHashMap<>();
    /** Matches by rule name since the start, across RELOADs; "(none)" counts the connections no rule matched. */
    private final Map<String, LongAdder> ruleHits = new ConcurrentHashMap<>();
    /** How connections ended since the start, by result, for DISPLAY. */
    private final Map<String, LongAdder> endings = new ConcurrentHashMap<>();
    private volatile Generation generation;
    /** Connections open by the configuration they were accepted under: an older one's still has a say (see {@link #handshake}). */
    private final Map<Generation, AtomicInteger> live = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final Trace trace;
    private final LoginQueue loginQueue;
    /** Connections refused by {@link #loginsFullRefused} since it last logged, and when that was. */
    private int refusedSinceReport;
    private long lastRefusalReport;
    private final AtomicLong nextId = new AtomicLong();
    private final List<Reactor> reactors = new ArrayList<>();
    /** Made at the start, on the first reactor. */
    private volatile SocksListeners listeners;
    private ScheduledFuture<?> sweeper;

    /**
     * @param data DATA, which RELOAD does not change: its ports are bound while sessions use them. So is
     *             the number of held uploads, bounded by the MAXSESSIONS of the start.
     */
    public SocksServer(Generation generation, DataSettings data, Services services, MessageLog messages, Consumer<SessionView> audit,
                       Consumer<TransferView> transferAudit) {
        this.generation = generation;
        this.loginQueue = new LoginQueue(() -> this.generation.broker().maxPreLogin());
        this.dataListeners = new DataListeners(data, this, services.timer(), messages);
        this.dataOwnership = new DataOwnership(services.socketOwners());
        this.heldUploads = new HeldUploads(services.timer(), data.holdTimeout(), generation.broker().maxSessions(), messages);
        this.services = services;
        this.trace = new Trace(messages);
        this.messages = messages;
        this.audit = audit;
        this.transferAudit = transferAudit;
    }

    /** Binds every LISTEN address; on failure, releases everything and throws naming the address. */
    public void start() throws ListenException, IOException {
        for (int i = 0; i < services.reactorCount(); i++) {
            reactors.add(new Reactor(services.reactorThreads(), messages));
        }
        SocksListeners made = new SocksListeners(reactors.get(0), services.timer(), messages, this::onAccepted);
        try {
            made.start(generation.socks().listen());
        } catch (ListenException e) {
            reactors.forEach(Reactor::shutdown);
            throw e;
        }
        listeners = made;
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
        return listeners == null ? List.of() : listeners.addresses();
    }

    /**
     * Puts a reloaded configuration in place: new listeners are bound first, so that a LISTEN address
     * that cannot be bound leaves everything as it was; then connections accepted from now on live by
     * {@code next}, and listeners no longer named are closed. Connections already accepted keep theirs.
     *
     * @return what changed in the listeners, for the operator; empty when a STOP has closed the listeners
     *         meanwhile, and nothing changed
     * @throws ListenException naming the address that could not be bound; nothing changed
     */
    public Optional<ListenerChanges> reconfigure(Generation next) throws ListenException {
        return listeners.replace(next.socks().listen(), () -> generation = next);
    }

    /** Listeners a RELOAD opened and closed, as {@link #text} shows them. */
    public record ListenerChanges(List<String> opened, List<String> closed) {
    }

    /** The configuration connections accepted now live by. */
    public Generation generation() {
        return generation;
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
        Generation now = generation;
        int maxSessions = now.broker().maxSessions();
        if (active >= maxSessions + BUSY_ALLOWANCE) {
            counters.busy.incrementAndGet();
            messages.log(Msg.FTB0201W, "C" + id + " " + clientText, maxSessions);
            SocketEndpoint.closeNow(channel, false);
            return;
        }
        Reactor reactor = reactors.get((int) (id % reactors.size()));
        boolean overLimit = active >= maxSessions;
        Connection session = new Connection(this, now, handshake(now), reactor, id, channel, clientText, overLimit);
        sessions.put(id, session);
        counters.peak.accumulateAndGet(sessions.size(), Math::max);
        if (!overLimit) {
            LoginQueue.Admission admission = loginQueue.admit(session, System.nanoTime());
            Connection displaced = admission.displaced();
            if (displaced != null) {
                messages.log(Msg.FTB0212W, displaced.tag(), Duration.ofNanos(System.nanoTime() - displaced.startNanos()).toSeconds(),
                        now.broker().maxPreLogin());
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
            messages.log(Msg.FTB0213W, session.tag(), generation.broker().maxPreLogin(), refusedSinceReport);
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
        // Measured from the accept, by the limit of the configuration the connection was accepted under: a
        // client that trickles bytes to keep its idle clock young still runs out of time.
        for (Connection session : loginQueue.expired(now, c -> c.generation().broker().loginTimeout().toNanos())) {
            long seconds = session.generation().broker().loginTimeout().toSeconds();
            messages.log(Msg.FTB0211W, session.tag(), seconds);
            session.loginFailed("LOGIN_TIMEOUT", "Login not complete within " + seconds + " s");
        }
        for (Connection session : sessions.values()) {
            // Each by the limits of the configuration it was accepted under.
            BrokerSettings own = session.generation().broker();
            Connection.Phase phase = session.phase();
            if (phase == Connection.Phase.HANDSHAKE && now - session.startNanos() > own.handshakeTimeout().toNanos()) {
                messages.log(Msg.FTB0202W, "C" + session.id(), own.handshakeTimeout().toSeconds());
                session.abort("HANDSHAKE_TIMEOUT");
            } else if (phase == Connection.Phase.RELAY && !own.idleTimeout().isZero()
                    && now - session.lastActivityNanos() > own.idleTimeout().toNanos()) {
                messages.log(Msg.FTB0207I, "C" + session.id(), own.idleTimeout().toSeconds());
                session.abort("IDLE");
            }
        }
    }

    /**
     * The SOCKS handshake of a new connection: what {@code now} takes, and also what a configuration from
     * before a RELOAD took while it still has sessions, since their data connections come as new SOCKS
     * connections (with SOCKS 4, or without a SOCKS login, where the new configuration wants them no
     * more). Such a connection may only claim a data port; see {@link Connection#admittedByItsConfiguration}.
     */
    private SocksServerHandshake handshake(Generation now) {
        Set<SocksVersion> versions = EnumSet.copyOf(now.socks().versions());
        boolean passwordRequired = now.passwordRequired();
        for (Generation older : live.keySet()) {
            versions.addAll(older.socks().versions());
            passwordRequired &= older.passwordRequired();
        }
        return new SocksServerHandshake(versions, passwordRequired);
    }

    /** A connection was made under {@code g}; {@link #ended} counts it out. */
    void opened(Generation g) {
        live.computeIfAbsent(g, x -> new AtomicInteger()).incrementAndGet();
    }

    void ended(Connection session) {
        live.computeIfPresent(session.generation(), (g, count) -> count.decrementAndGet() == 0 ? null : count);
        loggedIn(session);
        trace.ended(session.id());
        if (sessions.remove(session.id()) != null) {
            SessionView view = session.view();
            endings.computeIfAbsent(view.result(), r -> new LongAdder()).increment();
            audit.accept(view);
        }
    }

    /** An FTP transfer has ended: it is counted and audited. */
    void transferEnded(TransferView transfer) {
        counters.transfers.incrementAndGet();
        transferAudit.accept(transfer);
    }

    /** Closes the listeners; connections already accepted carry on. */
    public void stopAccepting() {
        if (listeners != null) {
            listeners.close();
        }
    }

    /**
     * DRAIN (true) or RESUME (false): while draining, the listeners stay open but every new connection
     * is refused after its SOCKS request; data connections of the sessions under way still open.
     *
     * @return false when the broker was already in that state
     */
    public boolean drain(boolean on) {
        boolean was = draining;
        draining = on;
        return was != on;
    }

    public boolean draining() {
        return draining;
    }

    /**
     * TRACE ON or OFF, for every connection or for one.
     *
     * @return false when {@code sessionId} names no connection
     */
    public boolean trace(boolean on, OptionalLong sessionId) {
        if (sessionId.isEmpty()) {
            trace.all(on);
            return true;
        }
        if (!sessions.containsKey(sessionId.getAsLong())) {
            return false;
        }
        trace.session(sessionId.getAsLong(), on);
        return true;
    }

    Trace trace() {
        return trace;
    }

    /** A rule (or "(none)") decided a connection. */
    void hit(String ruleName) {
        ruleHits.computeIfAbsent(ruleName, r -> new LongAdder()).increment();
    }

    /** Connections each rule decided since the start, by rule name; "(none)" for those no rule matched. */
    public Map<String, Long> ruleHits() {
        Map<String, Long> hits = new TreeMap<>();
        ruleHits.forEach((name, count) -> hits.put(name, count.sum()));
        return hits;
    }

    /** How connections ended since the start, by result (OK, DENIED, CANCELLED...). */
    public Map<String, Long> endings() {
        Map<String, Long> counts = new TreeMap<>();
        endings.forEach((result, count) -> counts.put(result, count.sum()));
        return counts;
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

    // ---- for sessions ----

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
        Generation now = generation;
        Connection session = new Connection(this, now, handshake(now), reactor, id, channel,
                IpAddress.hostForPort(IpAddress.format(remote.getAddress().getAddress())) + ":" + remote.getPort(), false);
        sessions.put(id, session);
        counters.peak.accumulateAndGet(sessions.size(), Math::max);
        session.startData(announcement);
    }

    SshTunnels tunnels() {
        return services.tunnels();
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
