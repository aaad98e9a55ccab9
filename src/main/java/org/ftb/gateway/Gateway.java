package org.ftb.gateway;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.ftb.address.IpAddress;
import org.ftb.config.GatewaySettings;
import org.ftb.jmx.Statistics;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.rules.Destination;
import org.ftb.status.GatewayStatus;
import org.ftb.status.SessionView;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ftb gateway}: an embedded SSH server that allows only direct-tcpip channels, and only to
 * the PERMIT destinations. No shell, exec, sftp or remote forwarding. Passwords are checked against
 * a users file of salted hashes; public keys against the user's own authorized_keys file.
 */
public final class Gateway implements AutoCloseable {
    /** How long a refused password waits for its answer; fixed, as OpenSSH's PAM delay, so that it tells nothing. */
    public static final Duration FAILURE_DELAY = Duration.ofSeconds(2);

    /** The session number DISPLAY and CANCEL name an SSH connection by (S1, S2...), and its open channels. */
    private static final AttributeRepository.AttributeKey<Long> SESSION_ID = new AttributeRepository.AttributeKey<>();
    private static final AttributeRepository.AttributeKey<AtomicInteger> CHANNELS = new AttributeRepository.AttributeKey<>();
    /** System.nanoTime() when the connection was accepted. */
    private static final AttributeRepository.AttributeKey<Long> OPENED = new AttributeRepository.AttributeKey<>();

    private final SshServer server;
    /** The start's, then RELOAD's for PERMIT and USERS; LISTEN, HOSTKEY and the rest stay as they started. */
    private volatile GatewaySettings settings;
    private final Map<Long, org.apache.sshd.common.session.Session> open = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final MessageLog messages;
    private final Logins logins;
    private final KeyPair hostKey;
    private final DirectTcpipChannels channels;
    private final long startNanos = System.nanoTime();
    private final AtomicLong sessionsStarted = new AtomicLong();
    private final AtomicLong tunnelsOpened = new AtomicLong();
    private final AtomicLong tunnelsDenied = new AtomicLong();
    private final AtomicInteger sessionsOpen = new AtomicInteger();
    private final AtomicInteger sessionsPeak = new AtomicInteger();
    /** Set once the gateway listens, so that its MBean is named by its listener as bound. */
    private volatile Statistics statistics;

    private Gateway(SshServer server, GatewaySettings settings, MessageLog messages, Logins logins, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
        this.settings = settings;
        this.messages = messages;
        this.logins = logins;
        this.channels = new DirectTcpipChannels(messages, this::allow);
    }

    /** Starts listening; the host key file is generated on first start. */
    public static Gateway start(GatewaySettings settings, MessageLog messages) throws IOException {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(settings.listen().host());
        server.setPort(settings.listen().port());
        HostKeyFile.Loaded loaded = HostKeyFile.loadOrCreate(settings.hostKey(), settings.textFiles());
        if (loaded.created()) {
            messages.log(Msg.FTB0501I, settings.hostKey());
        }
        KeyPair hostKey = loaded.key();
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        Algorithms.install(server);
        Logins logins = new Logins(settings.users(), settings.authorizedKeys().map(dir -> new AuthorizedKeysDirectory(dir, settings.textFiles(), messages)),
                settings.maxAuthTries(), messages);
        logins.install(server);
        Gateway gateway = new Gateway(server, settings, messages, logins, hostKey);
        server.setChannelFactories(List.of(gateway.channels));
        server.setShellFactory(null);
        server.setSubsystemFactories(List.of());
        server.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, gateway.permitFilter()));
        server.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionCreated(org.apache.sshd.common.session.Session session) {
                long id = gateway.sessionsStarted.incrementAndGet();
                gateway.sessionsPeak.accumulateAndGet(gateway.sessionsOpen.incrementAndGet(), Math::max);
                session.setAttribute(SESSION_ID, id);
                session.setAttribute(CHANNELS, new AtomicInteger());
                session.setAttribute(OPENED, System.nanoTime());
                gateway.open.put(id, session);
                if (gateway.draining) {
                    gateway.messages.log(Msg.FTB0516I, Logins.client(session));
                    gateway.refuse(session);
                }
            }

            @Override
            public void sessionClosed(org.apache.sshd.common.session.Session session) {
                gateway.sessionsOpen.decrementAndGet();
                Long id = session.getAttribute(SESSION_ID);
                if (id != null) {
                    gateway.open.remove(id);
                }
            }
        });
        server.addChannelListener(new org.apache.sshd.common.channel.ChannelListener() {
            @Override
            public void channelOpenSuccess(org.apache.sshd.common.channel.Channel channel) {
                gateway.tunnelsOpened.incrementAndGet();
                count(channel, 1);
            }

            @Override
            public void channelClosed(org.apache.sshd.common.channel.Channel channel, Throwable reason) {
                count(channel, -1);
            }

            private void count(org.apache.sshd.common.channel.Channel channel, int delta) {
                AtomicInteger channels = channel.getSession().getAttribute(CHANNELS);
                if (channels != null) {
                    channels.addAndGet(delta);
                }
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            logins.close();
            gateway.channels.close();
            throw e;
        }
        // Before the ready message, as the broker does.
        gateway.statistics = Statistics.publishGateway(() -> gateway.status(Statistics.jarVersion(), false), messages);
        messages.log(Msg.FTB0500I, settings.listen().host() + ":" + server.getPort(), KeyUtils.getKeyType(hostKey),
                KeyUtils.getFingerPrint(hostKey.getPublic()));
        messages.log(Msg.FTB0508I, gateway.knownHostsLine());
        return gateway;
    }

    /** The port actually bound (LISTEN may name port 0 in tests and demos). */
    public int port() {
        return server.getPort();
    }

    /** The host key as a known_hosts entry for this gateway. */
    public String knownHostsLine() {
        return "[" + settings.listen().host() + "]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** SSH_MSG_DISCONNECT with the reason, so that the client's log says why (RFC 4253 section 11.1), then the close. */
    private void refuse(org.apache.sshd.common.session.Session session) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE, "the gateway is draining and takes no new connections");
        } catch (IOException | RuntimeException e) {
            session.close(true);
        }
    }

    /**
     * DRAIN (true) or RESUME (false): while draining, new SSH connections are refused; those open go on
     * opening tunnels, since an FTP session's data connections follow its control connection.
     *
     * @return false when the gateway was in that state already
     */
    public boolean drain(boolean on) {
        boolean was = draining;
        draining = on;
        return was != on;
    }

    /** Closes one SSH connection at once; false when there is none by that number. */
    public boolean cancel(long sessionId) {
        org.apache.sshd.common.session.Session session = open.get(sessionId);
        if (session == null) {
            return false;
        }
        session.close(true);
        return true;
    }

    /**
     * Puts RELOAD's PERMIT list and USERS file in place for the tunnels and logins from now on.
     *
     * @return the operands that changed but take effect only at a restart
     */
    public List<String> reload(GatewaySettings next) {
        GatewaySettings old = settings;
        List<String> atRestart = new java.util.ArrayList<>();
        if (!next.listen().equals(old.listen())) {
            atRestart.add("GATEWAY LISTEN");
        }
        if (!next.hostKey().equals(old.hostKey())) {
            atRestart.add("GATEWAY HOSTKEY");
        }
        if (!next.authorizedKeys().equals(old.authorizedKeys())) {
            atRestart.add("GATEWAY AUTHORIZEDKEYS");
        }
        if (next.maxAuthTries() != old.maxAuthTries()) {
            atRestart.add("GATEWAY MAXAUTHTRIES");
        }
        if (next.users().isPresent() != old.users().isPresent() || next.users().isPresent() && !logins.replaceUsers(next.users().get())) {
            atRestart.add("GATEWAY USERS");
        }
        settings = next;
        return atRestart;
    }

    /** What DISPLAY shows; {@code version} heads it. */
    public GatewayStatus status(String version, boolean stopping) {
        String auth = Stream.of(settings.users().map(u -> "PASSWORD"), settings.authorizedKeys().map(k -> "PUBLICKEY"))
                .flatMap(Optional::stream).collect(Collectors.joining(" "));
        return new GatewayStatus(version, stopping, Duration.ofNanos(System.nanoTime() - startNanos),
                IpAddress.hostForPort(settings.listen().host()) + ":" + port(), auth, sessionsOpen.get(), sessionsPeak.get(),
                sessionsStarted.get(), tunnelsOpened.get(), tunnelsDenied.get(), logins.passwordsRefused(), draining, sessions());
    }

    private List<SessionView> sessions() {
        long nanos = System.nanoTime();
        java.time.Instant now = java.time.Instant.now();
        return open.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            org.apache.sshd.common.session.Session s = e.getValue();
            AtomicInteger channels = s.getAttribute(CHANNELS);
            Long opened = s.getAttribute(OPENED);
            java.time.Instant lastActive = s.getIdleTimeoutStart();
            Duration idle = lastActive == null || lastActive.isAfter(now) ? Duration.ZERO : Duration.between(lastActive, now);
            return new SessionView(e.getKey(), Logins.client(s), "SSH", s.getUsername() == null ? "-" : s.getUsername(), "-", "-", "-",
                    "GATEWAY", "-", s.isAuthenticated() ? "OPEN" : "LOGIN", "", 0, 0,
                    Duration.ofNanos(opened == null ? 0 : nanos - opened), idle, "channels=" + (channels == null ? 0 : channels.get()), 0, "");
        }).toList();
    }

    /** SSH connections accepted since start. */
    public long sessionsStarted() {
        return sessionsStarted.get();
    }

    /** Tunnels (direct-tcpip channels) opened since start. */
    public long tunnelsOpened() {
        return tunnelsOpened.get();
    }

    /** MINA asks again inside the open; {@link DirectTcpipChannels} has decided by then, off MINA's threads. */
    private static TcpForwardingFilter permitFilter() {
        return new TcpForwardingFilter() {
            @Override
            public boolean canListen(SshdSocketAddress address, org.apache.sshd.common.session.Session session) {
                return false;
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, org.apache.sshd.common.session.Session session) {
                return type == Type.Direct && DirectTcpipChannels.approvedHere(address);
            }
        };
    }

    /** A tunnel within PERMIT and within what the login's key allows; a refusal is logged and counted. */
    private boolean allow(org.apache.sshd.common.session.Session session, String host, int port, Optional<byte[]> address) {
        String client = session.getUsername() + "@" + Logins.client(session);
        if (!permitted(host, port, address)) {
            messages.log(Msg.FTB0502W, client, host + ":" + port);
        } else {
            Optional<KeyTunnels> key = Logins.keyTunnels(session);
            if (key.isEmpty() || key.get().allows(host, port)) {
                return true;
            }
            messages.log(Msg.FTB0514W, client, host + ":" + port, key.get().describe());
        }
        tunnelsDenied.incrementAndGet();
        return false;
    }

    /** Matches the host as named and, for names, its address: a name cannot slip past an address rule. */
    private boolean permitted(String host, int port, Optional<byte[]> address) {
        Destination destination = IpAddress.isLiteral(host) ? Destination.ofAddress(address.orElseThrow(), port)
                : Destination.ofName(host, address.orElse(null), port);
        return settings.permits().stream().anyMatch(p -> p.destination().matches(destination) && p.ports().contains(port));
    }

    /** Closes the listener and every SSH session at once, saying who asked. */
    public void stop(String origin) throws IOException {
        messages.log(Msg.FTB0507I, origin, sessionsOpen.get());
        close();
    }

    @Override
    public void close() throws IOException {
        if (statistics != null) {
            statistics.close();
        }
        try {
            server.stop(true);
        } finally {
            logins.close();
            channels.close();
        }
        messages.log(Msg.FTB0505I);
    }
}
