package org.ftb.ssh;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.future.GlobalRequestFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.ftb.address.IpAddress;
import org.ftb.config.SshHostSettings;
import org.ftb.status.SshConnectionView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens tunnels through the configured SSH hosts. Tunnels to the same SSH server with the same
 * credentials share one SSH connection, up to the host's MAXCHANNELS; a connection with no tunnel
 * left closes after a minute; a connection whose login failed is never reused. This class keeps the
 * pool and opens the direct-tcpip channels; {@link SshLogins} dials and logs in.
 *
 * <p>No caller ever waits here: what can block runs on a thread of the SSH host's own (see
 * {@link SshLogins}), and the pool's lock covers map updates only. Every tunnel's future completes
 * within the {@link OpenBound}, twice CONNECTTIMEOUT (connect, then login), even when the SSH server
 * never answers a channel open or stalls mid-handshake.
 */
public final class SshTunnels implements AutoCloseable {
    /** How long an SSH connection with no tunnel stays open for the next one. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(60);

    private final ConnectionPool<PoolKey, ClientSession> pool =
            new ConnectionPool<>(IDLE_CLOSE, ClientSession::isOpen, session -> session.close(false));
    private final ScheduledExecutorService timer;
    private final SshLogins logins;
    private final byte[] poolSecret = new byte[32];
    /** The channels' receive windows share a quarter of the heap. */
    private final WindowBudget windows = new WindowBudget(Runtime.getRuntime().maxMemory() / 4);
    private final Object idleCheckLock = new Object();
    private ScheduledFuture<?> idleCheck;
    /**
     * Held while a connection is taken from the pool (and its client made) and while unused clients are
     * stopped: a client is never stopped between the two steps of a new connection.
     */
    private final Object clientLock = new Object();
    /** The clients of the configuration in force; others stop when their last connection has closed. */
    private volatile Set<SshLogins.Client> current;

    /**
     * The SSH host as configured and the client's CONNECTTIMEOUT, not only the host's name: a RELOAD that
     * changes either never hands a new session a connection made under the old.
     */
    private record PoolKey(SshLogins.Client client, String address, String user, String credentialDigest) {
    }

    private record Target(String host, int port, String originHost, int originPort) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** @param settings the SSH hosts of the configuration the broker starts with, and its CONNECTTIMEOUT */
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
        new SecureRandom().nextBytes(poolSecret);
        this.current = clients(settings, connectTimeout);
        this.logins = new SshLogins(hostConfig);
    }

    private static Set<SshLogins.Client> clients(List<SshHostSettings> hosts, Duration connectTimeout) {
        return hosts.stream().map(h -> new SshLogins.Client(h, connectTimeout)).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Puts RELOAD's SSH hosts in place; each session goes on opening its tunnels as its own configuration
     * says (see {@link #open}). An SSH host whose statement is unchanged keeps its connections (its key
     * file is read again at the next login); the connections of one changed or removed take no new
     * session and close as their last tunnel ends, and then its client stops.
     *
     * @return the names of the SSH hosts changed or removed, whose connections now drain
     */
    public List<String> update(List<SshHostSettings> next, Duration connectTimeout) {
        Set<SshHostSettings> kept = Set.copyOf(next);
        List<String> gone = current.stream().map(SshLogins.Client::host).filter(h -> !kept.contains(h)).map(SshHostSettings::name)
                .sorted().toList();
        current = clients(next, connectTimeout);
        logins.forgetKeys();
        pool.retire(key -> !kept.contains(key.client().host()));
        stopUnused();
        return gone;
    }

    /** Stops the clients that are not the configuration's and have no connection left. */
    private void stopUnused() {
        synchronized (clientLock) {
            Set<SshLogins.Client> inForce = current;
            for (SshLogins.Client client : logins.clients()) {
                if (!inForce.contains(client) && pool.count(key -> key.client().equals(client)) == 0) {
                    logins.retire(client);
                }
            }
        }
    }

    /**
     * Opens a tunnel from {@code origin} (the client, for the SSH server's logs) to
     * {@code destination:port} as the SSH server sees it, through {@code host} as the session's
     * configuration has it. Returns at once; the future fails with a {@link TunnelFailure}, at the
     * latest twice {@code connectTimeout} after this call.
     */
    public CompletableFuture<TunnelStream> open(SshHostSettings host, Duration connectTimeout, Credentials credentials, String destination,
                                                int port, String originHost, int originPort) {
        if (credentials instanceof Credentials.Password p && p.password().length == 0) {
            // SSH password authentication has no empty password (MINA refuses one): refuse it as a login, at once.
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.LOGIN_REFUSED,
                    "SSH login " + credentials.user() + "@" + host.name() + " refused: an empty password cannot log in over SSH", null));
        }
        String address = host.hostFor(destination);
        SshLogins.Client client = new SshLogins.Client(host, connectTimeout);
        OpenBound bound = new OpenBound(timer, connectTimeout);
        ConnectionPool.Lease<PoolKey, ClientSession> lease;
        synchronized (clientLock) {
            lease = pool.acquire(new PoolKey(client, address, credentials.user(), digest(credentials)), host.maxChannels());
            if (lease.isNew()) {
                logins.login(lease.connection().session, client, bound, address, credentials);
            }
        }
        if (lease.isNew()) {
            ConnectionPool.Connection<PoolKey, ClientSession> fresh = lease.connection();
            // A session that closes later (the server gone, keepalives unanswered) must not be handed out again.
            fresh.session.thenAccept(session -> session.addCloseFutureListener(f -> {
                pool.discard(fresh);
                stopUnused();
            }));
        }
        return tunnel(host, bound, lease.connection(), new Target(destination, port, originHost, originPort));
    }

    /** A data tunnel beside an open one, on the same SSH connection; never waits. */
    private CompletableFuture<TunnelStream> alongside(SshHostSettings host, OpenBound bound,
                                                      ConnectionPool.Connection<PoolKey, ClientSession> connection, Target target) {
        if (!pool.acquireAlongside(connection)) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.OTHER,
                    "the SSH connection via " + host.name() + " for " + target + " has closed", null));
        }
        return tunnel(host, bound, connection, target);
    }

    /** A tunnel on {@code connection} once its login is done; its place there is given back exactly once. */
    private CompletableFuture<TunnelStream> tunnel(SshHostSettings host, OpenBound bound,
                                                   ConnectionPool.Connection<PoolKey, ClientSession> connection, Target target) {
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
        // An open not answered halfway through the bound: is the SSH connection itself still there? One
        // that went silent (a hung server, a route that drops its packets) would otherwise take every new
        // tunnel, each failing at the bound, until its keepalives give it up, minutes later.
        AtomicReference<GlobalRequestFuture> alive = new AtomicReference<>();
        bound.halfway(result, () -> connection.session.thenAccept(session -> alive.set(askAlive(session))));
        bound.within(result, () -> {
            if (!connection.session.isDone()) {
                return new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE, "no SSH connection via " + host.name() + " within "
                        + bound.seconds() + " s", null);
            }
            GlobalRequestFuture asked = alive.get();
            String late = "SSH host " + host.name() + " did not open the tunnel to " + target + " within " + bound.seconds() + " s";
            if (asked != null && !asked.isDone() && !result.isDone()) {
                // Retired before this tunnel's place is given back, so that the connection closes with its last tunnel.
                pool.retire(connection);
                return new TunnelFailure(TunnelFailure.Kind.DESTINATION_UNREACHABLE, late
                        + ", nor answered a keepalive on its SSH connection: new tunnels go on another connection", null);
            }
            return new TunnelFailure(TunnelFailure.Kind.DESTINATION_UNREACHABLE, late, null);
        });
        connection.session.whenComplete((session, error) -> {
            if (error != null) {
                // Forgotten before anyone hears of the failure (the pool's own listener may run after this one).
                pool.discard(connection);
                stopUnused();
                result.completeExceptionally(error);
            } else {
                openChannel(host, bound, connection, session, target, release, result);
            }
        });
        return result;
    }

    private void openChannel(SshHostSettings host, OpenBound bound, ConnectionPool.Connection<PoolKey, ClientSession> connection,
                             ClientSession session, Target target, Runnable release, CompletableFuture<TunnelStream> result) {
        ChannelDirectTcpip channel = null;
        OpenFuture opening;
        try {
            channel = new DirectTcpipStream.DirectChannel(new SshdSocketAddress(target.originHost(), target.originPort()),
                    new SshdSocketAddress(target.host(), target.port()));
            long window = windows.take();
            // A channel's close, whatever ends it, gives its window back.
            channel.addCloseFutureListener(closed -> windows.give(window));
            CoreModuleProperties.WINDOW_SIZE.set(channel, window);
            session.getService(ConnectionService.class).registerChannel(channel);
            channel.setStreaming(StreamingChannel.Streaming.Async);
            channel.addChannelListener(DirectTcpipStream.eofListener());
            // A tunnel given up on (too late, or its session failed) must not open after all.
            ChannelDirectTcpip opened = channel;
            result.whenComplete((stream, error) -> {
                if (error != null) {
                    opened.close(true);
                }
            });
            opening = channel.open();
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(true);
            }
            result.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.OTHER,
                    "cannot open a channel on SSH host " + host.name() + ": " + e.getMessage(), e));
            return;
        }
        ChannelDirectTcpip made = channel;
        String description = "via " + host.name() + " (ssh " + session.getUsername() + "@" + text(session.getConnectAddress()) + ", "
                + session.getNegotiatedKexParameter(KexProposalOption.C2SENC) + ")";
        opening.addListener(opened -> {
            if (opened.isOpened()) {
                result.complete(new DirectTcpipStream(made, description, release,
                        (destination, port, originHost, originPort) -> alongside(host, bound, connection,
                                new Target(destination, port, originHost, originPort))));
            } else {
                result.completeExceptionally(channelFailure(host, target, opened.getException()));
            }
        });
    }

    /** The global request that asks an SSH server for a sign of life; OpenSSH and MINA both answer it. */
    private static final String ALIVE_REQUEST = "keepalive@openssh.com";

    /** Sends {@link #ALIVE_REQUEST}, wanting a reply: the future is done when any reply comes. Null if it cannot be sent. */
    private static GlobalRequestFuture askAlive(ClientSession session) {
        try {
            Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, ALIVE_REQUEST.length() + Byte.SIZE);
            buffer.putString(ALIVE_REQUEST);
            buffer.putBoolean(true);
            return session.request(buffer, ALIVE_REQUEST, null);
        } catch (IOException | RuntimeException e) {
            return null; // a closed session: its close listener takes it out of the pool
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

    /** An SSH server as messages and DISPLAY show it: {@code address:port}, {@code [IPv6]:port}. */
    private static String text(java.net.SocketAddress address) {
        return address instanceof java.net.InetSocketAddress inet ? IpAddress.hostForPort(inet.getHostString()) + ":" + inet.getPort()
                : String.valueOf(address);
    }

    /** Number of open SSH connections, for DISPLAY and tests. */
    public int connections() {
        return pool.size();
    }

    /** Every SSH connection open or being opened, oldest first. */
    public List<SshConnectionView> pooled() {
        long now = System.nanoTime();
        return pool.views().stream().map(v -> {
            ClientSession session = v.session();
            PoolKey key = v.key();
            SshHostSettings host = key.client().host();
            return new SshConnectionView(host.name(), key.user() + "@" + key.address() + ":" + host.port(),
                    v.tunnels(), Duration.ofNanos(now - v.createdNanos()), v.retiring(),
                    session == null ? "-" : String.valueOf(session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS)),
                    session == null ? "-" : String.valueOf(session.getNegotiatedKexParameter(KexProposalOption.C2SENC)),
                    session == null || session.getServerKey() == null ? "-" : KeyUtils.getKeyType(session.getServerKey()));
        }).toList();
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
        logins.close();
    }
}
