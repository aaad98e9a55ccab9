package org.ftb.ssh;

import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.ftb.config.SshHostSettings;
import org.ftb.testing.EchoServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
                SshHostSettings.DEFAULT_CIPHERS, Duration.ZERO, user, key, Optional.empty(), 32);
    }

    private SshHostSettings fast() {
        return host("FAST", "127.0.0.1", Optional.empty(), Optional.empty());
    }

    @Test
    void aKeyFileThatCannotBeReadStopsNoOtherHost() throws Exception {
        Path fifo = dir.resolve("key_on_a_fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed");
        SshHostSettings slow = host("SLOWKEY", "127.0.0.1", Optional.of("svc"), Optional.of(fifo));
        SshTunnels tunnels = new SshTunnels(List.of(fast(), slow), Duration.ofSeconds(20), timer);
        tunnels.start();
        CompletableFuture<CompletableFuture<TunnelStream>> slowCall = new CompletableFuture<>();
        try {
            TunnelStream control = tunnels.open("FAST", FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 1).get(10, TimeUnit.SECONDS);

            // Reading a FIFO that nobody writes blocks, as a hung file system or a slow decryption would.
            daemon().execute(() -> slowCall.complete(
                    tunnels.open("SLOWKEY", new Credentials.HostKey("svc"), "127.0.0.1", echo.port(), "127.0.0.1", 2)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> aThreadIsIn(frame -> frame.getClassName().startsWith("org.apache.sshd.common.keyprovider.")));

            CompletableFuture<TunnelStream> another = returnsWithinOneSecond("open() via FAST",
                    () -> tunnels.open("FAST", FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 3));
            CompletableFuture<TunnelStream> data = returnsWithinOneSecond("openAlongside() via FAST",
                    () -> control.openAlongside("127.0.0.1", echo.port(), "127.0.0.1", 4));
            assertEchoes(another.get(10, TimeUnit.SECONDS));
            assertEchoes(data.get(10, TimeUnit.SECONDS));
            returnsWithinOneSecond("closing a tunnel via FAST", () -> {
                control.close(true);
                return null;
            });
            CompletableFuture<TunnelStream> slowTunnel = slowCall.get(1, TimeUnit.SECONDS);
            assertThat(slowTunnel).as("the slow host's own open() returned at once too").isNotDone();

            feedUntil(fifo, slowTunnel);
            assertThat(slowTunnel).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(TunnelFailure.class)
                    .satisfies(e -> assertThat(((TunnelFailure) e).kind()).isEqualTo(TunnelFailure.Kind.KEY_UNUSABLE));
        } finally {
            feedUntil(fifo, slowCall);
            tunnels.close();
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
        SshTunnels tunnels = new SshTunnels(List.of(fast(), slow), Duration.ofSeconds(20), timer, slowForOneName);
        tunnels.start();
        try {
            TunnelStream control = tunnels.open("FAST", FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 1).get(10, TimeUnit.SECONDS);
            CompletableFuture<TunnelStream> slowTunnel = returnsWithinOneSecond("open() via SLOWDNS",
                    () -> tunnels.open("SLOWDNS", FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 2));
            // MINA's connect resolves the name right after this step, on the same thread.
            await().atMost(Duration.ofSeconds(10)).until(() -> aThreadIsIn(frame -> frame.getClassName().equals(
                    "org.apache.sshd.client.SshClient") && frame.getMethodName().equals("resolveHost")));

            assertEchoes(returnsWithinOneSecond("open() via FAST",
                    () -> tunnels.open("FAST", FAST_LOGIN, "127.0.0.1", echo.port(), "127.0.0.1", 3)).get(10, TimeUnit.SECONDS));
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

    /** Gives whoever reads {@code fifo} something that is not a key, as often as it opens it, until {@code until} is done. */
    private static void feedUntil(Path fifo, java.util.concurrent.Future<?> until) throws java.io.IOException {
        Process feeder = new ProcessBuilder("sh", "-c", "while :; do echo 'not a key' > \"$0\"; done", fifo.toString()).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(until::isDone);
        } finally {
            feeder.destroyForcibly();
        }
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
