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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens tunnels through the configured SSH hosts. Tunnels to the same SSH server with the same
 * credentials share one SSH connection, up to the host's MAXCHANNELS; a connection with no tunnel
 * left closes after a minute; a connection whose login failed is never reused. Nothing here blocks
 * except the SSH server's name lookup in {@link #open}, which callers run off their I/O threads.
 */
public final class SshTunnels implements AutoCloseable {
    /** How long an SSH connection with no tunnel stays open for the next one. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(60);

    private final Map<String, SshHostSettings> hosts = new LinkedHashMap<>();
    private final Map<String, SshClient> clients = new HashMap<>();
    private final Map<String, List<KeyPair>> keys = new HashMap<>();
    private final Map<PoolKey, List<Pooled>> pool = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final Duration connectTimeout;
    private final byte[] poolSecret = new byte[32];

    private record PoolKey(String sshHost, String address, String user, String credentialDigest) {
    }

    /** One SSH connection and the tunnels it carries. Guarded by the enclosing instance. */
    private static final class Pooled {
        final CompletableFuture<ClientSession> session;
        int channels = 1;
        boolean unusable;
        ScheduledFuture<?> idleClose;

        Pooled(CompletableFuture<ClientSession> session) {
            this.session = session;
        }
    }

    public SshTunnels(List<SshHostSettings> settings, Duration connectTimeout, ScheduledExecutorService timer) {
        this.timer = timer;
        this.connectTimeout = connectTimeout;
        new SecureRandom().nextBytes(poolSecret);
        for (SshHostSettings host : settings) {
            hosts.put(host.name(), host);
        }
    }

    /** Starts one SSH client per SSH host: each has its own known-hosts check and cipher order. */
    public void start() {
        for (SshHostSettings host : hosts.values()) {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(new HostKeyCheck(host.knownHosts(), host.hostKeys()));
            client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
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
            clients.put(host.name(), client);
        }
    }

    /**
     * Opens a tunnel from {@code origin} (the client, for the SSH server's logs) to
     * {@code destination:port} as the SSH server sees it. Fails with a {@link TunnelFailure}.
     */
    public CompletableFuture<TunnelStream> open(String sshHost, Credentials credentials, String destination, int port,
                                                String originHost, int originPort) {
        SshHostSettings host = hosts.get(sshHost);
        if (host == null) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.OTHER, "no SSHHOST " + sshHost, null));
        }
        String address = host.hostFor(destination);
        PoolKey key = new PoolKey(host.name(), address, credentials.user(), digest(credentials));
        Pooled pooled = acquire(key, host, () -> connect(host, address, credentials));
        return pooled.session.thenCompose(session -> channelOn(host, key, pooled, session, destination, port, originHost, originPort));
    }

    /** A channel on an acquired connection; the connection's count is released when the channel closes or fails. */
    private CompletableFuture<TunnelStream> channelOn(SshHostSettings host, PoolKey key, Pooled pooled, ClientSession session,
                                                      String destination, int port, String originHost, int originPort) {
        return openChannel(host, session, destination, port, originHost, originPort, () -> release(key, pooled),
                (dest, p, oh, op) -> {
                    synchronized (this) {
                        pooled.channels++;
                    }
                    return channelOn(host, key, pooled, session, dest, p, oh, op);
                })
                .whenComplete((stream, error) -> {
                    if (error != null) {
                        release(key, pooled);
                    }
                });
    }

    private synchronized Pooled acquire(PoolKey key, SshHostSettings host, java.util.function.Supplier<CompletableFuture<ClientSession>> connect) {
        List<Pooled> connections = pool.computeIfAbsent(key, k -> new ArrayList<>());
        for (Pooled p : connections) {
            if (!p.unusable && p.channels < host.maxChannels() && !isClosed(p)) {
                p.channels++;
                if (p.idleClose != null) {
                    p.idleClose.cancel(false);
                    p.idleClose = null;
                }
                return p;
            }
        }
        Pooled fresh = new Pooled(new CompletableFuture<>());
        connections.add(fresh);
        connect.get().whenComplete((session, error) -> {
            if (error != null) {
                forget(key, fresh); // a failed login is never reused
                fresh.session.completeExceptionally(error);
                return;
            }
            session.addCloseFutureListener(f -> forget(key, fresh));
            fresh.session.complete(session);
        });
        return fresh;
    }

    private static boolean isClosed(Pooled p) {
        ClientSession session = p.session.getNow(null);
        return session != null && (session.isClosing() || session.isClosed());
    }

    private synchronized void forget(PoolKey key, Pooled pooled) {
        pooled.unusable = true;
        List<Pooled> connections = pool.get(key);
        if (connections != null) {
            connections.remove(pooled);
            if (connections.isEmpty()) {
                pool.remove(key);
            }
        }
    }

    private synchronized void release(PoolKey key, Pooled pooled) {
        if (--pooled.channels > 0 || pooled.unusable) {
            return;
        }
        pooled.idleClose = timer.schedule(() -> closeIfIdle(key, pooled), IDLE_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeIfIdle(PoolKey key, Pooled pooled) {
        synchronized (this) {
            if (pooled.channels > 0) {
                return;
            }
            forget(key, pooled);
        }
        pooled.session.thenAccept(session -> session.close(false));
    }

    /** Number of open SSH connections, for DISPLAY and tests. */
    public synchronized int connections() {
        return pool.values().stream().mapToInt(List::size).sum();
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

    private CompletableFuture<ClientSession> connect(SshHostSettings host, String address, Credentials credentials) {
        CompletableFuture<ClientSession> result = new CompletableFuture<>();
        String where = credentials.user() + "@" + address + ":" + host.port();
        List<KeyPair> identities;
        try {
            identities = credentials instanceof Credentials.HostKey ? keys(host) : List.of();
        } catch (TunnelFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        ConnectFuture connecting;
        try {
            connecting = clients.get(host.name()).connect(credentials.user(), address, host.port());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE,
                    "cannot reach SSH host " + address + ":" + host.port() + ": " + e.getMessage(), e));
        }
        connecting.addListener(connected -> {
            if (!connected.isConnected()) {
                Throwable cause = connected.getException();
                result.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE, "cannot reach SSH host "
                        + address + ":" + host.port() + ": " + (cause == null ? "no answer" : cause.getMessage()), cause));
                return;
            }
            ClientSession session = connected.getSession();
            if (credentials instanceof Credentials.Password password) {
                CoreModuleProperties.PREFERRED_AUTHS.set(session, "password,keyboard-interactive");
                session.addPasswordIdentity(new String(password.password()));
            } else {
                CoreModuleProperties.PREFERRED_AUTHS.set(session, "publickey");
                identities.forEach(session::addPublicKeyIdentity);
            }
            AuthFuture auth;
            try {
                auth = session.auth();
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(loginFailure(session, where, e));
                return;
            }
            auth.addListener(done -> {
                if (done.isSuccess()) {
                    result.complete(session);
                } else {
                    result.completeExceptionally(loginFailure(session, where, done.getException()));
                }
            });
        });
        return result;
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
        boolean kexFailed = cause != null && String.valueOf(cause.getMessage()).toLowerCase().contains("key exchange");
        return new TunnelFailure(kexFailed ? TunnelFailure.Kind.SSH_UNREACHABLE : TunnelFailure.Kind.LOGIN_REFUSED,
                (kexFailed ? "SSH key exchange with " + where + " failed" : "SSH login " + where + " refused")
                        + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    /** The SSH host's key pairs, loaded once; the passphrase file is read only here and never kept. */
    private synchronized List<KeyPair> keys(SshHostSettings host) throws TunnelFailure {
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

    private CompletableFuture<TunnelStream> openChannel(SshHostSettings host, ClientSession session, String destination, int port,
                                                        String originHost, int originPort, Runnable onClose,
                                                        DirectTcpipStream.SiblingOpener siblings) {
        CompletableFuture<TunnelStream> result = new CompletableFuture<>();
        ChannelDirectTcpip channel;
        OpenFuture opening;
        try {
            channel = session.createDirectTcpipChannel(new SshdSocketAddress(originHost, originPort),
                    new SshdSocketAddress(destination, port));
            channel.setStreaming(StreamingChannel.Streaming.Async);
            channel.addChannelListener(DirectTcpipStream.eofListener());
            opening = channel.open();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new TunnelFailure(TunnelFailure.Kind.OTHER,
                    "cannot open a channel on SSH host " + host.name() + ": " + e.getMessage(), e));
        }
        String description = "via " + host.name() + " (ssh " + session.getUsername() + "@" + session.getConnectAddress() + ", "
                + session.getNegotiatedKexParameter(KexProposalOption.C2SENC) + ")";
        opening.addListener(opened -> {
            if (opened.isOpened()) {
                result.complete(new DirectTcpipStream(channel, description, onClose, siblings));
            } else {
                result.completeExceptionally(channelFailure(host, destination, port, opened.getException()));
            }
        });
        return result;
    }

    private static TunnelFailure channelFailure(SshHostSettings host, String destination, int port, Throwable cause) {
        String target = destination + ":" + port;
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
        for (SshClient client : clients.values()) {
            client.stop();
        }
    }
}
