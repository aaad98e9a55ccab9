package org.ftb.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.core.CoreModuleProperties;
import org.ftb.config.SshHostSettings;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Dials SSH hosts and logs in, apart from the pool so that what may block stays out of its way:
 * reading and decrypting the key file, and the SSH server's name lookup, which MINA's
 * {@code SshClient.connect} does on the calling thread, run on a thread of the SSH host's own, so a
 * slow host delays only its own new connections. A failed login says why: the host key, the login
 * itself, or a key exchange that never completed (the server was never really reached).
 */
final class SshLogins implements AutoCloseable {
    /**
     * An SSH client as a session asks for it: its SSH host as configured and its CONNECTTIMEOUT. A RELOAD
     * that changes either makes another client; the old one serves its sessions until it is retired.
     */
    record Client(SshHostSettings host, Duration connectTimeout) {
    }

    /** Each client made, with its MINA client, its connector thread and its key pairs once loaded. */
    private final Map<Client, Host> hosts = new ConcurrentHashMap<>();
    private final HostConfigEntryResolver hostConfig;

    private record Host(SshClient client, ExecutorService connector, AtomicReference<List<KeyPair>> keys) {
    }

    /** @param hostConfig MINA's first step of {@code SshClient.connect}, just before its name lookup */
    SshLogins(HostConfigEntryResolver hostConfig) {
        this.hostConfig = hostConfig;
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

    /** Starts an SSH client: each SSH host has its own known-hosts check and cipher order. */
    private Host start(Client key) {
        SshHostSettings host = key.host();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new HostKeyCheck(host.knownHosts(), host.hostKeys(), host.textFiles()));
        client.setHostConfigEntryResolver(hostConfig);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
        for (String name : host.ciphers()) {
            ciphers.add(BuiltinCiphers.fromFactoryName(name));
        }
        client.setCipherFactories(ciphers);
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.NIO_WORKERS.set(client, 2);
        // OpenSSH sends 32 KiB of data per packet plus its framing: MINA's 32 KiB default took two reads for each.
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(client, 128 * 1024);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, key.connectTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(client, key.connectTimeout());
        // Liveness comes from keepalives, not from traffic: an FTP control connection may idle for long.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        if (!host.keepalive().isZero()) {
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, host.keepalive());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        }
        client.start();
        return new Host(client, connector(host.name()), new AtomicReference<>());
    }

    /** The clients made and not retired. */
    Set<Client> clients() {
        return Set.copyOf(hosts.keySet());
    }

    /** Stops a client and its connector; call it when no connection of the client is left. */
    void retire(Client client) {
        Host retired = hosts.remove(client);
        if (retired != null) {
            stop(retired);
        }
    }

    /** Key files are read again at the next login: a RELOAD may follow a new key put in place of the old. */
    void forgetKeys() {
        hosts.values().forEach(h -> h.keys().set(null));
    }

    /**
     * Connects on the SSH host's own thread and logs in, completing {@code login} with the session or a
     * {@link TunnelFailure}; gives up after the {@link OpenBound}. Returns at once. The password is taken
     * now: the caller may wipe its array once a tunnel is open.
     */
    void login(CompletableFuture<ClientSession> login, Client client, OpenBound bound, String address, Credentials credentials) {
        SshHostSettings host = client.host();
        String where = credentials.user() + "@" + address + ":" + host.port();
        String password = credentials instanceof Credentials.Password p ? new String(p.password()) : null;
        bound.within(login, () -> new TunnelFailure(TunnelFailure.Kind.SSH_UNREACHABLE,
                "SSH host " + where + " did not complete the connection and login within " + bound.seconds() + " s", null));
        Host known = hosts.computeIfAbsent(client, this::start);
        try {
            known.connector().execute(() -> {
                if (!login.isDone()) {
                    dial(login, host, known, address, credentials.user(), password, where);
                }
            });
        } catch (RejectedExecutionException e) {
            login.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.OTHER, "the SSH tunnels are closed", e));
        }
    }

    /** Runs on the SSH host's thread: the key file and MINA's name lookup may block it. */
    private void dial(CompletableFuture<ClientSession> login, SshHostSettings host, Host known, String address, String user,
                      String password, String where) {
        List<KeyPair> identities;
        ConnectFuture connecting;
        try {
            identities = password == null ? keys(host, known.keys()) : List.of();
            connecting = known.client().connect(user, address, host.port());
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
    private List<KeyPair> keys(SshHostSettings host, AtomicReference<List<KeyPair>> keys) throws TunnelFailure {
        List<KeyPair> loaded = keys.get();
        if (loaded != null) {
            return loaded;
        }
        Path keyFile = host.key().orElseThrow(() -> new TunnelFailure(TunnelFailure.Kind.KEY_UNUSABLE,
                "SSHHOST " + host.name() + " has no KEY", null));
        // Checked at load as well as by the configuration: the files may have changed since the start.
        Optional<String> refusal = PrivateFiles.unprotected("KEY", keyFile)
                .or(() -> host.passphrase().flatMap(p -> PrivateFiles.unprotected("PASSPHRASE", p)));
        if (refusal.isPresent()) {
            throw new TunnelFailure(TunnelFailure.Kind.KEY_UNUSABLE, refusal.get() + " (SSHHOST " + host.name() + ")", null);
        }
        try {
            byte[] key = secretText(host, "KEY", keyFile).getBytes(StandardCharsets.UTF_8);
            FileKeyPairProvider provider = new FileKeyPairProvider(keyFile) {
                // MINA reads a key file as UTF-8: it is given the text decoded by the platform's rule instead.
                @Override
                protected InputStream openKeyPairResource(SessionContext session, NamedResource resource, Path path) {
                    return new ByteArrayInputStream(key);
                }
            };
            if (host.passphrase().isPresent()) {
                List<String> lines = secretText(host, "PASSPHRASE", host.passphrase().get()).lines().toList();
                provider.setPasswordFinder(FilePasswordProvider.of(lines.isEmpty() ? "" : lines.get(0)));
            }
            List<KeyPair> pairs = new ArrayList<>();
            provider.loadKeys(null).forEach(pairs::add);
            if (pairs.isEmpty()) {
                throw new IOException("no key found");
            }
            keys.set(List.copyOf(pairs));
            return pairs;
        } catch (IOException | RuntimeException e) {
            // The message names the file, never the passphrase.
            throw new TunnelFailure(TunnelFailure.Kind.KEY_UNUSABLE, "cannot use KEY " + keyFile + " of SSHHOST " + host.name()
                    + ": " + e.getClass().getSimpleName() + (host.passphrase().isPresent() ? " (wrong passphrase?)" : ""), e);
        }
    }

    /**
     * The text of a KEY or PASSPHRASE file, decoded by the platform's rule. One that is not text is
     * refused with the reason's summary only: the byte it shows would be a byte of a secret.
     */
    private static String secretText(SshHostSettings host, String operand, Path file) throws IOException, TunnelFailure {
        try {
            return host.textFiles().read(file).text();
        } catch (TextFiles.NotTextException e) {
            throw new TunnelFailure(TunnelFailure.Kind.KEY_UNUSABLE, operand + " " + file + " of SSHHOST " + host.name()
                    + " cannot be used: " + e.summary(), null);
        }
    }

    /** Stops the connector threads and the SSH clients, and every connection with them. */
    @Override
    public void close() {
        hosts.values().forEach(SshLogins::stop);
        hosts.clear();
    }

    private static void stop(Host host) {
        host.connector().shutdownNow();
        host.client().stop();
    }
}
