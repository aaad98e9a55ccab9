package org.ftb.ssh;

import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.loader.openssh.kdf.BCryptKdfOptions;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.ftb.config.SshHostSettings;
import org.ftb.testing.EchoServer;
import org.ftb.platform.PrivateFiles;
import org.ftb.testing.TestSshServer;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Fault 9 (issue 6): a slow key file or a slow name lookup of one SSH host must not stop tunnels
 * through another. Before the fix, the key was read under the monitor that every open, every data
 * tunnel and every channel close takes, and MINA's connect (with its name lookup) ran under it too.
 */
@Timeout(60)
class Fault09NoBlockingTest {
    /** CONNECTTIMEOUT of the tunnels. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Credentials FAST_LOGIN = new Credentials.Password("u", "pw".toCharArray());

    @TempDir
    Path dir;
    private TestSshServer ssh;
    private EchoServer echo;
    private Path knownHosts;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void setUp() throws Exception {
        KeyPair clientKey = TestSshServer.writeRsaKey(dir.resolve("unused_key"));
        ssh = TestSshServer.start(dir, Map.of("u", "pw"), clientKey.getPublic(), true);
        echo = new EchoServer();
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
        ssh.close();
        timer.shutdownNow();
    }

    private SshHostSettings host(String name, String address, Optional<String> user, Optional<Path> key) {
        return new SshHostSettings(name, Optional.of(address), ssh.port(), knownHosts, SshHostSettings.HostKeyPolicy.STRICT,
                SshHostSettings.DEFAULT_CIPHERS, Duration.ZERO, user, key, Optional.empty(), 32, TestTextFiles.UTF8);
    }

    private SshHostSettings fast() {
        return host("FAST", "127.0.0.1", Optional.empty(), Optional.empty());
    }

    /**
     * The key's load is made slow by its KDF: a FIFO, which blocked the read until the test fed it, is now
     * refused before it is read (an UNPROTECTED PRIVATE KEY FILE, not a regular file). An OpenSSH key
     * encrypted with bcrypt rounds enough for several seconds' work, and a wrong passphrase, keeps the
     * load busy for as long, then fails as the FIFO's "not a key" did.
     */
    @Test
    void aKeyFileThatIsSlowToLoadStopsNoOtherHost() throws Exception {
        int maxRounds = BCryptKdfOptions.getMaxAllowedRounds();
        BCryptKdfOptions.setMaxAllowedRounds(Integer.MAX_VALUE);
        try {
            Path key = dir.resolve("slow_key");
            Path passphrase = dir.resolve("wrong_passphrase");
            try (OutputStream out = PrivateFiles.create(passphrase)) {
                out.write("not the passphrase\n".getBytes(StandardCharsets.UTF_8));
            }
            writeEncryptedKey(key, roundsForSeconds(8));
            SshHostSettings slow = new SshHostSettings("SLOWKEY", Optional.of("127.0.0.1"), ssh.port(), knownHosts,
                    SshHostSettings.HostKeyPolicy.STRICT, SshHostSettings.DEFAULT_CIPHERS, Duration.ZERO, Optional.of("svc"),
                    Optional.of(key), Optional.of(passphrase), 32, TestTextFiles.UTF8);
            SshTunnels tunnels = new SshTunnels(List.of(fast(), slow), TIMEOUT, timer);
                        try {
                TunnelStream control = tunnels.open(fast(), TIMEOUT, FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 1).get(10, TimeUnit.SECONDS);
                CompletableFuture<TunnelStream> slowTunnel = returnsWithinOneSecond("open() via SLOWKEY",
                        () -> tunnels.open(slow, TIMEOUT, new Credentials.HostKey("svc"), "127.0.0.1", echo.port(), "127.0.0.1", 2));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> aThreadIsIn(frame -> frame.getClassName().startsWith("org.apache.sshd.common.keyprovider.")));

                CompletableFuture<TunnelStream> another = returnsWithinOneSecond("open() via FAST",
                        () -> tunnels.open(fast(), TIMEOUT, FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 3));
                CompletableFuture<TunnelStream> data = returnsWithinOneSecond("openAlongside() via FAST",
                        () -> control.openAlongside("127.0.0.1", echo.port(), "127.0.0.1", 4));
                assertEchoes(another.get(10, TimeUnit.SECONDS));
                assertEchoes(data.get(10, TimeUnit.SECONDS));
                returnsWithinOneSecond("closing a tunnel via FAST", () -> {
                    control.close(true);
                    return null;
                });
                assertThat(aThreadIsIn(frame -> frame.getClassName().startsWith("org.apache.sshd.common.keyprovider.")))
                        .as("the slow key was still loading all along").isTrue();
                assertThat(slowTunnel).failsWithin(Duration.ofSeconds(40)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOf(TunnelFailure.class)
                        .satisfies(e -> assertThat(((TunnelFailure) e).kind()).isEqualTo(TunnelFailure.Kind.KEY_UNUSABLE));
            } finally {
                tunnels.close();
            }
        } finally {
            BCryptKdfOptions.setMaxAllowedRounds(maxRounds);
        }
    }

    /** bcrypt rounds that take about {@code seconds} to derive here, measured rather than guessed: machines differ. */
    private int roundsForSeconds(int seconds) throws Exception {
        Path probe = dir.resolve("probe_key");
        int rounds = 32;
        writeEncryptedKey(probe, rounds);
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(probe)) {
            SecurityUtils.loadKeyPairIdentities(null, new PathResource(probe), in, FilePasswordProvider.of("not the passphrase"));
        } catch (Exception expected) {
            // The wrong passphrase is found only after the rounds.
        }
        double perRound = (System.nanoTime() - start) / 1e9 / rounds;
        return (int) Math.max(rounds, seconds / perRound);
    }

    private static void writeEncryptedKey(Path file, int rounds) throws Exception {
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword("the passphrase");
        encryption.setCipherType("256");
        encryption.setKdfRounds(rounds);
        try (OutputStream out = PrivateFiles.create(file)) {
            new OpenSSHKeyPairResourceWriter().writePrivateKey(pair, "slow", encryption, out);
        }
    }

    @Test
    void aSlowNameLookupStopsNoOtherHost() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        HostConfigEntryResolver slowForOneName = (host, port, local, user, proxyJump, context) -> {
            if (host.equals("slow.test")) {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HostConfigEntryResolver.EMPTY.resolveEffectiveHost(host, port, local, user, proxyJump, context);
        };
        SshHostSettings slow = host("SLOWDNS", "slow.test", Optional.empty(), Optional.empty());
        SshTunnels tunnels = new SshTunnels(List.of(fast(), slow), TIMEOUT, timer, slowForOneName);
                try {
            TunnelStream control = tunnels.open(fast(), TIMEOUT, FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 1).get(10, TimeUnit.SECONDS);
            CompletableFuture<TunnelStream> slowTunnel = returnsWithinOneSecond("open() via SLOWDNS",
                    () -> tunnels.open(slow, TIMEOUT, FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 2));
            // MINA's connect resolves the name right after this step, on the same thread.
            await().atMost(Duration.ofSeconds(10)).until(() -> aThreadIsIn(frame -> frame.getClassName().equals(
                    "org.apache.sshd.client.SshClient") && frame.getMethodName().equals("resolveHost")));

            assertEchoes(returnsWithinOneSecond("open() via FAST",
                    () -> tunnels.open(fast(), TIMEOUT, FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 3)).get(10, TimeUnit.SECONDS));
            assertEchoes(returnsWithinOneSecond("openAlongside() via FAST",
                    () -> control.openAlongside("127.0.0.1", echo.port(), "127.0.0.1", 4)).get(10, TimeUnit.SECONDS));
            assertThat(slowTunnel).isNotDone();

            answer.countDown();
            assertThat(slowTunnel).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(TunnelFailure.class)
                    .satisfies(e -> assertThat(((TunnelFailure) e).kind()).isEqualTo(TunnelFailure.Kind.SSH_UNREACHABLE));
        } finally {
            answer.countDown();
            tunnels.close();
        }
    }

    private static java.util.concurrent.Executor daemon() {
        return task -> {
            Thread thread = new Thread(task, "test-caller");
            thread.setDaemon(true);
            thread.start();
        };
    }

    /** Runs {@code call} on a thread of its own and fails the test if it has not returned after a second. */
    private static <T> T returnsWithinOneSecond(String what, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        daemon().execute(task);
        try {
            return task.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " blocked its caller for more than a second while another SSH host was stuck");
        }
    }

    private static boolean aThreadIsIn(java.util.function.Predicate<StackTraceElement> where) {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> Arrays.stream(stack).anyMatch(where));
    }

    private static void assertEchoes(TunnelStream stream) throws Exception {
        CompletableFuture<byte[]> back = new CompletableFuture<>();
        org.ftb.relay.Endpoint.Reader reader = new org.ftb.relay.Endpoint.Reader() {
            @Override
            public void received(java.nio.ByteBuffer data) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                back.complete(bytes);
            }

            @Override
            public void ended() {
                back.complete(new byte[0]);
            }

            @Override
            public void failed(Throwable cause) {
                back.completeExceptionally(cause);
            }
        };
        stream.write(java.nio.ByteBuffer.wrap(new byte[]{'x'}), new org.ftb.relay.Endpoint.Writer() {
            @Override
            public void written() {
                stream.read(reader);
            }

            @Override
            public void failed(Throwable cause) {
                back.completeExceptionally(cause);
            }
        });
        assertThat(back.get(10, TimeUnit.SECONDS)).containsExactly('x');
        stream.close(true);
    }
}
