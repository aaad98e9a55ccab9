package org.ftb.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.ftb.config.SshHostSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens tunnels through the configured SSH hosts. Tunnels to the same SSH server with the same
 * credentials share one SSH connection, up to the host's MAXCHANNELS; a connection with no tunnel
 * left closes after a minute; a connection whose login failed is never reused.
 *
 * <p>No caller ever waits here. What can block — reading and decrypting the key file, and the SSH
 * server's name lookup, which MINA's {@code SshClient.connect} does on the calling thread — runs on
 * a thread of the SSH host's own, so a slow host delays only its own new connections; the pool's lock
 * covers map updates only. Every tunnel's future completes within twice CONNECTTIMEOUT (connect, then
 * login), even when the SSH server never answers a channel open or stalls mid-handshake.
 */
public final class SshTunnels implements AutoCloseable {
    /** How long an SSH connection with no tunnel stays open for the next one. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(60);

    private final Map<String, SshHostSettings> hosts = new LinkedHashMap<>();
    private final Map<String, ExecutorService> connectors = new HashMap<>();
    private final Map<String, List<KeyPair>> keys = new ConcurrentHashMap<>();
    private final ConnectionPool<PoolKey, ClientSession> pool =
            new ConnectionPool<>(IDLE_CLOSE, ClientSession::isOpen, session -> session.close(false));
    private final ScheduledExecutorService timer;
    private final Duration connectTimeout;
    private final HostConfigEntryResolver hostConfig;
    private final byte[] poolSecret = new byte[32];
    private volatile Map<String, SshClient> clients = Map.of();
    private final Object idleCheckLock = new Object();
    private ScheduledFuture<?> idleCheck;

    private record PoolKey(String sshHost, String address, String user, String credentialDigest) {
    }

    private record Target(String host, int port, String originHost, int originPort) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public SshTunnels(List<SshHostSettings> settings, Duration connectTimeout, ScheduledExecutorService timer) {
        this(settings, connectTimeout, timer, HostConfigEntryResolver.EMPTY);
    }

    /**
     * @param hostConfig MINA's first step of {@code SshClient.connect}, just before its name lookup;
     *                   tests make it slow to stand for a slow DNS answer
     */
    SshTunnels(List<SshHostSettings> settings, Duration connectTimeout, ScheduledExecutorService timer,
               HostConfigEntryResolver hostConfig) {
        this.timer = timer;
        this.connectTimeout = connectTimeout;
        this.hostConfig = hostConfig;
        new SecureRandom().nextBytes(poolSecret);
        for (SshHostSettings host : settings) {
            hosts.put(host.name(), host);
            connectors.put(host.name(), connector(host.name()));
        }
    }

    /** One thread per SSH host, there only while it connects: its key file and name lookup may be slow. */
    private static ExecutorService connector(String sshHost) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "ftb-ssh-" + sshHost);
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Starts one SSH client per SSH host: each has its own known-hosts check and cipher order. */
    public void start() {
        Map<String, SshClient> started = new HashMap<>();
        for (SshHostSettings host : hosts.values()) {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(new HostKeyCheck(host.knownHosts(), host.hostKeys()));
            client.setHostConfigEntryResolver(hostConfig);
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
            for (String name : host.ciphers()) {
                ciphers.add(BuiltinCiphers.fromFactoryName(name));
            }
            client.setCipherFactories(ciphers);
            CoreModuleProperties.TCP_NODELAY.set(client, true);
            CoreModuleProperties.NIO_WORKERS.set(client, 2);
            CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
            CoreModuleProperties.AUTH_TIMEOUT.set(client, connectTimeout);
            // Liveness comes from keepalives, not from traffic: an FTP control connection may idle for long.
            CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
            if (!host.keepalive().isZero()) {
                CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, host.keepalive());
                CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
            }
            client.start();
            started.put(host.name(), client);
        }
        clients = Map.copyOf(started);
    }

    /**
     * Opens a tunnel from {@code origin} (the client, for the SSH server's logs) to
     * {@code destination:port} as the SSH server sees it. Returns at once; the future fails with a
     * {@link TunnelFailure}, at the latest twice CONNECTTIMEOUT after this call.
     */
    public CompletableFuture<TunnelStream> open(String sshHost, Credentials credentials, String destination, int port,
                                                String originHost, int originPort) {
        SshHostSettings host = hosts.get(sshHost);
        if (host == null) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.OTHER, "no SSHHOST " + sshHost, null));
        }
        if (credentials instanceof Credentials.Password p && p.password().length == 0) {
            // SSH password authentication has no empty password (MINA refuses one): refuse it as a login, at once.
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.LOGIN_REFUSED,
                    "SSH login " + credentials.user() + "@" + sshHost + " refused: an empty password cannot log in over SSH", null));
        }
        String address = host.hostFor(destination);
        ConnectionPool.Lease<PoolKey, ClientSession> lease =
                pool.acquire(new PoolKey(host.name(), address, credentials.user(), digest(credentials)), host.maxChannels());
        if (lease.isNew()) {
            connect(lease.connection(), host, address, credentials);
        }
        return tunnel(host, lease.connection(), new Target(destination, port, originHost, originPort));
    }

    /** A data tunnel beside an open one, on the same SSH connection; never waits. */
    private CompletableFuture<TunnelStream> alongside(SshHostSettings host, ConnectionPool.Connection<PoolKey, ClientSession> connection,
                                                      Target target) {
        if (!pool.acquireAlongside(connection)) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.OTHER,
                    "the SSH connection via " + host.name() + " for " + target + " has closed", null));
        }
        return tunnel(host, connection, target);
    }

    /** A tunnel on {@code connection} once its login is done; its place there is given back exactly once. */
    private CompletableFuture<TunnelStream> tunnel(SshHostSettings host, ConnectionPool.Connection<PoolKey, ClientSession> connection,
                                                   Target target) {
        CompletableFuture<TunnelStream> result = new CompletableFuture<>();
        AtomicBoolean placed = new AtomicBoolean(true);
        Runnable release = () -> {
            if (placed.compareAndSet(true, false) && pool.release(connection, System.nanoTime())) {
                checkIdleWithin(IDLE_CLOSE.toNanos());
            }
        };
        result.whenComplete((stream, error) -> {
            if (error != null) {
                release.run();
            }
        });
        within(result, () -> connection.session.isDone()
                ? new TunnelFailure(TunnelFailure.Kind.DESTINATION_UNREACHABLE, "SSH host " + host.name() + " did not open the tunnel to "
                        + target + " within " + openBound().toSeconds() + " s", null)
                : new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE, "no SSH connection via " + host.name() + " within "
                        + openBound().toSeconds() + " s", null));
        connection.session.whenComplete((session, error) -> {
            if (error != null) {
                // Forgotten before anyone hears of the failure (the pool's own listener may run after this one).
                pool.discard(connection);
                result.completeExceptionally(error);
            } else {
                openChannel(host, connection, session, target, release, result);
            }
        });
        return result;
    }

    private void openChannel(SshHostSettings host, ConnectionPool.Connection<PoolKey, ClientSession> connection, ClientSession session,
                             Target target, Runnable release, CompletableFuture<TunnelStream> result) {
        ChannelDirectTcpip channel;
        OpenFuture opening;
        try {
            channel = session.createDirectTcpipChannel(new SshdSocketAddress(target.originHost(), target.originPort()),
                    new SshdSocketAddress(target.host(), target.port()));
            channel.setStreaming(StreamingChannel.Streaming.Async);
            channel.addChannelListener(DirectTcpipStream.eofListener());
            // A tunnel given up on (too late, or its session failed) must not open after all.
            result.whenComplete((stream, error) -> {
                if (error != null) {
                    channel.close(true);
                }
            });
            opening = channel.open();
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.OTHER,
                    "cannot open a channel on SSH host " + host.name() + ": " + e.getMessage(), e));
            return;
        }
        String description = "via " + host.name() + " (ssh " + session.getUsername() + "@" + session.getConnectAddress() + ", "
                + session.getNegotiatedKexParameter(KexProposalOption.C2SENC) + ")";
        opening.addListener(opened -> {
            if (opened.isOpened()) {
                result.complete(new DirectTcpipStream(channel, description, release,
                        (destination, port, originHost, originPort) -> alongside(host, connection,
                                new Target(destination, port, originHost, originPort))));
            } else {
                result.completeExceptionally(channelFailure(host, target, opened.getException()));
            }
        });
    }

    /** The TCP connect and the login may each take CONNECTTIMEOUT. */
    private Duration openBound() {
        return connectTimeout.multipliedBy(2);
    }

    /** Fails {@code future} with {@code late} unless it completes within {@link #openBound}. */
    private void within(CompletableFuture<?> future, Supplier<TunnelFailure> late) {
        try {
            ScheduledFuture<?> alarm = timer.schedule(() -> future.completeExceptionally(late.get()), openBound().toNanos(),
                    TimeUnit.NANOSECONDS);
            future.whenComplete((value, error) -> alarm.cancel(false));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.OTHER, "the broker is stopping", e));
        }
    }

    /** Makes sure idle connections are looked at within {@code delayNanos}; one check is pending at most. */
    private void checkIdleWithin(long delayNanos) {
        synchronized (idleCheckLock) {
            if (idleCheck != null) {
                return;
            }
            try {
                idleCheck = timer.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The broker is stopping: close() stops the SSH clients, and their connections with them.
            }
        }
    }

    private void checkIdle() {
        synchronized (idleCheckLock) {
            idleCheck = null;
        }
        long next = pool.closeIdle(System.nanoTime());
        if (next >= 0) {
            checkIdleWithin(next);
        }
    }

    /** Number of open SSH connections, for DISPLAY and tests. */
    public int connections() {
        return pool.size();
    }

    private String digest(Credentials credentials) {
        if (credentials instanceof Credentials.Password password) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(poolSecret, "HmacSHA256"));
                byte[] bytes = new String(password.password()).getBytes(StandardCharsets.UTF_8);
                byte[] out = mac.doFinal(bytes);
                Arrays.fill(bytes, (byte) 0);
                return java.util.HexFormat.of().formatHex(out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
            }
        }
        return "key";
    }

    /**
     * Makes {@code connection} on the SSH host's own thread and logs in; gives up after
     * {@link #openBound}. The password is taken now: the caller may wipe its array once a tunnel is open.
     */
    private void connect(ConnectionPool.Connection<PoolKey, ClientSession> connection, SshHostSettings host, String address,
                         Credentials credentials) {
        CompletableFuture<ClientSession> login = connection.session;
        String where = credentials.user() + "@" + address + ":" + host.port();
        String password = credentials instanceof Credentials.Password p ? new String(p.password()) : null;
        within(login, () -> new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE,
                "SSH host " + where + " did not complete the connection and login within " + openBound().toSeconds() + " s", null));
        login.thenAccept(session -> session.addCloseFutureListener(f -> pool.discard(connection)));
        try {
            connectors.get(host.name()).execute(() -> {
                if (!login.isDone()) {
                    dial(login, host, address, credentials.user(), password, where);
                }
            });
        } catch (RejectedExecutionException e) {
            login.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.OTHER, "the SSH tunnels are closed", e));
        }
    }

    /** Runs on the SSH host's thread: the key file and MINA's name lookup may block it. */
    private void dial(CompletableFuture<ClientSession> login, SshHostSettings host, String address, String user, String password,
                      String where) {
        List<KeyPair> identities;
        ConnectFuture connecting;
        try {
            identities = password == null ? keys(host) : List.of();
            connecting = clients.get(host.name()).connect(user, address, host.port());
        } catch (TunnelFailure e) {
            login.completeExceptionally(e);
            return;
        } catch (IOException | RuntimeException e) {
            login.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE,
                    "cannot reach SSH host " + address + ":" + host.port() + ": " + e.getMessage(), e));
            return;
        }
        connecting.addListener(connected -> {
            if (!connected.isConnected()) {
                Throwable cause = connected.getException();
                login.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE, "cannot reach SSH host "
                        + address + ":" + host.port() + ": " + (cause == null ? "no answer" : cause.getMessage()), cause));
                return;
            }
            ClientSession session = connected.getSession();
            login.whenComplete((done, error) -> {
                if (error != null) {
                    session.close(true);
                }
            });
            if (login.isDone()) {
                return;
            }
            AuthFuture auth;
            try {
                // Inside the try: MINA refuses an empty password with an exception, which must end this login at once.
                if (password != null) {
                    CoreModuleProperties.PREFERRED_AUTHS.set(session, "password,keyboard-interactive");
                    session.addPasswordIdentity(password);
                } else {
                    CoreModuleProperties.PREFERRED_AUTHS.set(session, "publickey");
                    identities.forEach(session::addPublicKeyIdentity);
                }
                auth = session.auth();
            } catch (IOException | RuntimeException e) {
                login.completeExceptionally(loginFailure(session, where, e));
                return;
            }
            auth.addListener(done -> {
                if (done.isSuccess()) {
                    login.complete(session);
                } else {
                    login.completeExceptionally(loginFailure(session, where, done.getException()));
                }
            });
        });
    }

    private static TunnelFailure loginFailure(ClientSession session, String where, Throwable cause) {
        String refusal = session.getAttribute(HostKeyCheck.REFUSAL);
        session.close(true);
        if (refusal != null) {
            return new TunnelFailure(TunnelFailure.Kind.HOST_KEY_REFUSED, "SSH host " + where + " refused: " + refusal, cause);
        }
        if (cause instanceof org.apache.sshd.common.SshException && session.isAuthenticated()) {
            return new TunnelFailure(TunnelFailure.Kind.OTHER, "SSH session " + where + " failed: " + cause.getMessage(), cause);
        }
        // No session id: the first key exchange never completed, so the server was never really reached.
        boolean kexFailed = session.getSessionId() == null;
        return new TunnelFailure(kexFailed ? TunnelFailure.Kind.SSH_UNREACHABLE : TunnelFailure.Kind.LOGIN_REFUSED,
                (kexFailed ? "SSH key exchange with " + where + " failed" : "SSH login " + where + " refused")
                        + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    /**
     * The SSH host's key pairs, loaded once; the passphrase file is read only here and never kept. Runs
     * on the host's own thread only, so one host's key is never loaded twice at a time.
     */
    private List<KeyPair> keys(SshHostSettings host) throws TunnelFailure {
        List<KeyPair> loaded = keys.get(host.name());
        if (loaded != null) {
            return loaded;
        }
        Path keyFile = host.key().orElseThrow(() -> new TunnelFailure(TunnelFailure.Kind.KEY_UNUSABLE,
                "SSHHOST " + host.name() + " has no KEY", null));
        try {
            FileKeyPairProvider provider = new FileKeyPairProvider(keyFile);
            if (host.passphrase().isPresent()) {
                List<String> lines = Files.readAllLines(host.passphrase().get(), StandardCharsets.UTF_8);
                provider.setPasswordFinder(FilePasswordProvider.of(lines.isEmpty() ? "" : lines.get(0)));
            }
            List<KeyPair> pairs = new ArrayList<>();
            provider.loadKeys(null).forEach(pairs::add);
            if (pairs.isEmpty()) {
                throw new IOException("no key found");
            }
            keys.put(host.name(), List.copyOf(pairs));
            return pairs;
        } catch (IOException | RuntimeException e) {
            // The message names the file, never the passphrase.
            throw new TunnelFailure(TunnelFailure.Kind.KEY_UNUSABLE, "cannot use KEY " + keyFile + " of SSHHOST " + host.name()
                    + ": " + e.getClass().getSimpleName() + (host.passphrase().isPresent() ? " (wrong passphrase?)" : ""), e);
        }
    }

    private static TunnelFailure channelFailure(SshHostSettings host, Target target, Throwable cause) {
        if (cause instanceof SshChannelOpenException open) {
            String reason = String.valueOf(open.getMessage());
            return switch (open.getReasonCode()) {
                case 1 -> new TunnelFailure(TunnelFailure.Kind.CHANNEL_PROHIBITED,
                        "SSH host " + host.name() + " does not allow a tunnel to " + target + ": " + reason, cause);
                case 2 -> new TunnelFailure(reason.toLowerCase().contains("refused") ? TunnelFailure.Kind.DESTINATION_REFUSED
                        : TunnelFailure.Kind.DESTINATION_UNREACHABLE,
                        "SSH host " + host.name() + " cannot connect to " + target + ": " + reason, cause);
                default -> new TunnelFailure(TunnelFailure.Kind.OTHER,
                        "SSH host " + host.name() + " refused a tunnel to " + target + " (reason " + open.getReasonCode() + "): " + reason, cause);
            };
        }
        return new TunnelFailure(TunnelFailure.Kind.OTHER, "tunnel to " + target + " via " + host.name() + " failed: "
                + (cause == null ? "closed" : cause.getMessage()), cause);
    }

    @Override
    public void close() {
        connectors.values().forEach(ExecutorService::shutdownNow);
        for (SshClient client : clients.values()) {
            client.stop();
        }
    }
}
