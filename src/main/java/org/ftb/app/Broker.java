package org.ftb.app;

import org.ftb.config.BrokerConfig;
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
public final class Broker implements BrokerControl {
    /** Prefix of every thread the broker owns. */
    public static final String THREAD_PREFIX = "ftb-";
    private static final int WORKER_THREADS = 4;
    private static final int WORKER_QUEUE = 10_000;
    private static final Duration DRAIN_POLL = Duration.ofMillis(100);
    /** How long a stop waits for the reactors and the audit writer to finish their queues. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final BrokerConfig config;
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

    private Broker(BrokerConfig config, Resolver resolver, String version) throws IOException {
        this.config = config;
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
        this.socks = new SocksServer(config.broker(), config.socks(), config.ruleSet(), config.sshHosts(), config.data(),
                new SocksServer.Services(threads("io"), reactors, timer, workers, resolver, tunnels,
                        SocketOwners.forThisSystem()), messages, this::audit);
    }

    /**
     * Starts listening. Returns once every LISTEN address is bound.
     *
     * @throws SocksServer.ListenException when an address cannot be bound; nothing is left running
     */
    public static Broker start(BrokerConfig config, Resolver resolver, String version) throws IOException, SocksServer.ListenException {
        Broker broker = new Broker(config, resolver, version);
        try {
            broker.tunnels.start();
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

    public List<InetSocketAddress> listenAddresses() {
        return socks.listenAddresses();
    }

    public MessageLog messages() {
        return messages;
    }

    @Override
    public BrokerStatus status() {
        return new BrokerStatus(version, stopRequests.get() > 0, Duration.ofNanos(System.nanoTime() - startNanos),
                socks.listenAddresses().stream().map(SocksServer::text).toList(),
                config.socks().versions().stream().sorted().map(v -> Integer.toString(v.code())).collect(Collectors.joining(" ")),
                config.socks().auth().name(), socks.activeSessions(), config.broker().maxSessions(), socks.preLoginSessions(),
                socks.heldUploadCount(), socks.totals(),
                socks.sessions());
    }

    @Override
    public boolean stop(String origin) {
        int request = stopRequests.incrementAndGet();
        if (request > 1) {
            int ended = socks.abortAll("STOPPED");
            endedByStop.addAndGet(ended);
            messages.log(Msg.FTB0008W, origin, ended);
            socks.releaseHeldUploads();
            return false;
        }
        socks.stopAccepting();
        Duration limit = config.broker().stopTimeout();
        messages.log(Msg.FTB0004I, origin, limit.toSeconds(), socks.activeSessions(), socks.heldUploadCount());
        long deadline = System.nanoTime() + limit.toNanos();
        timer.execute(() -> drain(deadline));
        return true;
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
