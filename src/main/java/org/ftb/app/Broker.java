package org.ftb.app;

import org.ftb.broker.Generation;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.config.ConfigPrinter;
import org.ftb.config.Diagnostic;
import org.ftb.console.BrokerDetails;
import org.ftb.rules.Rule;
import org.ftb.status.SshConnectionView;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.ftb.console.BrokerControl;
import org.ftb.jmx.Statistics;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.SocketOwners;
import org.ftb.net.Resolver;
import org.ftb.broker.SocksServer;
import org.ftb.ssh.SshTunnels;
import org.ftb.status.BrokerStatus;
import org.ftb.status.SessionView;
import org.ftb.status.TransferView;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The one place where the broker is put together: thread pools, the SOCKS server, audit. It starts in
 * that order and stops in reverse. The thread count is fixed by design, whatever the load.
 */
public final class Broker implements BrokerControl, BrokerDetails {
    /** Prefix of every thread the broker owns. */
    public static final String THREAD_PREFIX = "ftb-";
    private static final int WORKER_THREADS = 4;
    private static final int WORKER_QUEUE = 10_000;
    private static final Duration DRAIN_POLL = Duration.ofMillis(100);
    /** Statements whose resources are bound at the start (DATA ports, log files, the gateway), which RELOAD leaves alone. */
    private static final List<String> RESTART_ONLY = List.of("DATA", "LOG", "GATEWAY");
    /** How long a stop waits for the reactors and the audit writer to finish their queues. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** The configuration in force: the start's, then each valid RELOAD's. */
    private volatile BrokerConfig config;
    private final ConfigReader reader;
    private final String version;
    private final MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
    private final org.slf4j.Logger audit = LoggerFactory.getLogger(LogSetup.AUDIT_LOGGER);
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    /** Writes audit records, so that a slow log never holds up a selector thread. */
    private final ExecutorService auditWriter;
    private final SocksServer socks;
    private final SshTunnels tunnels;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger stopRequests = new AtomicInteger();
    /** Sessions a STOP ended with a reset: at its time limit, or at a second STOP. */
    private final AtomicInteger endedByStop = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set once the broker listens, so that its MBean is named by a listener as bound. */
    private volatile Statistics statistics;

    private Broker(BrokerConfig config, ConfigReader reader, Resolver resolver, String version) throws IOException {
        this.config = config;
        this.reader = reader;
        this.version = version;
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("timer"));
        this.workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WORKER_QUEUE), threads("worker"));
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        ThreadPoolExecutor audits = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                threads("audit"));
        audits.prestartCoreThread(); // one fixed thread from the start, whatever the load
        this.auditWriter = audits;
        int reactors = Math.max(1, Math.min(4, java.lang.Runtime.getRuntime().availableProcessors()));
        this.tunnels = new SshTunnels(config.sshHosts(), config.broker().connectTimeout(), timer);
        this.socks = new SocksServer(Generation.of(1, config.broker(), config.socks(), config.ruleSet(), config.sshHosts()), config.data(),
                new SocksServer.Services(threads("io"), reactors, timer, workers, resolver, tunnels,
                        SocketOwners.forThisSystem()), messages, this::audit, this::auditTransfer);
    }

    /**
     * Starts listening. Returns once every LISTEN address is bound.
     *
     * @throws SocksServer.ListenException when an address cannot be bound; nothing is left running
     */
    public static Broker start(BrokerConfig config, Resolver resolver, String version) throws IOException, SocksServer.ListenException {
        return start(config, null, resolver, version);
    }

    /**
     * Starts listening, with RELOAD reading the configuration through {@code reader}.
     *
     * @param reader reads the configuration source again; null when there is none, and RELOAD says so
     */
    public static Broker start(BrokerConfig config, ConfigReader reader, Resolver resolver, String version)
            throws IOException, SocksServer.ListenException {
        Broker broker = new Broker(config, reader, resolver, version);
        try {
            broker.socks.start();
        } catch (SocksServer.ListenException | IOException e) {
            broker.messages.log(Msg.FTB0006E, e instanceof SocksServer.ListenException l ? l.address() : "-", e.getMessage());
            broker.shutdownPools();
            throw e;
        }
        // Before the ready messages: the first use of the platform MBean server takes a moment, and what
        // waits for FTB0003I (the signal handlers of ftb broker come right after it) should not wait on it.
        broker.statistics = Statistics.publishBroker(broker::status, broker.messages);
        for (InetSocketAddress address : broker.socks.listenAddresses()) {
            broker.messages.log(Msg.FTB0002I, SocksServer.text(address));
        }
        broker.messages.log(Msg.FTB0003I, broker.socks.listenAddresses().size(), config.rules().size(), config.broker().maxSessions());
        return broker;
    }

    private static ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, THREAD_PREFIX + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private void audit(SessionView view) {
        auditWriter.execute(() -> audit.info(Msg.FTB0200I.format(AuditRecord.format(view))));
    }

    private void auditTransfer(TransferView view) {
        auditWriter.execute(() -> audit.info(Msg.FTB0251I.format(AuditRecord.format(view))));
    }

    public List<InetSocketAddress> listenAddresses() {
        return socks.listenAddresses();
    }

    public MessageLog messages() {
        return messages;
    }

    @Override
    public BrokerStatus status() {
        BrokerConfig now = config;
        return new BrokerStatus(version, stopRequests.get() > 0, Duration.ofNanos(System.nanoTime() - startNanos), now.source(),
                socks.generation().number(), socks.draining(),
                // A STOP closes the listeners at once, whatever the sessions still do.
                stopRequests.get() > 0 ? List.of() : socks.listenAddresses().stream().map(SocksServer::text).toList(),
                now.socks().versions().stream().sorted().map(v -> Integer.toString(v.code())).collect(Collectors.joining(" ")),
                now.socks().auth().name(), socks.activeSessions(), now.broker().maxSessions(), socks.preLoginSessions(),
                socks.heldUploadCount(), tunnels.connections(), socks.totals(), socks.endings(), socks.sessions());
    }

    @Override
    public boolean stop(String origin) {
        if (stopRequests.incrementAndGet() > 1) {
            endAll(Msg.FTB0008W, origin);
            return false;
        }
        socks.stopAccepting();
        Duration limit = config.broker().stopTimeout();
        messages.log(Msg.FTB0004I, origin, limit.toSeconds(), socks.activeSessions(), socks.heldUploadCount());
        long deadline = System.nanoTime() + limit.toNanos();
        timer.execute(() -> drain(deadline));
        return true;
    }

    @Override
    public void stopNow(String origin) {
        boolean first = stopRequests.incrementAndGet() == 1;
        if (first) {
            socks.stopAccepting();
        }
        endAll(Msg.FTB0017W, origin);
        if (first) {
            timer.execute(() -> drain(System.nanoTime()));
        }
    }

    /** Ends every session at once, with a reset, for a second STOP or STOP FORCE. */
    private void endAll(Msg msg, String origin) {
        int ended = socks.abortAll("STOPPED");
        endedByStop.addAndGet(ended);
        messages.log(msg, origin, ended);
        socks.releaseHeldUploads();
    }

    @Override
    public List<String> drain(boolean on, String origin) {
        if (stopRequests.get() > 0) {
            return List.of(Msg.FTB0319E.format(on ? "DRAIN" : "RESUME", "the broker is stopping"));
        }
        if (!socks.drain(on)) {
            return List.of(Msg.FTB0315I.format(on ? "the broker is draining already" : "the broker is not draining"));
        }
        return List.of(messages.answer(on ? Msg.FTB0313I : Msg.FTB0314I, origin, socks.activeSessions()));
    }

    @Override
    public List<String> cancel(long sessionId, String origin) {
        if (!socks.abort(sessionId, "CANCELLED")) {
            return List.of(Msg.FTB0317E.format("C" + sessionId));
        }
        return List.of(messages.answer(Msg.FTB0316I, origin, "C" + sessionId));
    }


    @Override
    public synchronized List<String> reload(String origin) {
        if (stopRequests.get() > 0) {
            return List.of(Msg.FTB0319E.format("RELOAD", "the broker is stopping"));
        }
        if (reader == null) {
            return List.of(Msg.FTB0319E.format("RELOAD", "this broker was started without a configuration source to read again"));
        }
        ConfigLoader.Result result = reader.read();
        List<String> lines = new ArrayList<>();
        List<Diagnostic> findings = result.diagnostics().all();
        if (result.config().isEmpty()) {
            lines.add(messages.answer(Msg.FTB0305E, origin, result.source(), result.returnCode()));
            findings.forEach(d -> report(d, lines));
            return lines;
        }
        BrokerConfig next = result.config().get();
        Generation generation = Generation.of(socks.generation().number() + 1, next.broker(), next.socks(), next.ruleSet(),
                next.sshHosts());
        Optional<SocksServer.ListenerChanges> reconfigured;
        try {
            reconfigured = socks.reconfigure(generation);
        } catch (SocksServer.ListenException e) {
            return List.of(messages.answer(Msg.FTB0312E, origin, e.address(), e.getMessage()));
        }
        if (reconfigured.isEmpty()) {
            return List.of(Msg.FTB0319E.format("RELOAD", "the broker is stopping"));
        }
        SocksServer.ListenerChanges changes = reconfigured.get();
        List<String> drained = tunnels.update(next.sshHosts(), next.broker().connectTimeout());
        List<String> atRestart = restartOnly(config, next);
        config = next;
        lines.add(messages.answer(Msg.FTB0304I, origin, next.source(), generation.number(), next.rules().size(), next.sshHosts().size(),
                socks.listenAddresses().size()));
        findings.forEach(d -> report(d, lines));
        changes.opened().forEach(a -> lines.add(messages.answer(Msg.FTB0306I, a)));
        changes.closed().forEach(a -> lines.add(messages.answer(Msg.FTB0307I, a)));
        drained.forEach(h -> lines.add(messages.answer(Msg.FTB0308I, h)));
        atRestart.forEach(s -> lines.add(messages.answer(Msg.FTB0309W, s)));
        return lines;
    }

    private void report(Diagnostic finding, List<String> lines) {
        messages.logFormatted(finding.msg(), finding.text());
        lines.add(finding.text());
    }

    /** The statements RELOAD does not put in place (their resources are bound at the start) that differ between the two. */
    private static List<String> restartOnly(BrokerConfig old, BrokerConfig next) {
        List<String> before = ConfigPrinter.print(old);
        List<String> after = ConfigPrinter.print(next);
        return RESTART_ONLY.stream().filter(statement -> !statements(before, statement).equals(statements(after, statement))).toList();
    }

    private static List<String> statements(List<String> printed, String statement) {
        return printed.stream().filter(line -> line.startsWith(statement + " ")).toList();
    }

    @Override
    public List<Rule> rules() {
        return config.rules();
    }

    @Override
    public Map<String, Long> ruleHits() {
        return socks.ruleHits();
    }

    @Override
    public List<SshConnectionView> sshConnections() {
        return tunnels.pooled();
    }

    @Override
    public String configSource() {
        return config.source();
    }

    @Override
    public List<String> effectiveConfiguration() {
        return ConfigPrinter.print(config);
    }

    @Override
    public List<String> trace(boolean on, OptionalLong sessionId, String origin) {
        String scope = sessionId.isPresent() ? "C" + sessionId.getAsLong() : "all sessions";
        if (!socks.trace(on, sessionId)) {
            return List.of(Msg.FTB0317E.format(scope));
        }
        return List.of(messages.answer(Msg.FTB0318I, on ? "ON" : "OFF", origin, scope));
    }

    /** Waits for the active sessions, and for held broken uploads to be ended by their servers, until the deadline. */
    private void drain(long deadline) {
        if (socks.activeSessions() + socks.heldUploadCount() > 0 && System.nanoTime() < deadline) {
            timer.schedule(() -> drain(deadline), DRAIN_POLL.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (socks.activeSessions() + socks.heldUploadCount() > 0) {
            messages.log(Msg.FTB0009W, socks.activeSessions(), socks.heldUploadCount());
            endedByStop.addAndGet(socks.abortAll("STOPPED"));
        }
        finish();
    }

    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        // The reactors end the sessions still queued (and so write their audit records) before they stop.
        socks.shutdown(STOP_WAIT);
        // Sessions ended by the stop may have left uploads held; the SSH connections close next.
        socks.releaseHeldUploads();
        auditWriter.shutdown();
        try {
            auditWriter.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (statistics != null) {
            statistics.close();
        }
        messages.log(Msg.FTB0005I, endedByStop.get());
        stopped.countDown();
        // The pools go last: this method itself runs on the timer thread.
        tunnels.close();
        workers.shutdown();
        timer.shutdown();
    }

    private void shutdownPools() {
        tunnels.close();
        workers.shutdownNow();
        auditWriter.shutdownNow();
        timer.shutdownNow();
    }

    /** Counted down when a stop has completed. */
    public CountDownLatch stoppedLatch() {
        return stopped;
    }

    /** Waits until a stop has completed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Waits up to {@code timeout}; true when stopped. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops at once (for tests and failed starts): every session is reset. */
    public void close() throws InterruptedException {
        stop("close");
        stop("close");
        awaitStopped(Duration.ofSeconds(10));
    }
}
